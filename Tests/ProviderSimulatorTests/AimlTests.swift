import Foundation
import Hummingbird
import HummingbirdTesting
import ProviderSimulator
import Testing

@Suite struct AimlTests {
    let body = #"{"model":"google/veo-3.1-lite-generate-001","prompt":"a lighthouse","resolution":"1080P","duration":6,"generate_audio":true,"person_generation":"dont_allow"}"#

    @Test func submitAndPollToCompletion() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 100)) { sim, http in
            let submitted = try await http.aiml(.post, "/v2/video/generations", json: body)
            #expect(submitted.status == .ok)
            #expect(submitted.json["status"] as? String == "queued")
            let id = try #require(submitted.json["id"] as? String)
            let poll = "/v2/video/generations?generation_id=\(id)"
            #expect(try await http.aiml(.get, poll).json["status"] as? String == "queued")
            await sim.advanceTime(by: 50)
            #expect(try await http.aiml(.get, poll).json["status"] as? String == "generating")
            await sim.advanceTime(by: 51)
            let done = try await http.aiml(.get, poll)
            #expect(done.json["status"] as? String == "completed")
            let video = try #require(done.json["video"] as? [String: Any])
            #expect(video["url"] as? String == "http://127.0.0.1:\(sim.port)/files/\(id).mp4")
            let usage = try #require((done.json["meta"] as? [String: Any])?["usage"] as? [String: Any])
            #expect(usage["usd_spent"] as? Double == 0.75)  // 6 s × 0.125 with audio
            #expect(usage["credits_used"] as? Int == 750)
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
            let id = try #require(try await http.aiml(.post, "/v2/video/generations", json: body).json["id"] as? String)
            try await Task.sleep(for: .milliseconds(100))
            let polled = try await http.aiml(.get, "/v2/video/generations?generation_id=\(id)")
            #expect(polled.json["status"] as? String == "error")
            let error = try #require(polled.json["error"] as? [String: Any])
            #expect(error["name"] is String && error["message"] is String)
            #expect(await sim.balance() == 100)
        }
    }

    @Test func lowercaseResolutionSeedAndBadDurationAre400() async throws {
        try await withSimulator { _, http in
            let response = try await http.aiml(.post, "/v2/video/generations", json: #"{"model":"google/veo-3.1-lite-generate-001","prompt":"x","resolution":"720p","duration":5,"seed":3}"#)
            #expect(response.status == .badRequest)
            let message = try #require(response.json["message"] as? String)
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
