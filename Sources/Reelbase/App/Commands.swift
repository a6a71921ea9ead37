import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs `body` with a bare connected pool (tests' superuser SQL); commands use `withServices`.
public func withDatabase<T: Sendable>(_ config: AppConfig, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
    let logger = Logger(label: "reelbase")
    let db = PostgresClient(configuration: try config.postgresConfiguration(), backgroundLogger: logger)
    return try await db.whileRunning { try await body(db, logger) }
}

/// `reelbase worker`: both queues' workers without the HTTP API.
public func runWorkerOnly(_ config: AppConfig, logger: Logger) async throws {
    let services = try Services(config: config, logger: logger)
    // Workers stop first, then the HTTP client and the pool they use.
    let group = ServiceGroup(configuration: .init(services: services.lifecycle + workerServices(services),
                                                  gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

/// Administrative actions the CLI performs directly against the database.
public enum TeamAdmin {
    /// Creates a team and returns the one line of JSON scripts rely on.
    public static func create(_ services: Services, name: String, ownerEmail: String, ownerPassword: String?) async throws -> String {
        let created = try await services.teams.create(name: name, ownerEmail: ownerEmail, ownerPassword: ownerPassword)
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
