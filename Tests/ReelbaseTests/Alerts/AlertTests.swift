import Foundation
import HummingbirdTesting
import ProviderSimulator
import Testing
@testable import Reelbase

@Suite struct AlertTests {
    /// Pauses are shared by every replica and test: each test uses account keys of its own.
    static func freshKey() -> String { UUID().uuidString.lowercased() }

    static func auditActions(_ client: any TestClientProtocol, key: String) async throws -> [String] {
        try await client.auditRows("action=alert.resolved", key: key).map(\.action)
    }

    @Test func resolvingLiftsThePauseAndIsOwnerOnly() async throws {
        let team = try await TestEnv.makeTeam()
        let accountKey = Self.freshKey()
        let id = try await SpendFixtures.alert(team: team.team_id, accountKey: accountKey)
        try await TestEnv.withApp { client in
            let editor = try await Library.key("editor", team: team, client: client)
            let open = try await client.rows(Alert.self, "/api/v1/alerts", key: editor)
            #expect(open.count == 1)
            #expect(open.first?.kind == "insufficient_credits")
            #expect(open.first?.paused == true)
            #expect(open.first?.paused_until == nil)

            let denied = try await client.call("/api/v1/alerts/\(id)/resolve", .post, key: editor)
            #expect(denied.status == .forbidden)
            #expect(try await SpendFixtures.pauseExists(accountKey))

            let resolved = try await client.call("/api/v1/alerts/\(id)/resolve", .post, key: team.api_key)
            #expect(resolved.status == .ok)
            #expect(try decode(Alert.self, from: resolved).resolved_at != nil)
            #expect(try decode(Alert.self, from: resolved).paused == false)
            #expect(try await !SpendFixtures.pauseExists(accountKey))
            #expect(try await client.call("/api/v1/alerts/\(id)/resolve", .post, key: team.api_key).status == .conflict)
            #expect(try await client.call("/api/v1/alerts/\(UUID())/resolve", .post, key: team.api_key).status == .notFound)

            #expect(try await client.rows(Alert.self, "/api/v1/alerts", key: editor).isEmpty == true)
            let all = try await client.rows(Alert.self, "/api/v1/alerts?include_resolved=true", key: editor)
            #expect(all.count == 1)
            #expect(try await Self.auditActions(client, key: team.api_key) == ["alert.resolved"])
        }
    }

    @Test func aRateLimitPauseEndsByItselfAndIsNotLifted() async throws {
        let team = try await TestEnv.makeTeam()
        let accountKey = Self.freshKey()
        let id = try await SpendFixtures.alert(team: team.team_id, accountKey: accountKey, kind: "auth", pausedUntil: Date().addingTimeInterval(600))
        try await TestEnv.withApp { client in
            let listed = try await client.rows(Alert.self, "/api/v1/alerts", key: team.api_key)
            #expect(listed.first?.paused_until != nil)
            #expect(try await client.call("/api/v1/alerts/\(id)/resolve", .post, key: team.api_key).status == .ok)
            #expect(try await SpendFixtures.pauseExists(accountKey))
        }
    }

    @Test func aTeamNeverSeesOrResolvesAnotherTeamsAlerts() async throws {
        let a = try await TestEnv.makeTeam()
        let b = try await TestEnv.makeTeam()
        let bKey = Self.freshKey()
        let bAlert = try await SpendFixtures.alert(team: b.team_id, accountKey: bKey)
        try await TestEnv.withApp { client in
            let seen = try await client.rows(Alert.self, "/api/v1/alerts?include_resolved=true", key: a.api_key)
            #expect(seen.isEmpty)
            #expect(try await client.call("/api/v1/alerts/\(bAlert)/resolve", .post, key: a.api_key).status == .notFound)
            #expect(try await SpendFixtures.pauseExists(bKey))
            #expect(try await client.rows(Alert.self, "/api/v1/alerts", key: b.api_key).count == 1)
        }
    }

    @Test func aNewKeyOrAPositiveBalanceResolvesTheAccountsAlerts() async throws {
        let simulator = try await ProviderSimulator.start(SimulatorConfig(latencySeconds: 0, balance: 5))
        defer { Task { await simulator.shutdown() } }
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let created = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                json: #"{"provider": "segmind", "name": "sim", "api_key": "sim-key-123456", "base_url": "\#(simulator.baseURL)"}"#)
            let id = try decode(Identified.self, from: created).id
            let accountKey = id.lowercased()

            _ = try await SpendFixtures.alert(team: team.team_id, accountKey: accountKey, kind: "auth")
            let renamed = try await client.call("/api/v1/provider-accounts/\(id)", .patch, key: team.api_key, json: #"{"name": "renamed"}"#)
            #expect(renamed.status == .ok)
            #expect(try await SpendFixtures.pauseExists(accountKey), "a rename does not fix anything")
            let rekeyed = try await client.call("/api/v1/provider-accounts/\(id)", .patch, key: team.api_key, json: #"{"api_key": "sim-key-654321"}"#)
            #expect(rekeyed.status == .ok)
            #expect(try await !SpendFixtures.pauseExists(accountKey))
            #expect(try await client.rows(Alert.self, "/api/v1/alerts", key: team.api_key).isEmpty == true)

            _ = try await SpendFixtures.alert(team: team.team_id, accountKey: accountKey, kind: "insufficient_credits")
            let check = try await client.call("/api/v1/provider-accounts/\(id)/check", .post, key: team.api_key)
            #expect(check.status == .ok)
            #expect(try await !SpendFixtures.pauseExists(accountKey))
            #expect(try await client.rows(Alert.self, "/api/v1/alerts", key: team.api_key).isEmpty == true)
            #expect(try await Self.auditActions(client, key: team.api_key).count == 2)
        }
    }
}
