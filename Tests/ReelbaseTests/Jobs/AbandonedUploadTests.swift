import Foundation
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// Half-written blobs (their process died before the digest was set) are pruned by the periodic
/// job, not by whichever upload happens to come next.
@Suite struct AbandonedUploadTests {
    @Test func thePeriodicJobPrunesOnlyUploadsAbandonedForAnHour() async throws {
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
