import Foundation
import Hummingbird
import HummingbirdTesting
import ProviderSimulator
import Testing

/// Segmind's request history as the simulator keeps it (the SDK's view is in Tests/sdk).
@Suite struct HistoryTests {
    static let path = "/inference-request/request-history"

    func rows(_ response: TestClient.Response) -> [[String: Any]] {
        response.json["data"] as? [[String: Any]] ?? []
    }

    func ids(_ response: TestClient.Response) -> [String] {
        rows(response).compactMap { $0["request_id"] as? String }
    }

    /// A request made outside Reelbase with `key`, `secondsAgo` before now.
    func outside(_ http: SimHTTP, key: String = "test-key", model: String = "veo-3.1-lite", extra: String = "", prompt: String = "a red fox in snow") async throws -> String {
        let body = #"{"api_key":"\#(key)","model":"\#(model)","request_body":{"prompt":"\#(prompt)","duration":4,"resolution":"720p","generate_audio":false}\#(extra)}"#
        let response = try await http.send(.post, "/_sim/history", headers: [.contentType: "application/json"], body: body)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(response.json["request_id"] as? String)
    }

    @Test func everyAcceptedSegmindRequestIsOnTheBooksWithItsOutcome() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 10)) { sim, http in
            let v2 = try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt).json["request_id"] as? String
            await sim.addFaults(FaultPlan(failRate: 1))
            let failing = try await http.segmind(.post, "/v2/veo-3.1-fast", json: fastPrompt).json["request_id"] as? String
            await sim.clearFaults()
            _ = try await http.aiml(.post, "/v2/video/generations", json: #"{"model":"google/veo-3.1-lite-generate-001","prompt":"x"}"#)
            _ = try await http.segmind(.post, "/v2/veo-3.1-lite", json: #"{"prompt":"x","duration":5}"#)  // rejected: never on the books

            let pending = try await http.segmind(.get, Self.path)
            #expect(pending.status == .ok)
            #expect(Set(ids(pending)) == Set([v2, failing].compactMap { $0 }))
            #expect(rows(pending).allSatisfy { $0["model_status"] as? String == "PENDING" && $0["credits_deduction"] as? Double == 0 })

            await sim.advanceTime(by: 11)
            let done = try await http.segmind(.get, Self.path + "?sort_order=asc")
            let (completed, failed) = (rows(done)[0], rows(done)[1])
            #expect(completed["request_id"] as? String == v2)
            #expect(completed["model_name"] as? String == "veo-3.1-lite")
            #expect(completed["model_status"] as? String == "COMPLETED")
            #expect(completed["credits_deduction"] as? Double == 0.25)
            #expect(completed["generation_url"] as? String == "\(sim.baseURL)/files/\(v2 ?? "").mp4")
            #expect(completed["latency_ms"] as? Int == 10_000)
            let body = try #require(completed["request_body"] as? [String: Any])
            #expect(body["prompt"] as? String == "a red fox in snow" && body["generate_audio"] as? Bool == false && body["duration"] as? Int == 4)
            #expect(failed["model_status"] as? String == "FAILED")
            #expect(failed["credits_deduction"] as? Double == 0)
            #expect(failed["error"] is String)
            #expect(failed["generation_url"] is NSNull)
        }
    }

    @Test func aSyncRequestIsBookedUnderTheIdItsResponseCarried() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05)) { _, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt)
            let id = try #require(response.headers[.requestID])
            let row = try await http.segmind(.get, Self.path + "/" + id)
            #expect(row.status == .ok)
            #expect(row.json["model_status"] as? String == "COMPLETED")
            #expect(row.json["credits_deduction"] as? Double == 0.25)
        }
    }

    @Test func aRequestLandsOnlyAfterTheLagAndOnlyForItsOwnKey() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, historyLagSeconds: 30)) { sim, http in
            let id = try #require(try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt).json["request_id"] as? String)
            #expect(ids(try await http.segmind(.get, Self.path)).isEmpty)
            #expect(try await http.segmind(.get, Self.path + "/" + id).status == .notFound)
            await sim.advanceTime(by: 30)
            #expect(ids(try await http.segmind(.get, Self.path)) == [id])
            #expect(try await http.segmind(.get, Self.path + "/" + id).json["request_id"] as? String == id)
            #expect(ids(try await http.segmind(.get, Self.path, key: "another-key")).isEmpty)
            #expect(try await http.segmind(.get, Self.path + "/" + id, key: "another-key").status == .notFound)
            #expect(try await http.segmind(.get, Self.path, key: "").status == .unauthorized)
        }
    }

    @Test func pagesAreCutAsAskedAndBadQueriesAre400() async throws {
        try await withSimulator { _, http in
            var made: [String] = []
            for n in 0..<5 { made.append(try await outside(http, prompt: "fox \(n)")) }
            let first = try await http.segmind(.get, Self.path + "?page=1&per_page=2&sort_order=asc")
            #expect(first.json["total"] as? Int == 5 && first.json["total_pages"] as? Int == 3 && first.json["per_page"] as? Int == 2)
            var seen = ids(first)
            for page in 2...3 { seen += ids(try await http.segmind(.get, Self.path + "?page=\(page)&per_page=2&sort_order=asc")) }
            #expect(seen == made)
            #expect(ids(try await http.segmind(.get, Self.path + "?page=4&per_page=2")).isEmpty)

            let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
            for query in [
                "per_page=0", "per_page=101", "per_page=ten", "page=0", "from_date=2026-13-01", "from_date=01/02/2026",
                "from_date=2026-01-01&to_date=2026-03-01", "from_date=2026-02-01&to_date=2026-01-01", "status=DONE",
                "sort_by=price", "sort_order=up", "user_id=a&user_email=b",
            ] {
                let response = try await http.segmind(.get, Self.path + "?" + query)
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.json["error"] is String, "\(query)")
            }
            #expect(try await http.segmind(.get, Self.path + "?from_date=2026-01-01&to_date=2026-02-01").status == .ok)  // 31 days
            #expect(ids(try await http.segmind(.get, Self.path + "?from_date=\(today)&to_date=\(today)&per_page=100")).count == 5)
        }
    }

    @Test func filtersAndSortsAsTheSDKNamesThem() async throws {
        try await withSimulator { _, http in
            let lite = try await outside(http)
            let fast = try await outside(http, model: "veo-3.1-fast", extra: #","credits_deduction":0.6"#)
            let failed = try await outside(http, model: "veo-3", extra: #","status":"FAILED""#)
            #expect(ids(try await http.segmind(.get, Self.path + "?model_name=FAST")) == [fast])
            #expect(ids(try await http.segmind(.get, Self.path + "?status=FAILED")) == [failed])
            #expect(ids(try await http.segmind(.get, Self.path + "?status=COMPLETED&sort_by=credits_deduction")) == [fast, lite])
            #expect(ids(try await http.segmind(.get, Self.path + "?sort_by=credits_deduction&sort_order=asc")) == [failed, lite, fast])
            #expect(ids(try await http.segmind(.get, Self.path + "?sort_by=model_name&sort_order=asc")) == [failed, fast, lite])
            #expect(ids(try await http.segmind(.get, Self.path)) == [failed, fast, lite])  // newest first

            let me = try #require(rows(try await http.segmind(.get, Self.path))[0]["user_id"] as? String)
            #expect(ids(try await http.segmind(.get, Self.path + "?user_id=\(me)")).count == 3)
            #expect(try await http.segmind(.get, Self.path + "?user_id=\(UUID())").status == .forbidden)
        }
    }

    @Test func anOutsideRequestIsBilledAndListedOncePerOutput() async throws {
        try await withSimulator { sim, http in
            let id = try await outside(http, key: "shared-key", extra: #","outputs":2,"seconds_ago":60"#)
            #expect(await sim.balance() == Decimal(string: "99.75"))
            let listed = rows(try await http.segmind(.get, Self.path, key: "shared-key"))
            #expect(listed.count == 2 && listed.allSatisfy { $0["request_id"] as? String == id && $0["credits_deduction"] as? Double == 0.25 })
            #expect(Set(listed.compactMap { $0["generation_url"] as? String }).count == 2)
            #expect(try await http.segmind(.get, Self.path + "/" + id, key: "shared-key").json["request_id"] as? String == id)

            let bad = try await http.send(.post, "/_sim/history", headers: [.contentType: "application/json"], body: #"{"api_key":"k","model":"flux","request_body":{}}"#)
            #expect(bad.status == .badRequest)  // cannot be priced without credits_deduction
        }
    }

    @Test func historyFaultsAreInjectable() async throws {
        try await withSimulator { sim, http in
            await sim.addFaults(FaultPlan(rules: [FaultRule(route: .history, fault: .serverError, count: 1)]))
            let failing = try await http.segmind(.get, Self.path)
            #expect(failing.status == .internalServerError)
            #expect(try await http.segmind(.get, Self.path).status == .ok)
        }
    }
}
