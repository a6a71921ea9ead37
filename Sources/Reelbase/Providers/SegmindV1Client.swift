import AsyncHTTPClient
import Foundation
import Logging

/// Segmind v1: `POST /v1/{slug}` holds the connection for the whole generation and answers with
/// the video itself. Nothing to poll afterwards.
public struct SegmindV1Client: VideoProviderClient {
    public let api = ProviderAPI.segmindV1
    let transport: ProviderTransport

    public init(http: HTTPClient, endpoint: ProviderEndpoint, options: ProviderClientOptions = .init(), logger: Logger) {
        transport = ProviderTransport(http: http, api: .segmindV1, endpoint: endpoint, options: options, logger: logger)
    }

    public func submit(_ request: GenerationRequest) async throws(ProviderError) -> SubmitResult {
        let slug = try SegmindSlug.validated(request.model, api: api)
        let payload = try SegmindPayload(request, imageEncoding: transport.options.imageEncoding, api: api)
        let response = try await transport.send(
            .POST, "/v1/\(slug)", json: payload.encoded(), call: .submit,
            timeout: transport.options.timeouts.synchronousGeneration,
            successBodyLimit: transport.options.limits.video)
        let credits = SegmindCredits.fromHeaders(response.headers)
        guard response.status == 200 else {
            throw transport.failure(response, call: .submit, credits: credits)
        }
        let video = try video(from: response, credits: credits)
        return SubmitResult(outcome: .completed(video), credits: credits)
    }

    /// Raw bytes or JSON with a URL: the Content-Type decides, never an assumption.
    func video(from response: ProviderHTTPResponse, credits: CreditObservation?) throws(ProviderError) -> GeneratedVideo {
        let seed = response.headers.first(name: "x-seed-value").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let contentType = response.contentType
        if contentType.contains("json") {
            guard let body = ProviderJSON.decode(response.body), let url = (body["output"] ?? body).firstHTTPURL else {
                throw transport.unusableBody(
                    "HTTP 200 JSON body without a video URL", status: response.status, call: .submit, credits: credits)
            }
            return GeneratedVideo(content: .url(url), cost: credits?.cost, seed: seed)
        }
        guard contentType.hasPrefix("video/") || contentType.hasPrefix("application/octet-stream"), !response.body.isEmpty else {
            throw transport.unusableBody(
                "HTTP 200 with unexpected content type \"\(contentType)\" (\(response.body.count) bytes)",
                status: response.status, call: .submit, credits: credits)
        }
        let type = contentType.hasPrefix("video/") ? String(contentType.prefix { $0 != ";" }) : "video/mp4"
        return GeneratedVideo(content: .bytes(response.body, contentType: type), cost: credits?.cost, seed: seed)
    }

    public func status(requestID: String) async throws(ProviderError) -> GenerationStatus {
        throw notPollable
    }

    public func result(requestID: String) async throws(ProviderError) -> GenerationStatus {
        throw notPollable
    }

    public func requestBody(for request: GenerationRequest) -> Data? {
        try? SegmindPayload(request, imageEncoding: transport.options.imageEncoding, api: api).encoded()
    }

    public func balance() async throws(ProviderError) -> AccountBalance? {
        try await SegmindBalance.fetch(transport)
    }

    private var notPollable: ProviderError {
        ProviderError(
            kind: .invalidRequest, api: api, httpStatus: nil,
            message: "Segmind v1 is synchronous: there is no request to poll")
    }
}
