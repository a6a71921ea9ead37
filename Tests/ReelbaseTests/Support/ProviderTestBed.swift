import AsyncHTTPClient
import Foundation
import Logging
import ProviderSimulator

@testable import Reelbase

/// An in-process provider simulator, a shared HTTPClient and clients of every kind pointed at
/// it, with every log line captured.
struct ProviderTestBed {
    static let apiKey = "sk-reelbase-test-9f8e7d6c5b4a"

    let sim: RunningSimulator
    let http: HTTPClient
    let logs: LogCapture
    let options: ProviderClientOptions

    var endpoint: ProviderEndpoint { ProviderEndpoint(baseURL: sim.baseURL, apiKey: ProviderAPIKey(Self.apiKey)) }
    var segmindV1: SegmindV1Client { SegmindV1Client(http: http, endpoint: endpoint, options: options, logger: logs.logger()) }
    var segmindV2: SegmindV2Client { SegmindV2Client(http: http, endpoint: endpoint, options: options, logger: logs.logger()) }
    var aiml: AimlClient { AimlClient(http: http, endpoint: endpoint, options: options, logger: logs.logger()) }

    func client(_ api: ProviderAPI) -> any VideoProviderClient {
        switch api {
        case .segmindV1: segmindV1
        case .segmindV2: segmindV2
        case .aimlapi: aiml
        }
    }

    /// A request each API accepts for its model.
    static func request(for api: ProviderAPI, prompt: String = "a lighthouse at dawn") -> GenerationRequest {
        switch api {
        case .segmindV1, .segmindV2:
            GenerationRequest(
                model: "veo-3.1-fast", prompt: prompt, durationSeconds: 4, resolution: .p720, aspectRatio: "16:9",
                generateAudio: false, seed: 1234)
        case .aimlapi:
            GenerationRequest(
                model: "google/veo-3.1-lite-generate-001", prompt: prompt, durationSeconds: 4, resolution: .p720,
                aspectRatio: "16:9", generateAudio: false)
        }
    }
}

/// Runs `body` against a fresh simulator; always shuts the simulator and the client down.
func withProviderTestBed<T>(
    _ config: SimulatorConfig = SimulatorConfig(latencySeconds: 0.05, apiKey: ProviderTestBed.apiKey),
    timeouts: ProviderTimeouts = ProviderTimeouts(connect: .seconds(2), request: .seconds(5), synchronousGeneration: .seconds(10)),
    limits: ProviderBodyLimits = ProviderBodyLimits(),
    _ body: (ProviderTestBed) async throws -> T
) async throws -> T {
    let sim = try await ProviderSimulator.start(config)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: timeouts.httpClientConfiguration())
    let bed = ProviderTestBed(sim: sim, http: http, logs: LogCapture(), options: ProviderClientOptions(timeouts: timeouts, limits: limits))
    do {
        let value = try await body(bed)
        try await http.shutdown()
        await sim.shutdown()
        return value
    } catch {
        try? await http.shutdown()
        await sim.shutdown()
        throw error
    }
}

/// The `ProviderError` a call threw, or nil when it did not throw.
func providerError<T>(_ call: () async throws(ProviderError) -> T) async -> ProviderError? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error
    }
}
