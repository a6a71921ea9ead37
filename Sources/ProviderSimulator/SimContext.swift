import Foundation
import Hummingbird

/// Request context that can drop the connection, for the "reset" fault.
struct SimContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Closes this request's connection without an answer.
    let dropConnection: @Sendable () async -> Void

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        let channel = source.channel
        self.dropConnection = { try? await channel.close() }
    }

    /// Base64 images can be large; Segmind takes them inline.
    var maxUploadSize: Int { 64 * 1024 * 1024 }
}

/// Small builders for the simulator's answers.
enum Reply {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Segmind's error shape: `{"error": "..."}` (what the official SDK reads into `detail`).
    static func segmindError(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(["error": message], status: status, headers: headers)
    }

    static func html(_ status: HTTPResponse.Status) -> Response {
        let page = "<html><head><title>\(status.code) \(status.reasonPhrase)</title></head><body><h1>\(status.code) \(status.reasonPhrase)</h1></body></html>"
        return Response(status: status, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func video(_ buffer: ByteBuffer, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "video/mp4"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: buffer))
    }
}

// HTTPField itself is not re-exported by Hummingbird; reach it through HTTPFields.
extension HTTPFields.Element.Name {
    static let remainingCredits = Self("x-remaining-credits")!
    static let cost = Self("x-cost")!
    static let generationTime = Self("x-generation-time")!
    static let seedValue = Self("x-seed-value")!
    static let requestID = Self("x-request-id")!
    static let rateLimitResetAt = Self("x-rate-limit-reset-at-utc")!
    static let apiKey = Self("x-api-key")!
}
