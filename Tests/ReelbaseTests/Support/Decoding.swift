import Foundation
import HummingbirdTesting
@testable import Reelbase

/// Decodes a response body into a type, as a client of the API would: the service's own types
/// where they are `Decodable`, small test-side structs otherwise. Dates are the API's ISO-8601
/// with or without fractional seconds.
func decode<T: Decodable>(_ type: T.Type, from response: TestResponse) throws -> T {
    try TestJSON.decoder.decode(type, from: Data(buffer: response.body))
}

/// The same for a body read through another client (the simulator's admin routes).
func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    try TestJSON.decoder.decode(type, from: data)
}

enum TestJSON {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
                if let date = try? style.parse(text) { return date }
            }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an API date: \(text)"))
        }
        return decoder
    }()
}

/// `{"data": [...], "next_cursor": ...}`: the envelope of every list route.
struct Listed<Row: Decodable>: Decodable {
    let data: [Row]
    let next_cursor: String?
}

/// Any record whose id a test needs (kept as the API's text, as paths use it).
struct Identified: Decodable {
    let id: String
}

extension TestClientProtocol {
    /// The rows of one page of a list route.
    func rows<Row: Decodable>(_ type: Row.Type, _ uri: String, key: String) async throws -> [Row] {
        try decode(Listed<Row>.self, from: try await call(uri, key: key)).data
    }

    /// One page of the team's audit rows, newest first: `query` is the query string's filters.
    func auditRows(_ query: String, key: String) async throws -> [AuditEntry] {
        try await rows(AuditEntry.self, "/api/v1/audit?" + query, key: key)
    }
}

extension TestResponse {
    /// `decode(_:from:)` for chaining after a call.
    func decodedAs<T: Decodable>(_ type: T.Type) throws -> T { try decode(type, from: self) }

    /// The error body's `code`, or nil when the body is not an error.
    var errorCode: String? { (try? decode(AppError.Body.self, from: self))?.error.code }
}

extension JSONValue {
    /// A key of an object; nil for anything else or a missing key.
    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var string: String? { if case .string(let value) = self { return value }; return nil }
    var number: Double? { if case .number(let value) = self { return value }; return nil }
    var array: [JSONValue]? { if case .array(let value) = self { return value }; return nil }
    /// An object's keys, for tests of a body's shape.
    var keys: Set<String> { if case .object(let fields) = self { return Set(fields.keys) }; return [] }
}
