import Foundation
import PostgresNIO
import Synchronization

/// One job's finishing transaction as `JobOutcomes` describes it: `body` moves the generation
/// (false: the lease was lost), `money` says what becomes of its reservation, `afterwards`
/// follows the money (an out-of-range cost's alert), `audit` is the row that records it.
struct Finish: Sendable {
    /// A finished job's reserved money: kept (a person decides), released (not billed), or
    /// booked (billed; the batch books all of its bookings in one statement).
    enum Money: Sendable {
        case reserved
        case release
        case book(SpendLedger.Charge)
    }

    let job: ClaimedJob
    let audit: AuditEvent
    let body: @Sendable (PostgresConnection) async throws -> Bool
    let money: Money
    var afterwards: (@Sendable (PostgresConnection) async throws -> Void)? = nil

    var booking: SpendLedger.Booking? {
        if case .book(let charge) = money { return SpendLedger.Booking(generation: job.id, charge: charge) }
        return nil
    }
}

/// Group commit for finishing transactions. Every finish of a team locks the rows the team's
/// jobs share (its budget row, its audit chain) until commit; one transaction per job made
/// a worker's 32 concurrent finishes queue for those rows one commit at a time, and three
/// worker processes convoyed behind each other (3 workers did fewer jobs per second than 1).
///
/// A finish that arrives while none is running starts one at once (no added wait); the ones
/// that arrive meanwhile go together in the next transaction, up to `most`. A batch that fails
/// as a whole (a deadlock, one job's bad row) is retried job by job, so one job's error stays
/// its own.
final class FinishBatcher: Sendable {
    typealias Run = @Sendable ([Finish]) async throws -> [Bool]

    private struct Waiting: Sendable {
        let finish: Finish
        let done: CheckedContinuation<Bool, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var draining = false
    }

    private let state = Mutex(State())
    let most: Int

    init(most: Int = 32) {
        self.most = most
    }

    /// Runs `finish` in a transaction with whatever else is waiting; `run` does one batch
    /// (every caller passes the same one: `JobOutcomes.together`).
    func finish(_ finish: Finish, run: @escaping Run) async throws -> Bool {
        try await withCheckedThrowingContinuation { done in
            let starts = state.withLock { state in
                state.waiting.append(Waiting(finish: finish, done: done))
                defer { state.draining = true }
                return !state.draining
            }
            if starts { Task { await drain(run) } }
        }
    }

    private func drain(_ run: Run) async {
        while true {
            let batch: [Waiting] = state.withLock { state in
                let batch = Array(state.waiting.prefix(most))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let moved = try await run(batch.map(\.finish))
                for (waiting, moved) in zip(batch, moved) { waiting.done.resume(returning: moved) }
            } catch where batch.count > 1 {
                for waiting in batch {
                    do { waiting.done.resume(returning: try await run([waiting.finish]).first ?? false) } catch { waiting.done.resume(throwing: error) }
                }
            } catch {
                batch[0].done.resume(throwing: error)
            }
        }
    }
}
