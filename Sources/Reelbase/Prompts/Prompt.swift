import Foundation
import Hummingbird
import ReelbaseCore

/// One immutable version of a prompt: what a generation or a seed refers to.
struct PromptVersion: ResponseEncodable, Decodable, Sendable {
    let id: UUID
    let prompt_id: UUID
    let version: Int
    let text: String
    let negative_prompt: String?
    let default_params: JSONValue
    let note: String?
    /// The `{{variable}}` names in the text and negative prompt, in order of appearance.
    let variables: [String]
    let created_by: UUID?
    let created_at: Date

    var content: PromptVersionContent {
        PromptVersionContent(text: text, negativePrompt: negative_prompt, defaultParamsJSON: default_params.jsonText)
    }

    static func variables(text: String, negativePrompt: String?) -> [String] {
        var names = PromptTemplate(text).variables
        for name in PromptTemplate(negativePrompt ?? "").variables where !names.contains(name) { names.append(name) }
        return names
    }
}

/// A named prompt with its newest version and the labels that point into its history.
struct Prompt: ResponseEncodable, Decodable, Sendable {
    let id: UUID
    let name: String
    let campaign_id: UUID?
    let latest_version: Int
    let latest: PromptVersion
    /// label name → version number
    let labels: [String: Int]
    let created_at: Date
    let updated_at: Date
}

struct PromptLabel: ResponseEncodable, Sendable {
    let name: String
    let version: Int
    let updated_by: UUID?
    let updated_at: Date
}

struct NewPrompt: Decodable, Sendable {
    let name: String
    let text: String
    let negative_prompt: String?
    let default_params: JSONValue?
    let campaign_id: UUID?
    let note: String?
}

/// A new version: fields left out are carried over from the latest version; `null` clears them.
struct NewPromptVersion: Decodable, Sendable {
    let text: String
    var negative_prompt: Patch<String> = .absent
    var default_params: Patch<JSONValue> = .absent
    let note: String?

    enum CodingKeys: String, CodingKey { case text, negative_prompt, default_params, note }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        negative_prompt = try container.patch(String.self, forKey: .negative_prompt)
        default_params = try container.patch(JSONValue.self, forKey: .default_params)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}

enum PromptInput {
    /// The longest prompt (stored or rendered) in characters.
    static let maxTextCharacters = 20_000
    /// Render variables: how many, and how long each may be.
    static let maxVariables = 100
    static let maxVariableCharacters = 20_000

    static func text(_ raw: String, field: String = "text") throws -> String {
        guard !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, raw.count <= maxTextCharacters else {
            throw AppError.validation("`\(field)` must be 1 to \(maxTextCharacters) characters.")
        }
        return raw
    }

    static func negativePrompt(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        return try text(raw, field: "negative_prompt")
    }

    static func params(_ raw: JSONValue?) throws -> JSONValue {
        guard let raw, raw != .null else { return [:] }
        guard case .object = raw else { throw AppError.validation("`default_params` must be a JSON object.") }
        guard raw.jsonText.utf8.count <= 16_384 else { throw AppError.validation("`default_params` must be under 16 KiB.") }
        return raw
    }

    static func note(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard raw.count <= 2000 else { throw AppError.validation("`note` must be at most 2000 characters.") }
        return raw
    }

    /// Problems with a set of render variables, before anything is rendered or read.
    static func variableProblems(_ values: [String: String]) -> [String: JSONValue] {
        var problems: [String: JSONValue] = [:]
        if values.count > maxVariables { problems["variables"] = .string("at most \(maxVariables) variables") }
        for (name, value) in values where name.count > 200 || value.count > maxVariableCharacters {
            problems["variables.\(name.prefix(200))"] = .string("names are at most 200 characters, values at most \(maxVariableCharacters)")
        }
        return problems
    }

    /// Renders under the prompt limit: 422 the moment the output would pass it.
    static func render(_ template: PromptTemplate, _ values: [String: String]) throws(PromptTemplate.RenderError) -> String {
        try template.render(values, maxCharacters: maxTextCharacters)
    }

    static func tooLong(_ field: String) -> AppError {
        AppError(.unprocessableContent, "prompt_too_long", "The rendered `\(field)` would be longer than \(maxTextCharacters) characters.",
                 details: [field: .string("longer than \(maxTextCharacters) characters once rendered")])
    }

    static func labelName(_ raw: String) throws -> String {
        let name = raw.lowercased()
        guard name.range(of: "^[a-z0-9][a-z0-9_.-]{0,62}$", options: .regularExpression) != nil else {
            throw AppError.validation("A label is 1 to 63 characters: a-z, 0-9, `_`, `.`, `-`, starting with a letter or digit.")
        }
        return name
    }
}
