import Foundation
import Hummingbird
import Logging
import ReelbaseCore
// Hummingbird's own lifecycle dependency; used to stop an in-process server gracefully.
import ServiceLifecycle

/// A faithful stand-in for Segmind and the AI/ML API (docs/ARCHITECTURE.md, "Providers").
///
/// Segmind (`x-api-key`): `POST /v1/{slug}` → MP4 bytes; `POST /v2/{slug}`, `GET /v2/requests/{id}/status`,
/// `GET /v2/requests/{id}`; `GET /v1/get-user-credits`; outputs at `GET /files/{id}.mp4`.
/// Segmind's request history (the provider's books): `GET /inference-request/request-history`,
/// `GET /inference-request/request-history/{id}` (see `HistoryRoutes`).
/// AI/ML (`Authorization: Bearer`): `POST /v2/video/generations`, `GET /v2/video/generations?generation_id=`.
/// Admin (no auth): `POST|DELETE /_sim/faults`, `GET /_sim/stats`, `POST /_sim/reset`,
/// `POST /_sim/balance {"balance":x}`, `POST /_sim/clock {"advance_seconds":s}`,
/// `POST /_sim/history` (a request made outside Reelbase with the same key).
///
/// Entry points: `start` for tests (in-process, returns a handle), `run` for the CLI (blocks).
public enum ProviderSimulator {
    /// Starts a simulator in this process and returns once it is listening.
    public static func start(_ config: SimulatorConfig) async throws -> RunningSimulator {
        let state = SimulatorState(config: config)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = buildApplication(state: state, config: config) { port in portSink.yield(port) }
        let group = ServiceGroup(services: [app], logger: app.logger)
        let server = Task {
            defer { portSink.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await server.value  // surfaces the bind error
            throw SimulatorError.didNotStart
        }
        return RunningSimulator(host: config.host, port: port, state: state, group: group, server: server)
    }

    /// Runs until the process gets SIGINT/SIGTERM: what `reelbase provider-sim` calls.
    public static func run(_ config: SimulatorConfig) async throws {
        let state = SimulatorState(config: config)
        let app = buildApplication(state: state, config: config) { port in
            // Written unbuffered: scripts wait for this line even when stdout is a pipe.
            let line = "provider simulator listening on http://\(config.host):\(port) (Segmind base /v1, AI/ML base /v2)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await app.runService()
    }

    static func buildApplication(
        state: SimulatorState, config: SimulatorConfig, onListening: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: SimContext.self)
        AdminRoutes(state: state).add(to: router)
        AimlRoutes(state: state).add(to: router)
        SegmindRoutes(state: state).add(to: router)
        HistoryRoutes(state: state).add(to: router)
        var logger = Logger(label: "provider-simulator")
        logger.logLevel = config.logLevel
        return Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "provider-simulator"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? config.port
                state.boundPort.withLock { $0 = port }
                onListening(port)
            },
            logger: logger)
    }
}

public enum SimulatorError: Error {
    case didNotStart
}

/// A simulator running in-process. Everything here is also reachable over HTTP under `/_sim`.
public final class RunningSimulator: Sendable {
    public let host: String
    public let port: Int
    let state: SimulatorState
    private let group: ServiceGroup
    private let server: Task<Void, any Error>

    init(host: String, port: Int, state: SimulatorState, group: ServiceGroup, server: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.state = state
        self.group = group
        self.server = server
    }

    /// `http://host:port`: the AI/ML base URL, and the Segmind host.
    public var baseURL: String { "http://\(host):\(port)" }
    /// What the Segmind SDK calls `base_url` (`…/v1`).
    public var segmindBaseURL: String { baseURL + "/v1" }
    /// Where the request history answers (the SDK's `REQUEST_HISTORY_URL`, on this host).
    public var historyURL: String { baseURL + "/" + HistoryRoutes.path }

    /// Replaces the active fault rules (and, when given, the FAILED rate).
    public func setFaults(_ rules: [FaultRule], failRate: Double? = nil) async {
        await state.clearFaults()
        await state.addFaults(FaultPlan(rules: rules, failRate: failRate))
    }

    public func addFaults(_ plan: FaultPlan) async { await state.addFaults(plan) }
    public func clearFaults() async { await state.clearFaults() }
    public func stats() async -> SimulatorStats { await state.snapshot() }
    public func balance() async -> Decimal { await state.snapshot().balance }
    public func setBalance(_ value: Decimal) async { await state.setBalance(value) }
    /// Moves the simulator's clock forward: jobs finish and expire without waiting.
    public func advanceTime(by seconds: Double) async { await state.advanceClock(by: seconds) }
    /// Back to the starting balance, no jobs, no stats, the configured faults.
    public func reset() async { await state.reset() }

    /// Stops accepting connections, lets requests in flight finish, and returns when stopped.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = await server.result
    }
}
