import Crypto
import Foundation
import Logging
import PostgresNIO

/// The last row of a team's audit chain, signed with the chain key. Written in the same
/// transaction as every append, so a superuser who cuts rows off the end of the chain leaves a
/// head that names a row that is gone, and cannot sign a new one without the service's secret.
/// (Restoring an older head together with the cut is a replay this cannot see: keep backups.)
struct AuditHead: Sendable {
    let team: UUID
    let lastSeq: Int64
    let lastHash: Data

    func signature(key: Data) -> Data {
        let message = ["head-v1", team.uuidString, String(lastSeq), lastHash.hex].map { "\($0.utf8.count):\($0)" }.joined()
        return Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: key)))
    }
}

/// Reads and writes `audit_heads`, always inside the caller's transaction.
struct AuditHeads: Sendable {
    let key: Data
    let logger: Logger

    enum Reading: Sendable {
        /// No head and the team has never had one: fine only for an empty chain.
        case missing
        /// A head whose signature does not match its fields.
        case forged
        case signed(AuditHead)
    }

    /// Caller holds the team's chain lock (AuditRepository.append).
    func write(_ head: AuditHead, on conn: PostgresConnection) async throws {
        try await conn.query("\(writing(head))", logger: logger)
    }

    /// One statement that runs `before` (e.g. the row this head names), signs `head` into place
    /// and drops the team's unsigned marker. (A WITH's writes all run, read or not.)
    func writing(_ head: AuditHead, after before: SQLFragment = "SELECT 1") -> SQLFragment {
        """
        WITH before AS (\(before)), head AS (
            INSERT INTO audit_heads (team_id, last_seq, last_hash, signature) VALUES (\(head.team), \(head.lastSeq), \(head.lastHash), \(head.signature(key: key)))
            ON CONFLICT (team_id) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash,
                signature = excluded.signature, updated_at = clock_timestamp()
        )
        DELETE FROM audit_heads_unsigned WHERE team_id = \(head.team)
        """
    }

    /// The team's head. A chain written before heads existed gets its current tail signed once.
    func current(team: UUID, on conn: PostgresConnection) async throws -> Reading {
        if let reading = try await read(team: team, on: conn) { return reading }
        return try await headless(team: team, on: conn)
    }

    /// A head row as read: signed when its signature matches its fields.
    func verify(_ head: AuditHead, signature: Data) -> Reading {
        head.signature(key: key) == signature ? .signed(head) : .forged
    }

    /// The team has no head row: `.missing`, unless its chain was written before heads existed;
    /// then its current tail is signed once.
    func headless(team: UUID, on conn: PostgresConnection) async throws -> Reading {
        let pending = try await conn.query("DELETE FROM audit_heads_unsigned WHERE team_id = \(team) RETURNING team_id", logger: logger)
        guard try await pending.decode(UUID.self).firstElement() != nil else { return .missing }
        try await conn.query("SELECT pg_advisory_xact_lock(hashtextextended(\(team.uuidString), 7))", logger: logger)
        let tail = try await conn.query("SELECT seq, hash FROM audit_log WHERE team_id = \(team) ORDER BY seq DESC LIMIT 1", logger: logger)
        guard let (seq, hash) = try await tail.decode((Int64, Data).self).firstElement() else { return .missing }
        let head = AuditHead(team: team, lastSeq: seq, lastHash: hash)
        try await write(head, on: conn)
        return .signed(head)
    }

    private func read(team: UUID, on conn: PostgresConnection) async throws -> Reading? {
        let rows = try await conn.query("SELECT last_seq, last_hash, signature FROM audit_heads WHERE team_id = \(team)", logger: logger)
        guard let (seq, hash, signature) = try await rows.decode((Int64, Data, Data).self).firstElement() else { return nil }
        return verify(AuditHead(team: team, lastSeq: seq, lastHash: hash), signature: signature)
    }
}
