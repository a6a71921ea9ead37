import Foundation

/// PostgreSQL `text` refuses U+0000, so a NUL that reached a query would be a 500. Requests
/// carrying one are a 400 at the door: in the URL (path or query, percent-encoded: raw NULs
/// never pass the HTTP parser) and in JSON bodies (where it can only be the escape `\u0000`).
enum NulGuard {
    static func refusal(_ place: String) -> AppError {
        AppError.badRequest("NUL characters (U+0000) are not accepted in \(place).")
    }

    static func uriHasNul(_ uri: String) -> Bool {
        uri.range(of: "%00") != nil
    }

    /// Walks the JSON text escape by escape, so `\\u0000` (a backslash, then the text u0000)
    /// is not mistaken for a NUL.
    static func jsonHasNul<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        let backslash = UInt8(ascii: "\\"), zero = UInt8(ascii: "0"), u = UInt8(ascii: "u")
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0 { return true }
            guard bytes[i] == backslash else { i += 1; continue }
            let next = i + 1
            if next + 4 < bytes.endIndex, bytes[next] == u, bytes[next + 1] == zero, bytes[next + 2] == zero,
               bytes[next + 3] == zero, bytes[next + 4] == zero {
                return true
            }
            i += 2
        }
        return false
    }
}
