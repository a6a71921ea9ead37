import Foundation

/// Any JSON value, for the parts of provider bodies whose shape is not pinned down
/// (error messages, `output`). Decoded with Codable like everything else.
enum ProviderJSON: Decodable, Sendable, Equatable {
    case string(String)
    case number(Decimal)
    case bool(Bool)
    case array([ProviderJSON])
    case object([String: ProviderJSON])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode([ProviderJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ProviderJSON].self))
        }
    }

    static func decode(_ data: Data) -> ProviderJSON? {
        try? JSONDecoder().decode(ProviderJSON.self, from: data)
    }

    subscript(key: String) -> ProviderJSON? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// A human-readable message: a string as is, or the first useful field of an object.
    var message: String? {
        switch self {
        case .string(let text):
            return text.isEmpty ? nil : text
        case .array(let items):
            return items.lazy.compactMap(\.message).first
        case .object:
            for key in ["message", "error", "detail", "msg", "name"] {
                if let text = self[key]?.message { return text }
            }
            return nil
        default:
            return nil
        }
    }

    /// The first http(s) URL in the value: `output` may be a string, a list, or an object
    /// such as `{"video": "..."}` or `{"video": {"url": "..."}}`.
    var firstHTTPURL: URL? {
        switch self {
        case .string(let text):
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https"
            else { return nil }
            return url
        case .array(let items):
            return items.lazy.compactMap(\.firstHTTPURL).first
        case .object(let fields):
            for key in ["video", "video_url", "url", "output"] {
                if let url = fields[key]?.firstHTTPURL { return url }
            }
            for key in fields.keys.sorted() {
                if let url = fields[key]?.firstHTTPURL { return url }
            }
            return nil
        default:
            return nil
        }
    }
}
