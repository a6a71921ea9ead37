import Foundation
import Logging
import PostgresNIO

/// The SQL of settling a `submit_unknown` generation. The resolver takes a lease on the row
/// first (the rescuer never touches `submit_unknown`), and every write names that lease and
/// the state, so a person who resolved or retried it meanwhile wins and our result is dropped.
struct SubmitUnknownRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger
    var lease: Duration = .seconds(120)

    /// `error_kind` of a `submit_unknown` job the history could not settle: the sweep leaves it
    /// to a person. The worker writes its own kind each time a job (re)enters `submit_unknown`,
    /// so a later POST of the same generation is looked up afresh.
    static let needsPersonKind = "needs_person"

    /// Segmind `submit_unknown` generations due for a look: their POST left at least `settle`
    /// ago, no look is planned later (`next_attempt_at`, set by a "look again"), not left for a
    /// person, not held. AI/ML keeps no history: its jobs are never selected.
    func due(settle: TimeInterval, limit: Int) async throws -> [UUID] {
        let rows = try await db.query("""
            SELECT id FROM generations
            WHERE state = \(GenerationState.submitUnknown) AND provider = \(ProviderAccount.segmind.rawValue)
              AND provider_request_id IS NULL AND error_kind IS DISTINCT FROM \(Self.needsPersonKind)
              AND next_attempt_at <= now() AND coalesce(post_started_at, updated_at) <= now() - \(settle) * interval '1 second'
              AND (lease_token IS NULL OR lease_expires_at < now())
            ORDER BY next_attempt_at, created_at
            LIMIT \(limit)
            """, logger: logger)
        return try await rows.decode(UUID.self).reduce(into: []) { $0.append($1) }
    }

    /// A `submit_unknown` generation held by this resolver.
    struct Held: Sendable {
        let id: UUID
        let teamID: UUID
        let provider: String
        let modelID: String
        let accountKey: String
        let accountID: UUID?
        let sentBody: SentRequestBody?
        let postedAt: Date?
        let leaseToken: UUID
    }

    /// Takes the generation when it is `submit_unknown`, has no request id and is not held.
    func hold(_ id: UUID) async throws -> Held? {
        let token = UUID()
        let rows = try await db.query("""
            UPDATE generations SET lease_token = \(token), lease_expires_at = now() + \(lease.seconds) * interval '1 second'
            WHERE id = \(id) AND state = \(GenerationState.submitUnknown) AND provider_request_id IS NULL
              AND (lease_token IS NULL OR lease_expires_at < now())
            RETURNING team_id, provider, model_id, account_key, account_id, sent_request_body::text, post_started_at
            """, logger: logger)
        guard let r = try await rows.decode((UUID, String, String, String, UUID?, String?, Date?).self).firstElement() else { return nil }
        let body = r.5.flatMap { SentRequestBody(sentJSON: Data($0.utf8)) }
        return Held(id: id, teamID: r.0, provider: r.1, modelID: r.2, accountKey: r.3, accountID: r.4, sentBody: body, postedAt: r.6, leaseToken: token)
    }

    /// Request ids among `ids` that a generation on this account already owns.
    func claimed(_ ids: [String], accountKey: String) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.query("""
            SELECT provider_request_id FROM generations WHERE account_key = \(accountKey) AND provider_request_id = ANY(\(ids))
            """, logger: logger)
        return try await rows.decode(String.self).reduce(into: Set<String>()) { $0.insert($1) }
    }

    /// The provider has the request: poll it from now on, as if the POST had answered.
    func adopt(_ held: Held, requestID: String, evidence: JSONValue) async throws -> Bool {
        try await decide(held, event: "generation.submit_adopted", evidence: evidence, """
            UPDATE generations SET state = \(GenerationState.submitted), provider_request_id = \(requestID), submitted_at = coalesce(post_started_at, now()),
                next_poll_at = now(), poll_count = 0, error_kind = NULL, error_message = NULL, provider_status = NULL,
                lease_token = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(held.id) AND lease_token = \(held.leaseToken) AND state = \(GenerationState.submitUnknown)
            RETURNING id
            """)
    }

    /// The provider has the request and it FAILED: over, not billed.
    func failAtProvider(_ held: Held, requestID: String, message: String, evidence: JSONValue) async throws -> Bool {
        try await decide(held, event: "generation.failed", evidence: evidence, release: true, """
            UPDATE generations SET state = \(GenerationState.failed), provider_request_id = \(requestID), error_kind = 'failed', error_message = \(message),
                cost_usd = 0, cost_is_estimate = false, finished_at = now(), lease_token = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(held.id) AND lease_token = \(held.leaseToken) AND state = \(GenerationState.submitUnknown)
            RETURNING id
            """)
    }

    /// The provider never recorded the POST, so never billed it: back to the queue.
    func requeue(_ held: Held, evidence: JSONValue) async throws -> Bool {
        try await decide(held, event: "generation.submit_requeued", evidence: evidence, """
            UPDATE generations SET state = \(GenerationState.queued), next_attempt_at = now(), error_kind = 'not_recorded',
                error_message = 'the provider never recorded the submission: not billed, submitted again',
                lease_token = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(held.id) AND lease_token = \(held.leaseToken) AND state = \(GenerationState.submitUnknown)
            RETURNING id
            """)
    }

    /// Stays for a person. The reason goes on the generation; the audit row (with the
    /// candidates) is written only when the reason changed, so periodic looks do not repeat it.
    func needsPerson(_ held: Held, reason: String, evidence: JSONValue) async throws -> Bool {
        try await decide(held, event: "generation.submit_needs_person", evidence: evidence, """
            UPDATE generations SET error_kind = \(Self.needsPersonKind), error_message = \(reason), lease_token = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(held.id) AND lease_token = \(held.leaseToken) AND state = \(GenerationState.submitUnknown)
              AND (error_message IS DISTINCT FROM \(reason) OR error_kind IS DISTINCT FROM \(Self.needsPersonKind))
            RETURNING id
            """)
    }

    /// Gives the row back without a decision; with `lookAgainAt`, the sweep skips it until then.
    func release(_ held: Held, lookAgainAt: Date? = nil) async throws {
        try await db.query("""
            UPDATE generations SET lease_token = NULL, lease_expires_at = NULL, next_attempt_at = coalesce(\(lookAgainAt), next_attempt_at)
            WHERE id = \(held.id) AND lease_token = \(held.leaseToken)
            """, logger: logger)
    }

    private func decide(_ held: Held, event: String, evidence: JSONValue, release: Bool = false, _ query: PostgresQuery) async throws -> Bool {
        let written = try await db.transaction(logger: logger) { conn in
            guard try await conn.query(query, logger: logger).decode(UUID.self).firstElement() != nil else { return false }
            if release { try await SpendLedger(logger: logger).release(generation: held.id, on: conn) }
            try await audit.append(AuditEvent(event, target: "generation", id: held.id.uuidString, details: evidence),
                                   team: held.teamID, actor: .system, on: conn)
            return true
        }
        if !written { try await self.release(held) }
        return written
    }
}
