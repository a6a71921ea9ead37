import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Reelbase

/// The app on the shared test database with a clock the test sets, the worker off (gateway
/// calls are admitted and queued, never sent), and a team whose Segmind account points nowhere.
enum Gateway {
    static func withApp<T>(clock: ManualClock = ManualClock(), publicURL: URL? = nil, _ body: @Sendable (any TestClientProtocol, TestTeam) async throws -> T) async throws -> T {
        MetricsSetup.bootstrap()
        let team = try await TestEnv.makeTeam()
        var config = TestEnv.allowingSimulator(try TestEnv.config())
        config.publicURL = publicURL
        let services = try Services(config: config, logger: TestEnv.logger, http: .shared,
                                    urlFetcher: nil, clock: clock)
        var app = Application(router: buildRouter(services), logger: TestEnv.logger)
        app.addServices(services.lifecycle)
        return try await app.test(.router) { client in
            let account = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key, json: """
                {"provider": "segmind", "name": "sim", "api_key": "sim-key-\(UUID().uuidString.prefix(8))", "base_url": "http://127.0.0.1:9", "mode": "async"}
                """)
            #expect(account.status == .created, "\(account.text)")
            return try await body(client, team)
        }
    }

    /// A new key of the team with this scope (JSON fields beside name and role).
    static func key(_ scope: String, team: TestTeam, client: any TestClientProtocol) async throws -> (id: String, key: String) {
        let created = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "scoped", "role": "editor", \#(scope)}"#)
        #expect(created.status == .created, "\(created.text)")
        let reply = try JSONDecoder().decode(CreatedKey.self, from: Data(buffer: created.body))
        return (reply.api_key.id.uuidString.lowercased(), reply.key)
    }

    struct CreatedKey: Decodable {
        struct Record: Decodable { let id: UUID }
        let api_key: Record
        let key: String
    }

    /// `POST /v2/{slug}` as the Segmind SDK sends it.
    static func submit(_ client: any TestClientProtocol, key: String, slug: String = "veo-3.1-lite",
                       json: String = #"{"prompt": "a lighthouse at dusk", "duration": 4, "resolution": "720p", "generate_audio": false}"#,
                       headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.xAPIKey] = key
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/v2/\(slug)", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, key: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.xAPIKey: key], body: nil)
    }

    struct Submitted: Decodable {
        let request_id: String
        let status: String
        let status_url: String
        let response_url: String
    }

    /// Segmind's error shape.
    struct SegmindError: Decodable { let error: String }

    struct KeyRecord: Decodable {
        let id: UUID
        let budget_usd: Decimal?
        let budget_period: String
        let period_used_usd: Decimal
        let period_start: Date
        let allowed_models: [String]?
    }

    struct KeyPage: Decodable { let data: [KeyRecord] }
}
