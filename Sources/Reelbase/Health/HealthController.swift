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
    /// `REELBASE_METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`.
    var metricsToken: String? = nil
    let logger: Logger

    struct Readiness: ResponseEncodable, Decodable {
        let status: String
        let database: String
        let pending_migrations: Int?
    }

    func addRoutes(to router: Gate<AppContext>) {
        router.get("healthz") { _, _ in ["status": "ok"] }
        router.get("readyz", use: ready)
        router.get("metrics") { request, _ in
            guard mayReadMetrics(request) else {
                throw AppError(.unauthorized, "unauthenticated", "The metrics need `Authorization: Bearer <REELBASE_METRICS_TOKEN>`.")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    func mayReadMetrics(_ request: Request) -> Bool {
        guard let metricsToken else { return true }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return false }
        let sent = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        // Digests first: equal lengths, so the comparison's time says nothing about the token.
        return Digests.constantTimeEqual(Digests.sha256(sent), Digests.sha256(metricsToken))
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
