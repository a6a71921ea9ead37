import Foundation

/// What to generate, independent of the database and of any one provider's field names.
public struct GenerationRequest: Sendable, Equatable {
    /// Provider-side model id: a Segmind slug (`veo-3.1-fast`) or an AI/ML model id.
    public var model: String
    public var prompt: String
    public var negativePrompt: String?
    public var durationSeconds: Int?
    public var resolution: VideoResolution?
    /// `16:9`, `9:16`, ...; validated against the model catalog before it gets here.
    public var aspectRatio: String?
    public var generateAudio: Bool?
    public var fps: Int?
    public var personGeneration: PersonGeneration?
    public var seed: Int?
    public var firstFrame: ImageInput?
    public var lastFrame: ImageInput?
    public var referenceImages: [ImageInput]

    public init(
        model: String, prompt: String, negativePrompt: String? = nil, durationSeconds: Int? = nil,
        resolution: VideoResolution? = nil, aspectRatio: String? = nil, generateAudio: Bool? = nil,
        fps: Int? = nil, personGeneration: PersonGeneration? = nil, seed: Int? = nil,
        firstFrame: ImageInput? = nil, lastFrame: ImageInput? = nil, referenceImages: [ImageInput] = []
    ) {
        self.model = model
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.durationSeconds = durationSeconds
        self.resolution = resolution
        self.aspectRatio = aspectRatio
        self.generateAudio = generateAudio
        self.fps = fps
        self.personGeneration = personGeneration
        self.seed = seed
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.referenceImages = referenceImages
    }
}

public enum VideoResolution: String, Sendable, Codable, CaseIterable {
    case p720 = "720p"
    case p1080 = "1080p"
}

public enum PersonGeneration: String, Sendable, Codable, CaseIterable {
    case dontAllow = "dont_allow"
    case allowAdult = "allow_adult"
}

/// An image that anchors a video: stored bytes, or a URL the provider fetches itself.
public enum ImageInput: Sendable, Equatable {
    case bytes(Data, mimeType: String)
    case url(URL)

    /// The string sent in a JSON body.
    func encoded(as encoding: ImageEncoding) -> String {
        switch self {
        case .url(let url):
            return url.absoluteString
        case .bytes(let data, let mimeType):
            let base64 = data.base64EncodedString()
            switch encoding {
            case .dataURI: return "data:\(mimeType);base64,\(base64)"
            case .rawBase64: return base64
            }
        }
    }
}

/// How image bytes travel in a JSON body. Both providers document "URL or base64"; a data URI
/// keeps the MIME type, so it is the default.
public enum ImageEncoding: String, Sendable, Codable {
    case dataURI = "data_uri"
    case rawBase64 = "raw_base64"
}
