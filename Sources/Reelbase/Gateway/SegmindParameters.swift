import Foundation
import ReelbaseCore

/// Segmind's parameter names in, a Reelbase `GenerationInput` out. Every problem is named at
/// once; images are returned as sources for `GatewayImages` to store as assets.
struct SegmindParameters: Sendable {
    enum ImageSource: Sendable, Equatable {
        case url(String)
        case bytes([UInt8])
    }

    enum ImageRole: String, Sendable { case first_frame, last_frame, reference }

    var input: GenerationInput
    /// (the Segmind field, the role, the image), in the order given.
    var images: [(field: String, role: ImageRole, source: ImageSource)] = []

    /// The input and every problem found reading it (the planner adds its own before answering).
    static func parse(_ body: SegmindBody, model: ModelSpec) -> (SegmindParameters, [String: JSONValue]) {
        var problems: [String: JSONValue] = [:]
        var input = GenerationInput(provider: model.provider.rawValue, model: model.id)
        var images: [(field: String, role: ImageRole, source: ImageSource)] = []
        let imageFields: [(String?, ImageRole)] = [(model.imageInputs.firstFrame, .first_frame), (model.imageInputs.lastFrame, .last_frame),
                                                   (model.imageInputs.referenceImages, .reference)]
        for (name, value) in body.fields.sorted(by: { $0.key < $1.key }) {
            func text() -> String? {
                switch value {
                case .json(.string(let s)): return s
                case .json(.number(let n)): return n == n.rounded() ? String(Int64(n)) : String(n)
                case .json(.bool(let b)): return String(b)
                default: problems[name] = "must be text"; return nil
                }
            }
            func integer() -> Int64? {
                guard let raw = text() else { return nil }
                guard let number = Int64(raw.trimmingCharacters(in: .whitespaces)) else { problems[name] = "must be a whole number"; return nil }
                return number
            }
            func boolean() -> Bool? {
                guard let raw = text()?.lowercased() else { return nil }
                switch raw { case "true", "1": return true; case "false", "0": return false; default: problems[name] = "must be true or false"; return nil }
            }
            if let role = imageFields.first(where: { $0.0 == name })?.1 {
                do { images += try imageSources(value, field: name).map { (name, role, $0) } } catch { problems[name] = .string((error as? Problem)?.message ?? "is not a readable image") }
                continue
            }
            switch name {
            case "prompt": input.prompt = text()
            case "negative_prompt" where model.supportsNegativePrompt: input.negative_prompt = text()
            case "duration": input.duration = integer().map { Int(clamping: $0) }
            case "resolution": input.resolution = text()
            case "aspect_ratio": input.aspect_ratio = text()
            case "generate_audio" where model.supportsAudio: input.generate_audio = boolean()
            case "seed" where model.supportsSeed: input.seed = integer()
            case "fps" where !model.fpsOptions.isEmpty: input.fps = integer().map { Int(clamping: $0) }
            case "person_generation" where !model.personGenerationOptions.isEmpty: input.person_generation = text()
            default: problems[name] = .string("\(model.providerModelID) has no parameter \(name)")
            }
        }
        if input.prompt == nil, problems["prompt"] == nil { problems["prompt"] = "is required" }
        return (SegmindParameters(input: input, images: images), problems)
    }

    struct Problem: Error { let message: String }

    /// One image or a list of them: an https URL, a `data:` URL, or bare base64; a form file as is.
    static func imageSources(_ value: SegmindBody.Value, field: String) throws -> [ImageSource] {
        switch value {
        case .file(let bytes): return [.bytes(bytes)]
        case .json(.string(let text)): return [try imageSource(text)]
        case .json(.array(let items)):
            return try items.map { item in
                guard case .string(let text) = item else { throw Problem(message: "must be a list of image URLs or base64 strings") }
                return try imageSource(text)
            }
        default: throw Problem(message: "must be an image URL or base64 data")
        }
    }

    static func imageSource(_ text: String) throws -> ImageSource {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.lowercased().hasPrefix("http://") || trimmed.lowercased().hasPrefix("https://") { return .url(trimmed) }
        var payload = Substring(trimmed)
        if trimmed.hasPrefix("data:") {
            guard let comma = trimmed.firstIndex(of: ","), trimmed[..<comma].hasSuffix(";base64") else {
                throw Problem(message: "a data URL must be base64 (data:image/png;base64,...)")
            }
            payload = trimmed[trimmed.index(after: comma)...]
        }
        guard !payload.isEmpty, let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters) else {
            throw Problem(message: "must be an https URL or base64 image data")
        }
        return .bytes([UInt8](data))
    }
}
