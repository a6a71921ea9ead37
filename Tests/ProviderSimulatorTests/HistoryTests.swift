import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator
import Testing

/// Segmind's request history as the simulator keeps it (the SDK's view is in Tests/sdk).
@Suite struct HistoryTests {
    static let path = "/inference-request/request-history"

    func rows(_ response: TestClient.Response) throws -> [HistoryRow] {
        try decode(HistoryPage.self, from: response).data
    }

    func ids(_ response: TestClient.Response) throws -> [String] {
        try rows(response).map(\.request_id)
    }

    func requestID(_ response: TestClient.Response) throws -> String {
        struct Accepted: Decodable { let request_id: String }
        return try decode(Accepted.self, from: response).request_id
    }

    /// A request made outside Reelbase with `key`, `secondsAgo` before now.
    func outside(_ http: SimHTTP, key: String = "test-key", model: String = "veo-3.1-lite", extra: String = "", prompt: String = "a red fox in snow") async throws -> String {
        let body = #"{"api_key":"\#(key)","model":"\#(model)","request_body":{"prompt":"\#(prompt)","duration":4,"resolution":"720p","generate_audio":false}\#(extra)}"#
        let response = try await http.send(.post, "/_sim/history", headers: [.contentType: "application/json"], body: body)
        #expect(response.status == .ok, "\(response.text)")
        return try requestID(response)
    }

