import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs `body` with a connected pool, for one-shot commands (migrate, team create).
public func withDatabase<T: Sendable>(_ config: AppConfig, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
    let logger = Logger(label: "reelbase")
    let db = PostgresClient(configuration: try config.postgresConfiguration(), backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { await db.run(); return nil }
        defer { group.cancelAll() }
        return try await body(db, logger)
    }
}

/// `reelbase worker`: the background services without the HTTP API.
public func runWorkerOnly(_ config: AppConfig, logger: Logger) async throws {
    let db = PostgresClient(configuration: try config.postgresConfiguration(), backgroundLogger: logger)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderTimeouts().httpClientConfiguration())
    let clients = ProviderClientFactory(http: http, teamHosts: OutboundGuard(policy: config.teamProviderHosts), logger: logger)
    // Workers stop first, then the HTTP client and the pool they use.
    let services: [any Service] = [db, HTTPClientService(client: http)] + workerServices(db: db, config: config, clients: clients, logger: logger)
    let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

/// Administrative actions the CLI performs directly against the database.
public enum TeamAdmin {
    /// Creates a team and returns the one line of JSON scripts rely on.
    public static func create(db: PostgresClient, config: AppConfig, logger: Logger, name: String, ownerEmail: String, ownerPassword: String?) async throws -> String {
        let audit = AuditRepository(db: db, secrets: SecretBox(key: config.secretKey), logger: logger)
        let auth = AuthRepository(db: db, logger: logger, bcryptCost: config.bcryptCost)
        let created = try await TeamRepository(db: db, audit: audit, auth: auth, logger: logger)
            .create(name: name, ownerEmail: ownerEmail, ownerPassword: ownerPassword)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Always print every key, owner_password as null when the account already existed.
        struct Line: Encodable {
            let team_id: UUID, api_key: String, owner_email: String, owner_password: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(team_id, forKey: .team_id)
                try c.encode(api_key, forKey: .api_key)
                try c.encode(owner_email, forKey: .owner_email)
                try c.encode(owner_password, forKey: .owner_password)
            }
            enum CodingKeys: String, CodingKey { case team_id, api_key, owner_email, owner_password }
        }
        let line = Line(team_id: created.team_id, api_key: created.api_key, owner_email: created.owner_email, owner_password: created.owner_password)
        return String(decoding: try encoder.encode(line), as: UTF8.self)
    }
}
