import Foundation

/// Roles within a team. Viewers read; editors spend and change; owners also manage people and keys.
public enum Role: String, Codable, Sendable, Comparable, CaseIterable {
    case viewer, editor, owner

    private var rank: Int { switch self { case .viewer: 0; case .editor: 1; case .owner: 2 } }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Who is making a request, already scoped to exactly one team.
public struct Identity: Sendable {
    public enum Actor: Sendable, Equatable {
        case user(UUID)
        case apiKey(id: UUID, createdBy: UUID?)
    }

    public let teamID: UUID
    public let role: Role
    public let actor: Actor
    /// Browser sessions must echo this token on state-changing requests.
    public let csrfToken: String?

    /// The person responsible: the user, or the user who created the key.
    public var userID: UUID? {
        switch actor {
        case .user(let id): id
        case .apiKey(_, let createdBy): createdBy
        }
    }
}
