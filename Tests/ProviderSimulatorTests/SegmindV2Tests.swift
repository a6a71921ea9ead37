import Foundation
import Hummingbird
import HummingbirdTesting
import ProviderSimulator
import Testing

@Suite struct SegmindV2Tests {
    let slowJobs = SimulatorConfig(latencySeconds: 100)

    @Test func submitThenPollThroughEveryStateToAResult() async throws {
        try await withSimulator(slowJobs) { sim, http in
            let submitted = try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt)
            #expect(submitted.status == .ok)
            let id = try #require(submitted.json["request_id"] as? String)
            let base = "http://127.0.0.1:\(sim.port)/v2/requests/\(id)"
            #expect(submitted.json["status"] as? String == "QUEUED")
            #expect(submitted.json["status_url"] as? String == base + "/status")
            #expect(submitted.json["response_url"] as? String == base)
            #expect(submitted.json["poll_url"] as? String == base + "/status")

            #expect(try await http.segmind(.get, "/v2/requests/\(id)/status").json["status"] as? String == "QUEUED")
            await sim.advanceTime(by: 50)
            #expect(try await http.segmind(.get, "/v2/requests/\(id)/status").json["status"] as? String == "PROCESSING")
            #expect(await sim.balance() == 100)  // not billed until it completes
            await sim.advanceTime(by: 51)
            let status = try await http.segmind(.get, "/v2/requests/\(id)/status")
            #expect(status.status == .ok)
            #expect(status.json["status"] as? String == "COMPLETED")

            let result = try await http.segmind(.get, "/v2/requests/\(id)")
            #expect(result.status == .ok)
            #expect(result.json["status"] as? String == "COMPLETED")
            let output = try #require(result.json["output"] as? String)
            #expect(output == "http://127.0.0.1:\(sim.port)/files/\(id).mp4")
            let metrics = try #require(result.json["metrics"] as? [String: Any])
            #expect(metrics["cost"] as? Double == 0.25)  // lite, 4 s, no audio
            #expect(metrics["remaining_credits"] as? Double == 99.75)
            #expect(metrics["queue_time"] != nil && metrics["inference_time"] != nil)
            #expect(await sim.balance() == Decimal(string: "99.75"))

            let video = try await http.send(.get, "/files/\(id).mp4")
            #expect(video.status == .ok)
            #expect(video.headers[.contentType] == "video/mp4")
        }
    }

    @Test func failedJobIs422OnBothGetsAndNotBilled() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, failRate: 1)) { sim, http in
            let submitted = try await http.segmind(.post, "/v2/veo-3", json: fastPrompt)
            let id = try #require(submitted.json["request_id"] as? String)
            try await Task.sleep(for: .milliseconds(100))
            let status = try await http.segmind(.get, "/v2/requests/\(id)/status")
            #expect(status.status == .unprocessableContent)
            #expect(status.json["status"] as? String == "FAILED")
            #expect(status.json["error"] is String)
            let result = try await http.segmind(.get, "/v2/requests/\(id)")
            #expect(result.status == .unprocessableContent)
            #expect(result.json["status"] as? String == "FAILED")
            #expect(result.json["metrics"] != nil)
            #expect(await sim.balance() == 100)
            let stats = await sim.stats()
            #expect(stats.failed == 1 && stats.completed == 0)
            #expect(try await http.send(.get, "/files/\(id).mp4").status == .notFound)
        }
    }

    @Test func unknownIdAndExpiredIdAre404() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, retentionSeconds: 2)) { sim, http in
            #expect(try await http.segmind(.get, "/v2/requests/nope/status").status == .notFound)
            #expect(try await http.segmind(.get, "/v2/requests/nope").status == .notFound)
            let submitted = try await http.segmind(.post, "/v2/veo-3.1", json: fastPrompt)
            let id = try #require(submitted.json["request_id"] as? String)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await http.segmind(.get, "/v2/requests/\(id)").status == .ok)
            try await Task.sleep(for: .seconds(2))
            #expect(try await http.segmind(.get, "/v2/requests/\(id)/status").status == .notFound)
            #expect(try await http.segmind(.get, "/v2/requests/\(id)").status == .notFound)
            // files outlive the status (7 days by default)
            #expect(try await http.send(.get, "/files/\(id).mp4").status == .ok)
            await sim.advanceTime(by: 8 * 24 * 3600)
            #expect(try await http.send(.get, "/files/\(id).mp4").status == .notFound)
        }
    }

    @Test func submitWhenShortIs406AndCreatesNoJob() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 10, balance: 1)) { sim, http in
            // veo-3 8 s with audio costs 3.20
            let response = try await http.segmind(.post, "/v2/veo-3", json: #"{"prompt":"x"}"#)
            #expect(response.status == .notAcceptable)
            #expect(await sim.stats().accepted == 0)
        }
    }

    @Test func jobsInFlightHoldTheirPriceSoTheBalanceNeverGoesNegative() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 10, balance: Decimal(string: "0.5")!)) { _, http in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                statuses.append(try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt).status)
            }
            #expect(statuses == [.ok, .ok, .notAcceptable])  // 0.25 each, 0.50 in the account
        }
    }
}
