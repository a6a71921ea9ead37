import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus

/// `/healthz` (the process answers), `/readyz` (database reachable, schema current), `/metrics`.
struct HealthController {
    let db: PostgresClient
    let migrations: Migrations
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    struct Readiness: ResponseEncodable {
        let status: String
        let database: String
        let pending_migrations: Int?
    }

    func addRoutes(to router: Gate<AppContext>) {
        router.get("healthz") { _, _ in ["status": "ok"] }
        router.get("readyz", use: ready)
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    @Sendable func ready(_ request: Request, context: AppContext) async throws -> EditedResponse<Readiness> {
        do {
            let pending = try await withTimeout(.seconds(3)) { try await migrations.pending(on: db, logger: logger) }
            let status: HTTPResponse.Status = pending == 0 ? .ok : .serviceUnavailable
            return EditedResponse(status: status, response: Readiness(status: pending == 0 ? "ready" : "migrations pending", database: "ok", pending_migrations: pending))
        } catch {
            return EditedResponse(status: .serviceUnavailable, response: Readiness(status: "not ready", database: "\(type(of: error))", pending_migrations: nil))
        }
    }
}

/// Runs `operation`, giving up after `timeout` (a dead database must not hang the probe).
func withTimeout<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw CancellationError()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
