import Foundation

/// One row of the append-only audit log.
public struct AuditEntry: Codable, Sendable {
    public let id: UUID
    public let seq: Int64
    public let actor_type: String
    public let actor_id: UUID?
    public let action: String
    public let target_type: String
    public let target_id: String?
    public let details: JSONValue
    public let ip: String?
    public let created_at: Date
}

/// What a change records; the repository adds team, actor, time and the chain.
public struct AuditEvent: Sendable {
    public var action: String
    public var targetType: String
    public var targetID: String?
    public var details: JSONValue

    public init(_ action: String, target: String, id: String?, details: JSONValue = [:]) {
        self.action = action
        self.targetType = target
        self.targetID = id
        self.details = details
    }
}

/// Who made a change, as the audit log records it.
public struct AuditActor: Sendable {
    public let type: String
    public let id: UUID?
    public let ip: String?

    public static let system = AuditActor(type: "system", id: nil, ip: nil)

    public init(type: String, id: UUID?, ip: String?) {
        self.type = type
        self.id = id
        self.ip = ip
    }

    public init(_ identity: Identity, ip: String?) {
        switch identity.actor {
        case .user(let id): self.init(type: "user", id: id, ip: ip)
        case .apiKey(let id, _): self.init(type: "api_key", id: id, ip: ip)
        }
    }
}
