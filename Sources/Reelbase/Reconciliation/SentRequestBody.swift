import Crypto
import Foundation

/// The JSON body Reelbase sent with a paid POST, in a canonical form: stored when the POST
/// leaves (`generations.sent_request_body`), and compared with the `request_body` the
/// provider's history shows for each request it recorded.
///
/// Canonical: keys sorted, numbers as numbers (4 and 4.0 are equal), no whitespace, and long
/// strings (base64 images, data URIs) replaced by `sha256:<hex>` of their text, so the stored
/// form stays small while the comparison stays exact.
public struct SentRequestBody: Sendable, Equatable {
    /// Strings longer than this are compared (and stored) by their digest.
    static let digestThreshold = 512

    /// A JSON object with every long string digested.
    public let fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) {
        self.fields = fields.mapValues(Self.canonical)
    }

    /// The body as sent on the wire; nil when it is not a JSON object.
    public init?(sentJSON data: Data) {
        guard case .object(let fields) = (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null else { return nil }
        self.init(fields: fields)
    }

    /// What is stored in `jsonb` (sorted keys, compact).
    public var jsonText: String { JSONValue.object(fields).jsonText }

    /// Whether a body the provider recorded is this one: every field Reelbase sent is there with
    /// an equal value. Fields only the provider shows (defaults it filled in) are not compared.
    public func matches(_ recorded: JSONValue?) -> Bool {
        guard case .object(let other) = recorded ?? .null else { return false }
        return fields.allSatisfy { key, value in other[key].map(Self.canonical) == value }
    }

    /// The recorded body has our prompt but differs elsewhere: maybe ours, rewritten by the
    /// provider (an image stored as a URL, a value normalised). Never grounds for a requeue.
    public func sharesPrompt(with recorded: JSONValue?) -> Bool {
        guard let prompt = fields["prompt"], case .object(let other) = recorded ?? .null else { return false }
        return other["prompt"].map(Self.canonical) == prompt
    }

    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where text.utf8.count > digestThreshold || text.hasPrefix("data:"):
            return .string("sha256:" + SHA256.hash(data: Data(text.utf8)).hex)
        case .array(let items):
            return .array(items.map(canonical))
        case .object(let fields):
            return .object(fields.mapValues(canonical))
        default:
            return value
        }
    }
}
