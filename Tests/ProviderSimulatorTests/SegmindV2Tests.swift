import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator
import Testing

@Suite struct SegmindV2Tests {
    let slowJobs = SimulatorConfig(latencySeconds: 100)

    @Test func submitThenPollThroughEveryStateToAResult() async throws {
        try await withSimulator(slowJobs) { sim, http in
            let submitted = try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt)
            #expect(submitted.status == .ok)
            let accepted = try decode(V2SubmitBody.self, from: submitted)
            let id = accepted.request_id
            let base = "http://127.0.0.1:\(sim.port)/v2/requests/\(id)"
            #expect(accepted.status == "QUEUED")
            #expect(accepted.status_url == base + "/status")
            #expect(accepted.response_url == base)
            #expect(accepted.poll_url == base + "/status")

            func state() async throws -> String {
                try decode(V2StatusBody.self, from: try await http.segmind(.get, "/v2/requests/\(id)/status")).status
            }
            #expect(try await state() == "QUEUED")
            await sim.advanceTime(by: 50)
            #expect(try await state() == "PROCESSING")
            #expect(await sim.balance() == 100)  // not billed until it completes
            await sim.advanceTime(by: 51)
            let status = try await http.segmind(.get, "/v2/requests/\(id)/status")
            #expect(status.status == .ok)
            #expect(try decode(V2StatusBody.self, from: status).status == "COMPLETED")

            let result = try await http.segmind(.get, "/v2/requests/\(id)")
            #expect(result.status == .ok)
            let final = try decode(V2ResultBody.self, from: result)
            #expect(final.status == "COMPLETED")
            let output = try #require(final.output)
            #expect(output == "http://127.0.0.1:\(sim.port)/files/\(id).mp4")
            let metrics = final.metrics
            #expect(metrics.cost == 0.25)  // lite, 4 s, no audio
            #expect(metrics.remaining_credits == 99.75)
            #expect(metrics.queue_time != nil && metrics.inference_time != nil)
            #expect(await sim.balance() == Decimal(string: "99.75"))

            let video = try await http.send(.get, "/files/\(id).mp4")
            #expect(video.status == .ok)
            #expect(video.headers[.contentType] == "video/mp4")
        }
    }

    @Test func failedJobIs422OnBothGetsAndNotBilled() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, failRate: 1)) { sim, http in
            let submitted = try await http.segmind(.post, "/v2/veo-3", json: fastPrompt)
            let id = try decode(V2SubmitBody.self, from: submitted).request_id
            try await Task.sleep(for: .milliseconds(100))
            let status = try await http.segmind(.get, "/v2/requests/\(id)/status")
            #expect(status.status == .unprocessableContent)
            #expect(try decode(V2StatusBody.self, from: status).status == "FAILED")
            #expect(try decode(V2StatusBody.self, from: status).error != nil)
            let result = try await http.segmind(.get, "/v2/requests/\(id)")
            #expect(result.status == .unprocessableContent)
            #expect(try decode(V2ResultBody.self, from: result).status == "FAILED")  // metrics included, or it would not decode
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
            let id = try decode(V2SubmitBody.self, from: submitted).request_id
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
