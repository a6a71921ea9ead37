import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Blobs as rows of ~256 KiB `bytea` chunks. An upload holds no connection while it waits for
/// the sender and is invisible until complete (see `put`); a range read fetches only the chunks
/// it covers, one query per chunk, without holding a connection between them.
public struct PostgresBlobStore: BlobStore {
    public static let defaultChunkSize = 256 * 1024

    let db: PostgresClient
    let logger: Logger
    let chunkSize: Int

    public init(db: PostgresClient, logger: Logger, chunkSize: Int = PostgresBlobStore.defaultChunkSize) {
        self.db = db
        self.logger = logger
        self.chunkSize = chunkSize
    }

    /// Each chunk is written in its own short statement as it arrives, so no connection waits
    /// on a slow sender; the blob becomes readable only when the last statement sets its digest.
    /// The blob's row goes with its first chunk and the digest with its last (a blob of one
    /// chunk, such as a poster or a short clip, is one statement). A body that fails half-way
    /// is deleted; one whose process died is pruned by age (the periodic `PruneExpiredRows` job).
    public func put<Body: AsyncSequence>(team: UUID, contentType: String, maxBytes: Int, from body: Body) async throws -> StoredBlob
        where Body.Element == ByteBuffer {
        let id = UUID()
        do {
            var hasher = SHA256()
            var size: Int64 = 0
            var pending = ByteBuffer()
            pending.reserveCapacity(chunkSize)
            // A full chunk is held back until more bytes arrive: then it is not the last one.
            var full: ByteBuffer?
            var index = 0
            for try await var piece in body {
                size += Int64(piece.readableBytes)
                guard size <= Int64(maxBytes) else { throw BlobStoreError.tooLarge(limit: maxBytes) }
                piece.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                while var slice = piece.readSlice(length: min(chunkSize - pending.readableBytes, piece.readableBytes)),
                      slice.readableBytes > 0 {
                    if let chunk = full {
                        try await db.query(try chunkRow(team: team, id: id, index: index, bytes: chunk, contentType: contentType), logger: logger)
                        (full, index) = (nil, index + 1)
                    }
                    pending.writeBuffer(&slice)
                    if pending.readableBytes == chunkSize {
                        full = pending
                        pending = ByteBuffer()
                        pending.reserveCapacity(chunkSize)
                    }
                }
            }
            let digest = Data(hasher.finalize())
            let last = full ?? (pending.readableBytes > 0 ? pending : nil)
            try await db.query(try lastRow(team: team, id: id, index: index, bytes: last, contentType: contentType, digest: digest, size: size),
                               logger: logger)
            return StoredBlob(id: id, sha256: digest, size: size, contentType: contentType)
        } catch {
            // Not cancelled with the request that failed: the half-written rows must go.
            let (db, logger) = (db, logger)
            Task { try? await db.query("DELETE FROM blobs WHERE team_id = \(team) AND id = \(id)", logger: logger) }
            throw error
        }
    }

    /// A chunk that is not the last; the first one brings the blob's row (no digest yet).
    private func chunkRow(team: UUID, id: UUID, index: Int, bytes: ByteBuffer, contentType: String) throws -> PostgresQuery {
        guard index == 0 else {
            return "INSERT INTO blob_chunks (team_id, blob_id, index, bytes) VALUES (\(team), \(id), \(index), \(bytes))"
        }
        return try firstChunkRow(team: team, id: id, bytes: bytes, contentType: contentType, digest: nil, size: 0)
    }

    /// The last chunk (`bytes` nil: the body was empty) with the digest and size that make the
    /// blob readable. A full chunk is only written once more bytes follow, so a last chunk after
    /// others always has bytes.
    private func lastRow(team: UUID, id: UUID, index: Int, bytes: ByteBuffer?, contentType: String, digest: Data, size: Int64) throws -> PostgresQuery {
        guard let bytes else {
            return try """
                INSERT INTO blobs (id, team_id, content_type, chunk_size, sha256, size) VALUES (\(id), \(team), \(contentType), \(chunkSize), \(digest), \(size))
                """
        }
        guard index == 0 else {
            return try """
                WITH chunk AS (INSERT INTO blob_chunks (team_id, blob_id, index, bytes) VALUES (\(team), \(id), \(index), \(bytes)))
                UPDATE blobs SET sha256 = \(digest), size = \(size) WHERE id = \(id) AND team_id = \(team)
                """
        }
        return try firstChunkRow(team: team, id: id, bytes: bytes, contentType: contentType, digest: digest, size: size)
    }

    /// The blob's row with its first chunk; with its digest when that chunk is also the last
    /// (NULL until then: the blob stays unreadable).
    private func firstChunkRow(team: UUID, id: UUID, bytes: ByteBuffer, contentType: String, digest: Data?, size: Int64) throws -> PostgresQuery {
        try """
            WITH blob AS (
                INSERT INTO blobs (id, team_id, content_type, chunk_size, sha256, size)
                VALUES (\(id), \(team), \(contentType), \(chunkSize), \(digest), \(size)) RETURNING id
            )
            INSERT INTO blob_chunks (team_id, blob_id, index, bytes) SELECT \(team), id, 0, \(bytes) FROM blob
            """
    }

    public func info(team: UUID, id: UUID) async throws -> StoredBlob? {
        try await located(team: team, id: id)?.blob
    }

    public func read(team: UUID, id: UUID, range: Range<Int64>?) async throws -> BlobByteStream {
        guard let (blob, chunkSize) = try await located(team: team, id: id) else { throw BlobStoreError.notFound }
        let wanted = range ?? 0..<blob.size
        let lower = max(0, wanted.lowerBound), upper = min(blob.size, wanted.upperBound)
        guard lower < upper else { return BlobByteStream(byteCount: 0, pieces: 0) { _ in ByteBuffer() } }
        let size = Int64(chunkSize)
        let firstChunk = Int(lower / size), lastChunk = Int((upper - 1) / size)
        let (db, logger) = (db, logger)
        return BlobByteStream(byteCount: upper - lower, pieces: lastChunk - firstChunk + 1) { piece in
            let index = firstChunk + piece
            let chunkStart = Int64(index) * size
            // 1-based positions for substring(); only this chunk's slice crosses the wire.
            let from = max(lower, chunkStart) - chunkStart + 1
            let length = min(upper, chunkStart + size) - max(lower, chunkStart)
            let rows = try await db.query("""
                SELECT substring(bytes FROM \(from)::int4 FOR \(length)::int4) FROM blob_chunks
                WHERE team_id = \(team) AND blob_id = \(id) AND index = \(index)
                """, logger: logger)
            guard let bytes = try await rows.decode(ByteBuffer.self).firstElement() else { throw BlobStoreError.notFound }
            return bytes
        }
    }

    public func delete(team: UUID, id: UUID) async throws {
        try await db.query("DELETE FROM blobs WHERE team_id = \(team) AND id = \(id)", logger: logger)
    }

    private func located(team: UUID, id: UUID) async throws -> (blob: StoredBlob, chunkSize: Int)? {
        let rows = try await db.query("""
            SELECT sha256, size, content_type, chunk_size FROM blobs
            WHERE team_id = \(team) AND id = \(id) AND sha256 IS NOT NULL
            """, logger: logger)
        guard let (sha, size, type, chunkSize) = try await rows.decode((Data, Int64, String, Int32).self).firstElement() else { return nil }
        return (StoredBlob(id: id, sha256: sha, size: size, contentType: type), Int(chunkSize))
    }
}
