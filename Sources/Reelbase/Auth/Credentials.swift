import Crypto
import Foundation

/// API keys look like `rb_<prefix>_<secret>`. The prefix finds the row; only the SHA-256 of
/// the whole key is stored, compared in constant time.
enum APIKeyFormat {
    static func generate() -> (key: String, prefix: String) {
        // Prefix: 12 lowercase hex-ish chars, unique per key; secret: 32 random bytes.
        let prefix = String(RandomToken.make(bytes: 9).lowercased().filter { $0.isLetter || $0.isNumber }.prefix(12))
        let key = "rb_\(prefix)_\(RandomToken.make(bytes: 32))"
        return (key, prefix)
    }

    /// The prefix of a well-formed key, or nil for anything malformed.
    static func prefix(of key: String) -> String? {
        let parts = key.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "rb", (8...32).contains(parts[1].count), parts[2].count >= 32,
              parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return String(parts[1])
    }
}

enum Digests {
    static func sha256(_ text: String) -> Data { Data(SHA256.hash(data: Data(text.utf8))) }

    /// Compares without an early exit, so timing says nothing about where two values differ.
    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// Generated passwords: long enough to be safe, easy to copy.
enum PasswordGenerator {
    static func make() -> String { RandomToken.make(bytes: 18) }
}
