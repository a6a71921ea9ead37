import AsyncHTTPClient
import Foundation
import ProviderSimulator
import Testing

@testable import Reelbase

/// Reelbase's reader of Segmind's request history, against the simulator's books.
@Suite struct SegmindHistoryClientTests {
    func history(_ bed: ProviderTestBed, key: String = ProviderTestBed.apiKey, maxPages: Int = 50) -> SegmindHistoryClient {
        SegmindHistoryClient(
            http: bed.http, historyURL: bed.sim.historyURL, apiKey: ProviderAPIKey(key), options: bed.options,
            logger: bed.logs.logger(), maxPages: maxPages)
    }

    /// A request made outside Reelbase with the test key.
    func outside(_ bed: ProviderTestBed, prompt: String, model: String = "veo-3.1-fast", extra: String = "") async throws -> String {
        var request = HTTPClientRequest(url: bed.sim.baseURL + "/_sim/history")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(.init(string: #"{"api_key":"\#(ProviderTestBed.apiKey)","model":"\#(model)","request_body":{"prompt":"\#(prompt)"}\#(extra)}"#))
        let response = try await bed.http.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        struct Recorded: Decodable { let request_id: String }
        return try decode(Recorded.self, from: Data(buffer: body)).request_id
    }

    @Test func listsAWindowAndGetsOneRequestAsSubmitted() async throws {
        try await withProviderTestBed { bed in
            let request = ProviderTestBed.request(for: .segmindV2, prompt: "a lighthouse, for the books")
            guard case .accepted(let id) = try await bed.segmindV2.submit(request).outcome else {
                Issue.record("v2 accepts")
                return
            }
            try await Task.sleep(for: .milliseconds(200))  // the simulated job completes after 50 ms
            let now = Date()
            let entries = try await history(bed).requests(from: now.addingTimeInterval(-60), to: now.addingTimeInterval(60))
            #expect(entries.map(\.requestID) == [id])
            let entry = try #require(entries.first)
            #expect(entry.model == "veo-3.1-fast" && entry.status == "COMPLETED" && entry.isCompleted)
            #expect(entry.cost == Decimal(string: "0.4"))
            #expect(entry.outputURL == "\(bed.sim.baseURL)/files/\(id).mp4")
            #expect(abs((entry.createdAt ?? .distantPast).timeIntervalSince(now)) < 30)
            // The body recorded is the body sent, field for field.
            let sent = try #require(bed.segmindV2.requestBody(for: request).flatMap(SentRequestBody.init(sentJSON:)))
            #expect(sent.matches(entry.requestBody))

            #expect(try await history(bed).request(id: id) == entry)
            #expect(try await history(bed).request(id: "no-such-request") == nil)
            #expect(try await history(bed).requests(from: now.addingTimeInterval(-86_400 * 3), to: now.addingTimeInterval(-86_400 * 2)).isEmpty)
        }
    }

    @Test func readsEveryPageAndListsEachRequestOnce() async throws {
        try await withProviderTestBed { bed in
            var made: [String] = []
            for n in 0..<105 { made.append(try await outside(bed, prompt: "boat \(n)", extra: n == 3 ? #","outputs":3"# : "")) }
            _ = try await outside(bed, prompt: "another model", model: "veo-3.1")
            let now = Date()
            let entries = try await history(bed).requests(from: now.addingTimeInterval(-60), to: now.addingTimeInterval(60), model: "veo-3.1-fast")
            #expect(entries.map(\.requestID) == made)  // oldest first, 3 outputs listed once, veo-3.1 left out
            // Unable to read it all: an error, never a shorter list.
            let error = await providerError { () async throws(ProviderError) in
                try await history(bed, maxPages: 1).requests(from: now.addingTimeInterval(-60), to: now.addingTimeInterval(60))
            }
            #expect(error?.kind == .transient)
        }
    }

    @Test func failuresAreClassifiedAndTheKeyNeverShows() async throws {
        try await withProviderTestBed { bed in
            let now = Date()
            for (fault, kind) in [(FaultKind.badGateway, ProviderError.Kind.transient), (.serverError, .transient), (.unauthorized, .auth)] {
                await bed.sim.setFaults([FaultRule(route: .history, fault: fault, count: 1)])
                let error = await providerError { () async throws(ProviderError) in
                    try await history(bed).requests(from: now.addingTimeInterval(-60), to: now)
                }
                #expect(error?.kind == kind, "\(fault)")
            }
            let refused = await providerError { () async throws(ProviderError) in
                try await history(bed, key: "sk-wrong-history-key-1234").request(id: "x")
            }
            #expect(refused?.kind == .auth)
            #expect(!bed.logs.all.isEmpty)
            for line in bed.logs.all {
                #expect(!line.contains(ProviderTestBed.apiKey) && !line.contains("sk-wrong-history-key-1234"), "\(line)")
            }
        }
    }

    @Test func longWindowsAreCutToWhatTheHistoryAccepts() {
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        let windows = SegmindHistoryClient.days(from: start, to: start.addingTimeInterval(86_400 * 70))
        #expect(windows.map(\.0) == ["2026-01-01", "2026-02-01", "2026-03-04"])
        #expect(windows.map(\.1) == ["2026-01-31", "2026-03-03", "2026-03-12"])
        #expect(SegmindHistoryClient.days(from: start, to: start).map(\.0) == ["2026-01-01"])
    }
}
