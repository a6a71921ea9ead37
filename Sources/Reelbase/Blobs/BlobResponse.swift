import Foundation
import HTTPTypes
import Hummingbird

/// Serves a stored blob over HTTP: streamed from the store, with ETag / If-None-Match (304)
/// and a single `Range: bytes=a-b` (206, or 416 when it lies outside the blob). Videos reuse it.
/// What we serve is what we say: only known media types keep their type (and display inline);
/// anything else is `application/octet-stream` as an attachment, and no blob may run script.
struct BlobResponse {
    let store: any BlobStore

    /// Types a blob may be served as, with the file extension its download gets.
    static let mediaTypes: [String: String] = [
        "video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov",
        "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp",
    ]

    /// - Parameter name: the download's file name without extension (ASCII letters, digits, `-`).
    func response(team: UUID, blob: StoredBlob, contentType: String, name: String, request: Request,
                  cacheControl: String = "private, max-age=31536000, immutable") async throws -> Response {
        let etag = "\"" + blob.sha256.hex + "\""
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let ext = Self.mediaTypes[type]
        let safeName = String(name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(100))
        var headers: HTTPFields = [
            .eTag: etag, .cacheControl: cacheControl, .acceptRanges: "bytes",
            .contentType: ext == nil ? "application/octet-stream" : type,
            .contentDisposition: "\(ext == nil ? "attachment" : "inline"); filename=\"\(safeName.isEmpty ? "blob" : safeName).\(ext ?? "bin")\"",
            .xContentTypeOptions: "nosniff", .contentSecurityPolicy: "sandbox",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == etag || tag == "W/" + etag || tag == "*"
        }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        var status = HTTPResponse.Status.ok
        var range: Range<Int64>?
        if let header = request.headers[.range] {
            switch ByteRange.parse(header, size: blob.size) {
            case .whole: break
            case .part(let part):
                range = part
                status = .partialContent
                headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound - 1)/\(blob.size)"
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(blob.size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
        }
        let stream = try await store.read(team: team, id: blob.id, range: range)
        let body = ResponseBody(contentLength: Int(stream.byteCount)) { writer in
            for try await piece in stream { try await writer.write(piece) }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}

/// One `bytes=` range; several ranges (multipart/byteranges) are answered with the whole blob.
enum ByteRange: Equatable {
    case whole, part(Range<Int64>), unsatisfiable

    static func parse(_ header: String, size: Int64) -> ByteRange {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("bytes="), !value.contains(",") else { return .whole }
        let spec = value.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return .whole }
        let first = spec[0].trimmingCharacters(in: .whitespaces), last = spec[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {  // bytes=-N: the last N bytes
            guard let suffix = Int64(last), suffix > 0 else { return size == 0 ? .unsatisfiable : .whole }
            return size == 0 ? .unsatisfiable : .part(max(0, size - suffix)..<size)
        }
        guard let start = Int64(first), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .part(start..<size) }
        guard let end = Int64(last), end >= start else { return .whole }
        return .part(start..<min(end + 1, size))
    }
}
