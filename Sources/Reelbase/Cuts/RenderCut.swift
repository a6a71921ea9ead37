import Foundation
import NIOCore

/// Joins a cut's takes with ffmpeg, archives the video in the blob store like any video, adds
/// its poster and marks it ready (`cut.ready`). Safe to run again: a cut no longer rendering is
/// left alone, and a second run's blobs are dropped. A video tool's refusal (no ffmpeg, an
/// unreadable take) is final: the cut fails with its reason instead of retrying.
struct RenderCut: JobHandler {
    struct Payload: Codable, Sendable {
        let team: UUID
        let storyboard: UUID
        let number: Int
    }
    static let kind = "render_cut"
    static let maxAttempts = 3

    let cuts: CutRepository
    let store: any BlobStore
    let video: VideoTools
    let posters: PosterService
    let maxVideoBytes: Int

    func run(_ payload: Payload, context: JobContext) async throws {
        let (team, storyboard, number) = (payload.team, payload.storyboard, payload.number)
        guard let inputs = try await cuts.renderInputs(team: team, storyboard: storyboard, number: number),
              inputs.state == .rendering else { return }
        do {
            let joined = try await render(team: team, videos: inputs.videos)
            let probe = try await video.probe(joined)
            let blob = try await store.put(team: team, contentType: "video/mp4", maxBytes: maxVideoBytes, from: [ByteBuffer(bytes: joined)].async)
            let poster = try? await poster(team: team, video: joined)
            if try await !cuts.finish(team: team, storyboard: storyboard, number: number, video: blob.id, poster: poster, probe: probe) {
                try? await store.delete(team: team, id: blob.id)
                if let poster { try? await store.delete(team: team, id: poster) }
            }
        } catch let error as VideoToolError {
            try await cuts.fail(team: team, storyboard: storyboard, number: number, message: error.description)
        } catch BlobStoreError.tooLarge(let limit) {
            try await cuts.fail(team: team, storyboard: storyboard, number: number,
                                message: "the joined video is larger than REELBASE_MAX_VIDEO_BYTES (\(limit) bytes)")
        } catch {
            // Anything else (the database, the store) may pass: retry, and say so on the last attempt.
            if context.attempt >= Self.maxAttempts {
                try await cuts.fail(team: team, storyboard: storyboard, number: number, message: "the cut could not be rendered: \(error)")
            }
            throw error
        }
    }

    private func render(team: UUID, videos: [UUID]?) async throws -> Data {
        guard let videos else { throw VideoToolError.unreadable("a take's archived video is gone") }
        var takes: [Data] = []
        for blob in videos {
            takes.append(Data(buffer: try await store.read(team: team, id: blob, range: nil).collect()))
        }
        return try await video.concatenate(takes)
    }

    private func poster(team: UUID, video: Data) async throws -> UUID? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        try video.write(to: file)
        return try await posters.storePoster(team: team, videoAt: file)?.id
    }
}
