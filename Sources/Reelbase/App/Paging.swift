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

/// A `Page` whose items are already JSON (GenerationJSONCache). The same bytes `JSONEncoder.api`
/// writes for `Page(data:next_cursor:)` with those items (ListJSONTests checks): sorted keys put
/// `data` before `next_cursor`, and a nil cursor is left out.
public struct EncodedPage: ResponseGenerator, Sendable {
    public let items: [Data]
    public let next_cursor: String?

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: try body()))
    }

    func body() throws -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(items.reduce(64) { $0 + $1.count + 1 })
        body.writeString("{\"data\":[")
        for (index, item) in items.enumerated() {
            if index > 0 { body.writeString(",") }
            body.writeBytes(item)
        }
        body.writeString("]")
        if let next_cursor {
            body.writeString(",\"next_cursor\":")
            body.writeBytes(try JSONEncoder.api.encode(next_cursor))
        }
        body.writeString("}")
        return body
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
