import AsyncHTTPClient
import Foundation
import Logging

/// Segmind v2: submit returns a request id; status and result are GETs kept for 1 hour.
public struct SegmindV2Client: VideoProviderClient {
    public let api = ProviderAPI.segmindV2
    let transport: ProviderTransport

    public init(http: HTTPClient, endpoint: ProviderEndpoint, options: ProviderClientOptions = .init(), logger: Logger) {
        transport = ProviderTransport(http: http, api: .segmindV2, endpoint: endpoint, options: options, logger: logger)
    }

    /// `{"request_id", "status", "status_url", "response_url"}`: all three are required, like
    /// the official SDK. Polling uses our own base URL so the key never goes to a URL taken from
    /// a response body.
    struct Accepted: Decodable {
        var request_id: String?
        var status_url: String?
        var response_url: String?
    }

    /// Both GET bodies: `status`, and on the result `output` and `metrics`; `error` on FAILED.
    struct RequestBody: Decodable {
        var status: String?
        var error: ProviderJSON?
        var output: ProviderJSON?
        var metrics: SegmindMetrics?
        var seed: Int?

        enum CodingKeys: String, CodingKey { case status, error, output, metrics, seed }

        /// Only `status` must make sense; an odd optional field must not hide the answer.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            error = try? container.decodeIfPresent(ProviderJSON.self, forKey: .error)
            output = try? container.decodeIfPresent(ProviderJSON.self, forKey: .output)
            metrics = try? container.decodeIfPresent(SegmindMetrics.self, forKey: .metrics)
            seed = try? container.decodeIfPresent(Int.self, forKey: .seed)
        }
    }

    public func submit(_ request: GenerationRequest) async throws(ProviderError) -> SubmitResult {
        let slug = try SegmindSlug.validated(request.model, api: api)
        let payload = try SegmindPayload(request, imageEncoding: transport.options.imageEncoding, api: api)
        let response = try await transport.send(.POST, "/v2/\(slug)", json: payload.encoded(), call: .submit)
        let credits = SegmindCredits.fromHeaders(response.headers)
        guard (200..<300).contains(response.status) else {
            throw transport.failure(response, call: .submit, credits: credits)
        }
        guard let accepted = try? JSONDecoder().decode(Accepted.self, from: response.body),
            let id = accepted.request_id, !id.isEmpty, accepted.status_url != nil, accepted.response_url != nil
        else {
            // Accepted (maybe billed) but we cannot follow it: a person must look.
            throw transport.unusableBody(
                "submit response lacks request_id, status_url or response_url", status: response.status,
                call: .submit, credits: credits)
        }
        return SubmitResult(outcome: .accepted(requestID: id), credits: credits)
    }

    public func status(requestID: String) async throws(ProviderError) -> GenerationStatus {
        let (reading, credits) = try await fetch("/v2/requests/\(URLComponent.pathSegment(requestID))/status")
        switch reading {
        case .answered(let state):
            return GenerationStatus(state: state, credits: credits)
        case .completedWithoutOutput:
            // The status body is light: the video comes from the result body.
            var final = try await result(requestID: requestID)
            final.credits = CreditObservation.combine(final.credits, credits)
            return final
        }
    }

    public func result(requestID: String) async throws(ProviderError) -> GenerationStatus {
        let (reading, credits) = try await fetch("/v2/requests/\(URLComponent.pathSegment(requestID))")
        guard case .answered(let state) = reading else {
            throw transport.unusableBody("COMPLETED result without a video URL in output", status: 200, call: .read, credits: credits)
        }
        return GenerationStatus(state: state, credits: credits)
    }

    public func requestBody(for request: GenerationRequest) -> Data? {
        try? SegmindPayload(request, imageEncoding: transport.options.imageEncoding, api: api).encoded()
    }

    public func balance() async throws(ProviderError) -> AccountBalance? {
        try await SegmindBalance.fetch(transport)
    }

    private enum Reading {
        case answered(GenerationStatus.State)
        /// COMPLETED, but this body has no video URL (the light status body).
        case completedWithoutOutput
    }

    /// GET one of the two request endpoints. 200 and 422 both carry a request body (422 is the
    /// FAILED body, an answer rather than an error); anything else is classified.
    private func fetch(_ path: String) async throws(ProviderError) -> (Reading, CreditObservation?) {
        let response = try await transport.send(.GET, path, call: .read)
        let headerCredits = SegmindCredits.fromHeaders(response.headers)
        guard response.status == 200 || response.status == 422 else {
            throw transport.failure(response, call: .read, credits: headerCredits)
        }
        guard let body = try? JSONDecoder().decode(RequestBody.self, from: response.body) else {
            if response.status == 422 {
                let message = transport.endpoint.apiKey.redact(ProviderErrorMapping.providerMessage(response))
                return (.answered(.failed(message: message)), headerCredits)
            }
            throw transport.unusableBody("request body is not JSON", status: response.status, call: .read, credits: headerCredits)
        }
        let credits = CreditObservation.combine(headerCredits, SegmindCredits.fromMetrics(body.metrics))
        return (reading(body, httpStatus: response.status, credits: credits), credits)
    }

    private func reading(_ body: RequestBody, httpStatus: Int, credits: CreditObservation?) -> Reading {
        let status = body.status?.uppercased() ?? ""
        if httpStatus == 422 || status == "FAILED" {
            let message = body.error?.message ?? "the provider reported FAILED without a message"
            return .answered(.failed(message: transport.endpoint.apiKey.redact(message)))
        }
        switch status {
        case "QUEUED":
            return .answered(.queued)
        case "COMPLETED":
            guard let url = body.output?.firstHTTPURL else { return .completedWithoutOutput }
            return .answered(.completed(GeneratedVideo(content: .url(url), cost: credits?.cost, seed: body.seed)))
        default:
            return .answered(.processing)  // PROCESSING, or a state we do not know: still running
        }
    }
}
