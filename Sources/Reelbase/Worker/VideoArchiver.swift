import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Copies a finished video into the blob store, streamed in chunks with its SHA-256, before the
/// job may be marked succeeded. Size- and time-capped.
struct VideoArchiver: Sendable {
    let http: HTTPClient
    let store: any BlobStore
    let maxBytes: Int
    let timeout: Duration
    let logger: Logger

    enum Failure: Error, CustomStringConvertible {
        case status(Int)
        case tooLarge(Int)
        var description: String {
            switch self {
            case .status(let code): "the video download answered HTTP \(code)"
            case .tooLarge(let limit): "the video is larger than the \(limit)-byte limit"
            }
        }
    }

    func archive(_ video: GeneratedVideo, team: UUID) async throws -> StoredBlob {
        switch video.content {
        case .bytes(let data, let contentType):
            return try await store.put(team: team, contentType: contentType, maxBytes: maxBytes, from: [ByteBuffer(bytes: data)].async)
        case .url(let url):
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            let response = try await http.execute(request, timeout: .seconds(Int64(timeout.seconds)))
            guard response.status == .ok else { throw Failure.status(Int(response.status.code)) }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes { throw Failure.tooLarge(maxBytes) }
            let type = response.headers.first(name: "content-type").flatMap { $0.split(separator: ";").first.map(String.init) } ?? "video/mp4"
            do {
                return try await store.put(team: team, contentType: type, maxBytes: maxBytes, from: response.body)
            } catch BlobStoreError.tooLarge(_) {
                throw Failure.tooLarge(maxBytes)
            }
        }
    }
}

extension Array where Element: Sendable {
    /// An array as an AsyncSequence, for APIs that stream.
    var async: AsyncArraySequence<Self> { AsyncArraySequence(self) }
}

struct AsyncArraySequence<Base: Sequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    typealias Element = Base.Element
    let base: Base
    init(_ base: Base) { self.base = base }
    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Base.Iterator
        mutating func next() async -> Element? { iterator.next() }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: base.makeIterator()) }
}
