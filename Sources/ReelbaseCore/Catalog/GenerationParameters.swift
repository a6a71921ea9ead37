/// What a person asks of a model, in canonical spellings (`720p`, `16:9`).
/// Images are counted, not carried: the catalog only needs to know which inputs are present.
/// Missing JSON fields decode to the common Veo defaults; prefer `ModelSpec.defaults` as a base.
public struct GenerationParameters: Codable, Sendable, Hashable {
    public var duration: Int
    public var resolution: String
    public var aspectRatio: String
    public var generateAudio: Bool
    public var negativePrompt: String?
    public var fps: Int?
    public var personGeneration: String?
    public var seed: Int?
    public var hasFirstFrame: Bool
    public var hasLastFrame: Bool
    public var referenceImageCount: Int

    public init(
        duration: Int = 8, resolution: String = "720p", aspectRatio: String = "16:9",
        generateAudio: Bool = true, negativePrompt: String? = nil, fps: Int? = nil,
        personGeneration: String? = nil, seed: Int? = nil, hasFirstFrame: Bool = false,
        hasLastFrame: Bool = false, referenceImageCount: Int = 0
    ) {
        self.duration = duration
        self.resolution = resolution
        self.aspectRatio = aspectRatio
        self.generateAudio = generateAudio
        self.negativePrompt = negativePrompt
        self.fps = fps
        self.personGeneration = personGeneration
        self.seed = seed
        self.hasFirstFrame = hasFirstFrame
        self.hasLastFrame = hasLastFrame
        self.referenceImageCount = referenceImageCount
    }

    enum CodingKeys: String, CodingKey {
        case duration, resolution, fps, seed
        case aspectRatio = "aspect_ratio"
        case generateAudio = "generate_audio"
        case negativePrompt = "negative_prompt"
        case personGeneration = "person_generation"
        case hasFirstFrame = "has_first_frame"
        case hasLastFrame = "has_last_frame"
        case referenceImageCount = "reference_image_count"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let base = GenerationParameters()
        duration = try c.decodeIfPresent(Int.self, forKey: .duration) ?? base.duration
        resolution = try c.decodeIfPresent(String.self, forKey: .resolution) ?? base.resolution
        aspectRatio = try c.decodeIfPresent(String.self, forKey: .aspectRatio) ?? base.aspectRatio
        generateAudio = try c.decodeIfPresent(Bool.self, forKey: .generateAudio) ?? base.generateAudio
        negativePrompt = try c.decodeIfPresent(String.self, forKey: .negativePrompt)
        fps = try c.decodeIfPresent(Int.self, forKey: .fps)
        personGeneration = try c.decodeIfPresent(String.self, forKey: .personGeneration)
        seed = try c.decodeIfPresent(Int.self, forKey: .seed)
        hasFirstFrame = try c.decodeIfPresent(Bool.self, forKey: .hasFirstFrame) ?? false
        hasLastFrame = try c.decodeIfPresent(Bool.self, forKey: .hasLastFrame) ?? false
        referenceImageCount = try c.decodeIfPresent(Int.self, forKey: .referenceImageCount) ?? 0
    }
}
