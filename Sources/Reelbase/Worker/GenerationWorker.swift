import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

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
    /// Counts this worker's running jobs, for the background kinds that yield to them.
    var paidWork: PaidWorkLoad? = nil

    public func run() async throws {
        await waitForSchema(migrations, db: db, logger: logger)
        let wake = WakeSignal()
        let stopping = LockedValue(false)
        let looks = SubmissionLooks(recheck: max(settings.idlePoll, .milliseconds(250)))
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { background in
                background.addTask {
                    await listenForWork(on: GenerationRepository.notifyChannel, db: db, wake: wake, logger: logger, notified: looks.mark)
                }
                background.addTask { await rescueLoop() }
                await dispatch(wake: wake, stopping: stopping, looks: looks)
                background.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set(true)
            wake.signal()
        }
    }

    /// New submissions first (when a look can find any: `looks`), then due polls.
    private func dispatch(wake: WakeSignal, stopping: LockedValue<Bool>, looks: SubmissionLooks) async {
        await runClaimLoop(slots: settings.slots, idlePoll: settings.idlePoll, grace: settings.shutdownGrace,
                           wake: wake, stopping: stopping, logger: logger,
                           claim: { free in
                               // Small batches: one claim round trip serves several free slots.
                               var next: [ClaimedJob] = []
                               if looks.shouldLook() {
                                   next = try await queue.claimSubmissions(limit: free)
                                   looks.found(next.count)
                               }
                               if next.count < free { next += try await queue.claimPolls(limit: min(free - next.count, WorkQueue.claimBatch)) }
                               return next
                           },
                           run: { [paidWork] job in
                               paidWork?.began()
                               defer { paidWork?.ended() }
                               if await runner.run(job) { looks.mark() }  // a slot may be free, or the job queued again
                           })
    }

    private func rescueLoop() async {
        while !Task.isCancelled {
            do {
                let (unknown, freed) = try await queue.rescue(audit: runner.outcomes.audit, webhooks: runner.outcomes.webhooks)
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
