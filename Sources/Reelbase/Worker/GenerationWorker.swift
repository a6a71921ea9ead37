import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The background worker: claims work (new submissions first, then due polls), runs up to
/// `slots` jobs at once, wakes on pg_notify with a polling fallback, and runs the rescuer.
/// On SIGTERM it stops claiming and gives in-flight work `shutdownGrace` to finish.
public struct GenerationWorker: Service {
    let queue: WorkQueue
    let runner: JobRunner
    let db: PostgresClient
    let settings: WorkerSettings
    /// The schema this build expects; the worker waits for it (serve migrates as it starts).
    let migrations: Migrations?
    let logger: Logger

    public func run() async throws {
        await waitForSchema()
        let wake = WakeSignal()
        let stopping = LockedValue(false)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { background in
                background.addTask { await listen(wake: wake) }
                background.addTask { await rescueLoop() }
                await dispatch(wake: wake, stopping: stopping)
                background.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set(true)
            wake.signal()
        }
    }

    private func waitForSchema() async {
        guard let migrations else { return }
        var announced = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if let pending = try? await migrations.pending(on: db, logger: logger), pending == 0 { return }
            if !announced { logger.info("worker waiting for database migrations"); announced = true }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Claims while there are free slots; sleeps until woken or the idle timeout.
    private func dispatch(wake: WakeSignal, stopping: LockedValue<Bool>) async {
        let running = LockedValue(0)
        await withTaskGroup(of: Void.self) { jobs in
            while !stopping.get() && !Task.isCancelled {
                var claimed = false
                let free = settings.slots - running.get()
                if free > 0 {
                    do {
                        // Small batches: one claim round trip serves several free slots.
                        var next = try await queue.claimSubmissions(limit: free)
                        if next.count < free { next += try await queue.claimPolls(limit: min(free - next.count, WorkQueue.claimBatch)) }
                        claimed = !next.isEmpty
                        for job in next {
                            running.update { $0 += 1 }
                            jobs.addTask {
                                await runner.run(job)
                                running.update { $0 -= 1 }
                                wake.signal()
                            }
                        }
                    } catch {
                        logger.warning("claim failed; retrying", metadata: ["error": "\(String(describing: error).prefix(200))"])
                    }
                }
                if !claimed { await wake.wait(upTo: settings.idlePoll) }
            }
            // Graceful stop: let in-flight jobs finish within the grace period, then cancel them.
            let graceEnds = ContinuousClock.now + settings.shutdownGrace
            while running.get() > 0 && ContinuousClock.now < graceEnds {
                try? await Task.sleep(for: .milliseconds(100))
            }
            jobs.cancelAll()
        }
    }

    /// pg_notify wakes the dispatcher as soon as work is enqueued; without LISTEN (e.g. behind a
    /// transaction-pooling PgBouncer) the idle poll still finds it.
    private func listen(wake: WakeSignal) async {
        while !Task.isCancelled {
            do {
                try await db.withConnection { conn in
                    try await conn.listen(on: GenerationRepository.notifyChannel) { notifications in
                        for try await _ in notifications { wake.signal() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("LISTEN unavailable; relying on polling", metadata: ["error": "\(type(of: error))"])
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    private func rescueLoop() async {
        while !Task.isCancelled {
            do {
                let (unknown, freed) = try await queue.rescue()
                if unknown > 0 || freed > 0 {
                    logger.notice("rescued expired leases", metadata: ["submit_unknown": "\(unknown)", "freed": "\(freed)"])
                }
            } catch {
                logger.debug("rescue failed", metadata: ["error": "\(type(of: error))"])
            }
            try? await Task.sleep(for: settings.rescueEvery)
        }
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
