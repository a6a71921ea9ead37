import Crypto
import Foundation

/// A receiver's check of a Standard Webhooks signature, written from the specification
/// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
/// not from Reelbase's signer: strip `whsec_`, base64-decode the key, HMAC-SHA256 over
/// `msg_id.timestamp.payload`, compare (in constant time) with any `v1,` entry of the
/// space-separated signature header, and refuse timestamps outside the tolerance.
struct StandardWebhooksVerifier {
    let secret: String
    var tolerance: TimeInterval = 300

    enum Failure: Error, Equatable { case missingHeaders, staleTimestamp, noMatchingSignature, badSecret }

    func verify(headers: [String: String], body: String, now: Date) throws(Failure) {
        guard let id = headers["webhook-id"], let stamp = headers["webhook-timestamp"], let signatures = headers["webhook-signature"],
              let seconds = Int(stamp) else { throw .missingHeaders }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else { throw .staleTimestamp }
        let encoded = secret.split(separator: "_", maxSplits: 1).last.map(String.init) ?? ""
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: encoded) else { throw .badSecret }
        let signed = Data("\(id).\(seconds).\(body)".utf8)
        for entry in signatures.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let given = Data(base64Encoded: String(parts[1])) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: signed, using: SymmetricKey(data: key)) { return }
        }
        throw .noMatchingSignature
    }
}
