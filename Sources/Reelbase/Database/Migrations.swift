import Crypto
import Foundation
import Logging
import PostgresNIO

/// Applies `migrations/NNNN_name.sql` in order, each file in its own transaction, recorded
/// with a SHA-256 checksum. Several replicas may start at once: a transaction-scoped advisory
/// lock serialises them (no session lock, so transaction-pooling PgBouncer still works).
public struct Migrations: Sendable {
    public struct File: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
        public var checksum: String { SHA256.hash(data: Data(sql.utf8)).hex }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case badFileName(String)
        case gap(expected: Int, found: Int)
        case duplicate(Int)
        case edited(version: Int, name: String)
        case unknownApplied(version: Int, name: String)
        case missingDirectory(String)

        public var description: String {
            switch self {
            case .badFileName(let name): "migration file \(name) is not named NNNN_name.sql"
            case .gap(let expected, let found): "migrations have a gap: expected version \(expected), found \(found)"
            case .duplicate(let version): "two migration files share version \(version)"
            case .edited(let version, let name): "migration \(version) (\(name)) was edited after it was applied; add a new migration instead"
            case .unknownApplied(let version, let name): "the database has migration \(version) (\(name)) that this build does not know; refusing to run an older build"
            case .missingDirectory(let path): "REELBASE_MIGRATIONS=\(path): no such directory (unset it to use the migrations built into this binary)"
            }
        }
    }

    /// Arbitrary constant shared by every replica: the key of the advisory lock.
    static let lockKey: Int64 = 0x7265_656C_6261_7365

    public let files: [File]

    /// The migrations built into this binary (migrations/*.sql, embedded by scripts/embed-migrations.sh).
    public static func embedded() throws -> Migrations {
        try Migrations(named: embeddedFiles)
    }

    /// Reads `NNNN_name.sql` files from `directory` (REELBASE_MIGRATIONS), saying clearly when it is missing.
    public init(directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure.missingDirectory(directory)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
        try self.init(named: try names.map { ($0, try String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) })
    }

    private init(named: [(name: String, sql: String)]) throws {
        var files: [File] = []
        for (name, sql) in named {
            guard let underscore = name.firstIndex(of: "_"), let version = Int(name[..<underscore]), version > 0 else {
                throw Failure.badFileName(name)
            }
            files.append(File(version: version, name: name, sql: sql))
        }
        try self.init(files: files)
    }

    public init(files: [File]) throws {
        let sorted = files.sorted { $0.version < $1.version }
        for (index, file) in sorted.enumerated() {
            if index > 0, sorted[index - 1].version == file.version { throw Failure.duplicate(file.version) }
            if file.version != index + 1 { throw Failure.gap(expected: index + 1, found: file.version) }
        }
        self.files = sorted
    }

    /// Applies what is pending; returns the versions applied now.
    @discardableResult
    public func apply(on db: PostgresClient, logger: Logger) async throws -> [Int] {
        try await db.transaction(logger: logger) { conn in
            try await conn.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await conn.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
        }
        var applied: [Int] = []
        for file in files {
            let didApply = try await db.transaction(logger: logger) { conn in
                try await conn.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                let recorded = try await Self.recorded(on: conn, logger: logger)
                if let checksum = recorded[file.version]?.checksum {
                    guard checksum == file.checksum else { throw Failure.edited(version: file.version, name: file.name) }
                    return false
                }
                for statement in SQLSplitter.split(file.sql) {
                    try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await conn.query("""
                    INSERT INTO schema_migrations (version, name, checksum) VALUES (\(file.version), \(file.name), \(file.checksum))
                    """, logger: logger)
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["migration": "\(file.name)"])
                applied.append(file.version)
            }
        }
        try await verify(on: db, logger: logger)
        return applied
    }

    /// Number of files not yet applied; throws when the database and the files disagree.
    public func pending(on db: PostgresClient, logger: Logger) async throws -> Int {
        try await verify(on: db, logger: logger)
    }

    @discardableResult
    private func verify(on db: PostgresClient, logger: Logger) async throws -> Int {
        let recorded = try await db.withConnection { try await Self.recorded(on: $0, logger: logger) }
        let known = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for (version, row) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let file = known[version] else { throw Failure.unknownApplied(version: version, name: row.name) }
            guard file.checksum == row.checksum else { throw Failure.edited(version: version, name: file.name) }
        }
        return files.count - recorded.count
    }

    private static func recorded(on conn: PostgresConnection, logger: Logger) async throws -> [Int: (name: String, checksum: String)] {
        let exists = try await conn.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        guard try await exists.collect().first?.decode(Bool.self) == true else { return [:] }
        var result: [Int: (name: String, checksum: String)] = [:]
        let rows = try await conn.query("SELECT version, name, checksum FROM schema_migrations", logger: logger)
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            result[version] = (name, checksum)
        }
        return result
    }
}
