import Foundation
import Hummingbird

/// Every list answers `{"data": [...], "next_cursor": "..."}`; pass `cursor` back for the next page.
public struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    public let data: [Item]
    public let next_cursor: String?

    public init(data: [Item], next_cursor: String?) {
        self.data = data
        self.next_cursor = next_cursor
    }
}

extension Request {
    /// `limit` (1...200, default 50) from the query string, or 400.
    func pageLimit(default value: Int = 50) throws -> Int {
        guard let raw = uri.queryParameters.get("limit") else { return value }
        guard let limit = Int(String(raw)), (1...200).contains(limit) else {
            throw AppError.badRequest("`limit` must be a whole number from 1 to 200.")
        }
        return limit
    }

    /// A numeric `cursor` (a row's sequence number) from the previous page, or 400.
    func sequenceCursor() throws -> Int64? {
        guard let raw = query("cursor") else { return nil }
        guard let value = Int64(raw) else { throw AppError.badRequest("`cursor` is not one this API gave out.") }
        return value
    }

    func query(_ name: String) -> String? {
        uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func queryUUID(_ name: String) throws -> UUID? {
        guard let raw = query(name) else { return nil }
        guard let id = UUID(uuidString: raw) else { throw AppError.badRequest("`\(name)` must be a UUID.") }
        return id
    }

    func queryDate(_ name: String) throws -> Date? {
        guard let raw = query(name) else { return nil }
        guard let date = try? Date(raw, strategy: .iso8601) else {
            throw AppError.badRequest("`\(name)` must be an ISO-8601 time such as 2026-01-31T12:00:00Z.")
        }
        return date
    }
}

extension RequestContext {
    /// A path id; a malformed one is as unknown as a missing one (404).
    func pathID(_ name: String = "id", _ what: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw AppError.notFound(what) }
        return id
    }
}
