import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// A whole pipeline for one test: its own database (so no other test's worker touches its
/// jobs), a provider simulator, the app with a fast worker, and a team whose provider
/// account points at the simulator.
struct PipelineHarness: Sendable {
    let client: any TestClientProtocol
    let simulator: RunningSimulator
    let team: TestTeam
    let accountID: String
    let config: AppConfig

    struct Options: Sendable {
        var simulator = SimulatorConfig(latencySeconds: 0.3, retentionSeconds: 3600)
        var provider = "segmind"
        var mode = "async"
        var workerRunning = true
        var expectedSeconds = 0.3
        var concurrencyLimit = 4
        /// The team account's base URL when not the simulator (a fake provider).
        var baseURL: String?
        /// Last changes to the app's configuration (e.g. a short sweep period).
        var configure: @Sendable (inout AppConfig) -> Void = { _ in }
        /// Long enough that a late heartbeat on a busy machine never lets the rescuer take a job
        /// that is still running; tests of the rescuer expire leases by hand.
        var lease: Duration = .seconds(15)
    }

    static func run(_ options: Options = .init(), _ body: @Sendable (PipelineHarness) async throws -> Void) async throws {
        let simulator = try await ProviderSimulator.start(options.simulator)
        do {
            try await withScratchDatabase(migrated: true) { db in
                var settings = TestEnv.allowingSimulator(try TestEnv.config(databaseURL: db.url))
                settings.runWorker = options.workerRunning
                settings.worker.slots = 8
                settings.worker.lease = options.lease
                settings.worker.heartbeat = .milliseconds(500)
                settings.worker.idlePoll = .milliseconds(50)
                settings.worker.rescueEvery = .milliseconds(300)
                settings.worker.expectedDurationOverride = options.expectedSeconds
                settings.worker.maxPollInterval = 0.5
                settings.worker.shutdownGrace = .seconds(5)
                settings.segmindHistoryURL = simulator.historyURL
                options.configure(&settings)
                // An unreachable provider is found out in a second and probed again soon.
                settings.worker.providerConnectTimeout = .seconds(1)
                settings.worker.unreachableBackoff = UnreachableBackoff(base: 0.2, cap: 0.5)
                let config = settings
                let logger = Logger(label: "pipeline-test")
                let team = try await TestEnv.makeTeam("Pipeline", config: config, ownerEmail: "owner@example.com")
                MetricsSetup.bootstrap()
                let app = try await buildApplication(config, logger: logger)
                try await app.test(.router) { client in
                    let account = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key, json: """
                        {"provider": "\(options.provider)", "name": "sim", "api_key": "sim-key-\(UUID().uuidString.prefix(8))",
                         "base_url": "\(options.baseURL ?? simulator.baseURL)", "mode": "\(options.mode)", "concurrency_limit": \(options.concurrencyLimit)}
                        """)
                    let accountID = try decode(Identified.self, from: account).id
                    try await body(PipelineHarness(client: client, simulator: simulator, team: team, accountID: accountID, config: config))
                }
            }
        } catch {
            await simulator.shutdown()
            throw error
        }
        await simulator.shutdown()
    }

    /// Posts a generation and returns its id.
    func generate(_ json: String = #"{"model": "veo-3.1-fast", "prompt": "a red kite over the sea", "duration": 4}"#,
                  headers: HTTPFields = [:]) async throws -> String {
        let response = try await client.call("/api/v1/generations", .post, key: team.api_key, json: json, headers: headers)
        #expect(response.status == .accepted, "\(response.text)")
        return try decode(Identified.self, from: response).id
    }

    func generation(_ id: String) async throws -> Generation {
        try decode(Generation.self, from: try await client.call("/api/v1/generations/\(id)", key: team.api_key))
    }

    /// Polls until the generation reaches one of `states` (bounded), returning it.
    @discardableResult
    func wait(_ id: String, for states: Set<String>, timeout: Duration = .seconds(20)) async throws -> Generation {
        let deadline = ContinuousClock.now + timeout
        var last = try await generation(id)
        while !states.contains(last.status.rawValue) {
            guard ContinuousClock.now < deadline else {
                Issue.record("generation \(id) never reached \(states); last: \(last.status) \(String(describing: last.error)); \(try await whereItStands(id))")
                return last
            }
            try await Task.sleep(for: .milliseconds(100))
            last = try await generation(id)
        }
        return last
    }

    /// The worker's view of a stuck job, for the failure message: its lease, next poll and attempts.
    private func whereItStands(_ id: String) async throws -> String {
        try await sql { db, logger in
            let uuid = UUID(uuidString: id)
            let row = try await db.query("""
                SELECT concat_ws(' ', 'now', clock_timestamp(), 'next_poll_at', next_poll_at, 'lease', lease_expires_at, 'by', leased_by,
                                 'polls', poll_count, 'attempt', attempt)
                FROM generations WHERE id = \(uuid)
                """, logger: logger).decode(String.self).firstElement() ?? "no row"
            let attempts = try await db.query("""
                SELECT concat_ws(' ', at, phase, outcome, message) FROM generation_attempts WHERE generation_id = \(uuid) ORDER BY id
                """, logger: logger).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            return row + "; attempts: " + attempts.joined(separator: " | ")
        }
    }

    func sql<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        try await withDatabase(config, body)
    }
}
