import Foundation
import NIOCore

/// A stored blob's identity and size.
public struct StoredBlob: Sendable, Equatable {
    public let id: UUID
    public let sha256: Data
    public let size: Int64
    public let contentType: String
}

public enum BlobStoreError: Error, Sendable, Equatable {
    /// The body went past `maxBytes`; nothing was kept.
    case tooLarge(limit: Int)
    case notFound
}

/// Where file bytes live (PostgreSQL by default; an object store can replace it). Bytes go in
/// and come out as streams of chunks, so no request holds a whole file in memory.
public protocol BlobStore: Sendable {
    /// Streams `body` into a new blob. Past `maxBytes` it throws `.tooLarge` and keeps nothing.
    func put<Body: AsyncSequence>(team: UUID, contentType: String, maxBytes: Int, from body: Body) async throws -> StoredBlob
        where Body.Element == ByteBuffer

    func info(team: UUID, id: UUID) async throws -> StoredBlob?

    /// The bytes in `range` (the whole blob when nil; clamped to its size), fetched lazily in
    /// chunks as the consumer asks for them. Throws `.notFound`.
    func read(team: UUID, id: UUID, range: Range<Int64>?) async throws -> BlobByteStream

    func delete(team: UUID, id: UUID) async throws
}

/// A pull-based stream of a blob's bytes: each piece is fetched only when the consumer (for
/// example a response body being written to a slow client) asks for the next one.
public struct BlobByteStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    /// Total bytes the stream yields.
    public let byteCount: Int64
    let pieces: Int
    let fetch: @Sendable (Int) async throws -> ByteBuffer

    public init(byteCount: Int64, pieces: Int, fetch: @escaping @Sendable (Int) async throws -> ByteBuffer) {
        self.byteCount = byteCount
        self.pieces = pieces
        self.fetch = fetch
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: BlobByteStream
        var next = 0

        public mutating func next() async throws -> ByteBuffer? {
            guard next < stream.pieces else { return nil }
            defer { next += 1 }
            return try await stream.fetch(next)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }

    /// Everything, in one buffer: for small blobs only (tests, image headers).
    public func collect() async throws -> ByteBuffer {
        var all = ByteBuffer()
        for try await var piece in self { all.writeBuffer(&piece) }
        return all
    }
}
