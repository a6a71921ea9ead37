import Foundation
import Synchronization
import Testing
@testable import Reelbase

/// A kind with a `concurrency` limit (ffmpeg posters) runs that many at a time in one process,
/// and the other kinds keep their slots meanwhile.
@Suite struct JobKindConcurrencyTests {
    @Test func aLimitedKindRunsOneAtATimeWhileOtherKindsPassIt() async throws {
        try await JobTestBed.run { bed in
            let gauge = Gauge()
            for n in 0..<4 { _ = try await bed.queue.enqueue(OneAtATimeJob.self, Labelled(label: "heavy \(n)", sleepMilliseconds: 150)) }
            for n in 0..<3 { _ = try await bed.queue.enqueue(RecordedJob.self, Labelled(label: "light \(n)")) }

            var registry = JobRegistry()
            registry.register(OneAtATimeJob(gauge: gauge, runs: bed.runs))
            registry.register(RecordedJob(runs: bed.runs))
            #expect(registry.claimable(running: [OneAtATimeJob.kind: 1]) == [RecordedJob.kind])
            #expect(registry.claimable(running: [RecordedJob.kind: 9]) == [RecordedJob.kind, OneAtATimeJob.kind].sorted())
            var settings = bed.queue.settings
            settings.slots = 4
            let worker = JobWorker(queue: JobQueue(db: bed.db, settings: settings, clock: bed.clock, logger: TestEnv.logger),
                                   registry: registry, periodic: [], migrations: nil, logger: TestEnv.logger)
            let running = Task { try await worker.run() }
            defer { running.cancel() }
            let deadline = ContinuousClock.now + .seconds(30)
            while bed.runs.labels.count < 7 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }

            let labels = bed.runs.labels
            #expect(labels.count == 7)
            #expect(gauge.most == 1, "four slots, yet at most one job of the limited kind at a time")
            // The light jobs did not queue behind the heavy ones: all ran before the last heavy one ended.
            let lastLight = try #require(labels.lastIndex { $0.hasPrefix("light") })
            let heavyDone = labels.enumerated().filter { $0.element.hasPrefix("heavy") }.map(\.offset)
            #expect(heavyDone.count == 4 && lastLight < heavyDone[3])
        }
    }
}

/// How many run at once, and the most seen.
final class Gauge: Sendable {
    private let state = Mutex((now: 0, most: 0))
    func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    var most: Int { state.withLock { $0.most } }
}

struct OneAtATimeJob: JobHandler {
    typealias Payload = Labelled
    static let kind = "test_one_at_a_time"
    static let concurrency: Int? = 1
    let gauge: Gauge
    let runs: RunLog

    func run(_ payload: Labelled, context: JobContext) async throws {
        gauge.enter()
        defer { gauge.leave() }
        try await Task.sleep(for: .milliseconds(payload.sleepMilliseconds))
        runs.append(context.id, payload.label)
    }
}
