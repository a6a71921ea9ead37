import Foundation
import Hummingbird

/// `/storyboards/{id}/cuts…`: editors start a cut, viewers list, read, play and see its poster.
struct CutController {
    let cuts: CutRepository
    let store: any BlobStore
    let video: VideoTools

    func addRoutes(to gates: Gates) {
        gates.editor.post("storyboards/:id/cuts", use: create)
        gates.viewer.get("storyboards/:id/cuts", use: list).get("storyboards/:id/cuts/:number", use: show)
        gates.viewer.get("storyboards/:id/cuts/:number/video", use: playVideo).get("storyboards/:id/cuts/:number/poster", use: poster)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> EditedResponse<Cut> {
        let identity = context.identity
        let storyboard = try context.pathID("id", "storyboard")
        guard video.available else {
            throw AppError(.conflict, "video_tools_unavailable", "ffmpeg is not installed on this server, so cuts cannot be rendered.")
        }
        switch try await cuts.start(team: identity.teamID, storyboard: storyboard, createdBy: identity.userID,
                                    actor: AuditActor(identity, ip: context.clientIP)) {
        case .started(let cut): return EditedResponse(status: .accepted, response: cut)
        case .notFound: throw AppError.notFound("storyboard")
        case .noShots: throw AppError(.conflict, "no_shots", "The storyboard has no shots to cut.")
        case .missingTakes(let shots):
            let names = shots.map { "shot \($0.position + 1) (\($0.reason))" }.joined(separator: ", ")
            throw AppError(.conflict, "takes_not_chosen", "Every shot needs a chosen, succeeded take before a cut: \(names).", details: [
                "shots": .array(shots.map {
                    .object(["shot_id": .string($0.shotID.uuidString.lowercased()), "position": .number(Double($0.position)), "reason": .string($0.reason)])
                }),
            ])
        }
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Cut> {
        guard let rows = try await cuts.list(team: context.identity.teamID, storyboard: try context.pathID("id", "storyboard")) else {
            throw AppError.notFound("storyboard")
        }
        return Page(data: rows, next_cursor: nil)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Cut {
        let (storyboard, number) = try path(context)
        guard let cut = try await cuts.find(team: context.identity.teamID, storyboard: storyboard, number: number) else {
            throw AppError.notFound("cut")
        }
        return cut
    }

    /// The cut's video with Range support, like a generation's.
    @Sendable func playVideo(_ request: Request, context: ViewerContext) async throws -> Response {
        try await blob(request, context, what: "video") { $0.video }
    }

    @Sendable func poster(_ request: Request, context: ViewerContext) async throws -> Response {
        try await blob(request, context, what: "poster") { $0.poster }
    }

    private func blob(_ request: Request, _ context: ViewerContext, what: String,
                      _ pick: ((video: UUID?, poster: UUID?)) -> UUID?) async throws -> Response {
        let team = context.identity.teamID
        let (storyboard, number) = try path(context)
        guard let blobs = try await cuts.blobs(team: team, storyboard: storyboard, number: number), let id = pick(blobs),
              let blob = try await store.info(team: team, id: id) else {
            throw AppError.notFound(what)
        }
        let name = "storyboard-\(storyboard.uuidString.lowercased())-cut-\(number)\(what == "poster" ? "-poster" : "")"
        return try await BlobResponse(store: store).response(team: team, blob: blob, contentType: blob.contentType, name: name, request: request)
    }

    /// The storyboard id and the cut number; a number that is not a positive integer is as unknown as a missing cut.
    private func path(_ context: ViewerContext) throws -> (UUID, Int) {
        let storyboard = try context.pathID("id", "storyboard")
        guard let raw = context.parameters.get("number"), let number = Int(raw), (1...1_000_000).contains(number) else {
            throw AppError.notFound("cut")
        }
        return (storyboard, number)
    }
}
