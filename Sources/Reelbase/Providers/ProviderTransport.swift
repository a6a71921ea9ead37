import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends one HTTP call to a provider: auth header, deadline, body cap, logging, and turning
/// every transport failure into a `ProviderError`. Status codes are left to the caller.
struct ProviderTransport: Sendable {
    let http: HTTPClient
    let api: ProviderAPI
    let endpoint: ProviderEndpoint
    let options: ProviderClientOptions
    let logger: Logger

    /// The credential header; the value is never logged.
    private var authHeader: (name: String, value: String) {
        switch api {
        case .segmindV1, .segmindV2: ("x-api-key", endpoint.apiKey.value)
        case .aimlapi: ("authorization", "Bearer \(endpoint.apiKey.value)")
        }
    }

    func send(
        _ method: HTTPMethod, _ path: String, json: Data? = nil, call: ProviderCall,
        timeout: Duration? = nil, successBodyLimit: Int? = nil
    ) async throws(ProviderError) -> ProviderHTTPResponse {
        let started = ContinuousClock.now
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.method = method
        request.headers.add(name: authHeader.name, value: authHeader.value)
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        let limit = timeout ?? options.timeouts.request
        let deadline = started.advanced(by: limit)
        do {
            let response: ProviderHTTPResponse
            if let guardian = endpoint.outboundGuard {
                // A team-set base URL: checked again on every call, connected to the checked address.
                let target = try await checked(request.url, by: guardian, call: call)
                response = try await guardian.withPinnedClient(target, connectTimeout: options.timeouts.connect, readTimeout: limit) { client in
                    try await exchange(request, on: client, limit: limit, deadline: deadline, successBodyLimit: successBodyLimit)
                }
            } else {
                response = try await exchange(request, on: http, limit: limit, deadline: deadline, successBodyLimit: successBodyLimit)
            }
            logger.debug("provider call", metadata: metadata(method, path, started, status: response.status))
            return response
        } catch {
            let mapped = redacted(TransportErrorMapping.classify(error, call: call, api: api))
            var meta = metadata(method, path, started, status: nil)
            meta["error_kind"] = .string(mapped.kind.code)
            meta["error"] = .string(mapped.message)
            logger.warning("provider call failed", metadata: meta)
            throw mapped
        }
    }

    private func exchange(_ request: HTTPClientRequest, on client: HTTPClient, limit: Duration, deadline: ContinuousClock.Instant,
                          successBodyLimit: Int?) async throws -> ProviderHTTPResponse {
        let response = try await client.execute(request, timeout: limit.timeAmount)
        let status = Int(response.status.code)
        let body: ByteBuffer
        if (200..<300).contains(status) {
            body = try await collect(response.body, upTo: successBodyLimit ?? options.limits.json, by: deadline)
        } else {
            // The status decides the error kind; a huge or cut-off error body must not hide it.
            body = (try? await collect(response.body, upTo: options.limits.json, by: deadline)) ?? ByteBuffer()
        }
        return ProviderHTTPResponse(status: status, headers: response.headers, body: Data(body.readableBytesView))
    }

    /// A refused base URL: nothing was sent, and sending it later will not help until an owner
    /// changes the URL (or the operator the policy).
    private func checked(_ url: String, by guardian: OutboundGuard, call: ProviderCall) async throws(ProviderError) -> CheckedTarget {
        do {
            guard let parsed = URL(string: url) else { throw URLFetchError.invalidURL(url) }
            return try await guardian.check(parsed)
        } catch {
            throw ProviderError(kind: .invalidRequest, api: api, httpStatus: nil,
                                message: "the account's base URL is refused by the outbound policy: \(error)")
        }
    }

    /// AsyncHTTPClient's deadline stops at the response head; the body must fit in it too.
    private func collect(_ body: HTTPClientResponse.Body, upTo limit: Int, by deadline: ContinuousClock.Instant) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw HTTPClientError.deadlineExceeded
            }
            return buffer
        }
    }

    /// Classifies a non-2xx response, logs it, and returns the error to throw.
    func failure(_ response: ProviderHTTPResponse, call: ProviderCall, credits: CreditObservation?) -> ProviderError {
        var error = redacted(ProviderErrorMapping.classify(response, call: call, api: api))
        error.credits = credits
        logger.warning(
            "provider error",
            metadata: [
                "provider": .string(api.rawValue), "http_status": .stringConvertible(response.status),
                "error_kind": .string(error.kind.code), "error": .string(error.message),
            ])
        return error
    }

    /// A well-formed HTTP exchange whose body we cannot use: classified like a network failure
    /// (a POST's 200 was billed, so a body we cannot read is `ambiguous`; a GET is retried).
    func unusableBody(_ what: String, status: Int, call: ProviderCall, credits: CreditObservation?) -> ProviderError {
        let error = redacted(ProviderError(
            kind: call == .submit ? .ambiguous : .transient, api: api, httpStatus: status,
            message: what, credits: credits))
        logger.warning(
            "provider response unusable",
            metadata: ["provider": .string(api.rawValue), "error_kind": .string(error.kind.code), "error": .string(error.message)])
        return error
    }

    func redacted(_ error: ProviderError) -> ProviderError {
        var error = error
        error.message = endpoint.apiKey.redact(error.message)
        return error
    }

    private func metadata(_ method: HTTPMethod, _ path: String, _ started: ContinuousClock.Instant, status: Int?) -> Logger.Metadata {
        let elapsed = ContinuousClock.now - started
        var meta: Logger.Metadata = [
            "provider": .string(api.rawValue), "method": .string(method.rawValue),
            "path": .string(endpoint.apiKey.redact(path)),
            "duration_ms": .stringConvertible(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
        ]
        if let status { meta["http_status"] = .stringConvertible(status) }
        return meta
    }
}

/// Path segments and query values built from ids the provider gave us.
enum URLComponent {
    static func pathSegment(_ value: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static func queryValue(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
