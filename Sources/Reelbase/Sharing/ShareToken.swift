import Crypto
import Foundation

/// Share-link tokens: `base64url(link id ‖ 16 random bytes ‖ HMAC-SHA256 of both)`, keyed from the
/// instance secret (`SecretBox.derivedKey("share-links")`). A tampered or made-up token fails the
/// MAC before any database read; the database keeps only the token's SHA-256, so a copy of it
/// cannot be turned back into working links. Shown once, at creation.
struct ShareTokens: Sendable {
    private let key: Data
    private let unlockKey: Data

    init(secrets: SecretBox) {
        key = secrets.derivedKey("share-links")
        unlockKey = secrets.derivedKey("share-link-unlock")
    }

    func issue(link: UUID) -> String {
        var payload = Self.bytes(of: link)
        payload.append(contentsOf: (0..<16).map { _ in UInt8.random(in: .min ... .max) })
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: key))
        return (payload + Data(mac)).base64URL
    }

    /// The link a genuine token names, or nil for anything malformed or not signed by this instance.
    func link(of token: String) -> UUID? {
        guard token.count == 86, let data = Data(base64URL: token), data.count == 64 else { return nil }
        let payload = data.prefix(32), mac = data.suffix(32)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: key)) else { return nil }
        return payload.prefix(16).withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }

    static func digest(_ token: String) -> Data { Digests.sha256(token) }

    /// The cookie that says "this browser gave the link's password": bound to the link, its
    /// current password hash (a new password logs everyone out) and an expiry.
    func unlockProof(link: UUID, passwordHash: String, until: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(link.uuidString)|\(passwordHash)|\(until)".utf8), using: SymmetricKey(data: unlockKey))
        return "\(until).\(Data(mac).base64URL)"
    }

    func isValidUnlock(_ cookie: String, link: UUID, passwordHash: String, now: Date) -> Bool {
        guard let dot = cookie.firstIndex(of: "."), let until = Int64(cookie[..<dot]), until > Int64(now.timeIntervalSince1970) else { return false }
        return Digests.constantTimeEqual(Data(cookie.utf8), Data(unlockProof(link: link, passwordHash: passwordHash, until: until).utf8))
    }

    private static func bytes(of id: UUID) -> Data { withUnsafeBytes(of: id.uuid) { Data($0) } }
}
