import Foundation
import MultipartKit
import NIOCore

/// Buffers already read from a body (to sniff the file type) followed by the rest of it.
/// Iterate once: it hands on the partly consumed iterator.
struct ReplayedBody<Rest: AsyncIteratorProtocol>: AsyncSequence where Rest.Element == ByteBuffer {
    typealias Element = ByteBuffer
    var head: [ByteBuffer]
    var rest: Rest?

    struct AsyncIterator: AsyncIteratorProtocol {
        var head: [ByteBuffer]
        var rest: Rest?

        mutating func next() async throws -> ByteBuffer? {
            if !head.isEmpty { return head.removeFirst() }
            return try await rest?.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(head: head, rest: rest) }
}

/// An empty iterator, for bodies that were read completely while sniffing.
struct NoMoreBytes: AsyncIteratorProtocol {
    mutating func next() async throws -> ByteBuffer? { nil }
}

/// The other fields of a multipart upload, known once the whole body has been read.
final class MultipartFields {
    var values: [String: String] = [:]
    fileprivate var currentName: String?
    fileprivate var currentValue: [UInt8] = []
    fileprivate var fileParts = 0
    fileprivate var fileChunks: [ByteBuffer] = []
    fileprivate var totalFieldBytes = 0
    fileprivate var problem: AppError?
}

/// Streams the bytes of the `file` part of a `multipart/form-data` body as they arrive
/// (multipart-kit's push parser, fed one network buffer at a time); the small text fields
/// beside it are collected into `fields` (64 KiB at most).
struct MultipartFileBody<Source: AsyncSequence>: AsyncSequence where Source.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let source: Source
    let boundary: String
    let fields: MultipartFields

    static var fieldLimit: Int { 64 * 1024 }

    struct AsyncIterator: AsyncIteratorProtocol {
        var source: Source.AsyncIterator
        let parser: MultipartParser
        let fields: MultipartFields
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if !fields.fileChunks.isEmpty { return fields.fileChunks.removeFirst() }
                if finished { return nil }
                guard let buffer = try await source.next() else {
                    finished = true
                    guard fields.fileParts == 1 else { throw AppError.badRequest("The multipart body has no complete `file` field.") }
                    continue
                }
                do { try parser.execute(buffer) } catch { throw AppError.badRequest("The multipart body is malformed.") }
                if let problem = fields.problem { throw problem }
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        let parser = MultipartParser(boundary: boundary)
        let fields = fields
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            fields.currentName = Self.parameter("name", in: value)
        }
        parser.onBody = { buffer in
            if fields.currentName == "file" {
                if fields.fileParts > 0 { fields.problem = AppError.badRequest("Send one `file` per upload.") }
                fields.fileChunks.append(buffer)
            } else {
                fields.totalFieldBytes += buffer.readableBytes
                if fields.totalFieldBytes > Self.fieldLimit { fields.problem = AppError.badRequest("The multipart text fields are too large.") }
                else { fields.currentValue += buffer.readableBytesView }
            }
        }
        parser.onPartComplete = {
            if fields.currentName == "file" { fields.fileParts += 1 }
            else if let name = fields.currentName {
                if fields.currentValue.contains(0) { fields.problem = NulGuard.refusal("a multipart field") }
                fields.values[name] = String(decoding: fields.currentValue, as: UTF8.self)
            }
            fields.currentName = nil
            fields.currentValue = []
        }
        return AsyncIterator(source: source.makeAsyncIterator(), parser: parser, fields: fields)
    }

    /// `name="file"` from `form-data; name="file"; filename="a.png"`.
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The boundary of a `multipart/form-data; boundary=...` content type.
    static func boundary(from contentType: String) -> String? {
        guard let value = parameter("boundary", in: contentType), (1...70).contains(value.count) else { return nil }
        return value
    }
}
