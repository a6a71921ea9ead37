import Crypto
import Foundation
import Logging
import PostgresNIO

/// The append-only audit log. Rows are chained per team with an HMAC keyed by the service's
/// secret: a row edited or deleted by hand (even by a superuser) breaks the chain, and without
/// the secret the chain cannot be recomputed to hide it. A signed head per team (last seq and
/// hash, see AuditHead) written with every append catches rows cut from the chain's end.
public struct AuditRepository: Sendable {
    let db: PostgresClient
    let chainKey: Data
    let logger: Logger

    public init(db: PostgresClient, secrets: SecretBox, logger: Logger) {
        self.db = db
        self.chainKey = secrets.derivedKey("audit-chain")
        self.logger = logger
    }

    /// Appends inside the caller's transaction, so the change and its audit row commit together.
    public func append(_ event: AuditEvent, team: UUID, actor: AuditActor, on conn: PostgresConnection) async throws {
        // One writer per team chain at a time; released at commit. Every append of a team waits
        // here, so what follows is three round trips: the lock, one read, one write.
        try await conn.query("SELECT pg_advisory_xact_lock(hashtextextended(\(team.uuidString), 7))", logger: logger)
        // A statement of its own after the lock: its snapshot then sees the previous writer's row.
        let fields = try await conn.query("""
            SELECT h.last_seq, h.last_hash, h.signature,
                   (SELECT hash FROM audit_log WHERE team_id = \(team) ORDER BY seq DESC LIMIT 1),
                   \(event.details.jsonText)::jsonb::text,
                   (extract(epoch FROM clock_timestamp()) * 1000000)::int8,
                   nextval(pg_get_serial_sequence('audit_log', 'seq'))
            FROM (SELECT 1) one LEFT JOIN audit_heads h ON h.team_id = \(team)
            """, logger: logger)
        guard let (headSeq, headHash, signature, tail, details, micros, seq) = try await fields
            .decode((Int64?, Data?, Data?, Data?, String, Int64, Int64).self).firstElement() else { return }
        // Link to the row the signed head names, not to whatever is last in the table now: rows
        // cut from the end stay visible as a gap before this row.
        let reading: AuditHeads.Reading
        if let headSeq, let headHash, let signature {
            reading = heads.verify(AuditHead(team: team, lastSeq: headSeq, lastHash: headHash), signature: signature)
        } else {
            reading = try await heads.headless(team: team, on: conn)
        }
        var prev = tail
        if case .signed(let head) = reading { prev = head.lastHash }
        let id = UUID()
        let row = ChainedRow(id: id, team: team, actorType: actor.type, actorID: actor.id, action: event.action,
                             targetType: event.targetType, targetID: event.targetID, details: details, ip: actor.ip,
                             micros: micros, prevHash: prev)
        let hash = row.hash(key: chainKey)
        let insert: SQLFragment = """
            INSERT INTO audit_log (seq, id, team_id, actor_type, actor_id, action, target_type, target_id, details, ip, created_at, prev_hash, hash)
            VALUES (\(seq), \(id), \(team), \(actor.type), \(actor.id), \(event.action), \(event.targetType), \(event.targetID),
                    \(details)::jsonb, \(actor.ip), timestamptz 'epoch' + \(micros) * interval '1 microsecond', \(prev), \(hash))
            """
        // A forged head, or a missing one in front of existing rows, is left as it is, so verify
        // keeps reporting it rather than this append signing over the evidence.
        let signsHead: Bool = switch reading {
        case .signed: true
        case .missing: tail == nil
        case .forged: false
        }
        if signsHead {
            try await conn.query("\(heads.writing(AuditHead(team: team, lastSeq: seq, lastHash: hash), after: insert))", logger: logger)
        } else {
            try await conn.query("\(insert)", logger: logger)
        }
    }

    var heads: AuditHeads { AuditHeads(key: chainKey, logger: logger) }

    /// Appends in a transaction of its own, for changes that are a single statement.
    public func append(_ event: AuditEvent, team: UUID, actor: AuditActor) async throws {
        try await db.transaction(logger: logger) { conn in
            try await append(event, team: team, actor: actor, on: conn)
        }
    }

    public struct Filter: Sendable {
        public var actorID: UUID?
        public var action: String?
        public var targetType: String?
        public var targetID: String?
        public var since: Date?
        public var until: Date?
        public init() {}
    }

