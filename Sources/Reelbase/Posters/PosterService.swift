import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Makes and finds a generation's poster: the video blob is copied to a temporary file, a frame
/// is extracted, stored as a blob and linked to the generation. Runs as the `extract_poster` job;
/// any failure leaves the generation without a poster, never failed.
struct PosterService: Sendable {
    let db: PostgresClient
    let store: any BlobStore
    let extractor: PosterExtractor
    let logger: Logger

    /// Extracts and links the poster; true when the generation has one afterwards.
    @discardableResult
    func makePoster(team: UUID, generation: UUID, video: UUID) async throws -> Bool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("video-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        do {
            for try await piece in try await store.read(team: team, id: video, range: nil) { try handle.write(contentsOf: Data(buffer: piece)) }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        guard let blob = try await storePoster(team: team, videoAt: file) else { return false }
        let rows = try await db.query("""
            UPDATE generations SET poster_blob_id = \(blob.id)
            WHERE team_id = \(team) AND id = \(generation) AND poster_blob_id IS NULL RETURNING id
            """, logger: logger)
        if try await rows.decode(UUID.self).firstElement() == nil {
            try? await store.delete(team: team, id: blob.id)  // another run was first, or the generation is gone
        }
        return true
    }

    /// Extracts a poster from a video file and stores it as the team's blob (unlinked); nil when
    /// no frame could be taken (no ffmpeg, not a video). Cuts use it for their own poster.
    func storePoster(team: UUID, videoAt file: URL) async throws -> StoredBlob? {
        guard let jpeg = try await extractor.poster(fromVideoAt: file) else { return nil }
        return try await store.put(team: team, contentType: "image/jpeg", maxBytes: extractor.maxBytes, from: [ByteBuffer(bytes: jpeg)].async)
    }

    /// The poster's blob, scoped by team.
    func posterBlob(team: UUID, generation: UUID) async throws -> UUID? {
        let rows = try await db.query("SELECT poster_blob_id FROM generations WHERE team_id = \(team) AND id = \(generation)", logger: logger)
        return try await rows.decode(UUID?.self).firstElement() ?? nil
    }
}
