import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// Tests run against the real PostgreSQL named by DATABASE_URL (`make test` provides a fresh one).
enum TestEnv {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let logger = Logger(label: "test")

    static var databaseURL: String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            fatalError("DATABASE_URL is not set: run the suite with `make test`, which starts PostgreSQL")
        }
        return url
    }

    static func config(databaseURL: String? = nil) throws -> AppConfig {
        var config = try AppConfig.fromEnvironment([
            "DATABASE_URL": databaseURL ?? Self.databaseURL,
            "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ=",
            "REELBASE_BCRYPT_COST": "4",
            "REELBASE_DB_POOL_SIZE": "4",
            "REELBASE_MIGRATIONS": root + "/migrations",
            "REELBASE_PUBLIC": root + "/Public",
            // History look-ups never leave this machine; pipeline tests name the simulator's.
            "REELBASE_SEGMIND_HISTORY_URL": "http://127.0.0.1:9/inference-request/request-history",
        ])
        config.runWorker = false
        return config
    }

    /// What an operator sets so team accounts may point at the in-process simulator on
    /// loopback (plain http, a private address). Off by default, as in production.
    static func allowingSimulator(_ config: AppConfig) -> AppConfig {
        var config = config
        config.allowPrivateProviderHosts = true
        config.outbound.httpHosts.insert("127.0.0.1")
        return config
    }

    /// A freshly built app on the shared test database, tested through its router.
    /// `allowingSimulator`: team accounts may use the simulator's loopback URL.
    static func withApp<T>(allowingSimulator: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        MetricsSetup.bootstrap()
        try await TestDatabases.shared.value
        let base = try config()
        let app = try await buildApplication(allowingSimulator ? Self.allowingSimulator(base) : base, logger: logger)
        return try await app.test(.router, body)
    }

    /// A new team with its owner key, created the way `reelbase team create` does, on the shared
    /// database (migrated once per run).
    static func makeTeam(_ name: String = "Team \(UUID().uuidString.prefix(8))") async throws -> TestTeam {
        try await TestDatabases.shared.value
        return try await makeTeam(name, config: try config())
    }

    /// The same on any migrated database.
    static func makeTeam(_ name: String, config: AppConfig, ownerEmail: String = "owner-\(UUID().uuidString.prefix(8))@example.com") async throws -> TestTeam {
        let line = try await withServices(config, logger: logger) { services in
            try await TeamAdmin.create(services, name: name, ownerEmail: ownerEmail, ownerPassword: "correct horse battery")
        }
        return try JSONDecoder().decode(TestTeam.self, from: Data(line.utf8))
    }

    /// Runs SQL as the database superuser (the test cluster's owner).
    static func withAdmin<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        try await withDatabase(try config(), body)
    }
}

struct TestTeam: Decodable {
    let team_id: UUID
    let api_key: String
    let owner_email: String
    let owner_password: String?
}

extension TestClientProtocol {
    /// Executes with `Authorization: Bearer key` and an optional JSON body.
    func call(_ uri: String, _ method: HTTPRequest.Method = .get, key: String?, json: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
