import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// Builds the provider request for a job: catalog model id, parameters, and its images read
/// from the blob store (sent as base64 data by the clients).
struct JobInputs: Sendable {
    let db: PostgresClient
    let store: any BlobStore
    let catalog: ModelCatalog
    let logger: Logger

    struct MissingModel: Error, CustomStringConvertible {
        let id: String
        var description: String { "model \(id) is no longer in the catalog" }
    }

    func request(for job: ClaimedJob) async throws -> GenerationRequest {
        guard let model = catalog.model(id: job.modelID) else { throw MissingModel(id: job.modelID) }
        let p = job.params
        var request = GenerationRequest(
            model: model.providerModelID, prompt: job.promptText, negativePrompt: job.negativePrompt,
            durationSeconds: p.duration, resolution: VideoResolution(rawValue: p.resolution), aspectRatio: p.aspectRatio,
            generateAudio: model.supportsAudio ? p.generateAudio : nil, fps: p.fps,
            personGeneration: p.personGeneration.flatMap(PersonGeneration.init(rawValue:)),
            seed: model.supportsSeed ? p.seed : nil)
        let rows = try await db.query("""
            SELECT ga.role, a.blob_id, 'image/' || a.kind FROM generation_assets ga JOIN assets a ON a.id = ga.asset_id
            WHERE ga.generation_id = \(job.id) AND a.team_id = \(job.teamID) ORDER BY ga.role, a.created_at
            """, logger: logger)
        for try await (role, blob, contentType) in rows.decode((String?, UUID, String).self) {
            let bytes = try await store.read(team: job.teamID, id: blob, range: nil).collect()
            let image = ImageInput.bytes(Data(buffer: bytes), mimeType: contentType)
            switch role {
            case "first_frame": request.firstFrame = image
            case "last_frame": request.lastFrame = image
            default: request.referenceImages.append(image)
            }
        }
        return request
    }
}
