import Foundation
import PostgresNIO

extension JobOutcomes {
    /// An `auto` generation whose submit was refused without being billed (rate limit, no
    /// credits, key refused, provider unreachable) moves to the next eligible provider at once,
    /// without a person: its provider, model, account, parameters and estimate become that
    /// provider's, it goes back to the queue, and the move is recorded in `routing` and audited.
    /// False when there is nowhere to go (not `auto`, every provider tried, the other account
    /// paused too, or the lease is gone): the caller requeues it as usual.
    func moveToAlternate(_ job: ClaimedJob, after error: ProviderError, now: Date = Date()) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                SELECT routing::text FROM generations
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = \(GenerationState.submitting) AND routing IS NOT NULL
                FOR UPDATE
                """, logger: logger)
            guard let text = try await rows.decode(String.self).firstElement(),
                  var routing = try? JSONDecoder.api.decode(Routing.self, from: Data(text.utf8)),
                  let next = routing.alternate, let accountKey = next.account_key, let params = next.params, let estimate = next.estimate_usd
            else { return false }
            let paused = try await conn.query("""
                SELECT 1 FROM provider_pauses WHERE account_key = \(accountKey) AND paused_until > now()
                """, logger: logger)
            if try await paused.decode(Int.self).firstElement() != nil { return false }
            let reason = "\(error.kind.code) at \(routing.chosen): \(error.message)"
            routing.moves.append(Routing.Move(from: routing.chosen, to: next.provider, reason: reason, at: now))
            routing.chosen = next.provider
            let paramsJSON = String(decoding: try JSONEncoder.api.encode(params), as: UTF8.self)
            let moved = try await conn.query("""
                UPDATE generations SET provider = \(next.provider), model_id = \(next.model), account_key = \(accountKey),
                    account_id = \(next.account_id), concurrency_limit = \(next.concurrency_limit ?? 4), params = \(paramsJSON)::jsonb,
                    estimated_cost_usd = \(estimate), routing = \(routing.jsonText)::jsonb,
                    state = \(GenerationState.queued), attempt = greatest(attempt - 1, 0), next_attempt_at = now(), \(GenerationSQL.clearLease),
                    error_kind = \(error.kind.code), error_message = \(error.message), provider_status = \(error.httpStatus), updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = \(GenerationState.submitting)
                RETURNING id
                """, logger: logger)
            guard try await moved.decode(UUID.self).firstElement() != nil else { return false }
            try await ledger.rereserve(generation: job.id, amount: estimate, on: conn)
            try await audit.append(AuditEvent("generation.rerouted", target: "generation", id: job.id.uuidString, details: [
                "from": .string(routing.moves.last!.from), "to": .string(next.provider), "reason": .string(reason),
                "estimated_cost_usd": .string("\(estimate)"),
            ]), team: job.teamID, actor: .system, on: conn)
            try await conn.query("SELECT pg_notify(\(GenerationRepository.notifyChannel), '')", logger: logger)
            return true
        }
    }
}
