import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A Segmind request body, JSON or `multipart/form-data` (as Segmind's own samples send), read
/// into named values: JSON values as they are, form fields as text, form files as bytes.
struct SegmindBody: Sendable {
    enum Value: Sendable {
        case json(JSONValue)
        case file([UInt8])
    }

    var fields: [String: Value]

    /// Images travel inline (base64 or files), so the body may be far larger than a JSON call.
    static func read(_ request: Request, limit: Int) async throws -> SegmindBody {
        let contentType = request.headers[.contentType] ?? "application/json"
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let buffer = try await request.body.collect(upTo: limit)
        switch media {
        case "application/json", "":
            guard buffer.readableBytes > 0 else { return SegmindBody(fields: [:]) }
            if NulGuard.jsonHasNul(buffer.readableBytesView) { throw NulGuard.refusal("the JSON body") }
            guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: buffer) else {
                throw AppError.badRequest("The body is not a JSON object of the model's parameters.")
            }
            return SegmindBody(fields: object.mapValues { .json($0) })
        case "multipart/form-data":
            guard let boundary = MultipartFileBody<RequestBody>.boundary(from: contentType) else {
                throw AppError.badRequest("multipart/form-data needs a boundary parameter.")
            }
            return try multipart(buffer, boundary: boundary)
        default:
            throw AppError(.notAcceptable, "unsupported_media_type", "Send the parameters as application/json or multipart/form-data.")
        }
    }

    /// Every part of the form: a part with a filename is a file, the others are text.
    static func multipart(_ buffer: ByteBuffer, boundary: String) throws -> SegmindBody {
        final class Collector {
            var fields: [String: Value] = [:]
            var name: String?
            var isFile = false
            var bytes: [UInt8] = []
        }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            collector.name = MultipartFileBody<RequestBody>.parameter("name", in: value)
            collector.isFile = MultipartFileBody<RequestBody>.parameter("filename", in: value) != nil
        }
        parser.onBody = { collector.bytes += $0.readableBytesView }
        parser.onPartComplete = {
            if let name = collector.name {
                if collector.isFile { collector.fields[name] = .file(collector.bytes) }
                else { collector.fields[name] = .json(.string(String(decoding: collector.bytes, as: UTF8.self))) }
            }
            collector.name = nil
            collector.isFile = false
            collector.bytes = []
        }
        do { try parser.execute(buffer) } catch { throw AppError.badRequest("The multipart body is malformed.") }
        for case .json(.string(let text)) in collector.fields.values where text.contains("\u{0}") { throw NulGuard.refusal("a multipart field") }
        return SegmindBody(fields: collector.fields)
    }
}
