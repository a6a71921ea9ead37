import Foundation
import Hummingbird

/// An opaque position in a list ordered by `(created_at DESC, id DESC)`: base64url of the row's
/// creation time in microseconds (exact, as PostgreSQL stores it) and its id.
struct ListCursor: Sendable, Equatable {
    let micros: Int64
    let id: UUID

    var encoded: String {
        Data("\(micros)|\(id.uuidString.lowercased())".utf8).base64URL
    }

    init(micros: Int64, id: UUID) {
        self.micros = micros
        self.id = id
    }

    init?(encoded text: String) {
        guard let data = Data(base64URL: text), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: "|")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(micros: micros, id: id)
    }
}

extension Request {
    /// The `cursor` query parameter, or 400 when it is not one this API gave out.
    func listCursor() throws -> ListCursor? {
        guard let raw = query("cursor") else { return nil }
        guard let cursor = ListCursor(encoded: raw) else { throw AppError.badRequest("`cursor` is not one this API gave out.") }
        return cursor
    }

    func queryBool(_ name: String) throws -> Bool? {
        guard let raw = query(name)?.lowercased() else { return nil }
        switch raw {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw AppError.badRequest("`\(name)` must be true or false.")
        }
    }
}

extension Page {
    /// Repositories fetch `limit + 1` rows; the extra one only says that another page exists.
    init(rows: [(Item, ListCursor)], limit: Int) {
        let shown = Array(rows.prefix(limit))
        self.init(data: shown.map(\.0), next_cursor: rows.count > limit ? shown.last?.1.encoded : nil)
    }
}
