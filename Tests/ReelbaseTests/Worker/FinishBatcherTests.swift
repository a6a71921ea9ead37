import Foundation
import ReelbaseCore
import Synchronization
import Testing
@testable import Reelbase

/// Group commit of finishing transactions: no wait for the first, the ones that arrive
/// meanwhile share the next transaction, and one job's error stays its own.
@Suite struct FinishBatcherTests {
    @Test func finishesThatArriveDuringATransactionShareTheNextOne() async throws {
        let batcher = FinishBatcher()
        let batches = Mutex<[[Int]]>([])
        let gate = Gate()
        // A job "moves" when its attempt number is even.
        let run: FinishBatcher.Run = { finishes in
            let attempts = finishes.map(\.job.attempt)
            batches.withLock { $0.append(attempts) }
            if attempts == [0] { await gate.wait() }  // the first transaction is slow
            return attempts.map { $0 % 2 == 0 }
        }
        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            group.addTask { (0, try await batcher.finish(Self.finish(attempt: 0), run: run)) }
            while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
            for attempt in 1...10 { group.addTask { (attempt, try await batcher.finish(Self.finish(attempt: attempt), run: run)) } }
            try await Task.sleep(for: .milliseconds(200))  // all ten are waiting behind the first
            gate.open()
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(batches.withLock { $0.map(\.count) } == [1, 10], "the first ran alone and at once; the other ten went together")
        #expect(results == Dictionary(uniqueKeysWithValues: (0...10).map { ($0, $0 % 2 == 0) }), "each caller got its own job's answer")
    }

    @Test func aFailedBatchIsRetriedJobByJobSoOnlyTheBadJobFails() async throws {
        let batcher = FinishBatcher()
        let gate = Gate()
        struct BadRow: Error {}
        let run: FinishBatcher.Run = { finishes in
            let attempts = finishes.map(\.job.attempt)
            if attempts == [0] { await gate.wait() }
            if attempts.contains(3) { throw BadRow() }
            return attempts.map { _ in true }
        }
        let results = await withTaskGroup(of: (Int, Bool?).self) { group in
            group.addTask { (0, try? await batcher.finish(Self.finish(attempt: 0), run: run)) }
            try? await Task.sleep(for: .milliseconds(50))
            for attempt in 1...5 { group.addTask { (attempt, try? await batcher.finish(Self.finish(attempt: attempt), run: run)) } }
            try? await Task.sleep(for: .milliseconds(200))
            gate.open()
            return await group.reduce(into: [Int: Bool?]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 6)
        let answers = results.mapValues { $0.map(String.init(describing:)) ?? "error" }
        #expect(answers == [0: "true", 1: "true", 2: "true", 3: "error", 4: "true", 5: "true"])
    }

    static func finish(attempt: Int) -> Finish {
        let job = ClaimedJob(id: UUID(), teamID: UUID(), state: .submitted, attempt: attempt, maxAttempts: 3, provider: "segmind",
                             modelID: "veo-3", accountKey: "k", accountID: nil, promptText: "p", negativePrompt: nil,
                             params: GenerationParameters(), providerRequestID: "r", pollCount: 0, estimate: 1, leaseToken: UUID())
        return Finish(job: job, audit: AuditEvent("test", target: "generation", id: job.id.uuidString, details: .object([:])),
                      body: { _ in true }, money: .reserved)
    }
}

/// Holds callers until opened.
final class Gate: Sendable {
    private let opened = Mutex(false)
    func open() { opened.withLock { $0 = true } }
    func wait() async { while !opened.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) } }
}
