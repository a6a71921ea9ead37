import Foundation
import Hummingbird

extension GenerationController {
    /// `{"billed": true|false, "note": "..."}`: what the provider's bill says about a job whose
    /// submission may or may not have been charged.
    struct ResolveBody: Decodable {
        let billed: Bool
        let note: String
    }

    /// Ends a `submit_unknown` job and settles its reservation (GenerationRepository.resolve).
    @Sendable func resolve(_ request: Request, context: EditorContext) async throws -> Generation {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        let body = try await request.decode(as: ResolveBody.self, context: context)
        let note = body.note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(note.count), !note.contains("\0") else {
            throw AppError.validation("`note` must be 1 to 2000 characters: say what the provider's bill or dashboard showed.")
        }
        switch try await generations.resolve(team: identity.teamID, id: id, billed: body.billed, note: note,
                                             actor: AuditActor(identity, ip: context.clientIP)) {
        case .notFound: throw AppError.notFound("generation")
        case .notResolvable(let state):
            throw AppError.conflict("Only a submit_unknown generation can be resolved; this one is \(state.rawValue).")
        case .resolved: return try await current(identity, context)
        }
    }
}
