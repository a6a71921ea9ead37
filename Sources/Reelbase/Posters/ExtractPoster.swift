import Foundation

/// After a video is archived, its poster frame. Enqueued in the transaction that records the
/// success, so every archived take gets one attempt even if the worker dies right after.
struct ExtractPoster: JobHandler {
    struct Payload: Codable, Sendable {
        let team: UUID
        let generation: UUID
        let video: UUID
    }
    static let kind = "extract_poster"
    static let maxAttempts = 3
    /// ffmpeg is CPU-heavy (about 0.1 s of CPU a poster): one at a time per process, niced.
    static let concurrency: Int? = 1
    /// A poster can come a little later; a paid take should not (`PaidWorkLoad`).
    static let yieldsToPaidWork = true

    let posters: PosterService

    func run(_ payload: Payload, context: JobContext) async throws {
        // Without ffmpeg the take keeps its placeholder; nothing to retry.
        guard posters.extractor.ffmpeg != nil else { return }
        try await posters.makePoster(team: payload.team, generation: payload.generation, video: payload.video)
    }
}
