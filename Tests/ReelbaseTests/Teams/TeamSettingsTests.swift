import Foundation
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct TeamSettingsTests {
    @Test func everyoneReadsOwnersChangeAndEveryChangeIsAudited() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let viewer = try await Library.key("viewer", team: team, client: client)
            let editor = try await Library.key("editor", team: team, client: client)
            let shown = try await client.call("/api/v1/team", key: viewer)
            #expect(shown.status == .ok)
            let settings = try decode(TeamSettings.self, from: shown)
            #expect(settings.budget_usd == nil)
            #expect(settings.available_usd == nil)
            #expect(settings.spent_usd == 0)

            let denied = try await client.call("/api/v1/team", .patch, key: editor, json: #"{"budget_usd": 10}"#)
            #expect(denied.status == .forbidden)

            let changed = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"name": "Renamed", "budget_usd": "25.50"}"#)
            #expect(changed.status == .ok)
            let renamed = try decode(TeamSettings.self, from: changed)
            #expect(renamed.name == "Renamed")
            #expect(renamed.budget_usd == 25.5)
            #expect(renamed.available_usd == 25.5)

            let audit = try await client.auditRows("action=team.updated", key: team.api_key)
            #expect(audit.count == 1)
            let details = audit.first?.details
            #expect(details?["budget_usd"]?["to"]?.string == "25.5")
            #expect(details?["name"]?["to"]?.string == "Renamed")

            for bad in [#"{"budget_usd": -1}"#, #"{"name": ""}"#, #"{"budget_usd": "lots"}"#] {
                let refused = try await client.call("/api/v1/team", .patch, key: team.api_key, json: bad)
                #expect(refused.status == .unprocessableContent || refused.status == .badRequest, "\(bad)")
            }
            let cleared = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"budget_usd": null}"#)
            #expect(try decode(TeamSettings.self, from: cleared).budget_usd == nil)
            #expect(try decode(TeamSettings.self, from: cleared).name == "Renamed")
            let noop = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"name": "Renamed"}"#)
            #expect(noop.status == .ok)
            let rows = try await client.auditRows("action=team.updated", key: team.api_key)
            #expect(rows.count == 2, "a change that changes nothing leaves no row")
        }
    }

    @Test func aBudgetBelowWhatIsCommittedIsAllowed() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withAdmin { db, logger in
            try await db.query("UPDATE teams SET reserved_usd = 4, spent_usd = 6 WHERE id = \(team.team_id)", logger: logger)
        }
        try await TestEnv.withApp { client in
            let lowered = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"budget_usd": 5}"#)
            #expect(lowered.status == .ok)
            #expect(try decode(TeamSettings.self, from: lowered).available_usd == -5)
            #expect(try decode(TeamSettings.self, from: lowered).reserved_usd == 4)
        }
    }
}