    /// Newest first; `before` is the seq cursor from the previous page.
    public func list(team: UUID, filter: Filter, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        // Only the filters given, so each can use its index; values stay bind parameters.
        var conditions: [SQLFragment] = ["team_id = \(team)"]
        if let actor = filter.actorID { conditions.append("actor_id = \(actor)") }
        if let action = filter.action { conditions.append("action = \(action)") }
        if let type = filter.targetType { conditions.append("target_type = \(type)") }
        if let target = filter.targetID { conditions.append("target_id = \(target)") }
        if let since = filter.since { conditions.append("created_at >= \(since)") }
        if let until = filter.until { conditions.append("created_at < \(until)") }
        if let before { conditions.append("seq < \(before)") }
        let rows = try await db.query("""
            SELECT id, seq, actor_type, actor_id, action, target_type, target_id, details::text, ip, created_at
            FROM audit_log
            WHERE \(all: conditions)
            ORDER BY seq DESC
            LIMIT \(limit)
            """, logger: logger)
        var entries: [AuditEntry] = []
        for try await (id, seq, actorType, actorID, action, targetType, targetID, details, ip, createdAt)
            in rows.decode((UUID, Int64, String, UUID?, String, String, String?, String, String?, Date).self) {
            entries.append(AuditEntry(id: id, seq: seq, actor_type: actorType, actor_id: actorID, action: action,
                                      target_type: targetType, target_id: targetID, details: .parse(details), ip: ip, created_at: createdAt))
        }
        return entries
    }

    public struct Verification: Codable, Sendable {
        public let ok: Bool
        public let rows_checked: Int
        public let first_broken_seq: Int64?
        public let problem: String?

        static func broken(_ checked: Int, at seq: Int64?, _ problem: String) -> Verification {
            Verification(ok: false, rows_checked: checked, first_broken_seq: seq, problem: problem)
        }
    }

    /// Walks the team's chain oldest-first and reports the first row that does not fit, then
    /// checks the signed head: its row must still be there with its hash, so rows cut from the
    /// end are reported too.
    public func verify(team: UUID) async throws -> Verification {
        // The head is read first: rows appended after this are newer; its own row must remain.
        let head = try await db.transaction(logger: logger) { conn in try await heads.current(team: team, on: conn) }
        let rows = try await db.query("""
            SELECT seq, id, actor_type, actor_id, action, target_type, target_id, details::text, ip,
                   (extract(epoch FROM created_at) * 1000000)::int8, prev_hash, hash
            FROM audit_log WHERE team_id = \(team) ORDER BY seq
            """, logger: logger)
        var previous: Data?
        var checked = 0
        var headRowHash: Data?
        for try await (seq, id, actorType, actorID, action, targetType, targetID, details, ip, micros, prev, hash)
            in rows.decode((Int64, UUID, String, UUID?, String, String, String?, String, String?, Int64, Data?, Data).self) {
            checked += 1
            guard prev == previous else { return .broken(checked, at: seq, "the row before this one was removed or replaced") }
            let row = ChainedRow(id: id, team: team, actorType: actorType, actorID: actorID, action: action, targetType: targetType,
                                 targetID: targetID, details: details, ip: ip, micros: micros, prevHash: prev)
            guard row.hash(key: chainKey) == hash else { return .broken(checked, at: seq, "this row was edited after it was written") }
            previous = hash
            if case .signed(let signed) = head, signed.lastSeq == seq { headRowHash = hash }
        }
        switch head {
        case .missing:
            guard checked == 0 else { return .broken(checked, at: nil, "the signed chain head is missing") }
        case .forged:
            return .broken(checked, at: nil, "the chain head's signature does not match")
        case .signed(let signed):
            guard let headRowHash else {
                return .broken(checked, at: signed.lastSeq, "rows were removed from the end of the log: the last one written (seq \(signed.lastSeq)) is gone")
            }
            guard headRowHash == signed.lastHash else { return .broken(checked, at: signed.lastSeq, "the last row written was replaced") }
        }
        return Verification(ok: true, rows_checked: checked, first_broken_seq: nil, problem: nil)
    }
}

/// The exact fields the chain covers, in a fixed, unambiguous encoding.
struct ChainedRow {
    let id: UUID, team: UUID, actorType: String, actorID: UUID?, action: String, targetType: String
    let targetID: String?, details: String, ip: String?, micros: Int64, prevHash: Data?

    func hash(key: Data) -> Data {
        let fields: [String?] = ["v1", id.uuidString, team.uuidString, actorType, actorID?.uuidString, action, targetType,
                                 targetID, details, ip, String(micros), prevHash?.hex]
        // Length-prefix each field so no two different rows encode to the same bytes.
        var message = Data()
        for field in fields {
            let bytes = field.map { Data($0.utf8) } ?? Data()
            message.append(contentsOf: "\(field == nil ? -1 : bytes.count):".utf8)
            message.append(bytes)
        }
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
