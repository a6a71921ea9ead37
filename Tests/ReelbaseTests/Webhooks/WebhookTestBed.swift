import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Synchronization
import Testing
@testable import Reelbase

/// Webhooks on a database of their own: the real router, the real job worker with a clock the
/// test moves, a receiver on loopback that the operator allowed (exactly its host:port, as
/// `REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS` would for a private network), and host names that
/// resolve however the test says.
struct WebhookTestBed: Sendable {
    let services: Services
    let client: any TestClientProtocol
    let clock: ManualClock
    let receiver: WebhookReceiver
    let resolver: SwitchableResolver
    let team: TestTeam

    static func run(reply: @escaping @Sendable (Int) -> Int = { _ in 200 }, stall: @escaping @Sendable (String) -> Bool = { _ in false },
                    configure: @Sendable (inout AppConfig) -> Void = { _ in },
                    _ body: @Sendable (WebhookTestBed) async throws -> Void) async throws {
        let receiver = try await WebhookReceiver.start(reply: reply, stall: stall)
        do {
            try await withScratchDatabase(migrated: true) { scratch in
                var config = try TestEnv.config(databaseURL: scratch.url)
                config.jobs = .fast
                config.outbound.httpHosts.insert("127.0.0.1:\(receiver.port)")
                config.outbound.exemptHostPortsForTesting = ["127.0.0.1:\(receiver.port)"]
                configure(&config)
                let clock = ManualClock()
                let resolver = SwitchableResolver()
                let services = try Services(config: config, logger: TestEnv.logger, http: .shared, urlFetcher: nil, clock: clock, resolver: resolver)
                let team = try await TestEnv.makeTeam("Hooks", config: config)
                MetricsSetup.bootstrap()
                let app = Application(router: buildRouter(services), logger: TestEnv.logger)
                try await services.db.whileRunning {
                    try await app.test(.router) { client in
                        try await body(WebhookTestBed(services: services, client: client, clock: clock, receiver: receiver, resolver: resolver, team: team))
                    }
                }
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    var worker: JobWorker {
        JobWorker(queue: services.jobs, registry: .standard(services), periodic: [], migrations: nil, logger: TestEnv.logger)
    }

    /// Creates an endpoint through the API and returns it with its one-time secret.
    func createEndpoint(url: String? = nil, events: [String] = WebhookEventType.names) async throws -> CreatedWebhookEndpoint {
        let body = String(decoding: try JSONEncoder().encode(["url": .string(url ?? receiver.url), "events": .array(events.map { .string($0) })] as JSONValue), as: UTF8.self)
        let response = try await client.call("/api/v1/webhook-endpoints", .post, key: team.api_key, json: body)
        #expect(response.status == .created, "\(response.text)")
        return try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: response.body))
    }

    /// An alert raised the way the worker raises one: `alert.raised` enters the outbox in the
    /// alert's own transaction.
    func raiseAlert(kind: String = "auth_failed") async throws {
        let outcomes = JobOutcomes(db: services.db, audit: services.audit, credits: services.credits, jobs: services.jobs,
                                   webhooks: services.webhookOutbox, logger: TestEnv.logger)
        try await outcomes.alert(team: team.team_id, accountKey: "segmind:hooks-\(UUID().uuidString.prefix(6))", kind: kind,
                                 message: "Segmind refused the key (401).")
    }

    func deliveries(_ endpoint: UUID) async throws -> [WebhookDelivery] {
        let response = try await client.call("/api/v1/webhook-endpoints/\(endpoint)/deliveries", key: team.api_key)
        #expect(response.status == .ok, "\(response.text)")
        return try JSONDecoder.api.decode(PageBody<WebhookDelivery>.self, from: Data(buffer: response.body)).data
    }

    /// Runs every job that is due now; returns how many ran.
    @discardableResult
    func runDueJobs() async throws -> Int {
        var ran = 0
        while try await worker.runOnce() { ran += 1 }
        return ran
    }
}

/// Answers host names from a table the test changes (DNS that moves under us).
final class SwitchableResolver: HostResolver {
    private let table = Mutex<[String: [IPAddress]]>([:])
    func set(_ host: String, _ addresses: [IPAddress]) { table.withLock { $0[host] = addresses } }
    func addresses(for host: String) async throws -> [IPAddress] {
        if let answer = table.withLock({ $0[host] }) { return answer }
        return try await SystemHostResolver().addresses(for: host)
    }
}

struct PageBody<Item: Decodable>: Decodable {
    let data: [Item]
    let next_cursor: String?
}

/// `{type, timestamp, data}` as a receiver reads it.
struct EventBody<Payload: Decodable>: Decodable {
    let type: String
    let timestamp: Date
    let data: Payload
}

struct AlertPayload: Decodable {
    let alert_id: UUID
    let kind: String
    let account_key: String?
    let message: String
}
