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
    let throttle: SignInThrottle
    static let sessionLifetime: TimeInterval = 14 * 24 * 3600

    /// Keys resolved recently; shared with whatever revokes keys.
    let credentials: CredentialCache

    public init(db: PostgresClient, logger: Logger, bcryptCost: UInt8, credentials: CredentialCache? = nil, signInLimits: SignInLimits = SignInLimits()) {
        self.db = db
        self.logger = logger
        self.bcryptCost = bcryptCost
        self.decoyHash = Bcrypt.hash(RandomToken.make(), cost: bcryptCost)
        self.throttle = SignInThrottle(db: db, logger: logger, limits: signInLimits)
        self.credentials = credentials ?? CredentialCache(db: db, logger: logger)
    }

    /// A key acts with the lower of its own role and its creator's CURRENT role in the key's
    /// team; a key whose creator is no longer a member (or was deleted) is refused. Answered from
    /// the cache when the key was seen in the last seconds, else one query; whatever changes what
    /// a key may do (revocation, a member's role change or removal) invalidates the cache.
    /// `last_used_at` is written in the background by the cache (at most once a minute per key).
    func identity(forAPIKey key: String) async throws -> Identity? {
        let presented = Digests.sha256(key)
        if let cached = credentials.identity(digest: presented) { return cached }
        guard let prefix = APIKeyFormat.prefix(of: key) else { return nil }
        let epoch = credentials.epoch
        let rows = try await db.query("""
            SELECT k.id, k.team_id, k.role, k.created_by, k.secret_sha256, k.revoked_at IS NOT NULL, m.role
            FROM api_keys k LEFT JOIN memberships m ON m.team_id = k.team_id AND m.user_id = k.created_by
            WHERE k.prefix = \(prefix)
            """, logger: logger)
        guard let (id, team, keyRole, createdBy, digest, revoked, creatorRole)
                = try await rows.decode((UUID, UUID, String, UUID?, Data, Bool, String?).self).firstElement(),
              !revoked, Digests.constantTimeEqual(digest, presented),
              let keyRole = Role(rawValue: keyRole), let creatorRole = creatorRole.flatMap(Role.init(rawValue:)) else { return nil }
        let identity = Identity(teamID: team, role: min(keyRole, creatorRole), actor: .apiKey(id: id, createdBy: createdBy), csrfToken: nil)
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

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await WorkSlots.passwordChecks.run {
            try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        }
    }

    private func openInvite(user: UUID, team: UUID?) async throws -> (UUID, String)? {
        let rows = try await db.query("""
            SELECT team_id, invite_hash FROM memberships
            WHERE user_id = \(user) AND invite_hash IS NOT NULL AND invite_expires_at > now() AND (\(team)::uuid IS NULL OR team_id = \(team))
            ORDER BY created_at DESC LIMIT 1
            """, logger: logger)
        return try await rows.decode((UUID, String).self).firstElement()
    }

    public func hashPassword(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    struct SignIn { let token: String; let csrf: String; let user: UUID; let team: UUID; let role: Role }

    /// Checks the password (bcrypt, off the event loop, a bounded number at once) and opens a
    /// session in the chosen team. A membership's one-time password (see `TeamRepository.addMember`)
    /// also opens a session, in that team only, and is used up.
    func signIn(email: String, password: String, team requested: UUID?, ip: String?) async throws -> SignIn {
        try await throttle.admit(email: email, ip: ip)
        let rows = try await db.query("SELECT id, password_hash FROM users WHERE lower(email) = lower(\(email))", logger: logger)
        let user = try await rows.decode((UUID, String).self).firstElement()
        // Hash even for unknown emails so response time does not reveal which emails exist.
        var valid = try await verify(password, hash: user?.1 ?? decoyHash)
        var team = requested
        if !valid, let userID = user?.0, let (invited, hash) = try await openInvite(user: userID, team: requested) {
            valid = try await verify(password, hash: hash)
            if valid { team = invited }
        }
        guard let (userID, _) = user, valid else {
            throw AppError(.unauthorized, "invalid_credentials", "Email or password is wrong.")
        }
        try await throttle.succeeded(email: email, ip: ip)
        let memberships = try await db.query("""
            SELECT team_id, role FROM memberships WHERE user_id = \(userID)
              AND (\(team)::uuid IS NULL OR team_id = \(team))
            ORDER BY created_at LIMIT 1
            """, logger: logger)
        guard let (team, roleText) = try await memberships.decode((UUID, String).self).firstElement(),
              let role = Role(rawValue: roleText) else {
            throw AppError(.forbidden, "no_team", "This account is not a member of that team.")
        }
        // The one-time password is spent by the first sign-in to its team, whichever password was used.
        try await db.query("""
            UPDATE memberships SET invite_hash = NULL, invite_expires_at = NULL
            WHERE team_id = \(team) AND user_id = \(userID) AND invite_hash IS NOT NULL
            """, logger: logger)
        let token = RandomToken.make(bytes: 32)
        let csrf = RandomToken.make(bytes: 24)
        try await db.query("""
            INSERT INTO sessions (token_sha256, user_id, team_id, csrf_token, expires_at)
            VALUES (\(Digests.sha256(token)), \(userID), \(team), \(csrf), now() + \(Int(Self.sessionLifetime)) * interval '1 second')
            """, logger: logger)
        return SignIn(token: token, csrf: csrf, user: userID, team: team, role: role)
    }

    func signOut(token: String) async throws {
        try await db.query("DELETE FROM sessions WHERE token_sha256 = \(Digests.sha256(token))", logger: logger)
    }
}
