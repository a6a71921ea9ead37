import ReelbaseCore
import Testing

/// Every model, with one good and one bad value per field it could get wrong.
@Suite struct CatalogValidationTests {
    static let catalog = ModelCatalog.standard()
    static let allModels = catalog.models

    @Test func catalogHoldsTheFiveModelsWithUniqueIDs() {
        #expect(Self.allModels.map(\.id) == [
            "segmind/veo-3", "segmind/veo-3.1", "segmind/veo-3.1-fast", "segmind/veo-3.1-lite", "aimlapi/veo-3.1-lite",
        ])
        #expect(Self.catalog.model(provider: .segmind, providerModelID: "veo-3.1-fast")?.defaultSeed == 42)
        #expect(Self.catalog.model(provider: .aimlapi, providerModelID: "google/veo-3.1-lite-generate-001") != nil)
        #expect(ModelCatalog.standard(aimlModelID: "veo-3.1-lite-generate-001").model(id: "aimlapi/veo-3.1-lite")?.providerModelID == "veo-3.1-lite-generate-001")
    }

    @Test(arguments: allModels)
    func defaultsAreValid(model: ModelSpec) {
        #expect(model.validate(model.defaults).isEmpty)
    }

    /// (model id, a change to the defaults, the fields expected to be wrong; empty = valid)
    static let cases: [(String, String, @Sendable (inout GenerationParameters) -> Void, Set<String>)] = [
        // durations: 4, 6, 8 everywhere
        ("segmind/veo-3", "duration 6", { $0.duration = 6 }, []),
        ("segmind/veo-3.1-fast", "duration 5", { $0.duration = 5 }, ["duration"]),
        ("aimlapi/veo-3.1-lite", "duration 10", { $0.duration = 10 }, ["duration"]),
        // resolutions, canonical spelling
        ("segmind/veo-3.1", "1080p", { $0.resolution = "1080p" }, []),
        ("segmind/veo-3.1-lite", "4k", { $0.resolution = "4k" }, ["resolution"]),
        ("aimlapi/veo-3.1-lite", "upper-case is the wire spelling, not the canonical one", { $0.resolution = "720P" }, ["resolution"]),
        // aspect ratios: veo-3 has five, the rest two
        ("segmind/veo-3", "4:3", { $0.aspectRatio = "4:3" }, []),
        ("segmind/veo-3.1", "4:3", { $0.aspectRatio = "4:3" }, ["aspect_ratio"]),
        ("aimlapi/veo-3.1-lite", "9:16", { $0.aspectRatio = "9:16" }, []),
        // fps: veo-3 only
        ("segmind/veo-3", "fps 30", { $0.fps = 30 }, []),
        ("segmind/veo-3", "fps 25", { $0.fps = 25 }, ["fps"]),
        ("segmind/veo-3.1-fast", "fps 24", { $0.fps = 24 }, ["fps"]),
        // negative prompt: veo-3.1 and fast
        ("segmind/veo-3.1", "negative", { $0.negativePrompt = "no text" }, []),
        ("segmind/veo-3.1-fast", "negative", { $0.negativePrompt = "no text" }, []),
        ("segmind/veo-3", "negative", { $0.negativePrompt = "no text" }, ["negative_prompt"]),
        ("aimlapi/veo-3.1-lite", "negative", { $0.negativePrompt = "no text" }, ["negative_prompt"]),
        ("segmind/veo-3.1-lite", "empty negative is no negative", { $0.negativePrompt = "" }, []),
        // seed: not on lite (either provider)
        ("segmind/veo-3.1", "seed 7", { $0.seed = 7 }, []),
        ("segmind/veo-3", "seed 0 means random", { $0.seed = 0 }, []),
        ("segmind/veo-3.1-fast", "negative seed", { $0.seed = -1 }, ["seed"]),
        ("segmind/veo-3.1-lite", "seed", { $0.seed = 1 }, ["seed"]),
        ("aimlapi/veo-3.1-lite", "seed", { $0.seed = 1 }, ["seed"]),
        // person generation: AI/ML only
        ("aimlapi/veo-3.1-lite", "dont_allow", { $0.personGeneration = "dont_allow" }, []),
        ("aimlapi/veo-3.1-lite", "allow_all", { $0.personGeneration = "allow_all" }, ["person_generation"]),
        ("segmind/veo-3.1", "person_generation", { $0.personGeneration = "allow_adult" }, ["person_generation"]),
        // image inputs
        ("segmind/veo-3", "first frame", { $0.hasFirstFrame = true }, []),
        ("segmind/veo-3", "last frame", { $0.hasLastFrame = true }, ["last_frame"]),
        ("segmind/veo-3.1-fast", "both frames", { $0.hasFirstFrame = true; $0.hasLastFrame = true }, []),
        ("aimlapi/veo-3.1-lite", "both frames", { $0.hasFirstFrame = true; $0.hasLastFrame = true }, []),
        ("segmind/veo-3.1", "3 references", { $0.referenceImageCount = 3 }, []),
        ("segmind/veo-3.1-lite", "4 references", { $0.referenceImageCount = 4 }, ["reference_images"]),
        ("segmind/veo-3.1-fast", "1 reference", { $0.referenceImageCount = 1 }, ["reference_images"]),
        ("aimlapi/veo-3.1-lite", "1 reference", { $0.referenceImageCount = 1 }, ["reference_images"]),
        ("segmind/veo-3", "1 reference", { $0.referenceImageCount = 1 }, ["reference_images"]),
        // audio is supported everywhere
        ("segmind/veo-3.1-lite", "silent", { $0.generateAudio = false }, []),
    ]

    @Test(arguments: cases)
    func fieldRules(modelID: String, change: String, apply: @Sendable (inout GenerationParameters) -> Void, wrong: Set<String>) throws {
        let model = try #require(Self.catalog.model(id: modelID))
        var params = model.defaults
        apply(&params)
        let errors = model.validate(params)
        #expect(Set(errors.map(\.field)) == wrong, "\(modelID): \(change)")
    }

    @Test func everyErrorIsReportedAtOnce() throws {
        let model = try #require(Self.catalog.model(id: "segmind/veo-3"))
        let params = GenerationParameters(
            duration: 5, resolution: "480p", aspectRatio: "2:1", negativePrompt: "x", fps: 60,
            personGeneration: "allow_adult", seed: -3, hasLastFrame: true, referenceImageCount: 2)
        let fields = validate(model: model, params: params).map(\.field)
        #expect(fields == ["duration", "resolution", "aspect_ratio", "negative_prompt", "fps", "person_generation", "seed", "last_frame", "reference_images"])
    }

    @Test func messagesSayWhatToUse() throws {
        let fast = try #require(Self.catalog.model(id: "segmind/veo-3.1-fast"))
        var params = fast.defaults
        params.duration = 5
        params.aspectRatio = "1:1"
        let messages = fast.validate(params).map(\.message)
        #expect(messages == [
            "duration 5 is not allowed for veo-3.1-fast: use 4, 6 or 8",
            "aspect_ratio 1:1 is not allowed for veo-3.1-fast: use 16:9 or 9:16",
        ])
        let lite = try #require(Self.catalog.model(id: "segmind/veo-3.1-lite"))
        params = lite.defaults
        params.seed = 3
        #expect(lite.validate(params).map(\.message) == ["seed is not supported by veo-3.1-lite: remove it"])
    }

    @Test func resolutionSpellingFollowsTheProvider() throws {
        let aiml = try #require(Self.catalog.model(id: "aimlapi/veo-3.1-lite"))
        #expect(aiml.providerResolution("720p") == "720P")
        #expect(aiml.canonicalResolution(fromProvider: "1080P") == "1080p")
        #expect(aiml.canonicalResolution(fromProvider: "1080p") == nil)
        let segmind = try #require(Self.catalog.model(id: "segmind/veo-3.1"))
        #expect(segmind.providerResolution("1080p") == "1080p")
        #expect(segmind.imageInputs.firstFrame == "image")
        #expect(Self.catalog.model(id: "segmind/veo-3")?.imageInputs.firstFrame == "image_url")
        #expect(aiml.imageInputs.lastFrame == "last_image_url")
    }

    @Test func typicalDurationsDrivePolling() {
        #expect(Self.allModels.map(\.typicalDurationSeconds) == [145, 70, 100, 50, 60])
    }
}
