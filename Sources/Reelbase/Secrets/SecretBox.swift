import Crypto
import Foundation

/// Encrypts secrets at rest (provider keys) with AES-GCM under `REELBASE_SECRET_KEY`,
/// and derives the other keys the service needs from it, one per purpose.
public struct SecretBox: Sendable {
    private let master: Data

    public init(key: Data) {
        precondition(key.count == 32, "REELBASE_SECRET_KEY must be 32 bytes")
        self.master = key
    }

    /// A separate key per purpose, so one leaked derived key reveals nothing about the others.
    /// (Returned as bytes: `SymmetricKey` is not Sendable.)
    public func derivedKey(_ purpose: String) -> Data {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: master), info: Data("reelbase:\(purpose)".utf8), outputByteCount: 32).withUnsafeBytes { Data($0) }
    }

    /// nonce ‖ ciphertext ‖ tag. `context` binds the ciphertext to its row so it cannot be swapped.
    public func seal(_ plaintext: String, context: String) throws -> Data {
        let sealed = try AES.GCM.seal(Data(plaintext.utf8), using: SymmetricKey(data: derivedKey("secrets")), authenticating: Data(context.utf8))
        guard let combined = sealed.combined else { throw CryptoKitError.incorrectParameterSize }
        return combined
    }

    public func open(_ data: Data, context: String) throws -> String {
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: SymmetricKey(data: derivedKey("secrets")), authenticating: Data(context.utf8)), as: UTF8.self)
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex, for digests shown or stored as text.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

enum RandomToken {
    /// URL-safe base64 of `bytes` random bytes (no padding).
    static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64URL
    }
}

extension Data {
    /// URL-safe base64 without padding (tokens in paths and cookies).
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL text: String) {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
