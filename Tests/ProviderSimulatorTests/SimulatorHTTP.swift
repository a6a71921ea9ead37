import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator

extension HTTPFields.Element.Name {
    static let apiKey = Self("x-api-key")!
    static let remainingCredits = Self("x-remaining-credits")!
    static let cost = Self("x-cost")!
    static let seedValue = Self("x-seed-value")!
    static let requestID = Self("x-request-id")!
    static let generationTime = Self("x-generation-time")!
    static let rateLimitResetAt = Self("x-rate-limit-reset-at-utc")!
}

/// A real HTTP round trip to an in-process simulator, one connection per call.
struct SimHTTP {
    let sim: RunningSimulator

    func send(
        _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> TestClient.Response {
        try await TestClient.withClient(host: "127.0.0.1", port: sim.port) { client in
            try await client.execute(.init(path, method: method, authority: "127.0.0.1:\(sim.port)", headers: headers, body: body.map { ByteBuffer(string: $0) }))
        }
    }

    func segmind(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, key: String = "test-key") async throws -> TestClient.Response {
        var headers: HTTPFields = [.apiKey: key]
        if json != nil { headers[.contentType] = "application/json" }
        return try await send(method, path, headers: headers, body: json)
    }

    func aiml(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, key: String = "test-key") async throws -> TestClient.Response {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if json != nil { headers[.contentType] = "application/json" }
        return try await send(method, path, headers: headers, body: json)
    }
}

extension TestClient.Response {
    var text: String { body.map { String(buffer: $0) } ?? "" }

}

/// Decodes a simulator answer into the simulator's own body types (or `FieldValue` for a shape
/// a test checks field by field, such as an explicit `null`).
func decode<T: Decodable>(_ type: T.Type, from response: TestClient.Response) throws -> T {
    try JSONDecoder().decode(type, from: Data(buffer: response.body ?? ByteBuffer()))
}

/// Segmind's error body, `{"error": "..."}`.
struct SegmindErrorBody: Decodable {
    let error: String
}

extension TestClient.Response {
    /// Whether the body is Segmind's error shape.
    var isSegmindError: Bool { (try? decode(SegmindErrorBody.self, from: self)) != nil }
}

/// Starts a simulator for one test and always shuts it down.
func withSimulator<T>(_ config: SimulatorConfig = SimulatorConfig(latencySeconds: 0.05), _ body: (RunningSimulator, SimHTTP) async throws -> T) async throws -> T {
    let sim = try await ProviderSimulator.start(config)
    do {
        let value = try await body(sim, SimHTTP(sim: sim))
        await sim.shutdown()
        return value
    } catch {
        await sim.shutdown()
        throw error
    }
}

let fastPrompt = #"{"prompt":"a red fox in snow","duration":4,"resolution":"720p","generate_audio":false}"#
