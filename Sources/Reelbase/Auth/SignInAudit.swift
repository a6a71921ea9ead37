import Foundation
import Logging
import PostgresNIO

/// Sign-ins in the audit log, never with the password. A success is recorded in the team the
/// session opens; a failure in every team of the account it named (an unknown email has no
/// team's log to go to, so it is only counted in `login_failures`).
struct SignInAudit: Sendable {
    let audit: AuditRepository

    /// The codes of AuthRepository.signIn's refusals worth recording.
    static let recordedFailures: Set<String> = ["invalid_credentials", "too_many_attempts", "no_team"]

    func succeeded(user: UUID, team: UUID, ip: String?) async throws {
        try await audit.append(AuditEvent("session.signed_in", target: "user", id: user.uuidString),
                               team: team, actor: AuditActor(type: "user", id: user, ip: ip))
    }

    func failed(email: String, reason: String, ip: String?) async throws {
        let rows = try await audit.db.query("""
            SELECT m.team_id, u.id FROM users u JOIN memberships m ON m.user_id = u.id WHERE lower(u.email) = lower(\(email))
            """, logger: audit.logger)
        for try await (team, user) in rows.decode((UUID, UUID).self) {
            try await audit.append(AuditEvent("session.sign_in_failed", target: "user", id: user.uuidString,
                                              details: ["email": .string(email), "reason": .string(reason)]),
                                   team: team, actor: AuditActor(type: "anonymous", id: nil, ip: ip))
        }
    }
}
