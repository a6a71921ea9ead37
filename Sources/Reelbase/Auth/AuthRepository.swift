import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import PostgresNIO

/// Resolves credentials (API keys, session cookies, passwords) to an `Identity`.
public struct AuthRepository: Sendable {
    let db: PostgresClient
    let logger: Logger
    let bcryptCost: UInt8
    /// A real hash to check against when the email is unknown, so both paths cost the same.
    let decoyHash: String
    static let sessionLifetime: TimeInterval = 14 * 24 * 3600

    /// Keys resolved recently; shared with whatever revokes keys.
    let credentials: CredentialCache

    public init(db: PostgresClient, logger: Logger, bcryptCost: UInt8, credentials: CredentialCache? = nil) {
        self.db = db
        self.logger = logger
        self.bcryptCost = bcryptCost
        self.decoyHash = Bcrypt.hash(RandomToken.make(), cost: bcryptCost)
        self.credentials = credentials ?? CredentialCache(db: db, logger: logger)
    }

    /// From the cache when the key was seen in the last seconds; else one query.
    /// `last_used_at` is written in the background by the cache (at most once a minute per key).
    func identity(forAPIKey key: String) async throws -> Identity? {
        let presented = Digests.sha256(key)
        if let cached = credentials.identity(digest: presented) { return cached }
        guard let prefix = APIKeyFormat.prefix(of: key) else { return nil }
        let epoch = credentials.epoch
        let rows = try await db.query("""
            SELECT id, team_id, role, created_by, secret_sha256, revoked_at IS NOT NULL
            FROM api_keys WHERE prefix = \(prefix)
            """, logger: logger)
        guard let (id, team, role, createdBy, digest, revoked) = try await rows.decode((UUID, UUID, String, UUID?, Data, Bool).self).firstElement(),
              !revoked, Digests.constantTimeEqual(digest, presented), let role = Role(rawValue: role) else { return nil }
        let identity = Identity(teamID: team, role: role, actor: .apiKey(id: id, createdBy: createdBy), csrfToken: nil)
        credentials.store(identity, digest: presented, epoch: epoch)
        return identity
    }

    func identity(forSession token: String) async throws -> Identity? {
        let rows = try await db.query("""
            SELECT s.user_id, s.team_id, m.role, s.csrf_token
            FROM sessions s JOIN memberships m ON m.team_id = s.team_id AND m.user_id = s.user_id
            WHERE s.token_sha256 = \(Digests.sha256(token)) AND s.expires_at > now()
            """, logger: logger)
        guard let (user, team, role, csrf) = try await rows.decode((UUID, UUID, String, String).self).firstElement(),
              let role = Role(rawValue: role) else { return nil }
        return Identity(teamID: team, role: role, actor: .user(user), csrfToken: csrf)
    }

    public func hashPassword(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    struct SignIn { let token: String; let csrf: String; let user: UUID; let team: UUID; let role: Role }

    /// Checks the password (bcrypt, off the event loop) and opens a session in the chosen team.
    func signIn(email: String, password: String, team requested: UUID?) async throws -> SignIn {
        let recentFailures = try await db.query("""
            SELECT count(*) FROM login_failures WHERE lower(email) = lower(\(email)) AND failed_at > now() - interval '15 minutes'
            """, logger: logger)
        if let count = try await recentFailures.decode(Int.self).firstElement(), count >= 10 {
            throw AppError(.tooManyRequests, "too_many_attempts", "Too many failed sign-ins for this email; wait 15 minutes.")
        }
        let rows = try await db.query("SELECT id, password_hash FROM users WHERE lower(email) = lower(\(email))", logger: logger)
        let user = try await rows.decode((UUID, String).self).firstElement()
        // Hash even for unknown emails so response time does not reveal which emails exist.
        let stored = user?.1 ?? decoyHash
        let valid = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: stored) }
        guard let (userID, _) = user, valid else {
            try await db.query("INSERT INTO login_failures (email) VALUES (\(email))", logger: logger)
            throw AppError(.unauthorized, "invalid_credentials", "Email or password is wrong.")
        }
        let memberships = try await db.query("""
            SELECT team_id, role FROM memberships WHERE user_id = \(userID)
              AND (\(requested)::uuid IS NULL OR team_id = \(requested))
            ORDER BY created_at LIMIT 1
            """, logger: logger)
        guard let (team, roleText) = try await memberships.decode((UUID, String).self).firstElement(),
              let role = Role(rawValue: roleText) else {
            throw AppError(.forbidden, "no_team", "This account is not a member of that team.")
        }
        let token = RandomToken.make(bytes: 32)
        let csrf = RandomToken.make(bytes: 24)
        try await db.query("""
            INSERT INTO sessions (token_sha256, user_id, team_id, csrf_token, expires_at)
            VALUES (\(Digests.sha256(token)), \(userID), \(team), \(csrf), now() + \(Int(Self.sessionLifetime)) * interval '1 second')
            """, logger: logger)
        try await db.query("DELETE FROM sessions WHERE expires_at < now()", logger: logger)
        return SignIn(token: token, csrf: csrf, user: userID, team: team, role: role)
    }

    func signOut(token: String) async throws {
        try await db.query("DELETE FROM sessions WHERE token_sha256 = \(Digests.sha256(token))", logger: logger)
    }
}
