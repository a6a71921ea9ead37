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

extension GenerationInput {
    static let maxReferenceImages = 8

    /// Lengths and counts, checked before any database work; every problem at once.
    func sizeProblems() -> [String: JSONValue] {
        var problems = PromptInput.variableProblems(variables ?? [:])
        if let prompt, prompt.count > PromptInput.maxTextCharacters {
            problems["prompt"] = .string("must be at most \(PromptInput.maxTextCharacters) characters")
        }
        if let negative_prompt, negative_prompt.count > PromptInput.maxTextCharacters {
            problems["negative_prompt"] = .string("must be at most \(PromptInput.maxTextCharacters) characters")
        }
        if let references = reference_asset_ids, references.count > Self.maxReferenceImages {
            problems["reference_asset_ids"] = .string("at most \(Self.maxReferenceImages) reference images")
        }
        for (field, value) in [("model", model), ("provider", provider ?? ""), ("label", label ?? ""), ("resolution", resolution ?? ""),
                               ("aspect_ratio", aspect_ratio ?? ""), ("person_generation", person_generation ?? "")] where value.count > 200 {
            problems[field] = .string("must be at most 200 characters")
        }
        return problems
    }
}
