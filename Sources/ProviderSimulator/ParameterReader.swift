import Foundation
import ReelbaseCore

/// Turns a provider request body into catalog parameters, the way the provider reads it,
/// and collects every problem (type errors, wrong spellings, catalog rule breaks) at once.
struct ParameterReader {
    let model: ModelSpec
    let fields: RequestFields

    /// Every spelling of each image input across providers; a model takes only its own.
    static let firstFrameKeys = ["image", "image_url"]
    static let lastFrameKeys = ["last_frame", "last_image_url"]
    static let referenceKeys = ["reference_images"]

    func read() -> (params: GenerationParameters, errors: [FieldError]) {
        var params = model.defaults
        var errors: [FieldError] = []

        let prompt = string("prompt", &errors)
        if prompt?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true, !errors.contains(where: { $0.field == "prompt" }) {
            errors.append(FieldError(field: "prompt", message: "prompt is required"))
        }
        if let duration = int("duration", &errors) { params.duration = duration }
        if let raw = string("resolution", &errors) {
            if let canonical = model.canonicalResolution(fromProvider: raw) {
                params.resolution = canonical
            } else {
                let choices = model.resolutions.map(model.providerResolution)
                errors.append(FieldError(field: "resolution", message: "resolution \(raw) is not allowed for \(model.displayName): use \(choices.joined(separator: " or "))"))
            }
        }
        if let ratio = string("aspect_ratio", &errors) { params.aspectRatio = ratio }
        if let audio = bool("generate_audio", &errors) { params.generateAudio = audio }
        if let negative = string("negative_prompt", &errors) { params.negativePrompt = negative }
        if let fps = int("fps", &errors) { params.fps = fps }
        if let person = string("person_generation", &errors) { params.personGeneration = person }
        if let seed = int("seed", &errors) { params.seed = seed }

        params.hasFirstFrame = imagePresent(Self.firstFrameKeys, own: model.imageInputs.firstFrame, &errors)
        params.hasLastFrame = imagePresent(Self.lastFrameKeys, own: model.imageInputs.lastFrame, &errors)
        params.referenceImageCount = referenceCount(&errors)

        // Spelling and type errors first; catalog rules only for fields that were readable.
        let unreadable = Set(errors.map(\.field))
        errors += model.validate(params).filter { !unreadable.contains($0.field) }
        return (params, errors)
    }

    private func value(_ key: String) -> FieldValue? {
        guard let value = fields.values[key], value != .null else { return nil }
        if case .string(let text) = value, text.isEmpty { return nil }
        return value
    }

    private func string(_ key: String, _ errors: inout [FieldError]) -> String? {
        guard let value = value(key) else { return nil }
        if case .string(let text) = value { return text }
        errors.append(FieldError(field: key, message: "\(key) must be a string"))
        return nil
    }

    /// Integers arrive as JSON numbers or, from forms, as text.
    private func int(_ key: String, _ errors: inout [FieldError]) -> Int? {
        switch value(key) {
        case nil: return nil
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: return Int(number)
        case .string(let text) where Int(text) != nil: return Int(text)
        default:
            errors.append(FieldError(field: key, message: "\(key) must be a whole number"))
            return nil
        }
    }

    private func bool(_ key: String, _ errors: inout [FieldError]) -> Bool? {
        switch value(key) {
        case nil: return nil
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default:
            errors.append(FieldError(field: key, message: "\(key) must be true or false"))
            return nil
        }
    }

    /// True when the model's own key is given; another provider's spelling is an error.
    private func imagePresent(_ keys: [String], own: String?, _ errors: inout [FieldError]) -> Bool {
        var present = false
        for key in keys where value(key) != nil {
            if key == own {
                present = true
            } else {
                let hint = own.map { "use \($0)" } ?? "remove it"
                errors.append(FieldError(field: key, message: "\(key) is not a parameter of \(model.displayName): \(hint)"))
            }
        }
        return present
    }

    private func referenceCount(_ errors: inout [FieldError]) -> Int {
        switch value("reference_images") {
        case nil: return 0
        case .list(let items): return items.count
        case .string(let text): return text.split(separator: ",").count
        default:
            errors.append(FieldError(field: "reference_images", message: "reference_images must be a URL or a list of URLs"))
            return 0
        }
    }
}
