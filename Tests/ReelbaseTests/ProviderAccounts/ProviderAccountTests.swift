import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import ProviderSimulator
import ReelbaseCore
import Testing
@testable import Reelbase

@Suite struct ProviderAccountTests {
    static let secretKey = "sk-live-very-secret-provider-key-0042"

    @Test func keysAreEncryptedAtRestAndNeverReturned() async throws {
        let team = try await TestEnv.makeTeam()
        let created: ProviderAccountRecord = try await TestEnv.withApp { client in
            let response = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                 json: #"{"provider": "segmind", "name": "main", "api_key": "\#(Self.secretKey)"}"#)
            #expect(response.status == .created)
            #expect(!response.text.contains(Self.secretKey))
            let json = try decode(ProviderAccountRecord.self, from: response)
            #expect(json.api_key_last4 == "0042")
            for path in ["/api/v1/provider-accounts", "/api/v1/provider-accounts/\(json.id)", "/api/v1/audit"] {
                let read = try await client.call(path, key: team.api_key)
                #expect(read.status == .ok)
                #expect(!read.text.contains(Self.secretKey), "\(path) leaked the key")
            }
            return json
        }
        let id = created.id
        let sealed = try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("SELECT api_key_sealed FROM provider_accounts WHERE id = \(id)", logger: logger)
            return try await rows.decode(Data.self).firstElement()
        }
        let bytes = try #require(sealed)
        #expect(bytes.range(of: Data(Self.secretKey.utf8)) == nil)
        // It opens with the service key, and only for its own row.
        let box = SecretBox(key: try TestEnv.config().secretKey)
        #expect(try box.open(bytes, context: "provider_account:\(id.uuidString)") == Self.secretKey)
        #expect(throws: (any Error).self) { try box.open(bytes, context: "provider_account:\(UUID().uuidString)") }
    }

    @Test func onlyOwnersManageAccountsAndOtherTeamsSee404() async throws {
        let a = try await TestEnv.makeTeam()
        let b = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let editor = try await client.call("/api/v1/api-keys", .post, key: a.api_key, json: #"{"name": "ed", "role": "editor"}"#)
            let editorKey = try decode(APIKeyController.CreatedKey.self, from: editor).key
            let denied = try await client.call("/api/v1/provider-accounts", .post, key: editorKey,
                                               json: #"{"provider": "segmind", "name": "x", "api_key": "abcdefghijk"}"#)
            #expect(denied.status == .forbidden)

            let bad = try await client.call("/api/v1/provider-accounts", .post, key: a.api_key,
                                            json: #"{"provider": "aimlapi", "name": "", "api_key": "short", "mode": "sync", "concurrency_limit": 0, "base_url": "ftp://x"}"#)
            #expect(bad.status == .unprocessableContent)
            let details = try #require(try decode(AppError.Body.self, from: bad).error.details)
            #expect(Set(details.keys) == ["name", "api_key", "mode", "concurrency_limit", "base_url"])

            let bAccount = try await client.call("/api/v1/provider-accounts", .post, key: b.api_key,
                                                 json: #"{"provider": "segmind", "name": "b", "api_key": "b-key-123456789"}"#)
            let bID = try decode(Identified.self, from: bAccount).id
            for (method, path) in [(HTTPRequest.Method.get, ""), (.patch, ""), (.delete, ""), (.post, "/check")] {
                let response = try await client.call("/api/v1/provider-accounts/\(bID)\(path)", method, key: a.api_key, json: method == .patch ? #"{"name": "mine"}"# : nil)
                #expect(response.status == .notFound, "\(method) \(path)")
            }
            #expect(!(try await client.call("/api/v1/provider-accounts", key: a.api_key).text.contains(bID)))
        }
    }

    @Test func checkRecordsTheBalanceTheSimulatorReports() async throws {
        let simulator = try await ProviderSimulator.start(SimulatorConfig(latencySeconds: 0, balance: Decimal(string: "42.125")!))
        defer { Task { await simulator.shutdown() } }
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let created = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                json: #"{"provider": "segmind", "name": "sim", "api_key": "sim-key-123456", "base_url": "\#(simulator.baseURL)"}"#)
            let id = try decode(Identified.self, from: created).id
            let check = try await client.call("/api/v1/provider-accounts/\(id)/check", .post, key: team.api_key)
            #expect(check.status == .ok)
            #expect(try decode(ProviderAccountController.CheckResult.self, from: check).credits == Decimal(string: "42.125"))
            let rows = try await client.rows(CreditSnapshot.self, "/api/v1/credits?account_id=\(id)", key: team.api_key)
            #expect(rows.count == 1)
            #expect(rows.first?.remaining == Decimal(string: "42.125"))
            #expect(rows.first?.source == "balance_endpoint")

            // A wrong key is the provider's 401, reported as a bad gateway with its kind.
            await simulator.setFaults([FaultRule(route: .any, fault: .unauthorized, count: 1)])
            let refused = try await client.call("/api/v1/provider-accounts/\(id)/check", .post, key: team.api_key)
            #expect(refused.status == .badGateway)
            #expect(refused.errorCode == "provider_auth")
            #expect(!refused.text.contains("sim-key-123456"))
        }
    }

    @Test func defaultPricesMatchTheCatalogAndOwnersCanReplaceThem() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let prices = try await client.call("/api/v1/prices", key: team.api_key)
            let rows = try decode(PricingController.PriceList.self, from: prices).data
            #expect(rows.count == PriceTable.published.rows.count)
            #expect(rows.allSatisfy { $0.source == "default" })

            let models = try await client.call("/api/v1/models", key: team.api_key)
            let entries = try decode(PricingController.ModelList.self, from: models).data
            #expect(entries.count == ModelCatalog.standard().models.count)
            let fast = try #require(entries.first { $0.model.id == "segmind/veo-3.1-fast" })
            #expect(fast.estimate_min_usd == Decimal(string: "0.4"))
            #expect(fast.estimate_max_usd == Decimal(string: "1.2"))

            let viewer = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "v", "role": "viewer"}"#)
            let viewerKey = try decode(APIKeyController.CreatedKey.self, from: viewer).key
            let body = #"{"rows": [{"model_id": "segmind/veo-3.1-fast", "unit": "per_generation", "usd": 0.5}]}"#
            #expect(try await client.call("/api/v1/prices", .put, key: viewerKey, json: body).status == .forbidden)
            let replaced = try await client.call("/api/v1/prices", .put, key: team.api_key, json: body)
            #expect(replaced.status == .ok)
            let after = try decode(PricingController.PriceList.self, from: replaced).data
            #expect(after.filter { $0.source == "team" }.count == 1)
            #expect(after.count == PriceTable.published.rows.count - 1)
            let unknown = try await client.call("/api/v1/prices", .put, key: team.api_key, json: #"{"rows": [{"model_id": "sora", "unit": "per_second", "usd": 1}]}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(try await client.auditRows("action=prices.replaced", key: team.api_key).count == 1)
        }
    }
}
