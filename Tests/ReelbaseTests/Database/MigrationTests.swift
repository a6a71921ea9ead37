import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

@Suite struct MigrationTests {
    let logger = Logger(label: "test")
    static let files = [
        Migrations.File(version: 1, name: "0001_a.sql", sql: "CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);"),
        Migrations.File(version: 2, name: "0002_b.sql", sql: "CREATE TABLE b (note text DEFAULT 'x;y');"),
    ]

    @Test func freshApplyRunsEveryFileThenReapplyIsANoOp() async throws {
        try await withScratchDatabase { scratch in
            let db = scratch.client
            let migrations = try Migrations(directory: TestEnv.root + "/migrations")
            let first = try await migrations.apply(on: db, logger: logger)
            #expect(first == Array(1...migrations.files.count))
            let tables = try await db.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('teams', 'users', 'api_keys', 'audit_log')", logger: logger)
            #expect(try await tables.decode(Int.self).firstElement() == 4)
            #expect(try await migrations.apply(on: db, logger: logger) == [])
            #expect(try await migrations.pending(on: db, logger: logger) == 0)
            let recorded = try await db.query("SELECT count(*) FROM schema_migrations", logger: logger)
            #expect(try await recorded.decode(Int.self).firstElement() == migrations.files.count)
        }
    }

    @Test func anEditedLandedFileIsRefused() async throws {
        try await withScratchDatabase { scratch in
            let db = scratch.client
            try await Migrations(files: Self.files).apply(on: db, logger: logger)
            var edited = Self.files
            edited[0] = Migrations.File(version: 1, name: "0001_a.sql", sql: edited[0].sql + "\n-- sneaky edit")
            await #expect(throws: Migrations.Failure.edited(version: 1, name: "0001_a.sql")) {
                try await Migrations(files: edited).apply(on: db, logger: logger)
            }
            await #expect(throws: Migrations.Failure.edited(version: 1, name: "0001_a.sql")) {
                try await Migrations(files: edited).pending(on: db, logger: logger)
            }
        }
    }

    @Test func aGapOrDuplicateIsRefusedBeforeTouchingTheDatabase() throws {
        #expect(throws: Migrations.Failure.gap(expected: 2, found: 3)) {
            try Migrations(files: [Self.files[0], Migrations.File(version: 3, name: "0003_c.sql", sql: "SELECT 1")])
        }
        #expect(throws: Migrations.Failure.duplicate(2)) {
            try Migrations(files: Self.files + [Migrations.File(version: 2, name: "0002_other.sql", sql: "SELECT 1")])
        }
    }

    @Test func aDatabaseAheadOfTheBuildIsRefused() async throws {
        try await withScratchDatabase { scratch in
            let db = scratch.client
            try await Migrations(files: Self.files).apply(on: db, logger: logger)
            await #expect(throws: Migrations.Failure.unknownApplied(version: 2, name: "0002_b.sql")) {
                try await Migrations(files: [Self.files[0]]).apply(on: db, logger: logger)
            }
        }
    }

    @Test func aFailingFileLeavesNothingHalfApplied() async throws {
        try await withScratchDatabase { scratch in
            let db = scratch.client
            let broken = Self.files + [Migrations.File(version: 3, name: "0003_bad.sql", sql: "CREATE TABLE c (id int); SELECT no_such_function();")]
            await #expect(throws: (any Error).self) { try await Migrations(files: broken).apply(on: db, logger: logger) }
            let rows = try await db.query("SELECT to_regclass('c') IS NULL, (SELECT max(version) FROM schema_migrations)", logger: logger)
            let (cAbsent, maxVersion) = try await rows.decode((Bool, Int).self).firstElement()!
            #expect(cAbsent)
            #expect(maxVersion == 2)
        }
    }

    @Test func replicasStartingAtOnceApplyEachFileOnce() async throws {
        try await withScratchDatabase { scratch in
            let db = scratch.client
            let migrations = try Migrations(directory: TestEnv.root + "/migrations")
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await migrations.apply(on: db, logger: logger) } }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(applied.sorted() == Array(1...migrations.files.count))
        }
    }
}
