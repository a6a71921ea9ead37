import Foundation

/// The body of `POST /generations` (also one variant of a batch).
struct GenerationInput: Codable, Sendable, Hashable {
    var provider: String?
    var model: String
    var prompt: String?
    var prompt_id: UUID?
    var version: Int?
    var label: String?
    var variables: [String: String]?
    var duration: Int?
    var resolution: String?
    var aspect_ratio: String?
    var generate_audio: Bool?
    var negative_prompt: String?
    var fps: Int?
    var person_generation: String?
    var seed: Int64?
    var seed_id: UUID?
    var first_frame_asset_id: UUID?
    var last_frame_asset_id: UUID?
    var reference_asset_ids: [UUID]?
    var campaign_id: UUID?
}
