import Foundation
import PostgresNIO

extension GenerationRepository {
    enum ResolveOutcome { case resolved, notResolvable(GenerationState), notFound }

    /// submit_unknown → failed, on a person's word about the provider's bill. Billed: the
    /// estimate is booked (flagged as an estimate, error kind `resolved_billed`); not billed:
    /// the reservation is released (`resolved_not_billed`, cost 0). The row lock and the state
    /// fence make two concurrent resolves book once: the second finds the job final (409).
    func resolve(team: UUID, id: UUID, billed: Bool, note: String, actor: AuditActor) async throws -> ResolveOutcome {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                SELECT state, estimated_cost_usd FROM generations WHERE team_id = \(team) AND id = \(id) FOR UPDATE
                """, logger: logger)
            guard let (raw, estimate) = try await rows.decode((String, Decimal).self).firstElement(),
                  let state = GenerationState(rawValue: raw) else { return .notFound }
            guard state == .submitUnknown else { return .notResolvable(state) }
            let kind = billed ? "resolved_billed" : "resolved_not_billed"
            let message = billed ? "A person confirmed the provider billed it; the estimate was booked. Note: \(note)"
                                 : "A person confirmed the provider did not bill it; nothing was booked. Note: \(note)"
            let moved = try await conn.query("""
                UPDATE generations SET state = \(GenerationState.failed), error_kind = \(kind), error_message = \(message),
                    finished_at = now(), lease_token = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE team_id = \(team) AND id = \(id) AND state = \(GenerationState.submitUnknown)
                RETURNING id
                """, logger: logger)
            guard try await moved.decode(UUID.self).firstElement() != nil else { return .notResolvable(state) }
            let ledger = SpendLedger(logger: logger, outbox: outbox)
            var details: [String: JSONValue] = ["billed": .bool(billed), "note": .string(note)]
            if billed {
                let charge = SpendLedger.Charge(reported: nil, estimate: estimate)
                try await ledger.settle(generation: id, charge: charge, on: conn)
                details.merge(charge.auditDetails) { $1 }
            } else {
                try await ledger.release(generation: id, on: conn)
                try await conn.query("UPDATE generations SET cost_usd = 0, cost_is_estimate = false WHERE id = \(id)", logger: logger)
                details["cost_usd"] = "0"
            }
            try await audit.append(AuditEvent("generation.resolved", target: "generation", id: id.uuidString, details: .object(details)),
                                   team: team, actor: actor, on: conn)
            return .resolved
        }
    }
}
