import Foundation
import PostgresNIO
import ReelbaseCore

/// A field in a change request: left out, sent as `null`, or sent with a value.
enum Patch<Value: Sendable>: Sendable {
    case absent, null, value(Value)

    func map<Other: Sendable>(_ transform: (Value) -> Other) -> Patch<Other> {
        switch self {
        case .absent: .absent
        case .null: .null
        case .value(let value): .value(transform(value))
        }
    }

    /// The value to store when the caller may clear it: nil for `null`, `current` when absent.
    func resolve(_ current: Value?) -> Value? {
        switch self {
        case .absent: current
        case .null: nil
        case .value(let value): value
        }
    }
}

extension KeyedDecodingContainer {
    func patch<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> Patch<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }
}

/// Shared checks for names, tags and money, so every library resource answers alike.
enum LibraryInput {
    static func name(_ raw: String, field: String = "name", max: Int = 200) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...max).contains(name.count) else { throw AppError.validation("`\(field)` must be 1 to \(max) characters.") }
        return name
    }

    static func description(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard raw.count <= 5000 else { throw AppError.validation("`description` must be at most 5000 characters.") }
        return raw
    }

    /// Trimmed, de-duplicated, at most 32 tags of 1 to 64 characters.
    static func tags(_ raw: [String]?) throws -> [String] {
        var seen = Set<String>()
        var tags: [String] = []
        for tag in raw ?? [] {
            let tag = tag.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...64).contains(tag.count) else { throw AppError.validation("Each tag must be 1 to 64 characters.") }
            if seen.insert(tag).inserted { tags.append(tag) }
        }
        guard tags.count <= 32 else { throw AppError.validation("At most 32 tags.") }
        return tags
    }

    /// Tags from a query string: `tags=a,b`.
    static func tags(query: String?) throws -> [String] {
        try tags(query?.split(separator: ",").map(String.init))
    }

    static func budget(_ value: Decimal?) throws -> Decimal? {
        guard let value else { return nil }
        guard value >= 0, value < Money.limit else {
            throw AppError.validation("`budget_usd` must be from 0 to below \(Money.limit).")
        }
        return value
    }
}

/// Money arrives as a JSON number or a decimal string ("12.50"); parsed strictly (Money).
typealias USD = USDAmount

extension PSQLError {
    var sqlState: String? { serverInfo?[.sqlState] }
    var constraintName: String? { serverInfo?[.constraintName] }
}

enum ForeignKeyProblem {
    /// A reference to a row that is missing or in another team reads the same: not found here.
    static func map(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError, error.sqlState == "23503" else { return error }
        let constraint = error.constraintName ?? ""
        if constraint.contains("campaign") { return AppError.validation("`campaign_id` does not name a campaign in this team.") }
        if constraint.contains("prompt_version") { return AppError.validation("`prompt_version_id` does not name a prompt version in this team.") }
        return error
    }
}
