import Foundation
import Logging

/// `reconcile_account`: pairs one team Segmind account's ledger with the provider's request
/// history over the run's window, by request id, and stores every line. Any line that is not
/// `matched` raises an alert. Reading both books again gives the same lines, so a retry after
/// a crash is safe (the lines are written with the totals in one transaction).
struct ReconcileAccount: JobHandler {
    struct Payload: Codable, Sendable {
        let run: UUID
    }
    static let kind = "reconcile_account"
    static let maxAttempts = 3
    /// Booked requests the window's history lacks are looked up one by one, at most this many.
    static let maxSingleLookups = 200

    let runs: ReconciliationRepository
    let accounts: ProviderAccountRepository
    let historyClient: @Sendable (ProviderAPIKey) -> SegmindHistoryClient

    func run(_ payload: Payload, context: JobContext) async throws {
        guard let run = try await runs.start(payload.run) else { return }
        do {
            let lines = try await reconcile(run)
            try await runs.finish(run, lines: lines)
            let mismatches = lines.filter(\.kind.isMismatch).count
            context.logger.notice("reconciled a Segmind account with its request history", metadata: [
                "run": "\(run.id)", "lines": "\(lines.count)", "mismatches": "\(mismatches)",
            ])
        } catch {
            try? await runs.failed(run, error: "\(error)")
            throw error
        }
    }

    private func reconcile(_ run: ReconciliationRepository.Pending) async throws -> [ReconciliationLine] {
        let found = try await run.accountID == nil ? accounts.defaultCredentials(provider: .segmind)
            : accounts.credentials(team: run.teamID, provider: .segmind, accountID: run.accountID, includeRemoved: true)
        guard let credentials = found else { throw ReconciliationError(message: "the provider account is gone") }
        let client = historyClient(credentials.endpoint.apiKey)
        var history = try await client.requests(from: run.window.start, to: run.window.end)
        let ledger = try await runs.ledger(run, requestIDs: history.map(\.requestID))
        // Booked in the window but not in the window's history: maybe listed under another day
        // (clock skew at midnight), so ask for it by id before calling it unknown.
        let listed = Set(history.map(\.requestID))
        for id in ledger.compactMap(\.requestID).filter({ !listed.contains($0) }).prefix(Self.maxSingleLookups) {
            if let entry = try await client.request(id: id) { history.append(entry) }
        }
        let booked = Set(ledger.compactMap(\.requestID))
        let owned = try await runs.ownedUnbooked(accountKey: run.accountKey, ids: history.map(\.requestID).filter { !booked.contains($0) })
        let lines = LedgerPairing.pair(ledger: ledger, history: history, ownedUnbooked: owned)
        guard run.accountID == nil else { return lines }
        // The shared account: a team sees its own generations only. A request nobody booked
        // cannot be told to be any team's, so it stays out of every team's run.
        let mine = Set(ledger.filter { $0.teamID == run.teamID }.map(\.generationID))
        return lines.filter { $0.generationID.map(mine.contains) ?? false }
    }
}

struct ReconciliationError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Once an hour: queues yesterday's (UTC) `reconcile_account` run for every team Segmind
/// account, one per account and day whatever the number of replicas (the job's dedupe key
/// names both), to run once the history's lag has passed.
struct ScheduleReconciliations: JobHandler {
    struct Payload: Codable, Sendable {}
    static let kind = "schedule_reconciliations"
    static let maxAttempts = 2

    let runs: ReconciliationRepository
    /// How late a request may appear in the history (`REELBASE_SEGMIND_HISTORY_LAG_SECONDS`).
    let historyLag: TimeInterval
    /// The instance has a default Segmind account: each team that used it that day gets a run.
    var defaultAccount = false

    func run(_ payload: Payload, context: JobContext) async throws {
        let day = Self.previousDay(before: context.now)
        var queued = 0
        let defaultUsers = defaultAccount ? try await runs.defaultAccountUsers(window: day).map { (team: $0, account: UUID?.none) } : []
        for (team, account) in try await runs.everySegmindAccount().map({ (team: $0.team, account: Optional($0.account)) }) + defaultUsers {
            let name = account?.uuidString.lowercased() ?? "\(ReconciliationRepository.defaultAccountKey):\(team.uuidString.lowercased())"
            let key = "account:\(name):\(Self.dayText(day.start))"
            do {
                _ = try await runs.queue(team: team, account: account, window: day, trigger: "schedule", dedupeKey: key,
                                         runAt: max(context.now, day.end.addingTimeInterval(historyLag)))
                queued += 1
            } catch is ReconciliationRepository.AlreadyScheduled {
                continue
            }
        }
        if queued > 0 { context.logger.notice("queued the daily reconciliations", metadata: ["runs": "\(queued)"]) }
    }

    static func previousDay(before now: Date) -> DateInterval {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        return DateInterval(start: calendar.date(byAdding: .day, value: -1, to: today)!, end: today)
    }

    static func dayText(_ date: Date) -> String {
        String(date.iso8601WithFraction.prefix(10))
    }
}
