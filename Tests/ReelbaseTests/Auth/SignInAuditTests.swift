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
            let rows = try decode(Listed<AuditEntry>.self, from: log).data.filter { $0.action.hasPrefix("session.") }
            #expect(rows.map(\.action) == ["session.signed_in", "session.sign_in_failed"])
            #expect(rows.last?.actor_type == "anonymous")
            #expect(rows.last?.details["reason"]?.string == "invalid_credentials")
            #expect(rows.first?.actor_type == "user")
            #expect(!log.text.contains("not-the-password-xyz"))
            #expect(!log.text.contains("correct horse battery"))
            #expect(try decode(AuditRepository.Verification.self, from: try await client.call("/api/v1/audit/verify", key: team.api_key)).ok == true)
        }
    }
}
