import Foundation
import Synchronization
import Testing
@testable import Reelbase

/// Posters (and any kind that yields to paid work) wait while this process's generation worker
/// is busy, and run once it is quiet, or once they have waited `yieldAtMost` regardless.
@Suite struct PaidWorkYieldTests {
    @Test func busyFromAQuarterOfTheSlotsAndForAMomentAfter() {
        let clock = Mutex(ContinuousClock.now)
        let load = PaidWorkLoad(busyAt: 2, hold: .milliseconds(500), now: { clock.withLock { $0 } })
        load.began()
        #expect(!load.isBusy, "one poll at a time is the normal hum, not a burst")
        load.began()
        #expect(load.isBusy)
        load.ended()
        clock.withLock { $0 += .milliseconds(400) }
        #expect(load.isBusy, "a dip between claims still counts as the burst")
        clock.withLock { $0 += .milliseconds(200) }
        #expect(!load.isBusy)
        #expect(PaidWorkLoad(slots: 16).busyAt == 4)
        #expect(PaidWorkLoad(slots: 2).busyAt == 2)
    }

    @Test func aYieldingKindWaitsForPaidWorkAtMostItsLongest() async throws {
        try await JobTestBed.run { bed in
            _ = try await bed.queue.enqueue(YieldingJob.self, Labelled(label: "poster"))
            _ = try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "other"))
            var registry = JobRegistry()
            registry.register(YieldingJob(runs: bed.runs))
            registry.register(RecordedJob(runs: bed.runs))
            let quiet = registry.yielding([RecordedJob.kind, YieldingJob.kind], paidWorkBusy: false)
            #expect(quiet.now == [RecordedJob.kind, YieldingJob.kind] && quiet.late.isEmpty)
            let busy = registry.yielding([RecordedJob.kind, YieldingJob.kind], paidWorkBusy: true)
            #expect(busy.now == [RecordedJob.kind] && busy.late == [YieldingJob.kind])

            let paidWork = PaidWorkLoad(busyAt: 1, hold: .zero)
            paidWork.began()
            let worker = JobWorker(queue: bed.queue, registry: registry, periodic: [], migrations: nil, logger: TestEnv.logger,
                                   paidWork: paidWork)
            let running = Task { try await worker.run() }
            defer { running.cancel() }

            try await waitFor { bed.runs.labels == ["other"] }
            try await Task.sleep(for: .milliseconds(300))  // six idle polls
            #expect(bed.runs.labels == ["other"], "paid work is running: the poster waits")

            // Waited its longest: claimed although paid work still runs.
            bed.clock.advance(by: bed.queue.settings.yieldAtMost.seconds + 1)
            try await waitFor { bed.runs.labels == ["other", "poster"] }

            _ = try await bed.queue.enqueue(YieldingJob.self, Labelled(label: "next poster"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(bed.runs.labels == ["other", "poster"])
            paidWork.ended()
            try await waitFor { bed.runs.labels == ["other", "poster", "next poster"] }
        }
    }

    private func waitFor(_ done: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !done() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(done())
    }
}

struct YieldingJob: JobHandler {
    typealias Payload = Labelled
    static let kind = "test_yielding"
    static let yieldsToPaidWork = true
    let runs: RunLog

    func run(_ payload: Labelled, context: JobContext) async throws {
        runs.append(context.id, payload.label)
    }
}
