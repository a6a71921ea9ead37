import Crypto
import Foundation
import Hummingbird
import MultipartKit

/// A submit body read as loose fields (JSON object or multipart form), plus its hash for stats.
struct RequestFields: Sendable {
    let values: [String: FieldValue]
    let bodySHA256: String

    var prompt: String? {
        if case let .string(text) = values["prompt"] { return text }
        return nil
    }

    enum ParseError: Error {
        case notAnObject
        case badMultipart
        case unsupportedContentType(String)
    }

    static func read(_ request: inout Request, context: SimContext) async throws -> (body: ByteBuffer, hash: String) {
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let digest = SHA256.hash(data: Data(buffer: body))
        return (body, digest.map { String(format: "%02x", $0) }.joined())
    }

    static func parse(body: ByteBuffer, hash: String, contentType: String?) throws -> RequestFields {
        let type = contentType?.lowercased() ?? "application/json"
        if type.hasPrefix("multipart/form-data") {
            guard let boundary = boundary(of: contentType ?? "") else { throw ParseError.badMultipart }
            let form = try FormDataDecoder().decode([String: String].self, from: body, boundary: boundary)
            return RequestFields(values: form.mapValues(FieldValue.string), bodySHA256: hash)
        }
        guard type.hasPrefix("application/json") || type.hasPrefix("text/plain") else {
            throw ParseError.unsupportedContentType(contentType ?? "")
        }
        guard let object = try? JSONDecoder().decode([String: FieldValue].self, from: Data(buffer: body)) else {
            throw ParseError.notAnObject
        }
        return RequestFields(values: object, bodySHA256: hash)
    }

    /// The `boundary=` parameter of a multipart Content-Type.
    private static func boundary(of contentType: String) -> String? {
        for part in contentType.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.lowercased().hasPrefix("boundary=") {
                return String(pair.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// One JSON (or form) value, keeping booleans apart from numbers. Encodes back to the same
/// JSON, so the history can show a request body as it was sent.
enum FieldValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([FieldValue])
    case object([String: FieldValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([FieldValue].self) {
            self = .list(list)
        } else {
            self = .object(try container.decode([String: FieldValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .list(let items): try container.encode(items)
        case .object(let fields): try container.encode(fields)
        }
    }
}
