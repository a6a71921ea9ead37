import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// The SQL of reconciliation: runs and their lines, the ledger side of an account, and the
/// alert a mismatch raises. Every read is scoped by team.
struct ReconciliationRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let alerts: AlertRepository
    let jobs: JobQueue
    let catalog: ModelCatalog
    let logger: Logger

    /// The alert kind a run with any mismatch raises (one open per account).
    static let alertKind = "reconciliation_mismatch"

    /// The instance default Segmind account, shared by every team.
    static let defaultAccountKey = "default:segmind"

    /// What the job needs to run one reconciliation.
    struct Pending: Sendable {
        let id: UUID
        let teamID: UUID
        let accountKey: String
        /// nil: the instance default account (its history mixes every team's requests).
        let accountID: UUID?
        let window: DateInterval
    }

    /// The team's Segmind accounts that exist now (`only` narrows to one; nil when it is not one).
    func segmindAccounts(team: UUID, only: UUID? = nil) async throws -> [UUID] {
        try await db.query("""
            SELECT id FROM provider_accounts
            WHERE team_id = \(team) AND provider = \(ProviderAccount.segmind.rawValue) AND deleted_at IS NULL
              AND (\(only)::uuid IS NULL OR id = \(only))
            ORDER BY created_at
            """, logger: logger).decode(UUID.self).reduce(into: []) { $0.append($1) }
    }

    /// Teams that booked work on the instance default Segmind account in `window` (or, without
    /// one, ever).
    func defaultAccountUsers(team: UUID? = nil, window: DateInterval? = nil) async throws -> [UUID] {
        try await db.query("""
            SELECT DISTINCT team_id FROM spend_ledger
            WHERE account_key = \(Self.defaultAccountKey) AND (\(team)::uuid IS NULL OR team_id = \(team))
              AND (\(window?.start)::timestamptz IS NULL OR (created_at >= \(window?.start) AND created_at < \(window?.end)))
            """, logger: logger).decode(UUID.self).reduce(into: []) { $0.append($1) }
    }

    /// Every team's Segmind account, for the daily schedule.
    func everySegmindAccount() async throws -> [(team: UUID, account: UUID)] {
        try await db.query("""
            SELECT team_id, id FROM provider_accounts WHERE provider = \(ProviderAccount.segmind.rawValue) AND deleted_at IS NULL
            """, logger: logger).decode((UUID, UUID).self).reduce(into: []) { $0.append((team: $1.0, account: $1.1)) }
    }

    /// Creates a queued run and its `reconcile_account` job in one transaction. With a
    /// `dedupeKey` (the daily schedule) nothing is created when that key was already used.
    func queue(team: UUID, account: UUID?, window: DateInterval, trigger: String, dedupeKey: String? = nil, runAt: Date? = nil) async throws -> UUID? {
        let id = UUID()
        let accountKey = account?.uuidString.lowercased() ?? Self.defaultAccountKey
        return try await db.transaction(logger: logger) { conn -> UUID? in
            try await conn.query("""
                INSERT INTO reconciliation_runs (id, team_id, account_key, account_id, window_start, window_end, trigger)
                VALUES (\(id), \(team), \(accountKey), \(account), \(window.start), \(window.end), \(trigger))
                """, logger: logger)
            guard try await jobs.enqueue(ReconcileAccount.self, .init(run: id), team: team, runAt: runAt, dedupeKey: dedupeKey, on: conn) != nil else {
                throw AlreadyScheduled()
            }
            return id
        }
    }

    /// Thrown inside `queue` to roll the run back when the day's job already exists.
    struct AlreadyScheduled: Error {}

    /// Marks the run `running` and returns it; nil when it is gone or already finished.
    func start(_ id: UUID) async throws -> Pending? {
        let rows = try await db.query("""
            UPDATE reconciliation_runs SET state = 'running', error = NULL
            WHERE id = \(id) AND state IN ('queued', 'running', 'failed')
            RETURNING team_id, account_key, account_id, window_start, window_end
            """, logger: logger)
        guard let r = try await rows.decode((UUID, String, UUID?, Date, Date).self).firstElement() else { return nil }
        return Pending(id: id, teamID: r.0, accountKey: r.1, accountID: r.2, window: DateInterval(start: r.3, end: r.4))
    }

    /// The ledger side: every generation of this team booked on the account whose POST left in
    /// the window, plus any booked one among `requestIDs` (a request near the window's edge).
    /// On the shared default account, every team's: its history has them all.
    func ledger(_ run: Pending, requestIDs: [String]) async throws -> [BookedRequest] {
        let rows = try await db.query("""
            SELECT g.id, g.provider_request_id, g.model_id, l.amount_usd, g.sent_request_body::text,
                   coalesce(g.post_started_at, g.submitted_at, l.created_at), l.team_id
            FROM spend_ledger l JOIN generations g ON g.id = l.generation_id
            WHERE (l.team_id = \(run.teamID) OR \(run.accountID == nil)) AND l.account_key = \(run.accountKey)
              AND ((coalesce(g.post_started_at, g.submitted_at, l.created_at) >= \(run.window.start)
                    AND coalesce(g.post_started_at, g.submitted_at, l.created_at) < \(run.window.end))
                   OR g.provider_request_id = ANY(\(requestIDs)))
            ORDER BY 6
            """, logger: logger)
        var booked: [BookedRequest] = []
        for try await (id, requestID, modelID, amount, body, at, team) in rows.decode((UUID, String?, String, Decimal, String?, Date, UUID).self) {
            booked.append(BookedRequest(
                generationID: id, requestID: requestID, model: catalog.model(id: modelID)?.providerModelID ?? modelID, amount: amount,
                sentBody: body.flatMap { SentRequestBody(sentJSON: Data($0.utf8)) }, at: at, teamID: team))
        }
        return booked
    }

    /// Request ids among `ids` that a generation on this account owns without a ledger row
    /// (still running, or failed and not billed): not "billed outside Reelbase".
    func ownedUnbooked(accountKey: String, ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await db.query("""
            SELECT g.provider_request_id FROM generations g
            WHERE g.account_key = \(accountKey) AND g.provider_request_id = ANY(\(ids))
              AND NOT EXISTS (SELECT 1 FROM spend_ledger l WHERE l.generation_id = g.id)
            """, logger: logger).decode(String.self).reduce(into: Set<String>()) { $0.insert($1) }
    }

    /// Stores the lines and totals, raises an alert when anything does not match, audits it.
    func finish(_ run: Pending, lines: [ReconciliationLine]) async throws {
        let count = { (kind: ReconciliationKind) in lines.filter { $0.kind == kind }.count }
        let ledgerUSD = lines.compactMap(\.ledgerUSD).reduce(0, +)
        let providerUSD = lines.compactMap(\.providerUSD).reduce(0, +)
        let mismatches = lines.filter(\.kind.isMismatch).count
        try await db.transaction(logger: logger) { conn in
            for line in lines {
                try await conn.query("""
                    INSERT INTO reconciliation_lines (run_id, team_id, kind, request_id, generation_id, model, provider_status, ledger_usd, provider_usd, requested_at)
                    VALUES (\(run.id), \(run.teamID), \(line.kind.rawValue), \(line.requestID), \(line.generationID), \(line.model), \(line.providerStatus),
                            \(line.ledgerUSD), \(line.providerUSD), \(line.requestedAt))
                    """, logger: logger)
            }
            try await conn.query("""
                UPDATE reconciliation_runs SET state = 'succeeded', error = NULL, finished_at = clock_timestamp(),
                    matched = \(count(.matched)), cost_mismatch = \(count(.costMismatch)), not_booked = \(count(.notBooked)),
                    unknown_to_provider = \(count(.unknownToProvider)), ledger_usd = \(ledgerUSD), provider_usd = \(providerUSD)
                WHERE id = \(run.id)
                """, logger: logger)
            let details: JSONValue = [
                "account_key": .string(run.accountKey), "matched": .number(Double(count(.matched))),
                "cost_mismatch": .number(Double(count(.costMismatch))), "not_booked": .number(Double(count(.notBooked))),
                "unknown_to_provider": .number(Double(count(.unknownToProvider))),
            ]
            try await audit.append(AuditEvent("reconciliation.finished", target: "reconciliation", id: run.id.uuidString.lowercased(), details: details),
                                   team: run.teamID, actor: .system, on: conn)
            guard mismatches > 0 else { return }
            let message = "Reconciliation \(run.id.uuidString.lowercased()) of \(run.window.start.iso8601WithFraction) to \(run.window.end.iso8601WithFraction): "
                + "\(count(.costMismatch)) cost mismatch(es), \(count(.notBooked)) billed by the provider but not booked, "
                + "\(count(.unknownToProvider)) booked but unknown to the provider"
            try await alerts.raise(team: run.teamID, accountKey: run.accountKey, kind: Self.alertKind, message: message, on: conn)
        }
    }

    /// The run could not be done this time (the job retries it while attempts are left).
    func failed(_ run: Pending, error: String) async throws {
        try await db.query("""
            UPDATE reconciliation_runs SET state = 'failed', error = \(String(error.prefix(2000))), finished_at = clock_timestamp()
            WHERE id = \(run.id) AND state = 'running'
            """, logger: logger)
    }
}
