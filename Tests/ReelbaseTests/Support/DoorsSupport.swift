import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Reelbase

/// Helpers for the tests of the team's doors: members, sessions and an app whose client
/// address comes from `X-Forwarded-For`, so one test can speak from several addresses.
enum Doors {
    static func withApp<T>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        MetricsSetup.bootstrap()
        var config = try TestEnv.config()
        config.trustForwardedFor = true
        let app = try await buildApplication(config, logger: TestEnv.logger)
        return try await app.test(.router, body)
    }

    /// Adds a member with a known password; answers their user id.
    static func addMember(_ email: String, role: Role, team: TestTeam, client: any TestClientProtocol) async throws -> String {
        let added = try await client.call("/api/v1/members", .post, key: team.api_key,
                                          json: #"{"email": "\#(email)", "role": "\#(role.rawValue)", "password": "correct horse battery"}"#)
        #expect(added.status == .created, "\(added.text)")
        return try decode(TeamRepository.Added.self, from: added).member.user_id.uuidString
    }

    struct Session { let cookie: String; let csrf: String }

    static func signIn(_ email: String, password: String = "correct horse battery", from ip: String = "192.0.2.1",
                       client: any TestClientProtocol) async throws -> TestResponse {
        try await client.call("/api/v1/session", .post, key: nil, json: #"{"email": "\#(email)", "password": "\#(password)"}"#,
                              headers: [.xForwardedFor: ip])
    }

    static func session(_ email: String, client: any TestClientProtocol) async throws -> Session {
        let response = try await signIn(email, client: client)
        #expect(response.status == .ok, "\(response.text)")
        let cookie = String(try #require(response.headers[.setCookie]).split(separator: ";")[0])
        return Session(cookie: cookie, csrf: try decode(SessionController.SessionInfo.self, from: response).csrf_token)
    }

    /// A key created through `session` (so its creator is that person).
    static func key(role: Role, as session: Session, client: any TestClientProtocol) async throws -> String {
        let created = try await client.call("/api/v1/api-keys", .post, key: nil, json: #"{"name": "mine", "role": "\#(role.rawValue)"}"#,
                                            headers: [.cookie: session.cookie, .csrfToken: session.csrf])
        #expect(created.status == .created, "\(created.text)")
        return try decode(APIKeyController.CreatedKey.self, from: created).key
    }

    static func email(_ tag: String) -> String { "\(tag)-\(UUID().uuidString.prefix(8).lowercased())@example.com" }
}
