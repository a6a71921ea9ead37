import Foundation
import ReelbaseCore
import Testing

@Suite struct PricingTests {
    static let catalog = ModelCatalog.standard()

    /// (model id, duration, resolution, audio, expected USD) — the published ranges' ends included.
    static let cases: [(String, Int, String, Bool, String)] = [
        ("segmind/veo-3", 4, "720p", false, "0.8"),
        ("segmind/veo-3", 8, "1080p", true, "3.2"),
        ("segmind/veo-3.1", 4, "720p", false, "0.8"),
        ("segmind/veo-3.1", 8, "1080p", true, "3.2"),
        ("segmind/veo-3.1-fast", 4, "720p", false, "0.4"),
        ("segmind/veo-3.1-fast", 8, "1080p", true, "1.2"),
        ("segmind/veo-3.1-fast", 6, "720p", true, "0.9"),
        ("segmind/veo-3.1-lite", 4, "720p", false, "0.25"),
        ("segmind/veo-3.1-lite", 8, "1080p", true, "1"),
        ("aimlapi/veo-3.1-lite", 6, "1080p", true, "0.75"),
    ]

    @Test(arguments: cases)
    func publishedTableEstimates(modelID: String, duration: Int, resolution: String, audio: Bool, usd: String) throws {
        let model = try #require(Self.catalog.model(id: modelID))
        let params = GenerationParameters(duration: duration, resolution: resolution, generateAudio: audio)
        #expect(try estimateCost(model: model, params: params, table: .published) == Decimal(string: usd)!)
    }

    @Test func everyModelHasAPriceForEveryResolutionAndAudioSetting() throws {
        for model in Self.catalog.models {
            for resolution in model.resolutions {
                for audio in [false, true] {
                    let params = GenerationParameters(duration: 8, resolution: resolution, generateAudio: audio)
                    #expect(throws: Never.self) { try estimateCost(model: model, params: params, table: .published) }
                }
            }
        }
    }

    @Test func mostSpecificRowWinsAndPerGenerationIgnoresDuration() throws {
        let model = try #require(Self.catalog.model(id: "segmind/veo-3.1"))
        let table = PriceTable(rows: [
            PriceRow(modelID: model.id, unit: .perSecond, usd: Decimal(string: "0.5")!),
            PriceRow(modelID: model.id, resolution: "1080p", generateAudio: true, unit: .perGeneration, usd: Decimal(string: "2.75")!),
        ])
        let hd = GenerationParameters(duration: 4, resolution: "1080p", generateAudio: true)
        #expect(try estimateCost(model: model, params: hd, table: table) == Decimal(string: "2.75")!)
        let sd = GenerationParameters(duration: 4, resolution: "720p", generateAudio: true)
        #expect(try estimateCost(model: model, params: sd, table: table) == 2)
    }

    @Test func missingRowIsAnError() throws {
        let model = try #require(Self.catalog.model(id: "segmind/veo-3"))
        #expect(throws: PricingError.noPrice(modelID: "segmind/veo-3", resolution: "720p", generateAudio: true)) {
            try estimateCost(model: model, params: GenerationParameters(), table: PriceTable(rows: []))
        }
    }

    @Test func rowsRoundTripAsDatabaseStyleJSON() throws {
        let row = PriceRow(modelID: "segmind/veo-3", resolution: nil, generateAudio: true, unit: .perSecond, usd: Decimal(string: "0.40")!)
        let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        #expect(json.contains(#""model_id":"segmind\/veo-3""#) || json.contains(#""model_id":"segmind/veo-3""#))
        #expect(json.contains(#""unit":"per_second""#))
        #expect(try JSONDecoder().decode(PriceRow.self, from: Data(json.utf8)) == row)
    }

    @Test func parametersDecodeFromPartialSnakeCaseJSON() throws {
        let json = #"{"duration":6,"aspect_ratio":"9:16","generate_audio":false,"reference_image_count":2}"#
        let params = try JSONDecoder().decode(GenerationParameters.self, from: Data(json.utf8))
        #expect(params == GenerationParameters(duration: 6, aspectRatio: "9:16", generateAudio: false, referenceImageCount: 2))
    }
}
