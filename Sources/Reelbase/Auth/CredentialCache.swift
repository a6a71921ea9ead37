import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// API keys resolved in the last few seconds, by the SHA-256 of the key, so an API request does
/// not pay database round trips to authenticate. Anything that changes what a key may do
/// (revocation; member removal; role change) calls `invalidate(on:)` in its transaction: every
/// replica listening on `channel` clears its cache when that transaction commits. The short
/// lifetime bounds staleness where LISTEN is unavailable (a transaction-pooling PgBouncer).
///
/// Run as a service it also listens for those notifications and writes `last_used_at` in the
/// background, one statement per second for all keys used.
public final class CredentialCache: Service, Sendable {
    public static let channel = "reelbase_credentials"
    let db: PostgresClient
    let logger: Logger
    let lifetime: Duration

    private struct Entry { let identity: Identity; let expires: ContinuousClock.Instant }
    private struct State {
        var entries: [Data: Entry] = [:]
        /// Bumped by every clear, so a look-up that started before a revocation is not cached.
        var epoch = 0
        var used: Set<UUID> = []
    }
    private let state = Mutex(State())

    public init(db: PostgresClient, logger: Logger, lifetime: Duration = .seconds(10)) {
        self.db = db
        self.logger = logger
        self.lifetime = lifetime
    }

    /// Tells every replica (this one included, at commit) to forget cached keys.
    public static func invalidate(on conn: PostgresConnection, logger: Logger) async throws {
        try await conn.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }

    func identity(digest: Data) -> Identity? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[digest] else { return nil }
            guard entry.expires > now else { state.entries[digest] = nil; return nil }
            if case .apiKey(let id, _) = entry.identity.actor { state.used.insert(id) }
            return entry.identity
        }
    }

    var epoch: Int { state.withLock { $0.epoch } }

    /// Caches a key looked up when the epoch was `epoch`; dropped if a clear happened since.
    func store(_ identity: Identity, digest: Data, epoch: Int) {
        let expires = ContinuousClock.now + lifetime
        state.withLock { state in
            guard state.epoch == epoch else { return }
            if state.entries.count > 10_000 { state.entries.removeAll() }
            state.entries[digest] = Entry(identity: identity, expires: expires)
            if case .apiKey(let id, _) = identity.actor { state.used.insert(id) }
        }
    }

    public func clear() {
        state.withLock { state in
            state.entries.removeAll()
            state.epoch += 1
        }
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.recordUse() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        try? await flushUse()
    }

    private func listen() async {
        // Services start together: give the database client a moment to start its run loop.
        try? await Task.sleep(for: .milliseconds(100))
        while !Task.isCancelled {
            do {
                try await db.withConnection { conn in
                    try await conn.listen(on: Self.channel) { notifications in
                        for try await _ in notifications { clear() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("LISTEN unavailable; cached keys expire after their lifetime", metadata: ["error": "\(type(of: error))"])
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    private func recordUse() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            do { try await flushUse() } catch {
                logger.debug("recording key use failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    /// `last_used_at` for every key used since the last flush; at most once a minute per key.
    func flushUse() async throws {
        let ids = state.withLock { state in
            defer { state.used.removeAll() }
            return Array(state.used)
        }
        guard !ids.isEmpty else { return }
        try await db.query("""
            UPDATE api_keys SET last_used_at = now()
            WHERE id = ANY(\(ids)) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """, logger: logger)
    }
}
