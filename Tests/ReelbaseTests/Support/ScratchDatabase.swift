import Foundation
import Logging
import PostgresNIO
@testable import Reelbase

/// A database of the test's own, dropped afterwards.
struct ScratchDatabase: Sendable {
    let client: PostgresClient
    let url: String
}

/// Runs `body` against a new database: empty, or (`migrated`) a clone of the template that was
/// migrated once for the whole run (`CREATE DATABASE … TEMPLATE`, as SwiftPackageIndex-Server's
/// tests do), so tests that need isolation do not pay for the migrations each time.
func withScratchDatabase(migrated: Bool = false, _ body: @Sendable (ScratchDatabase) async throws -> Void) async throws {
    let name = "rbtest_\(UUID().uuidString.prefix(8).lowercased())"
    if migrated {
        try await TestDatabases.clone(try await TestDatabases.template.value, as: name)
    } else {
        _ = try await TestEnv.withAdmin { admin, logger in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
    }
    let url = TestDatabases.url(of: name)
    let config = try TestEnv.config(databaseURL: url)
    do {
        let db = PostgresClient(configuration: try config.postgresConfiguration(), backgroundLogger: TestEnv.logger)
        try await db.whileRunning { try await body(ScratchDatabase(client: db, url: url)) }
    } catch {
        try? await TestDatabases.drop(name)
        throw error
    }
    try await TestDatabases.drop(name)
}

enum TestDatabases {
    /// The shared test database (DATABASE_URL), migrated once per run.
    static let shared = Task<Void, any Error> {
        let config = try TestEnv.config()
        try await withDatabase(config) { db, logger in _ = try await config.migrations().apply(on: db, logger: logger) }
    }

    /// A migrated database to clone, rebuilt once per run so it always has the current migrations.
    static let template = Task<String, any Error> {
        let name = "rbtest_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await drop(name)
        _ = try await TestEnv.withAdmin { admin, logger in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        let config = try TestEnv.config(databaseURL: url(of: name))
        try await withDatabase(config) { db, logger in _ = try await config.migrations().apply(on: db, logger: logger) }
        return name
    }

    static func url(of name: String) -> String {
        var parts = URLComponents(string: TestEnv.databaseURL)!
        parts.path = "/" + name
        return parts.string!
    }

    /// Cloning needs the template to have no sessions; the one that migrated it may still be closing.
    static func clone(_ template: String, as name: String) async throws {
        for attempt in 1... {
            do {
                _ = try await TestEnv.withAdmin { admin, logger in
                    try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: logger)
                }
                return
            } catch let error as PSQLError where attempt < 50 && error.serverInfo?[.sqlState] == "55006" {
                try await Task.sleep(for: .milliseconds(100))  // object_in_use: "being accessed by other users"
            }
        }
    }

    static func drop(_ name: String) async throws {
        _ = try await TestEnv.withAdmin { admin, logger in
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }
}
