/// One problem with one field, worded so a person knows what to change.
public struct FieldError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

/// Checks every field and reports every problem at once (empty means valid).
public func validate(model: ModelSpec, params: GenerationParameters) -> [FieldError] {
    fieldErrors(model: model, params: params)
}

private func fieldErrors(model: ModelSpec, params: GenerationParameters) -> [FieldError] {
    let name = model.displayName
    var errors: [FieldError] = []

    func notAllowed(_ field: String, _ value: String, choices: [String]) {
        errors.append(FieldError(field: field, message: "\(field) \(value) is not allowed for \(name): use \(listing(choices))"))
    }
    func unsupported(_ field: String, hint: String = "remove it") {
        errors.append(FieldError(field: field, message: "\(field) is not supported by \(name): \(hint)"))
    }

    if !model.durations.contains(params.duration) {
        notAllowed("duration", String(params.duration), choices: model.durations.map(String.init))
    }
    if !model.resolutions.contains(params.resolution) {
        notAllowed("resolution", params.resolution, choices: model.resolutions)
    }
    if !model.aspectRatios.contains(params.aspectRatio) {
        notAllowed("aspect_ratio", params.aspectRatio, choices: model.aspectRatios)
    }
    if params.generateAudio && !model.supportsAudio {
        unsupported("generate_audio", hint: "set it to false")
    }
    if let negative = params.negativePrompt, !negative.isEmpty, !model.supportsNegativePrompt {
        unsupported("negative_prompt")
    }
    if let fps = params.fps {
        if model.fpsOptions.isEmpty {
            unsupported("fps")
        } else if !model.fpsOptions.contains(fps) {
            notAllowed("fps", String(fps), choices: model.fpsOptions.map(String.init))
        }
    }
    if let person = params.personGeneration {
        if model.personGenerationOptions.isEmpty {
            unsupported("person_generation")
        } else if !model.personGenerationOptions.contains(person) {
            notAllowed("person_generation", person, choices: model.personGenerationOptions)
        }
    }
    if let seed = params.seed {
        if !model.supportsSeed {
            unsupported("seed")
        } else if seed < 0 || seed > Int(UInt32.max) {
            errors.append(FieldError(field: "seed", message: "seed \(seed) is out of range for \(name): use 0 to \(UInt32.max)"))
        }
    }
    if params.hasFirstFrame && model.imageInputs.firstFrame == nil {
        unsupported("first_frame")
    }
    if params.hasLastFrame && model.imageInputs.lastFrame == nil {
        unsupported("last_frame")
    }
    let references = params.referenceImageCount
    if references < 0 {
        errors.append(FieldError(field: "reference_images", message: "reference_images count \(references) cannot be negative"))
    } else if references > 0 && model.imageInputs.referenceImages == nil {
        unsupported("reference_images")
    } else if references > model.imageInputs.maxReferenceImages {
        let most = model.imageInputs.maxReferenceImages
        errors.append(FieldError(field: "reference_images", message: "\(references) reference images is too many for \(name): use at most \(most)"))
    }
    return errors
}

extension ModelSpec {
    public func validate(_ params: GenerationParameters) -> [FieldError] {
        fieldErrors(model: self, params: params)
    }
}

/// "4, 6 or 8": reads better in a message than an array literal.
func listing(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "nothing" }
    return items.dropLast().joined(separator: ", ") + " or " + items.last!
}
