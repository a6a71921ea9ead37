import Foundation
import Hummingbird

/// `GET /generations/{id}/poster`: the take's poster frame (JPEG), 404 when it has none.
struct PosterController {
    let posters: PosterService

    func addRoutes(to gates: Gates) {
        gates.viewer.get("generations/:id/poster", use: poster)
    }

    @Sendable func poster(_ request: Request, context: ViewerContext) async throws -> Response {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        guard let blobID = try await posters.posterBlob(team: identity.teamID, generation: id),
              let blob = try await posters.store.info(team: identity.teamID, id: blobID) else {
            throw AppError.notFound("poster")
        }
        return try await BlobResponse(store: posters.store).response(team: identity.teamID, blob: blob, contentType: blob.contentType,
                                                          name: "poster-\(id.uuidString.lowercased())", request: request)
    }
}

enum PosterOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/generations/{id}/poster", "The take's poster frame (JPEG, made with ffmpeg after the video is archived)",
                     tag: "generations", produces: ["image/jpeg"], responses: [200: "The poster", 404: "No poster (yet, or no ffmpeg)"]),
    ]
}
