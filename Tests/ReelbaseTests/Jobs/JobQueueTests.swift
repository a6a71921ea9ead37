import Foundation
import PostgresNIO
import ServiceLifecycle
import Testing
@testable import Reelbase

/// The general job queue against the real database: one execution per job however many
/// workers claim, leases that expire and are rescued, fenced late writes, retries with a
/// growing backoff, and dead jobs that keep their error.
@Suite struct JobQueueTests {
    @Test func concurrentWorkersRunEachJobExactlyOnce() async throws {
        try await JobTestBed.run { bed in
            var enqueued: [UUID] = []
            for n in 0..<40 {
                enqueued.append(try #require(try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "job \(n)", sleepMilliseconds: 5))))
            }
            // Six workers claim as fast as they can until nothing is left.
            await withTaskGroup(of: Void.self) { group in
                for w in 0..<6 {
                    let worker = bed.worker(id: "worker-\(w)")
                    group.addTask { while (try? await worker.runOnce()) == true {} }
                }
            }
            #expect(bed.runs.jobs.count == 40, "every job ran once, none twice")
            #expect(Set(bed.runs.jobs) == Set(enqueued))
            for id in enqueued {
                let row = try await bed.row(id)
                #expect(row.state == .succeeded && row.attempts == 1 && row.leaseToken == nil)
            }
        }
    }

    @Test func aKilledWorkersJobIsRetriedAfterItsLease() async throws {
        try await JobTestBed.run { bed in
            let id = try #require(try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "survivor")))
            // A worker claims it and dies: no heartbeat, no result.
            let lost = try #require(try await bed.queue.claim(kinds: [RecordedJob.kind]))
            #expect(try await bed.row(id).state == .running)

            // While the lease holds, nobody else can take it and the rescuer leaves it alone.
            let worker = bed.worker()
            #expect(try await worker.runOnce() == false)
            let early = try await bed.queue.rescue()
            #expect(early.requeued == 0 && early.dead == 0)

            bed.clock.advance(by: bed.queue.settings.lease.seconds + 1)
            let late = try await bed.queue.rescue()
            #expect(late.requeued == 1 && late.dead == 0)
            let rescued = try await bed.row(id)
            #expect(rescued.state == .queued && rescued.leaseToken == nil)
            #expect(rescued.lastError?.contains("lease expired") == true)

            #expect(try await worker.runOnce() == true)
            #expect(bed.runs.labels == ["survivor"])
            let done = try await bed.row(id)
            #expect(done.state == .succeeded && done.attempts == 2)

            // The dead worker wakes up late: its writes match nothing and change nothing.
            #expect(try await bed.queue.complete(lost) == false)
            #expect(try await bed.queue.fail(lost, error: "late failure") == .leaseLost)
            #expect(try await bed.queue.heartbeat(lost) == false)
            #expect(try await bed.queue.release(lost) == false)
            #expect(try await bed.row(id) == done)
        }
    }

    @Test func aLateWriteAfterALostLeaseChangesNothingWhileAnotherWorkerRunsIt() async throws {
        try await JobTestBed.run { bed in
            let id = try #require(try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "contested")))
            let first = try #require(try await bed.queue.claim(kinds: [RecordedJob.kind]))
            bed.clock.advance(by: bed.queue.settings.lease.seconds + 1)
            _ = try await bed.queue.rescue()
            let second = try #require(try await bed.queue.claim(kinds: [RecordedJob.kind]))
            #expect(second.leaseToken != first.leaseToken && second.attempt == 2)

            // The first holder finishes late, while the second still runs it.
            #expect(try await bed.queue.complete(first) == false)
            #expect(try await bed.queue.fail(first, error: "late") == .leaseLost)
            let running = try await bed.row(id)
            #expect(running.state == .running && running.leaseToken == second.leaseToken && running.lastError?.contains("late") != true)

            #expect(try await bed.queue.complete(second) == true)
            #expect(try await bed.row(id).state == .succeeded)
        }
    }

    @Test func aJobThatKeepsFailingEndsDeadWithItsErrorAndBackoffGrows() async throws {
        try await JobTestBed.run { bed in
            let id = try #require(try await bed.queue.enqueue(FailingJob.self, Labelled(label: "doomed")))
            let worker = bed.worker()
            var delays: [TimeInterval] = []
            for attempt in 1...FailingJob.maxAttempts {
                #expect(try await worker.runOnce() == true)
                let row = try await bed.row(id)
                #expect(row.attempts == attempt)
                #expect(row.lastError == "boom on attempt \(attempt)")
                if attempt < FailingJob.maxAttempts {
                    #expect(row.state == .queued)
                    delays.append(row.runAt.timeIntervalSince(bed.clock.now()))
                    // Not due before its backoff; due after.
                    #expect(try await worker.runOnce() == false)
                    bed.clock.advance(by: delays.last! + 0.01)
                } else {
                    #expect(row.state == .dead)
                }
            }
            #expect(delays.count == FailingJob.maxAttempts - 1)
            #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 }, "backoff grows: \(delays)")
            #expect(delays.first! >= 0.75 && delays.first! <= 1.0, "first retry after base × jitter: \(delays)")

            // Dead is final: no more runs, however much time passes.
            bed.clock.advance(by: 86_400)
            #expect(try await worker.runOnce() == false)
            #expect(bed.runs.labels.count == FailingJob.maxAttempts)
            #expect(try await bed.row(id).lastError == "boom on attempt \(FailingJob.maxAttempts)")
        }
    }

    @Test func aJobWhoseLastLeaseExpiresIsDead() async throws {
        try await JobTestBed.run { bed in
            let id = try #require(try await bed.queue.enqueue(FailingJob.self, Labelled(label: "crashes")))
            for _ in 1...FailingJob.maxAttempts {
                _ = try #require(try await bed.queue.claim(kinds: [FailingJob.kind]))
                bed.clock.advance(by: bed.queue.settings.lease.seconds + 1)
                _ = try await bed.queue.rescue()
            }
            let row = try await bed.row(id)
            #expect(row.state == .dead && row.attempts == FailingJob.maxAttempts)
            #expect(row.lastError?.contains("lease expired during attempt \(FailingJob.maxAttempts)") == true)
        }
    }

    @Test func jobsRunOnlyWhenDueAndDedupeKeysHoldOnePerKey() async throws {
        try await JobTestBed.run { bed in
            let later = bed.clock.now().addingTimeInterval(60)
            let first = try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "later"), runAt: later, dedupeKey: "once")
            let again = try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "duplicate"), dedupeKey: "once")
            #expect(first != nil && again == nil)
            let worker = bed.worker()
            #expect(try await worker.runOnce() == false)
            bed.clock.advance(by: 61)
            #expect(try await worker.runOnce() == true)
            #expect(bed.runs.labels == ["later"])
        }
    }

    @Test func aWorkerWakesOnNotifyAndDrainsRunningJobsOnShutdown() async throws {
        var settings = JobSettings.fast
        settings.idlePoll = .seconds(30)  // only pg_notify can wake it within the test's patience
        try await JobTestBed.run(settings: settings) { bed in
            let worker = bed.worker()
            let group = ServiceGroup(configuration: .init(services: [worker], logger: TestEnv.logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .milliseconds(300))  // the worker is listening
                let id = try #require(try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "slow", sleepMilliseconds: 700)))
                let deadline = ContinuousClock.now + .seconds(10)
                while try await bed.row(id).state != .running && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try await bed.row(id).state == .running, "woken by pg_notify, not the 30 s poll")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                #expect(try await bed.row(id).state == .succeeded, "shutdown waited for the running job")
                #expect(bed.runs.labels == ["slow"])
            }
        }
    }
}
