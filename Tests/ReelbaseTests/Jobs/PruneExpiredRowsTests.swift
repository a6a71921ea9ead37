import Foundation
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// The first job kind: housekeeping that used to run inside sign-in, now a periodic job.
@Suite struct PruneExpiredRowsTests {
    @Test func prunesOnlyWhatNothingReadsAnyMore() async throws {
        try await JobTestBed.run { bed in
            let team = try await TestEnv.makeTeam("Prune", config: bed.services.config)
            let now = bed.clock.now()
            let hour: TimeInterval = 3600
            try await bed.db.query("""
                INSERT INTO sessions (token_sha256, user_id, team_id, csrf_token, expires_at)
                SELECT decode(md5(random()::text), 'hex'), user_id, team_id, 'csrf', e
                FROM memberships, unnest(ARRAY[\(now.addingTimeInterval(-hour)), \(now.addingTimeInterval(hour))]::timestamptz[]) AS e
                WHERE team_id = \(team.team_id)
                """, logger: TestEnv.logger)
            try await bed.db.query("""
                INSERT INTO idempotency_keys (team_id, key, request_sha256, status, response, created_at) VALUES
                    (\(team.team_id), 'old', 'x', 202, 'null', \(now.addingTimeInterval(-25 * hour))),
                    (\(team.team_id), 'fresh', 'x', 202, 'null', \(now.addingTimeInterval(-23 * hour)))
                """, logger: TestEnv.logger)
            try await bed.db.query("""
                INSERT INTO sign_in_throttle (email_key, ip, attempts, updated_at, last_success_at) VALUES
                    ('idle@example.com', '10.0.0.1', 3, \(now.addingTimeInterval(-25 * hour)), NULL),
                    ('known@example.com', '10.0.0.2', 0, \(now.addingTimeInterval(-25 * hour)), \(now.addingTimeInterval(-25 * hour))),
                    ('recent@example.com', '10.0.0.3', 2, \(now.addingTimeInterval(-60)), NULL)
                """, logger: TestEnv.logger)

            let worker = bed.worker()
            try await worker.schedulePeriodic()
            try await worker.schedulePeriodic()  // the same period: still one job
            #expect(try await bed.count("SELECT count(*)::int FROM jobs WHERE kind = \(PruneExpiredRows.kind)") == 1)
            #expect(try await worker.runOnce() == true)

            #expect(try await bed.count("SELECT count(*)::int FROM sessions WHERE team_id = \(team.team_id) AND expires_at < \(now)") == 0)
            #expect(try await bed.count("SELECT count(*)::int FROM sessions WHERE team_id = \(team.team_id)") == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM idempotency_keys WHERE team_id = \(team.team_id) AND key = 'fresh'") == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM idempotency_keys WHERE team_id = \(team.team_id)") == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM sign_in_throttle WHERE email_key LIKE '%@example.com' AND ip LIKE '10.0.0.%'") == 2,
                    "an idle row goes; a recent one and a remembered success stay")
            #expect(try await bed.count("SELECT count(*)::int FROM jobs WHERE kind = \(PruneExpiredRows.kind) AND state = \(JobState.succeeded)") == 1)

            // The next period gets its own run; a week later the finished ones are pruned too.
            bed.clock.advance(by: 600)
            try await worker.schedulePeriodic()
            #expect(try await bed.count("SELECT count(*)::int FROM jobs WHERE kind = \(PruneExpiredRows.kind)") == 2)
            bed.clock.advance(by: PruneExpiredRows.succeededJobRetention + 600)
            while try await worker.runOnce() {}  // the other periodic kinds run too
            #expect(try await bed.count("SELECT count(*)::int FROM jobs WHERE kind = \(PruneExpiredRows.kind) AND state = \(JobState.succeeded)") == 1,
                    "the week-old run was pruned; the one that just ran is kept")
        }
    }

    /// Half-written blobs (their process died before the digest was set) go with the periodic
    /// job, not with whichever upload happens to come next.
    @Test func abandonedUploadsArePrunedAfterAnHour() async throws {
        try await JobTestBed.run { bed in
            let team = try await TestEnv.makeTeam("Uploads", config: bed.services.config)
            let now = bed.clock.now()
            // A finished upload, written through the store: never pruned, however old.
            let finished = try await bed.services.blobs.put(team: team.team_id, contentType: "image/png", maxBytes: 1 << 20,
                                                          from: [ByteBuffer(string: "finished bytes")].async)
            let abandoned = UUID(), inProgress = UUID()
            try await bed.db.query("""
                INSERT INTO blobs (id, team_id, content_type, chunk_size, created_at) VALUES
                    (\(abandoned), \(team.team_id), 'image/png', 4, \(now.addingTimeInterval(-PruneExpiredRows.incompleteBlobAge - 60))),
                    (\(inProgress), \(team.team_id), 'image/png', 4, \(now.addingTimeInterval(-600)))
                """, logger: TestEnv.logger)
            try await bed.db.query("""
                INSERT INTO blob_chunks (team_id, blob_id, index, bytes)
                SELECT \(team.team_id), id, 0, '\\x00010203'::bytea FROM blobs WHERE id IN (\(abandoned), \(inProgress))
                """, logger: TestEnv.logger)
            try await bed.db.query("UPDATE blobs SET created_at = \(now.addingTimeInterval(-2 * 86400)) WHERE id = \(finished.id)", logger: TestEnv.logger)

            let worker = bed.worker()
            try await worker.schedulePeriodic()
            #expect(try await worker.runOnce() == true)

            #expect(try await bed.count("SELECT count(*)::int FROM blobs WHERE id = \(abandoned)") == 0)
            #expect(try await bed.count("SELECT count(*)::int FROM blob_chunks WHERE blob_id = \(abandoned)") == 0, "its chunks go with it")
            #expect(try await bed.count("SELECT count(*)::int FROM blob_chunks WHERE blob_id = \(inProgress)") == 1,
                    "an upload started ten minutes ago may still finish")
            let kept = try await bed.services.blobs.read(team: team.team_id, id: finished.id, range: nil).collect()
            #expect(String(buffer: kept) == "finished bytes")
        }
    }
}
