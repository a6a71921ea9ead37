import Foundation
import HummingbirdTesting
import Testing

@testable import Reelbase

/// `REELBASE_DEFAULT_ACCOUNT_TEAM_BUDGET_USD`: each team's monthly share of the instance
/// default accounts, refused at enqueue, out of reach of the team's own owners.
@Suite struct DefaultAccountShareTests {
    struct Refusal: Decodable {
        struct Body: Decodable {
            let code: String
            let message: String
            let details: [String: String]?
        }
        let error: Body
    }

    static var options: PipelineHarness.Options {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        options.configure = { config in
            config.defaultSegmind = AppConfig.DefaultAccount(apiKey: "instance-key", baseURL: "http://127.0.0.1:9", mode: "async")
            config.defaultAccountTeamBudgetUSD = Decimal(string: "1.00")
        }
        return options
    }

    static let take = #"{"model": "veo-3.1-fast", "prompt": "a red kite over the sea", "duration": 4, "generate_audio": false}"#

    func post(_ h: PipelineHarness, key: String) async throws -> TestResponse {
        try await h.client.call("/api/v1/generations", .post, key: key, json: Self.take)
    }

    @Test func theCapRefusesAtEnqueueAndNoOwnerCanLiftIt() async throws {
        try await PipelineHarness.run(Self.options) { h in
            // The team's own account goes: its work falls back to the instance default account.
            #expect(try await h.client.call("/api/v1/provider-accounts/\(h.accountID)", .delete, key: h.team.api_key).status == .noContent)
            #expect(try await post(h, key: h.team.api_key).status == .accepted)  // $0.40
            #expect(try await post(h, key: h.team.api_key).status == .accepted)  // $0.80
            let refused = try await post(h, key: h.team.api_key)
            #expect(refused.status.code == 402, "\(refused.text)")
            let error = try refused.decodedAs(Refusal.self).error
            #expect(error.code == "budget_exceeded" && error.details?["scope"] == "default_account")
            #expect(error.details?["reserved_usd"] == "0.8" && error.details?["available_usd"] == "0.2")

            // A team budget set by its owner does not lift the instance's cap.
            let raised = try await h.client.call("/api/v1/team", .patch, key: h.team.api_key, json: #"{"budget_usd": 1000}"#)
            #expect(raised.status == .ok, "\(raised.text)")
            #expect(try await post(h, key: h.team.api_key).status.code == 402)
            let queued = try await h.sql { db, logger in
                try await db.query("SELECT count(*)::int FROM generations WHERE team_id = \(h.team.team_id)", logger: logger)
                    .decode(Int.self).firstElement() ?? 0
            }
            #expect(queued == 2, "nothing half-written for a refusal")

            // Another team has a share of its own.
            let other = try await TestEnv.makeTeam("Other", config: h.config)
            #expect(try await post(h, key: other.api_key).status == .accepted)

            // The cap is on the instance's accounts only: the team's own key is not limited by it.
            let account = try await h.client.call("/api/v1/provider-accounts", .post, key: h.team.api_key, json: """
                {"provider": "segmind", "name": "own", "api_key": "own-key-123456", "base_url": "http://127.0.0.1:9"}
                """)
            #expect(account.status == .created, "\(account.text)")
            #expect(try await post(h, key: h.team.api_key).status == .accepted)
        }
    }
}
