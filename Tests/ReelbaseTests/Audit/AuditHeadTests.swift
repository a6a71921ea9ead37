import Foundation
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

/// The signed chain head: rows cut from the end of a team's log are reported by verify.
@Suite struct AuditHeadTests {
    /// As a superuser with triggers off, as an attacker with database access would.
    static func asSuperuser(_ statements: String...) async throws {
        try await TestEnv.withAdmin { db, logger in
            try await db.withConnection { conn in
                try await conn.query("SET session_replication_role = replica", logger: logger)
                for sql in statements { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await conn.query("SET session_replication_role = origin", logger: logger)
            }
        }
    }

    static func makeKeys(_ team: TestTeam, count: Int) async throws {
        try await TestEnv.withApp { client in
            for index in 0..<count {
                _ = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "k\#(index)"}"#)
            }
        }
    }

    static func verify(_ team: TestTeam) async throws -> AuditRepository.Verification {
        try await TestEnv.withApp { client in
            try decode(AuditRepository.Verification.self, from: try await client.call("/api/v1/audit/verify", key: team.api_key))
        }
    }

    @Test func deletingTheLastRowsIsReported() async throws {
        let team = try await TestEnv.makeTeam()
        try await Self.makeKeys(team, count: 3)
        let clean = try await Self.verify(team)
        #expect(clean.ok == true)
        #expect(clean.rows_checked == 6)

        try await Self.asSuperuser("""
            DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE team_id = '\(team.team_id)' ORDER BY seq DESC LIMIT 2)
            """)
        let cut = try await Self.verify(team)
        #expect(cut.ok == false)
        #expect(cut.problem?.contains("removed from the end") == true, "\(cut)")
        #expect(cut.rows_checked == 4)

        // The next change does not paper over the cut: it links to the row that was removed.
        try await Self.makeKeys(team, count: 1)
        let after = try await Self.verify(team)
        #expect(after.ok == false)
        #expect(after.problem?.contains("removed or replaced") == true, "\(after)")
    }

    @Test func removingOrForgingTheHeadIsReported() async throws {
        let removed = try await TestEnv.makeTeam()
        try await Self.asSuperuser("DELETE FROM audit_heads WHERE team_id = '\(removed.team_id)'")
        #expect(try await Self.verify(removed).ok == false)
        try await Self.makeKeys(removed, count: 1)  // a later change does not sign over it
        #expect(try await Self.verify(removed).ok == false)

        // Pointing the head at an earlier row needs the secret to sign it.
        let forged = try await TestEnv.makeTeam()
        try await Self.asSuperuser("""
            UPDATE audit_heads SET (last_seq, last_hash) = (SELECT seq, hash FROM audit_log WHERE team_id = '\(forged.team_id)' ORDER BY seq LIMIT 1)
            WHERE team_id = '\(forged.team_id)'
            """)
        let verdict = try await Self.verify(forged)
        #expect(verdict.ok == false)
        #expect(verdict.problem?.contains("signature") == true)
    }

    @Test func aChainFromBeforeHeadsIsSignedOnceThenGuarded() async throws {
        let team = try await TestEnv.makeTeam()
        // As the migration leaves a team that had rows before heads existed.
        try await Self.asSuperuser("DELETE FROM audit_heads WHERE team_id = '\(team.team_id)'",
                                   "INSERT INTO audit_heads_unsigned (team_id) VALUES ('\(team.team_id)')")
        #expect(try await Self.verify(team).ok == true)
        try await Self.makeKeys(team, count: 1)
        try await Self.asSuperuser("""
            DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log WHERE team_id = '\(team.team_id)')
            """)
        #expect(try await Self.verify(team).ok == false)
    }
}
