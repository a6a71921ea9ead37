import Foundation
import Hummingbird

/// A campaign's ordered list of shots, generated in order as one piece of work.
struct Storyboard: ResponseEncodable, Codable, Sendable {
    enum Status: String, Codable, Sendable, CaseIterable {
        case draft, running, paused, finished
    }

    struct Failure: Codable, Sendable {
        let shot_id: UUID?
        let message: String
    }

    /// A running storyboard that cannot go on until a person picks a take of `shot_id`.
    struct Waiting: Codable, Sendable {
        let shot_id: UUID
        let reason: String
    }

    let id: UUID
    let campaign_id: UUID
    let name: String
    let description: String
    let status: Status
    let error: Failure?
    let waiting_for_choice: Waiting?
    /// What is still held against the budgets for shots that have not started.
    let reserved_usd: Decimal
    let created_at: Date
    let updated_at: Date
    /// Present on `GET /storyboards/{id}` (and answers that show the whole storyboard).
    var shots: [Shot]?
}

/// One shot: what to generate, how many takes, and whether it continues the previous shot.
struct Shot: ResponseEncodable, Codable, Sendable {
    struct Take: Codable, Sendable {
        let generation_id: UUID
        let take_index: Int
        let state: String
    }

    let id: UUID
    let position: Int
    let prompt: ShotPrompt
    let model: String
    let provider: String?
    let parameters: ShotParameters
    let first_frame_asset_id: UUID?
    let last_frame_asset_id: UUID?
    let reference_asset_ids: [UUID]
    let takes: Int
    let continuity: Bool
    let chosen_generation_id: UUID?
    /// The first frame continuity took from the previous shot's chosen take (current round).
    let continuity_asset_id: UUID?
    /// The current round's takes (a resume of a failed shot starts a new round).
    var takes_made: [Take]
    let created_at: Date
    let updated_at: Date
}

/// The prompt of a shot, as `POST /generations` accepts it: text, or a stored prompt by
/// version number or label (or its latest), or one prompt version by id.
struct ShotPrompt: Codable, Sendable, Equatable {
    var text: String?
    var prompt_id: UUID?
    var version: Int?
    var label: String?
    var prompt_version_id: UUID?
    var variables: [String: String]?
}

/// Everything `POST /generations` takes besides the prompt, model, provider and images.
struct ShotParameters: Codable, Sendable, Equatable {
    var duration: Int?
    var resolution: String?
    var aspect_ratio: String?
    var generate_audio: Bool?
    var negative_prompt: String?
    var fps: Int?
    var person_generation: String?
    var seed: Int64?
    var seed_id: UUID?
}

struct NewStoryboard: Decodable, Sendable {
    let name: String
    let description: String?
}

struct StoryboardChanges: Decodable, Sendable {
    let name: String?
    let description: String?
}

/// `POST /storyboards/{id}/shots` (every field but `model` optional) and PATCH (all optional;
/// `null` clears an image).
struct ShotInput: Decodable, Sendable {
    var prompt: ShotPrompt?
    var model: String?
    var provider: Patch<String> = .absent
    var parameters: ShotParameters?
    var first_frame_asset_id: Patch<UUID> = .absent
    var last_frame_asset_id: Patch<UUID> = .absent
    var reference_asset_ids: [UUID]?
    var takes: Int?
    var continuity: Bool?
    var position: Int?

    enum CodingKeys: String, CodingKey {
        case prompt, model, provider, parameters, first_frame_asset_id, last_frame_asset_id, reference_asset_ids, takes, continuity, position
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try c.decodeIfPresent(ShotPrompt.self, forKey: .prompt)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        provider = try c.patch(String.self, forKey: .provider)
        parameters = try c.decodeIfPresent(ShotParameters.self, forKey: .parameters)
        first_frame_asset_id = try c.patch(UUID.self, forKey: .first_frame_asset_id)
        last_frame_asset_id = try c.patch(UUID.self, forKey: .last_frame_asset_id)
        reference_asset_ids = try c.decodeIfPresent([UUID].self, forKey: .reference_asset_ids)
        takes = try c.decodeIfPresent(Int.self, forKey: .takes)
        continuity = try c.decodeIfPresent(Bool.self, forKey: .continuity)
        position = try c.decodeIfPresent(Int.self, forKey: .position)
    }
}

/// A shot's stored definition: what create makes and PATCH changes.
struct ShotDefinition: Sendable, Equatable {
    var prompt: ShotPrompt
    var model: String
    var provider: String?
    var parameters: ShotParameters
    var firstFrame: UUID?
    var lastFrame: UUID?
    var references: [UUID]
    var takes: Int
    var continuity: Bool

    init(_ shot: Shot) {
        (prompt, model, provider, parameters) = (shot.prompt, shot.model, shot.provider, shot.parameters)
        (firstFrame, lastFrame, references, takes, continuity) =
            (shot.first_frame_asset_id, shot.last_frame_asset_id, shot.reference_asset_ids, shot.takes, shot.continuity)
    }

    init(new input: ShotInput) throws {
        guard let model = input.model else { throw AppError.validation("A shot needs `model`.", details: ["model": "required"]) }
        guard let prompt = input.prompt else { throw AppError.validation("A shot needs `prompt`.", details: ["prompt": "required"]) }
        (self.prompt, self.model, provider, parameters) = (prompt, model, input.provider.resolve(nil), input.parameters ?? ShotParameters())
        (firstFrame, lastFrame, references) = (input.first_frame_asset_id.resolve(nil), input.last_frame_asset_id.resolve(nil), input.reference_asset_ids ?? [])
        (takes, continuity) = (input.takes ?? 1, input.continuity ?? false)
    }

    /// This definition with the fields a PATCH gave.
    func applying(_ input: ShotInput) -> ShotDefinition {
        var next = self
        if let value = input.prompt { next.prompt = value }
        if let value = input.model { next.model = value }
        next.provider = input.provider.resolve(provider)
        if let value = input.parameters { next.parameters = value }
        next.firstFrame = input.first_frame_asset_id.resolve(firstFrame)
        next.lastFrame = input.last_frame_asset_id.resolve(lastFrame)
        if let value = input.reference_asset_ids { next.references = value }
        if let value = input.takes { next.takes = value }
        if let value = input.continuity { next.continuity = value }
        return next
    }
}

struct ShotOrder: Decodable, Sendable {
    let shot_ids: [UUID]
}

struct ChosenTake: Decodable, Sendable {
    let generation_id: UUID
}
