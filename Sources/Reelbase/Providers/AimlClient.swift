import AsyncHTTPClient
import Foundation
import Logging

/// AI/ML API: `POST /v2/video/generations`, then poll `GET ...?generation_id=`. Bearer auth.
public struct AimlClient: VideoProviderClient {
    public let api = ProviderAPI.aimlapi
    let transport: ProviderTransport

    public init(http: HTTPClient, endpoint: ProviderEndpoint, options: ProviderClientOptions = .init(), logger: Logger) {
        transport = ProviderTransport(http: http, api: .aimlapi, endpoint: endpoint, options: options, logger: logger)
    }

    public func submit(_ request: GenerationRequest) async throws(ProviderError) -> SubmitResult {
        let payload = try AimlPayload(request, imageEncoding: transport.options.imageEncoding)
        let response = try await transport.send(.POST, "/v2/video/generations", json: payload.encoded(), call: .submit)
        guard (200..<300).contains(response.status) else {
            throw transport.failure(response, call: .submit, credits: nil)
        }
        guard let body = try? JSONDecoder().decode(AimlGeneration.self, from: response.body),
            let id = body.id, !id.isEmpty
        else {
            throw transport.unusableBody("submit response lacks an id", status: response.status, call: .submit, credits: nil)
        }
        return SubmitResult(outcome: .accepted(requestID: id), credits: body.credits)
    }

    public func status(requestID: String) async throws(ProviderError) -> GenerationStatus {
        let path = "/v2/video/generations?generation_id=\(URLComponent.queryValue(requestID))"
        let response = try await transport.send(.GET, path, call: .read)
        guard response.status == 200 else {
            throw transport.failure(response, call: .read, credits: nil)
        }
        guard let body = try? JSONDecoder().decode(AimlGeneration.self, from: response.body) else {
            throw transport.unusableBody("generation body is not JSON", status: response.status, call: .read, credits: nil)
        }
        let credits = body.credits
        switch body.status?.lowercased() {
        case "queued", "waiting":
            return GenerationStatus(state: .queued, credits: credits)
        case "completed":
            guard let text = body.video?.url, let url = URL(string: text) else {
                throw transport.unusableBody("completed without video.url", status: response.status, call: .read, credits: credits)
            }
            let video = GeneratedVideo(content: .url(url), cost: credits?.cost)
            return GenerationStatus(state: .completed(video), credits: credits)
        case "error", "failed":
            let message = body.error?.message ?? "the provider reported \(body.status ?? "error") without a message"
            return GenerationStatus(state: .failed(message: transport.endpoint.apiKey.redact(message)), credits: credits)
        default:
            return GenerationStatus(state: .processing, credits: credits)  // generating, or unknown: still running
        }
    }

    /// The same GET: this API's status body is also its final body.
    public func result(requestID: String) async throws(ProviderError) -> GenerationStatus {
        try await status(requestID: requestID)
    }

    /// The AI/ML API documents no balance endpoint; spend is seen through `meta.usage`.
    public func requestBody(for request: GenerationRequest) -> Data? {
        try? AimlPayload(request, imageEncoding: transport.options.imageEncoding).encoded()
    }

    public func balance() async throws(ProviderError) -> AccountBalance? {
        nil
    }
}
