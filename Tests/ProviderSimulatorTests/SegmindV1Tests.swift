import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator
import Testing

@Suite struct SegmindV1Tests {
    @Test func jsonSubmitReturnsPlayableMP4WithAccountingHeaders() async throws {
        try await withSimulator { sim, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1-fast", json: fastPrompt)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "video/mp4")
            let bytes = Array(buffer: try #require(response.body))
            #expect(Array(bytes[4..<8]) == Array("ftyp".utf8))
            // veo-3.1-fast, 4 s, no audio: 4 × 0.10
            #expect(response.headers[.cost] == "0.4")
            #expect(response.headers[.remainingCredits] == "99.6")
            #expect(response.headers[.seedValue] == "42")
            #expect(response.headers[.requestID] != nil)
            #expect(response.headers[.generationTime] != nil)
            #expect(await sim.balance() == Decimal(string: "99.6"))
        }
    }

    @Test func multipartSubmitIsAccepted() async throws {
        try await withSimulator { _, http in
            let boundary = "XyZboundary"
            let fields = ["prompt": "a keynote", "duration": "6", "resolution": "1080p", "negative_prompt": "no text"]
            var body = ""
            for (name, value) in fields {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            body += "--\(boundary)--\r\n"
            let response = try await http.send(.post, "/v1/veo-3.1", headers: [
                .apiKey: "k", .contentType: "multipart/form-data; boundary=\(boundary)",
            ], body: body)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "video/mp4")
            // veo-3.1 with audio (default) at 6 s: 6 × 0.40
            #expect(response.headers[.cost] == "2.4")
        }
    }

    @Test func badParametersAreAllReportedAs400() async throws {
        try await withSimulator { sim, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1-fast", json: #"{"prompt":"x","duration":5,"resolution":"4k","aspect_ratio":"1:1","fps":24,"reference_images":["a"]}"#)
            #expect(response.status == .badRequest)
            let body = try decode(ValidationErrorBody.self, from: response)
            let fields = Set(body.errors.map(\.field))
            #expect(fields == ["duration", "resolution", "aspect_ratio", "fps", "reference_images"])
            let message = body.error
            #expect(message.contains("duration 5 is not allowed for veo-3.1-fast: use 4, 6 or 8"))
            #expect(await sim.balance() == 100)
        }
    }

    @Test func otherProvidersImageFieldNamesAreRejected() async throws {
        try await withSimulator { _, http in
            let response = try await http.segmind(.post, "/v1/veo-3", json: #"{"prompt":"x","image":"https://e/x.png"}"#)
            #expect(response.status == .badRequest)
            #expect(try decode(SegmindErrorBody.self, from: response).error.contains("use image_url"))
            let missingPrompt = try await http.segmind(.post, "/v1/veo-3", json: #"{"duration":4}"#)
            #expect(missingPrompt.status == .badRequest)
            #expect(try decode(SegmindErrorBody.self, from: missingPrompt).error.contains("prompt is required"))
        }
    }

    @Test func unknownModelIs404() async throws {
        try await withSimulator { _, http in
            let response = try await http.segmind(.post, "/v1/veo-9", json: fastPrompt)
            #expect(response.status == .notFound)
            #expect(try decode([String: FieldValue].self, from: response)["error"] != nil)
        }
    }

    @Test func missingOrWrongKeyIs401() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.01, apiKey: "right")) { _, http in
            let missing = try await http.send(.post, "/v1/veo-3.1-fast", headers: [.contentType: "application/json"], body: fastPrompt)
            #expect(missing.status == .unauthorized)
            #expect(missing.isSegmindError)
            let wrong = try await http.segmind(.post, "/v1/veo-3.1-fast", json: fastPrompt, key: "wrong")
            #expect(wrong.status == .unauthorized)
            let right = try await http.segmind(.post, "/v1/veo-3.1-fast", json: fastPrompt, key: "right")
            #expect(right.status == .ok)
        }
    }

    @Test func shortBalanceIs406AndNotBilled() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.01, balance: Decimal(string: "0.3")!)) { sim, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1-fast", json: fastPrompt)
            #expect(response.status == .notAcceptable)
            #expect(try decode(SegmindErrorBody.self, from: response).error == "Not enough credits")
            #expect(await sim.balance() == Decimal(string: "0.3"))
        }
    }

    @Test func creditsEndpointReportsFractionalBalance() async throws {
        try await withSimulator(SimulatorConfig(balance: Decimal(string: "12.34")!)) { _, http in
            let response = try await http.segmind(.get, "/v1/get-user-credits")
            #expect(response.status == .ok)
            #expect(response.text.contains(#""credits":12.34"#))
            #expect(try decode(CreditsBody.self, from: response).freeCredits == 0)
        }
    }

    @Test func paddedVideoHasTheRequestedSizeAndStaysAnMP4() async throws {
        let size = 2 * 1024 * 1024
        try await withSimulator(SimulatorConfig(latencySeconds: 0.01, videoBytes: size)) { _, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt)
            let bytes = Array(buffer: try #require(response.body))
            #expect(bytes.count == size)
            #expect(Array(bytes[4..<8]) == Array("ftyp".utf8))
            // the padding is one trailing `free` box
            let freeBoxSize = size - 2920
            let header = Array(bytes[(size - freeBoxSize)..<(size - freeBoxSize + 8)])
            #expect(Array(header[4..<8]) == Array("free".utf8))
        }
    }
}