    @Test func everyAcceptedSegmindRequestIsOnTheBooksWithItsOutcome() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 10)) { sim, http in
            let v2: String? = try requestID(try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt))
            await sim.addFaults(FaultPlan(failRate: 1))
            let failing: String? = try requestID(try await http.segmind(.post, "/v2/veo-3.1-fast", json: fastPrompt))
            await sim.clearFaults()
            _ = try await http.aiml(.post, "/v2/video/generations", json: #"{"model":"google/veo-3.1-lite-generate-001","prompt":"x"}"#)
            _ = try await http.segmind(.post, "/v2/veo-3.1-lite", json: #"{"prompt":"x","duration":5}"#)  // rejected: never on the books

            let pending = try await http.segmind(.get, Self.path)
            #expect(pending.status == .ok)
            #expect(Set(try ids(pending)) == Set([v2, failing].compactMap { $0 }))
            #expect(try rows(pending).allSatisfy { $0.model_status == "PENDING" && $0.credits_deduction == 0 })

            await sim.advanceTime(by: 11)
            let done = try await http.segmind(.get, Self.path + "?sort_order=asc")
            let (completed, failed) = (try rows(done)[0], try rows(done)[1])
            #expect(completed.request_id == v2)
            #expect(completed.model_name == "veo-3.1-lite")
            #expect(completed.model_status == "COMPLETED")
            #expect(completed.credits_deduction == 0.25)
            #expect(completed.generation_url == "\(sim.baseURL)/files/\(v2 ?? "").mp4")
            #expect(completed.latency_ms == 10_000)
            let body = completed.request_body
            #expect(body["prompt"] == .string("a red fox in snow") && body["generate_audio"] == .bool(false) && body["duration"] == .number(4))
            #expect(failed.model_status == "FAILED")
            #expect(failed.credits_deduction == 0)
            #expect(failed.error != nil)
            // Sent as an explicit null, not left out.
            struct RawPage: Decodable { let data: [[String: FieldValue]] }
            #expect(try decode(RawPage.self, from: done).data[1]["generation_url"] == .null)
        }
    }

    @Test func aSyncRequestIsBookedUnderTheIdItsResponseCarried() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05)) { _, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt)
            let id = try #require(response.headers[.requestID])
            let row = try await http.segmind(.get, Self.path + "/" + id)
            #expect(row.status == .ok)
            #expect(try decode(HistoryRow.self, from: row).model_status == "COMPLETED")
            #expect(try decode(HistoryRow.self, from: row).credits_deduction == 0.25)
        }
    }

    @Test func aRequestLandsOnlyAfterTheLagAndOnlyForItsOwnKey() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0.05, historyLagSeconds: 30)) { sim, http in
            let id = try requestID(try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt))
            #expect(try ids(try await http.segmind(.get, Self.path)).isEmpty)
            #expect(try await http.segmind(.get, Self.path + "/" + id).status == .notFound)
            await sim.advanceTime(by: 30)
            #expect(try ids(try await http.segmind(.get, Self.path)) == [id])
            #expect(try decode(HistoryRow.self, from: try await http.segmind(.get, Self.path + "/" + id)).request_id == id)
            #expect(try ids(try await http.segmind(.get, Self.path, key: "another-key")).isEmpty)
            #expect(try await http.segmind(.get, Self.path + "/" + id, key: "another-key").status == .notFound)
            #expect(try await http.segmind(.get, Self.path, key: "").status == .unauthorized)
        }
    }

    @Test func pagesAreCutAsAskedAndBadQueriesAre400() async throws {
        try await withSimulator { _, http in
            var made: [String] = []
            for n in 0..<5 { made.append(try await outside(http, prompt: "fox \(n)")) }
            let first = try await http.segmind(.get, Self.path + "?page=1&per_page=2&sort_order=asc")
            let page1 = try decode(HistoryPage.self, from: first)
            #expect(page1.total == 5 && page1.total_pages == 3 && page1.per_page == 2)
            var seen = try ids(first)
            for page in 2...3 { seen += try ids(try await http.segmind(.get, Self.path + "?page=\(page)&per_page=2&sort_order=asc")) }
            #expect(seen == made)
            #expect(try ids(try await http.segmind(.get, Self.path + "?page=4&per_page=2")).isEmpty)

            let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
            for query in [
                "per_page=0", "per_page=101", "per_page=ten", "page=0", "from_date=2026-13-01", "from_date=01/02/2026",
                "from_date=2026-01-01&to_date=2026-03-01", "from_date=2026-02-01&to_date=2026-01-01", "status=DONE",
                "sort_by=price", "sort_order=up", "user_id=a&user_email=b",
            ] {
                let response = try await http.segmind(.get, Self.path + "?" + query)
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.isSegmindError, "\(query)")
            }
            #expect(try await http.segmind(.get, Self.path + "?from_date=2026-01-01&to_date=2026-02-01").status == .ok)  // 31 days
            #expect(try ids(try await http.segmind(.get, Self.path + "?from_date=\(today)&to_date=\(today)&per_page=100")).count == 5)
        }
    }

    @Test func filtersAndSortsAsTheSDKNamesThem() async throws {
        try await withSimulator { _, http in
            let lite = try await outside(http)
            let fast = try await outside(http, model: "veo-3.1-fast", extra: #","credits_deduction":0.6"#)
            let failed = try await outside(http, model: "veo-3", extra: #","status":"FAILED""#)
            #expect(try ids(try await http.segmind(.get, Self.path + "?model_name=FAST")) == [fast])
            #expect(try ids(try await http.segmind(.get, Self.path + "?status=FAILED")) == [failed])
            #expect(try ids(try await http.segmind(.get, Self.path + "?status=COMPLETED&sort_by=credits_deduction")) == [fast, lite])
            #expect(try ids(try await http.segmind(.get, Self.path + "?sort_by=credits_deduction&sort_order=asc")) == [failed, lite, fast])
            #expect(try ids(try await http.segmind(.get, Self.path + "?sort_by=model_name&sort_order=asc")) == [failed, fast, lite])
            #expect(try ids(try await http.segmind(.get, Self.path)) == [failed, fast, lite])  // newest first

            let me = try rows(try await http.segmind(.get, Self.path))[0].user_id
            #expect(try ids(try await http.segmind(.get, Self.path + "?user_id=\(me)")).count == 3)
            #expect(try await http.segmind(.get, Self.path + "?user_id=\(UUID())").status == .forbidden)
        }
    }

    @Test func anOutsideRequestIsBilledAndListedOncePerOutput() async throws {
        try await withSimulator { sim, http in
            let id = try await outside(http, key: "shared-key", extra: #","outputs":2,"seconds_ago":60"#)
            #expect(await sim.balance() == Decimal(string: "99.75"))
            let listed = try rows(try await http.segmind(.get, Self.path, key: "shared-key"))
            #expect(listed.count == 2 && listed.allSatisfy { $0.request_id == id && $0.credits_deduction == 0.25 })
            #expect(Set(listed.compactMap(\.generation_url)).count == 2)
            #expect(try decode(HistoryRow.self, from: try await http.segmind(.get, Self.path + "/" + id, key: "shared-key")).request_id == id)

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
