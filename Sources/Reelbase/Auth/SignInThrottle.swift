import Foundation
import Logging
import PostgresNIO

/// The throttle's numbers an operator may set (REELBASE_SIGNIN_FREE_ATTEMPTS,
/// REELBASE_SIGNIN_ADDRESS_CEILING, validated in AppConfig); the defaults suit most instances.
public struct SignInLimits: Sendable {
    /// Tries an (account, address) pair gets before each further one must wait.
    public var freeAttempts = 5
    /// Tries one address may make across other accounts within the window before it is refused.
    public var addressCeiling = 100

    public init() {}
}

/// Who may try a password, and how often. Counters live per (email, client address):
/// - a pair gets `freeAttempts` tries, then each further try waits twice as long as the one
///   before (1 s, 2 s, 4 s … up to `maxDelay`), until a success resets it;
/// - an account also refuses addresses that are not known-good once `accountCeiling` tries from
///   other addresses piled up in `window` (an address that signed in to it in the last 30 days
///   is known-good and never meets this ceiling);
/// - an address that tried `addressCeiling` times across all accounts in `window` is refused.
/// So a stranger's wrong passwords slow the stranger, never the owner at their usual desk.
struct SignInThrottle: Sendable {
    let db: PostgresClient
    let logger: Logger
    var freeAttempts: Int
    var maxDelaySeconds = 300
    var accountCeiling = 50
    var addressCeiling: Int
    var windowMinutes = 15

    init(db: PostgresClient, logger: Logger, limits: SignInLimits = SignInLimits()) {
        self.db = db
        self.logger = logger
        freeAttempts = limits.freeAttempts
        addressCeiling = limits.addressCeiling
    }

    static func tooMany(_ message: String, retryAfter: Int) -> AppError {
        AppError(.tooManyRequests, "too_many_attempts", message, details: ["retry_after_seconds": .number(Double(retryAfter))])
    }

    /// Counts this attempt (one upsert) and throws 429 when the pair, the account or the
    /// address must wait. Counting before the password is checked means parallel guesses count too.
    func admit(email: String, ip: String?) async throws {
        let key = email.lowercased(), address = ip ?? ""
        let window = windowMinutes, free = freeAttempts, maxDelay = maxDelaySeconds
        let rows = try await db.query("""
            WITH bump AS (
              INSERT INTO sign_in_throttle AS t (email_key, ip, attempts, updated_at) VALUES (\(key), \(address), 1, now())
              ON CONFLICT (email_key, ip) DO UPDATE SET
                attempts = CASE WHEN t.blocked_until > now() THEN t.attempts
                                WHEN t.updated_at < now() - \(window) * interval '1 minute' THEN 1
                                ELSE t.attempts + 1 END,
                blocked_until = CASE WHEN t.blocked_until > now() THEN t.blocked_until
                                     WHEN t.updated_at >= now() - \(window) * interval '1 minute' AND t.attempts + 1 >= \(free)
                                     THEN now() + least(power(2, t.attempts + 1 - \(free)), \(maxDelay)) * interval '1 second'
                                     ELSE NULL END,
                last_refused = coalesce(t.blocked_until > now(), false),
                updated_at = CASE WHEN t.blocked_until > now() THEN t.updated_at ELSE now() END
              RETURNING last_refused, blocked_until, coalesce(last_success_at > now() - interval '30 days', false) AS known
            )
            SELECT b.last_refused, ceil(extract(epoch FROM coalesce(b.blocked_until, now()) - now()))::int8, b.known,
              (SELECT coalesce(sum(attempts), 0) FROM sign_in_throttle
                WHERE email_key = \(key) AND ip <> \(address) AND updated_at > now() - \(window) * interval '1 minute')::int8,
              (SELECT coalesce(sum(attempts), 0) FROM sign_in_throttle
                WHERE ip = \(address) AND email_key <> \(key) AND updated_at > now() - \(window) * interval '1 minute')::int8
            FROM bump b
            """, logger: logger)
        guard let (refused, wait, known, accountTries, addressTries) = try await rows.decode((Bool, Int64, Bool, Int64, Int64).self).firstElement() else { return }
        if refused {
            throw Self.tooMany("Too many wrong passwords from here; wait \(wait) s before trying again.", retryAfter: Int(max(wait, 1)))
        }
        if !known && accountTries >= accountCeiling {
            throw Self.tooMany("This account is under attack from elsewhere; sign in from a device that signed in before, or wait.",
                               retryAfter: window * 60)
        }
        if addressTries >= addressCeiling {
            throw Self.tooMany("Too many sign-in attempts from this address; wait \(window) minutes.", retryAfter: window * 60)
        }
    }

    /// A right password: the pair starts over and is remembered as known-good. Old rows go.
    func succeeded(email: String, ip: String?) async throws {
        try await db.query("""
            UPDATE sign_in_throttle SET attempts = 0, blocked_until = NULL, last_success_at = now(), updated_at = now()
            WHERE email_key = \(email.lowercased()) AND ip = \(ip ?? "")
            """, logger: logger)
        try await prune()
    }

    /// Rows idle for a day are forgotten, unless they remember a recent success.
    func prune() async throws {
        try await db.query("""
            DELETE FROM sign_in_throttle WHERE updated_at < now() - interval '1 day'
              AND (last_success_at IS NULL OR last_success_at < now() - interval '30 days')
            """, logger: logger)
    }
}

/// Bounds bcrypt work that anyone on the internet can start: at most `limit` verifications
/// run at once, at most `maxWaiting` wait; beyond that a sign-in is refused with 429.
actor WorkSlots {
    static let passwordChecks = WorkSlots(limit: max(2, ProcessInfo.processInfo.activeProcessorCount), maxWaiting: 64)

    let limit: Int
    let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int, maxWaiting: Int) {
        self.limit = limit
        self.maxWaiting = maxWaiting
    }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        try acquireNow()
        if running > limit { await withCheckedContinuation { waiting.append($0) } }
        defer { release() }
        return try await work()
    }

    private func acquireNow() throws {
        guard running < limit + maxWaiting else {
            throw SignInThrottle.tooMany("Too many sign-ins at once; try again in a moment.", retryAfter: 1)
        }
        running += 1
    }

    private func release() {
        running -= 1
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }
}
