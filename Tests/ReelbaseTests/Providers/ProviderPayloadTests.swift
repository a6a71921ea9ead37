import Foundation
import Testing

@testable import Reelbase

@Suite struct ProviderPayloadTests {
    let png = Data([0x89, 0x50, 0x4E, 0x47])

    @Test func segmindBodyUsesTheModelsFieldNames() throws {
        var request = GenerationRequest(
            model: "veo-3.1", prompt: "a boat", negativePrompt: "rain", durationSeconds: 8, resolution: .p1080,
            aspectRatio: "16:9", generateAudio: false, seed: 7,
            firstFrame: .bytes(png, mimeType: "image/png"), lastFrame: .url(URL(string: "https://x.test/l.jpg")!),
            referenceImages: [.url(URL(string: "https://x.test/r.jpg")!)])
        let body = try object(SegmindPayload(request, imageEncoding: .dataURI, api: .segmindV2).encoded())
        #expect(body["image"] == .string("data:image/png;base64,iVBORw=="))
        #expect(body["image_url"] == nil)
        #expect(body["last_frame"] == .string("https://x.test/l.jpg"))
        #expect(body["reference_images"] == .array([.string("https://x.test/r.jpg")]))
        #expect(body["resolution"] == .string("1080p"))
        #expect(body["negative_prompt"] == .string("rain"))
        #expect(body["seed"] == .number(7))
        #expect(body["generate_audio"] == .bool(false))
        #expect(body["fps"] == nil)

        request.model = "veo-3"
        let veo3 = try object(SegmindPayload(request, imageEncoding: .rawBase64, api: .segmindV2).encoded())
        #expect(veo3["image_url"] == .string("iVBORw=="))
        #expect(veo3["image"] == nil)
    }

    @Test func segmindRefusesPersonGeneration() {
        let request = GenerationRequest(model: "veo-3.1", prompt: "p", personGeneration: .dontAllow)
        #expect(throws: ProviderError.self) { try SegmindPayload(request, imageEncoding: .dataURI, api: .segmindV1) }
    }

    @Test func aimlBodyIsUpperCaseAndSeedless() throws {
        let request = GenerationRequest(
            model: "google/veo-3.1-lite-generate-001", prompt: "a boat", durationSeconds: 6, resolution: .p720,
            aspectRatio: "9:16", generateAudio: true, personGeneration: .dontAllow,
            firstFrame: .url(URL(string: "https://x.test/f.jpg")!), lastFrame: .bytes(png, mimeType: "image/jpeg"))
        let body = try object(AimlPayload(request, imageEncoding: .dataURI).encoded())
        #expect(body["model"] == .string("google/veo-3.1-lite-generate-001"))
        #expect(body["resolution"] == .string("720P"))
        #expect(body["image_url"] == .string("https://x.test/f.jpg"))
        #expect(body["last_image_url"] == .string("data:image/jpeg;base64,iVBORw=="))
        #expect(body["person_generation"] == .string("dont_allow"))
        #expect(body["seed"] == nil)
    }

    @Test func aimlRefusesWhatItCannotDo() {
        let request = GenerationRequest(model: "m", prompt: "p", negativePrompt: "x", seed: 3)
        do {
            _ = try AimlPayload(request, imageEncoding: .dataURI)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.httpStatus == nil)
            #expect(error.message.contains("seed"))
        }
    }

    @Test func slugsCannotEscapeThePath() {
        #expect(throws: ProviderError.self) { try SegmindSlug.validated("../v1/get-user-credits", api: .segmindV2) }
        #expect(throws: ProviderError.self) { try SegmindSlug.validated("veo?x=1", api: .segmindV2) }
        #expect((try? SegmindSlug.validated("veo-3.1-fast", api: .segmindV2)) == "veo-3.1-fast")
    }

    @Test func decimalsComeFromTextNeverDouble() throws {
        #expect(DecimalText.parse("0.018") == Decimal(string: "0.018"))
        #expect(DecimalText.parse(" 99.990000000000000001 ") == Decimal(string: "99.990000000000000001"))
        #expect(DecimalText.parse("1.5abc") == nil)
        #expect(DecimalText.parse("") == nil)
        let balance = try JSONDecoder().decode(SegmindBalance.Body.self, from: Data(#"{"credits": 0.1, "free-credits": "0.018"}"#.utf8))
        #expect(balance.credits == Decimal(string: "0.1"))
        #expect(balance.freeCredits == Decimal(string: "0.018"))
    }

    @Test func outputURLInAnyShape() {
        for body in [
            #""https://cdn.test/v.mp4""#, #"["https://cdn.test/v.mp4"]"#, #"{"video":"https://cdn.test/v.mp4"}"#,
            #"{"video":{"url":"https://cdn.test/v.mp4"}}"#, #"{"result":[{"uri":"https://cdn.test/v.mp4"}]}"#,
        ] {
            #expect(ProviderJSON.decode(Data(body.utf8))?.firstHTTPURL == URL(string: "https://cdn.test/v.mp4"), "\(body)")
        }
        #expect(ProviderJSON.decode(Data(#"{"video":"data:..."}"#.utf8))?.firstHTTPURL == nil)
    }

    @Test func keyIsRedactedEverywhere() {
        let key = ProviderAPIKey("sk-secret-123456")
        #expect("\(key)" == "[REDACTED]")
        #expect(String(reflecting: key) == "[REDACTED]")
        #expect(key.redact("bad key sk-secret-123456!") == "bad key [REDACTED]!")
    }

    private func object(_ data: Data) throws -> ProviderJSON {
        try #require(ProviderJSON.decode(data))
    }
}
