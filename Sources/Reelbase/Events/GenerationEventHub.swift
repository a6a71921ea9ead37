import Foundation
import Logging
import PostgresNIO
import Synchronization

/// One LISTEN connection per process, fanned out to every open event stream of the team the
/// notification names. It runs only while someone listens, and ticks a heartbeat so each
/// stream can keep proxies from closing it (and re-read the log, in case a notify was missed).
final class GenerationEventHub: Sendable {
    static let channel = "reelbase_generation_events"

    enum Signal: Sendable { case changed, heartbeat }

    private struct Subscriber { let team: UUID; let continuation: AsyncStream<Signal>.Continuation }
    private struct State {
        var subscribers: [UUID: Subscriber] = [:]
        var listener: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let db: PostgresClient
    private let heartbeat: Duration
    private let logger: Logger

    init(db: PostgresClient, heartbeat: Duration = .seconds(15), logger: Logger) {
        self.db = db
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// A stream of wake-ups for `team`: `.changed` at once (to send the backlog), then on every
    /// notify for the team and every heartbeat. Call `unsubscribe(token)` when done.
    func subscribe(team: UUID) -> (token: UUID, signals: AsyncStream<Signal>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(8))
        let token = UUID()
        continuation.yield(.changed)
        state.withLock { state in
            state.subscribers[token] = Subscriber(team: team, continuation: continuation)
            if state.listener == nil { state.listener = Task { [self] in await run() } }
        }
        return (token, stream)
    }

    func unsubscribe(_ token: UUID) {
        let stopped: Task<Void, Never>? = state.withLock { state in
            state.subscribers.removeValue(forKey: token)?.continuation.finish()
            guard state.subscribers.isEmpty, let listener = state.listener else { return nil }
            state.listener = nil
            return listener
        }
        stopped?.cancel()
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    private func send(_ signal: Signal, team: UUID? = nil) {
        state.withLock { state in
            for subscriber in state.subscribers.values where team == nil || subscriber.team == team {
                subscriber.continuation.yield(signal)
            }
        }
    }

    private func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    if !Task.isCancelled { send(.heartbeat) }
                }
            }
            group.addTask { [self] in await listen() }
            await group.waitForAll()
        }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await db.withConnection { conn in
                    try await conn.listen(on: Self.channel) { notifications in
                        self.send(.changed)  // catch up on anything written while (re)connecting
                        for try await note in notifications {
                            if let team = UUID(uuidString: note.payload) { self.send(.changed, team: team) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                self.logger.debug("event LISTEN failed; heartbeats still re-read the log", metadata: ["error": "\(type(of: error))"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}
