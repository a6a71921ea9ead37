import Foundation
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct SignInAuditTests {
    @Test func signInsAndFailuresAreAuditedWithoutThePassword() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let wrong = try await client.call("/api/v1/session", .post, key: nil,
                                              json: #"{"email": "\#(team.owner_email)", "password": "not-the-password-xyz"}"#)
            #expect(wrong.status == .unauthorized)
            let right = try await client.call("/api/v1/session", .post, key: nil,
                                              json: #"{"email": "\#(team.owner_email)", "password": "correct horse battery"}"#)
            #expect(right.status == .ok, "\(right.text)")

            let log = try await client.call("/api/v1/audit?target_type=user", key: team.api_key)
            let rows = try #require(try log.json()["data"] as? [[String: Any]]).filter { ($0["action"] as? String)?.hasPrefix("session.") == true }
            #expect(rows.compactMap { $0["action"] as? String } == ["session.signed_in", "session.sign_in_failed"])
            #expect(rows.last?["actor_type"] as? String == "anonymous")
            #expect((rows.last?["details"] as? [String: Any])?["reason"] as? String == "invalid_credentials")
            #expect(rows.first?["actor_type"] as? String == "user")
            #expect(!log.text.contains("not-the-password-xyz"))
            #expect(!log.text.contains("correct horse battery"))
            #expect(try await client.call("/api/v1/audit/verify", key: team.api_key).json()["ok"] as? Bool == true)
        }
    }
}
