import Crypto
import Foundation

/// The Standard Webhooks signature (https://www.standardwebhooks.com): the secret is
/// `whsec_` + base64 of random bytes; a message is signed as
/// `v1,` + base64(HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>")).
enum WebhookSignature {
    static let secretPrefix = "whsec_"

    /// A new endpoint secret: 32 random bytes (the spec allows 24 to 64).
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return secretPrefix + Data(bytes).base64EncodedString()
    }

    /// The key bytes of a `whsec_…` secret; nil when it is not one.
    static func key(of secret: String) -> Data? {
        guard secret.hasPrefix(secretPrefix) else { return nil }
        return Data(base64Encoded: String(secret.dropFirst(secretPrefix.count)))
    }

    /// The `webhook-signature` header value for one message.
    static func sign(id: String, timestamp: Int, body: String, secret: String) throws -> String {
        guard let key = key(of: secret) else { throw SignatureError.malformedSecret }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers a receiver verifies; one space-separated signature per secret (the
    /// current one first, then one a rotation replaced), as the spec allows for rotation.
    static func headers(id: String, timestamp: Int, body: String, secrets: [String]) throws -> [(String, String)] {
        let signatures = try secrets.map { try sign(id: id, timestamp: timestamp, body: body, secret: $0) }
        return [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signatures.joined(separator: " "))]
    }

    enum SignatureError: Error { case malformedSecret }
}
