import Foundation
import PostgresNIO

extension GenerationRepository {
    enum CancelOutcome { case cancelled, cancelRequested, notCancellable(GenerationState), notFound }

    /// queued → cancelled (reservation released); submitting/submitted → cancel_requested
    /// (providers have no cancel: it is still billed when it ends).
    func cancel(team: UUID, id: UUID, actor: AuditActor) async throws -> CancelOutcome {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("SELECT state FROM generations WHERE team_id = \(team) AND id = \(id) FOR UPDATE", logger: logger)
            guard let state = try await rows.decode(GenerationState.self).firstElement() else { return .notFound }
            let outcome: CancelOutcome
            switch state {
            case .queued:
                try await conn.query("""
                    UPDATE generations SET state = \(GenerationState.cancelled), finished_at = now(), updated_at = now(), lease_token = NULL WHERE id = \(id)
                    """, logger: logger)
                try await SpendLedger(logger: logger).release(generation: id, on: conn)
                outcome = .cancelled
            case .submitting, .submitted:
                try await conn.query("UPDATE generations SET state = \(GenerationState.cancelRequested), updated_at = now() WHERE id = \(id)", logger: logger)
                outcome = .cancelRequested
            default:
                return .notCancellable(state)
            }
            try await audit.append(AuditEvent("generation.cancelled", target: "generation", id: id.uuidString,
                                              details: ["from": .string(state.rawValue)]), team: team, actor: actor, on: conn)
            return outcome
        }
    }

    /// submit_unknown → queued, on a person's word: the first submission may have been billed.
    func retry(team: UUID, id: UUID, actor: AuditActor) async throws -> GenerationState? {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("SELECT state FROM generations WHERE team_id = \(team) AND id = \(id) FOR UPDATE", logger: logger)
            guard let state = try await rows.decode(GenerationState.self).firstElement() else { return nil }
            guard state == .submitUnknown else { return state }
            try await conn.query("""
                UPDATE generations SET state = \(GenerationState.queued), next_attempt_at = now(), \(GenerationSQL.clearLease),
                    error_kind = NULL, error_message = NULL, updated_at = now()
                WHERE id = \(id)
                """, logger: logger)
            try await audit.append(AuditEvent("generation.retried", target: "generation", id: id.uuidString,
                                              details: ["warning": "the first submission may already have been billed; this one is billed too"]),
                                   team: team, actor: actor, on: conn)
            try await conn.query("SELECT pg_notify(\(Self.notifyChannel), '')", logger: logger)
            return .queued
        }
    }
}
