import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator
import Testing

@Suite struct AimlTests {
    let body = #"{"model":"google/veo-3.1-lite-generate-001","prompt":"a lighthouse","resolution":"1080P","duration":6,"generate_audio":true,"person_generation":"dont_allow"}"#

    @Test func submitAndPollToCompletion() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 100)) { sim, http in
            let submitted = try await http.aiml(.post, "/v2/video/generations", json: body)
            #expect(submitted.status == .ok)
            let accepted = try decode(AimlSubmitBody.self, from: submitted)
            #expect(accepted.status == "queued")
            let id = accepted.id
            let poll = "/v2/video/generations?generation_id=\(id)"
            #expect(try decode(AimlGenerationBody.self, from: try await http.aiml(.get, poll)).status == "queued")
            await sim.advanceTime(by: 50)
            #expect(try decode(AimlGenerationBody.self, from: try await http.aiml(.get, poll)).status == "generating")
            await sim.advanceTime(by: 51)
            let done = try decode(AimlGenerationBody.self, from: try await http.aiml(.get, poll))
            #expect(done.status == "completed")
            let video = try #require(done.video)
            #expect(video.url == "http://127.0.0.1:\(sim.port)/files/\(id).mp4")
            let usage = try #require(done.meta?.usage)
            #expect(usage.usd_spent == 0.75)  // 6 s × 0.125 with audio
            #expect(usage.credits_used == 750)
        }
    }

    @Test func modelIdWithoutGooglePrefixIsAccepted() async throws {
        try await withSimulator { _, http in
            let response = try await http.aiml(.post, "/v2/video/generations", json: #"{"model":"veo-3.1-lite-generate-001","prompt":"x"}"#)
            #expect(response.status == .ok)
        }
    }

    @Test func errorStatusCarriesNameAndMessage() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, failRate: 1)) { sim, http in
            let id = try decode(AimlSubmitBody.self, from: try await http.aiml(.post, "/v2/video/generations", json: body)).id
            try await Task.sleep(for: .milliseconds(100))
            let polled = try await http.aiml(.get, "/v2/video/generations?generation_id=\(id)")
            let job = try decode(AimlGenerationBody.self, from: polled)
            #expect(job.status == "error")
            #expect(job.error != nil)  // with a string name and message, or it would not decode
            #expect(await sim.balance() == 100)
        }
    }

    @Test func lowercaseResolutionSeedAndBadDurationAre400() async throws {
        try await withSimulator { _, http in
            let response = try await http.aiml(.post, "/v2/video/generations", json: #"{"model":"google/veo-3.1-lite-generate-001","prompt":"x","resolution":"720p","duration":5,"seed":3}"#)
            #expect(response.status == .badRequest)
            let message = try decode(AimlErrorBody.self, from: response).message
            #expect(message.contains("use 720P or 1080P"))
            #expect(message.contains("duration 5"))
            #expect(message.contains("seed"))
        }
    }

    @Test func bearerIsRequiredAndShortBalanceIs403() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, balance: Decimal(string: "0.1")!)) { _, http in
            let anonymous = try await http.send(.post, "/v2/video/generations", headers: [.contentType: "application/json"], body: body)
            #expect(anonymous.status == .unauthorized)
            #expect(try await http.aiml(.post, "/v2/video/generations", json: body).status == .forbidden)
            #expect(try await http.aiml(.get, "/v2/video/generations?generation_id=missing").status == .notFound)
        }
    }
}
