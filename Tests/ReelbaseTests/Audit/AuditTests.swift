import Foundation
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

@Suite struct AuditTests {
    @Test func everyChangeLeavesARowWithItsActor() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let created = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "audited"}"#)
            let id = try decode(APIKeyController.CreatedKey.self, from: created).api_key.id.uuidString
            _ = try await client.call("/api/v1/api-keys/\(id)", .delete, key: team.api_key)

            let rows = try await client.auditRows("", key: team.api_key)
            #expect(rows.map(\.action) == ["api_key.revoked", "api_key.created", "api_key.created", "member.added", "team.created"])
            #expect(rows[0].actor_type == "api_key")
            #expect(rows[0].target_id == id)

            #expect(try await client.auditRows("action=api_key.revoked", key: team.api_key).count == 1)
            #expect(try await client.auditRows("target=\(id)", key: team.api_key).count == 2)
            #expect(try await client.auditRows("since=2999-01-01T00:00:00Z", key: team.api_key).isEmpty)
        }
    }

    @Test func cursorPaginationWalksEveryRowOnce() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            for index in 0..<5 { _ = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "k\#(index)"}"#) }
            var seen: [Int] = []
            var cursor: String?
            repeat {
                let page = try await client.call("/api/v1/audit?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), key: team.api_key)
                let listed = try decode(Listed<AuditEntry>.self, from: page)
                seen += listed.data.map { Int($0.seq) }
                cursor = listed.next_cursor
            } while cursor != nil
            #expect(seen.count == 8)
            #expect(Set(seen).count == 8)
            #expect(seen == seen.sorted(by: >))
            #expect(try await client.call("/api/v1/audit?limit=0", key: team.api_key).status == .badRequest)
        }
    }

    @Test func rowsCannotBeUpdatedDeletedOrTruncated() async throws {
        let team = try await TestEnv.makeTeam()
        let outcomes = try await TestEnv.withAdmin { db, logger -> [String] in
            var messages: [String] = []
            for sql in ["UPDATE audit_log SET action = 'x' WHERE team_id = '\(team.team_id)'",
                        "DELETE FROM audit_log WHERE team_id = '\(team.team_id)'",
                        "TRUNCATE audit_log CASCADE"] {
                do {
                    try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    messages.append("allowed")
                } catch let error as PSQLError {
                    messages.append(error.serverInfo?[.message] ?? "refused")
                }
            }
            let rows = try await db.query("SELECT count(*) FROM audit_log WHERE team_id = \(team.team_id) AND action <> 'x'", logger: logger)
            messages.append("rows=\(try await rows.decode(Int.self).firstElement() ?? -1)")
            return messages
        }
        #expect(outcomes[0].contains("append-only"))
        #expect(outcomes[1].contains("append-only"))
        #expect(outcomes[2].contains("append-only"))
        #expect(outcomes[3] == "rows=3")
    }

    @Test func verifyReportsAHandEditByASuperuser() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let ok = try await client.call("/api/v1/audit/verify", key: team.api_key)
            let verdict = try decode(AuditRepository.Verification.self, from: ok)
            #expect(verdict.ok == true)
            #expect(verdict.rows_checked == 3)
        }
        // A superuser switches triggers off for their session and rewrites history.
        let editedSeq = try await TestEnv.withAdmin { db, logger -> Int in
            try await db.withConnection { conn in
                try await conn.query("SET session_replication_role = replica", logger: logger)
                let rows = try await conn.query("""
                    UPDATE audit_log SET details = '{"name": "someone else"}'
                    WHERE team_id = \(team.team_id) AND action = 'team.created' RETURNING seq
                    """, logger: logger)
                let seq = try await rows.decode(Int.self).firstElement() ?? -1
                try await conn.query("SET session_replication_role = origin", logger: logger)
                return seq
            }
        }
        try await TestEnv.withApp { client in
            let verdict = try await client.call("/api/v1/audit/verify", key: team.api_key)
            let json = try decode(AuditRepository.Verification.self, from: verdict)
            #expect(json.ok == false)
            #expect(json.first_broken_seq == Int64(editedSeq))
        }
    }

    @Test func aDeletedRowIsReportedToo() async throws {
        let team = try await TestEnv.makeTeam()
        let removedNext = try await TestEnv.withAdmin { db, logger -> Int in
            try await db.withConnection { conn in
                try await conn.query("SET session_replication_role = replica", logger: logger)
                try await conn.query("DELETE FROM audit_log WHERE team_id = \(team.team_id) AND action = 'member.added'", logger: logger)
                try await conn.query("SET session_replication_role = origin", logger: logger)
                let rows = try await conn.query("SELECT seq FROM audit_log WHERE team_id = \(team.team_id) AND action = 'api_key.created'", logger: logger)
                return try await rows.decode(Int.self).firstElement() ?? -1
            }
        }
        try await TestEnv.withApp { client in
            let json = try decode(AuditRepository.Verification.self, from: try await client.call("/api/v1/audit/verify", key: team.api_key))
            #expect(json.ok == false)
            #expect(json.first_broken_seq == Int64(removedNext))
        }
    }
}
