/// The models Reelbase can run. Facts come from the providers' published model pages.
public struct ModelCatalog: Sendable {
    public var models: [ModelSpec]

    public init(models: [ModelSpec]) {
        self.models = models
    }

    /// The five Veo models in scope. AI/ML's model id is configurable because its own docs
    /// spell it both with and without the `google/` prefix.
    public static func standard(aimlModelID: String = "google/veo-3.1-lite-generate-001") -> ModelCatalog {
        ModelCatalog(models: [segmindVeo3, segmindVeo31, segmindVeo31Fast, segmindVeo31Lite, aimlVeo31Lite(modelID: aimlModelID)])
    }

    public func model(id: String) -> ModelSpec? {
        models.first { $0.id == id }
    }

    /// Looks a model up by what its provider calls it (a Segmind slug or the AI/ML model value).
    public func model(provider: ProviderName, providerModelID: String) -> ModelSpec? {
        models.first { $0.provider == provider && $0.providerModelID == providerModelID }
    }

    static let veoDurations = [4, 6, 8]
    static let veoResolutions = ["720p", "1080p"]
    static let wideOrTall = ["16:9", "9:16"]

    public static let segmindVeo3 = ModelSpec(
        id: "segmind/veo-3", provider: .segmind, providerModelID: "veo-3", displayName: "veo-3",
        durations: veoDurations, resolutions: veoResolutions, aspectRatios: ["16:9", "4:3", "1:1", "3:4", "9:16"],
        supportsAudio: true, supportsSeed: true, defaultSeed: 0, fpsOptions: [24, 30],
        imageInputs: ImageInputFields(firstFrame: "image_url", lastFrame: nil, referenceImages: nil),
        supportsNegativePrompt: false, personGenerationOptions: [],
        typicalDurationSeconds: 145, resolutionSpelling: .lowercase,
        defaults: GenerationParameters(duration: 8, resolution: "720p", aspectRatio: "16:9", generateAudio: true, seed: 0)
    )

    public static let segmindVeo31 = ModelSpec(
        id: "segmind/veo-3.1", provider: .segmind, providerModelID: "veo-3.1", displayName: "veo-3.1",
        durations: veoDurations, resolutions: veoResolutions, aspectRatios: wideOrTall,
        supportsAudio: true, supportsSeed: true, defaultSeed: nil, fpsOptions: [],
        imageInputs: ImageInputFields(firstFrame: "image", lastFrame: "last_frame", referenceImages: "reference_images", maxReferenceImages: 3),
        supportsNegativePrompt: true, personGenerationOptions: [],
        typicalDurationSeconds: 70, resolutionSpelling: .lowercase,
        defaults: GenerationParameters(duration: 8, resolution: "1080p", aspectRatio: "16:9", generateAudio: true)
    )

    public static let segmindVeo31Fast = ModelSpec(
        id: "segmind/veo-3.1-fast", provider: .segmind, providerModelID: "veo-3.1-fast", displayName: "veo-3.1-fast",
        durations: veoDurations, resolutions: veoResolutions, aspectRatios: wideOrTall,
        supportsAudio: true, supportsSeed: true, defaultSeed: 42, fpsOptions: [],
        imageInputs: ImageInputFields(firstFrame: "image", lastFrame: "last_frame", referenceImages: nil),
        supportsNegativePrompt: true, personGenerationOptions: [],
        typicalDurationSeconds: 100, resolutionSpelling: .lowercase,
        defaults: GenerationParameters(duration: 8, resolution: "1080p", aspectRatio: "16:9", generateAudio: true, seed: 42)
    )

    public static let segmindVeo31Lite = ModelSpec(
        id: "segmind/veo-3.1-lite", provider: .segmind, providerModelID: "veo-3.1-lite", displayName: "veo-3.1-lite",
        durations: veoDurations, resolutions: veoResolutions, aspectRatios: wideOrTall,
        supportsAudio: true, supportsSeed: false, defaultSeed: nil, fpsOptions: [],
        imageInputs: ImageInputFields(firstFrame: "image", lastFrame: "last_frame", referenceImages: "reference_images", maxReferenceImages: 3),
        supportsNegativePrompt: false, personGenerationOptions: [],
        typicalDurationSeconds: 50, resolutionSpelling: .lowercase,
        defaults: GenerationParameters(duration: 8, resolution: "720p", aspectRatio: "16:9", generateAudio: true)
    )

    public static func aimlVeo31Lite(modelID: String = "google/veo-3.1-lite-generate-001") -> ModelSpec {
        ModelSpec(
            id: "aimlapi/veo-3.1-lite", provider: .aimlapi, providerModelID: modelID, displayName: "veo-3.1-lite (AI/ML)",
            durations: veoDurations, resolutions: veoResolutions, aspectRatios: wideOrTall,
            supportsAudio: true, supportsSeed: false, defaultSeed: nil, fpsOptions: [],
            imageInputs: ImageInputFields(firstFrame: "image_url", lastFrame: "last_image_url", referenceImages: nil),
            supportsNegativePrompt: false, personGenerationOptions: ["dont_allow", "allow_adult"],
            typicalDurationSeconds: 60, resolutionSpelling: .uppercase,
            defaults: GenerationParameters(duration: 8, resolution: "720p", aspectRatio: "16:9", generateAudio: true, personGeneration: "allow_adult")
        )
    }
}
