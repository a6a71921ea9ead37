import Foundation
import HummingbirdTesting
import Testing
@testable import Reelbase

/// API keys are cached for a few seconds per replica; revoking one must still stop it at once
/// on this replica and, through pg_notify, on every other.
@Suite struct CredentialCacheTests {
    @Test func aRevokedKeyStopsWorkingOnEveryReplica() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { first in
            let created = try decode(APIKeyController.CreatedKey.self,
                                     from: try await first.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "ci", "role": "editor"}"#))
            let key = created.key
            let id = created.api_key.id.uuidString
            try await TestEnv.withApp { second in
                // Both replicas have seen (and cached) the key.
                #expect(try await first.call("/api/v1/me", key: key).status == .ok)
                #expect(try await second.call("/api/v1/me", key: key).status == .ok)
                let revoked = try await first.call("/api/v1/api-keys/\(id)", .delete, key: team.api_key)
                #expect(revoked.status.code < 300, "\(revoked.text)")
                #expect(try await first.call("/api/v1/me", key: key).status == .unauthorized, "the replica that revoked it forgets at once")
                // The cache lives 10 s; only the notification can stop it sooner.
                let deadline = ContinuousClock.now + .seconds(3)
                var status = try await second.call("/api/v1/me", key: key).status
                while status != .unauthorized && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    status = try await second.call("/api/v1/me", key: key).status
                }
                #expect(status == .unauthorized, "the other replica must forget the key within moments")
            }
        }
    }

    @Test func useIsRecordedInTheBackground() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            for _ in 0..<3 { #expect(try await client.call("/api/v1/me", key: team.api_key).status == .ok) }
            let deadline = ContinuousClock.now + .seconds(5)
            var used: Date?
            while used == nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                used = try await TestEnv.withAdmin { db, logger in
                    try await db.query("SELECT max(last_used_at) FROM api_keys WHERE team_id = \(team.team_id)", logger: logger)
                        .decode(Date?.self).firstElement() ?? nil
                }
            }
            #expect(used != nil)
        }
    }
}
