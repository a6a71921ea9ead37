import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

// What both queues share: the generation queue (`Worker/`) and the job queue (`Jobs/`) claim
// rows under a lease, wake on pg_notify with a polling fallback, renew leases during long work,
// and drain on shutdown. Each queue keeps its own SQL; these are the loops around it.

/// Claims while a slot is free (`claim` gets the number of free slots and may answer up to that
/// many: one round trip can fill several) and runs each claimed item in its own task; sleeps
/// until woken or `idlePoll` when nothing is due. Once `stopping` is set it stops claiming, gives in-flight
/// work `grace` to finish, then cancels it.
func runClaimLoop<Item: Sendable>(
    slots: Int, idlePoll: Duration, grace: Duration, wake: WakeSignal, stopping: LockedValue<Bool>, logger: Logger,
    claim: @escaping @Sendable (_ free: Int) async throws -> [Item], run: @escaping @Sendable (Item) async -> Void
) async {
    let running = LockedValue(0)
    await withTaskGroup(of: Void.self) { tasks in
        while !stopping.get() && !Task.isCancelled {
            var claimed = false
            let free = slots - running.get()
            if free > 0 {
                do {
                    for item in try await claim(free).prefix(free) {
                        claimed = true
                        running.update { $0 += 1 }
                        tasks.addTask {
                            await run(item)
                            running.update { $0 -= 1 }
                            wake.signal()
                        }
                    }
                } catch {
                    logger.warning("claim failed; retrying", metadata: ["error": "\(String(describing: error).prefix(200))"])
                }
            }
            if !claimed { await wake.wait(upTo: idlePoll) }
        }
        // A graceful shutdown gives in-flight work `grace`; a cancelled loop stops it at once. A
        // cancelled Task.sleep returns without waiting, so waiting out the grace then would spin
        // on a thread of the shared pool: two such loops had stalled a 2-core process for 30 s.
        let graceEnds = ContinuousClock.now + grace
        while running.get() > 0 && ContinuousClock.now < graceEnds && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
        tasks.cancelAll()
    }
}

/// pg_notify wakes the claim loop as soon as work is enqueued; without LISTEN (e.g. behind a
/// transaction-pooling PgBouncer) the idle poll still finds it. `notified` hears each one first.
func listenForWork(on channel: String, db: PostgresClient, wake: WakeSignal, logger: Logger,
                   notified: @escaping @Sendable () -> Void = {}) async {
    while !Task.isCancelled {
        do {
            try await db.withConnection { conn in
                try await conn.listen(on: channel) { notifications in
                    for try await _ in notifications {
                        notified()
                        wake.signal()
                    }
                }
            }
        } catch {
            if Task.isCancelled { return }
            logger.debug("LISTEN unavailable; relying on polling", metadata: ["channel": "\(channel)", "error": "\(type(of: error))"])
            try? await Task.sleep(for: .seconds(5))
        }
    }
}

/// Runs `body` while calling `renew` every `every`, so long work does not look like a dead worker.
func withLeaseHeartbeat<T: Sendable>(every: Duration, renew: @escaping @Sendable () async throws -> Bool,
                                     _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            while true {
                try await Task.sleep(for: every)
                _ = try? await renew()
            }
        }
        defer { group.cancelAll() }
        while let value = try await group.next() {
            if let value { return value }
        }
        throw CancellationError()
    }
}

/// Waits until the schema this build expects is in place (`serve` migrates as it starts).
func waitForSchema(_ migrations: Migrations?, db: PostgresClient, logger: Logger) async {
    guard let migrations else { return }
    var announced = false
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        if let pending = try? await migrations.pending(on: db, logger: logger), pending == 0 { return }
        if !announced { logger.info("worker waiting for database migrations"); announced = true }
        try? await Task.sleep(for: .milliseconds(250))
    }
}

/// A level-triggered wake-up: `signal` sets it, `wait` returns at once if set, else polls it.
final class WakeSignal: Sendable {
    private let flag = Mutex(false)

    func signal() { flag.withLock { $0 = true } }

    func wait(upTo timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && !Task.isCancelled {
            if flag.withLock({ let was = $0; $0 = false; return was }) { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A value shared between tasks.
final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func get() -> Value { mutex.withLock { $0 } }
    func set(_ value: Value) { mutex.withLock { $0 = value } }
    func update(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
}
