import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs the job queue: claims due jobs of every registered kind (up to `slots` at once), wakes
/// on pg_notify with a polling fallback, rescues expired leases, and enqueues the periodic jobs.
/// On SIGTERM it stops claiming and gives running jobs `shutdownGrace`; cancelled ones go back.
struct JobWorker: Service {
    let queue: JobQueue
    let registry: JobRegistry
    let periodic: [PeriodicJob]
    /// The schema this build expects; the worker waits for it (serve migrates as it starts).
    let migrations: Migrations?
    let logger: Logger
    /// This process's paid generation work, which posters yield to (nil: nothing to yield to).
    var paidWork: PaidWorkLoad? = nil
    var settings: JobSettings { queue.settings }

    func run() async throws {
        await waitForSchema(migrations, db: queue.db, logger: logger)
        let wake = WakeSignal()
        let stopping = LockedValue(false)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { background in
                background.addTask { await listenForWork(on: JobQueue.notifyChannel, db: queue.db, wake: wake, logger: logger) }
                background.addTask { await repeatEvery(settings.rescueEvery, "rescue") { try await rescue() } }
                background.addTask { await repeatEvery(settings.scheduleEvery, "schedule") { try await schedulePeriodic() } }
                // Jobs of each kind running here, for the kinds with a `concurrency` limit.
                let running = LockedValue([String: Int]())
                await runClaimLoop(slots: settings.slots, idlePoll: settings.idlePoll, grace: settings.shutdownGrace,
                                   wake: wake, stopping: stopping, logger: logger,
                                   claim: { _ in
                                       let kinds = registry.yielding(registry.claimable(running: running.get()),
                                                                     paidWorkBusy: paidWork?.isBusy ?? false)
                                       guard !(kinds.now.isEmpty && kinds.late.isEmpty),
                                             let job = try await queue.claim(kinds: kinds.now, late: kinds.late) else { return [] }
                                       running.update { $0[job.kind, default: 0] += 1 }
                                       return [job]
                                   },
                                   run: { (job: JobQueue.Claimed) in
                                       await execute(job)
                                       running.update { $0[job.kind, default: 1] -= 1 }
                                   })
                background.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set(true)
            wake.signal()
        }
    }

    /// Claims and runs one due job; false when none was due. Tests step the queue with it.
    @discardableResult
    func runOnce() async throws -> Bool {
        guard let job = try await queue.claim(kinds: registry.kinds) else { return false }
        await execute(job)
        return true
    }

    /// Runs one claimed job to its end: success recorded, a retry after backoff, or dead.
    func execute(_ job: JobQueue.Claimed) async {
        var logger = logger
        logger[metadataKey: "job"] = "\(job.id)"
        logger[metadataKey: "job_kind"] = "\(job.kind)"
        guard let run = registry.run(kind: job.kind) else { return }  // claims only ask for registered kinds
        let context = JobContext(id: job.id, team: job.team, attempt: job.attempt, leaseToken: job.leaseToken, now: job.claimedAt, logger: logger)
        do {
            try await withLeaseHeartbeat(every: settings.heartbeat, renew: { try await queue.heartbeat(job) }) {
                try await run(job.payload, context)
            }
            if try await !queue.complete(job) { logger.warning("lost the lease before recording success; the job will run again") }
        } catch {
            if Task.isCancelled {
                _ = try? await queue.release(job)  // shutting down: the attempt does not count
                return
            }
            do {
                switch try await queue.fail(job, error: String(describing: error)) {
                case .retry(let at): logger.notice("job failed; will retry", metadata: ["attempt": "\(job.attempt)", "retry_at": "\(at)", "error": "\(error)"])
                case .dead: logger.error("job failed its last attempt; it is dead", metadata: ["attempts": "\(job.attempt)", "error": "\(error)"])
                case .leaseLost: logger.warning("job failed after losing its lease; nothing recorded", metadata: ["error": "\(error)"])
                }
            } catch {
                logger.error("could not record a job failure; the rescuer will retry it", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    /// Makes sure this period's instance of every periodic job exists (one across all replicas).
    func schedulePeriodic() async throws {
        let now = queue.clock.now()
        for job in periodic { try await job.enqueue(queue, job.dedupeKey(at: now)) }
    }

    func rescue() async throws {
        let (requeued, dead) = try await queue.rescue()
        if requeued > 0 || dead > 0 {
            logger.notice("rescued jobs with expired leases", metadata: ["requeued": "\(requeued)", "dead": "\(dead)"])
        }
    }

    private func repeatEvery(_ interval: Duration, _ name: String, _ body: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do { try await body() } catch {
                logger.debug("\(name) failed", metadata: ["error": "\(type(of: error))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
