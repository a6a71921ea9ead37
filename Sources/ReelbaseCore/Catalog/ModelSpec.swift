/// Which upstream service runs a model.
public enum ProviderName: String, Codable, Sendable, Hashable, CaseIterable {
    case segmind
    case aimlapi
}

/// How a provider spells resolutions: Segmind wants `720p`, AI/ML wants `720P`.
public enum ResolutionSpelling: String, Codable, Sendable, Hashable {
    case lowercase
    case uppercase

    public func spell(_ canonical: String) -> String {
        switch self {
        case .lowercase: canonical.lowercased()
        case .uppercase: canonical.uppercased()
        }
    }
}

/// The provider's own field names for image inputs; nil means the model does not take that input.
public struct ImageInputFields: Codable, Sendable, Hashable {
    public var firstFrame: String?
    public var lastFrame: String?
    public var referenceImages: String?
    /// Most reference images the model accepts (Google caps Veo 3.1 at 3).
    public var maxReferenceImages: Int

    public init(firstFrame: String?, lastFrame: String?, referenceImages: String?, maxReferenceImages: Int = 0) {
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.referenceImages = referenceImages
        self.maxReferenceImages = referenceImages == nil ? 0 : maxReferenceImages
    }
}

/// Everything Reelbase knows about one model at one provider. Values use canonical
/// spellings (`720p`); `resolutionSpelling` says how to send them.
public struct ModelSpec: Codable, Sendable, Hashable, Identifiable {
    /// Catalog id, unique across providers, e.g. `segmind/veo-3.1-fast`.
    public var id: String
    public var provider: ProviderName
    /// What the provider calls it: the Segmind slug or the AI/ML `model` value.
    public var providerModelID: String
    /// Short name used in messages people read, e.g. `veo-3.1-fast`.
    public var displayName: String
    public var durations: [Int]
    public var resolutions: [String]
    public var aspectRatios: [String]
    public var supportsAudio: Bool
    public var supportsSeed: Bool
    public var defaultSeed: Int?
    /// Empty when the model has no fps parameter.
    public var fpsOptions: [Int]
    public var imageInputs: ImageInputFields
    public var supportsNegativePrompt: Bool
    /// Empty when the model has no person_generation parameter.
    public var personGenerationOptions: [String]
    /// Roughly how long one generation takes; drives the first poll.
    public var typicalDurationSeconds: Int
    public var resolutionSpelling: ResolutionSpelling
    public var defaults: GenerationParameters

    public init(
        id: String, provider: ProviderName, providerModelID: String, displayName: String,
        durations: [Int], resolutions: [String], aspectRatios: [String],
        supportsAudio: Bool, supportsSeed: Bool, defaultSeed: Int?, fpsOptions: [Int],
        imageInputs: ImageInputFields, supportsNegativePrompt: Bool, personGenerationOptions: [String],
        typicalDurationSeconds: Int, resolutionSpelling: ResolutionSpelling, defaults: GenerationParameters
    ) {
        self.id = id
        self.provider = provider
        self.providerModelID = providerModelID
        self.displayName = displayName
        self.durations = durations
        self.resolutions = resolutions
        self.aspectRatios = aspectRatios
        self.supportsAudio = supportsAudio
        self.supportsSeed = supportsSeed
        self.defaultSeed = defaultSeed
        self.fpsOptions = fpsOptions
        self.imageInputs = imageInputs
        self.supportsNegativePrompt = supportsNegativePrompt
        self.personGenerationOptions = personGenerationOptions
        self.typicalDurationSeconds = typicalDurationSeconds
        self.resolutionSpelling = resolutionSpelling
        self.defaults = defaults
    }

    /// The resolution as the provider wants it on the wire (`720P` for AI/ML).
    public func providerResolution(_ canonical: String) -> String {
        resolutionSpelling.spell(canonical)
    }

    /// Reads a provider-spelled resolution back; nil when the spelling is not the provider's.
    public func canonicalResolution(fromProvider value: String) -> String? {
        resolutions.first { providerResolution($0) == value }
    }
}
