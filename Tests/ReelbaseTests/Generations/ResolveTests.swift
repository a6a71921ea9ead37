import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// `POST /generations/{id}/resolve`: a person settles a submit_unknown job from the provider's bill.
@Suite struct ResolveTests {
    /// Team and campaign money, and the ledger, as the database holds them.
    struct Books: Equatable, Sendable {
        let teamReserved: Decimal, teamSpent: Decimal, campaignReserved: Decimal, campaignSpent: Decimal, ledgerRows: Int, ledgerSum: Decimal
    }

    static func books(_ h: PipelineHarness, campaign: String) async throws -> Books {
        try await h.sql { db, logger in
            let rows = try await db.query("""
                SELECT t.reserved_usd, t.spent_usd, c.reserved_usd, c.spent_usd,
                       (SELECT count(*) FROM spend_ledger)::int, (SELECT coalesce(sum(amount_usd), 0) FROM spend_ledger)
                FROM teams t JOIN campaigns c ON c.team_id = t.id WHERE c.id = \(UUID(uuidString: campaign)!)
                """, logger: logger)
            let r = try await rows.decode((Decimal, Decimal, Decimal, Decimal, Int, Decimal).self).firstElement()!
            return Books(teamReserved: r.0, teamSpent: r.1, campaignReserved: r.2, campaignSpent: r.3, ledgerRows: r.4, ledgerSum: r.5)
        }
    }

    /// Two jobs whose POST left and got a 502: both end in submit_unknown, each holding its estimate.
    static func twoUnknownJobs(_ h: PipelineHarness) async throws -> (campaign: String, ids: [String]) {
        let campaign = try await h.client.call("/api/v1/campaigns", .post, key: h.team.api_key, json: #"{"name": "launch", "budget_usd": "100"}"#)
        let campaignID = try decode(Identified.self, from: campaign).id
        await h.simulator.setFaults([FaultRule(route: .submit, fault: .badGateway, count: 2, afterProcessing: true)])
        var ids: [String] = []
        for duration in [4, 8] {
            ids.append(try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a kite", "duration": \#(duration), "generate_audio": false, "campaign_id": "\#(campaignID)"}"#))
        }
        for id in ids {
            let job = try await h.wait(id, for: ["submit_unknown", "succeeded", "failed"])
            try #require(job.status == .submitUnknown)
        }
        return (campaignID, ids)
    }

    func resolve(_ h: PipelineHarness, _ id: String, billed: Bool, key: String? = nil, note: String = "checked the Segmind bill") async throws -> TestResponse {
        try await h.client.call("/api/v1/generations/\(id)/resolve", .post, key: key ?? h.team.api_key,
                                json: #"{"billed": \#(billed), "note": "\#(note)"}"#)
    }

    @Test func billedBooksTheEstimateAndNotBilledReleasesItAll() async throws {
        try await PipelineHarness.run { h in
            let (campaign, ids) = try await Self.twoUnknownJobs(h)
            // 0.10 $/s: 4 s and 8 s.
            #expect(try await Self.books(h, campaign: campaign)
                == Books(teamReserved: Decimal(string: "1.2")!, teamSpent: 0, campaignReserved: Decimal(string: "1.2")!, campaignSpent: 0, ledgerRows: 0, ledgerSum: 0))

            let viewer = try await h.client.call("/api/v1/api-keys", .post, key: h.team.api_key, json: #"{"name": "reader", "role": "viewer"}"#)
            let viewerKey = try decode(APIKeyController.CreatedKey.self, from: viewer).key
            #expect(try await resolve(h, ids[0], billed: true, key: viewerKey).status == .forbidden)

            let billed = try await resolve(h, ids[0], billed: true)
            #expect(billed.status == .ok, "\(billed.text)")
            let job = try decode(Generation.self, from: billed)
            #expect(job.status == .failed)
            #expect(job.error?.kind == "resolved_billed")
            #expect(job.cost_usd == 0.4)
            #expect(job.cost_is_estimate == true)
            #expect(try await Self.books(h, campaign: campaign)
                == Books(teamReserved: Decimal(string: "0.8")!, teamSpent: Decimal(string: "0.4")!, campaignReserved: Decimal(string: "0.8")!,
                         campaignSpent: Decimal(string: "0.4")!, ledgerRows: 1, ledgerSum: Decimal(string: "0.4")!))

            let notBilled = try await resolve(h, ids[1], billed: false, note: "not on the bill")
            #expect(notBilled.status == .ok, "\(notBilled.text)")
            #expect(try decode(Generation.self, from: notBilled).error?.kind == "resolved_not_billed")
            #expect(try decode(Generation.self, from: notBilled).cost_usd == 0)
            // Everything reserved is back; only the billed one is spent.
            #expect(try await Self.books(h, campaign: campaign)
                == Books(teamReserved: 0, teamSpent: Decimal(string: "0.4")!, campaignReserved: 0,
                         campaignSpent: Decimal(string: "0.4")!, ledgerRows: 1, ledgerSum: Decimal(string: "0.4")!))

            let again = try await resolve(h, ids[1], billed: true)
            #expect(again.status == .conflict)
            #expect(again.text.contains("submit_unknown"))
            let rows = try await h.client.auditRows("action=generation.resolved", key: h.team.api_key)
            #expect(rows.count == 2)
            #expect(rows.compactMap { $0.details["note"]?.string }.sorted() == ["checked the Segmind bill", "not on the bill"])
        }
    }

    @Test func concurrentResolvesBookOnce() async throws {
        try await PipelineHarness.run { h in
            let (campaign, ids) = try await Self.twoUnknownJobs(h)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 { group.addTask { try await resolve(h, ids[1], billed: true).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 5)
            let books = try await Self.books(h, campaign: campaign)
            #expect(books.ledgerRows == 1)
            #expect(books.teamSpent == Decimal(string: "0.8")!)
            #expect(books.teamReserved == Decimal(string: "0.4")!)  // the other job still holds its estimate
        }
    }

    @Test func onlyASubmitUnknownJobCanBeResolved() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate()
            let queued = try await resolve(h, id, billed: false)
            #expect(queued.status == .conflict)
            #expect(queued.errorCode == "conflict")
            #expect(queued.text.contains("Only a submit_unknown generation can be resolved; this one is queued"))
            #expect(try await resolve(h, UUID().uuidString, billed: false).status == .notFound)
            let noNote = try await h.client.call("/api/v1/generations/\(id)/resolve", .post, key: h.team.api_key, json: #"{"billed": false, "note": "  "}"#)
            #expect(noNote.status == .unprocessableContent)
            let noBilled = try await h.client.call("/api/v1/generations/\(id)/resolve", .post, key: h.team.api_key, json: #"{"note": "x"}"#)
            #expect(noBilled.status == .badRequest)
            #expect(try await h.generation(id).status.rawValue == "queued")
        }
    }
}
