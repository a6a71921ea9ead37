import Foundation
import ProviderSimulator
import Testing

@testable import Reelbase

/// Deadlines, and the difference between "never left" and "may have been received".
@Suite struct ProviderTimeoutTests {
    static let short = ProviderTimeouts(connect: .seconds(1), request: .milliseconds(500), synchronousGeneration: .milliseconds(700))

    @Test func slowSubmitIsAmbiguousAndSlowPollIsTransient() async throws {
        try await withProviderTestBed(timeouts: Self.short) { bed in
            await bed.sim.setFaults([FaultRule(route: .submit, fault: .slow, delaySeconds: 3)])
            for api in ProviderAPI.allCases {
                let error = await providerError { () async throws(ProviderError) in
                    try await bed.client(api).submit(ProviderTestBed.request(for: api))
                }
                #expect(error?.kind == .ambiguous, "\(api)")
                #expect(error?.httpStatus == nil)
                #expect(error?.unreachable == false, "it connected: not an outage")
            }
            await bed.sim.setFaults([FaultRule(route: .status, fault: .slow, delaySeconds: 3)])
            let error = await providerError { () async throws(ProviderError) in try await bed.segmindV2.status(requestID: "any") }
            #expect(error?.kind == .transient)
        }
    }

    @Test func v1WaitsForTheWholeGeneration() async throws {
        // Latency above the ordinary request timeout but below the synchronous one.
        let config = SimulatorConfig(latencySeconds: 0.6, apiKey: ProviderTestBed.apiKey)
        let timeouts = ProviderTimeouts(connect: .seconds(1), request: .milliseconds(200), synchronousGeneration: .seconds(5))
        try await withProviderTestBed(config, timeouts: timeouts) { bed in
            let result = try await bed.segmindV1.submit(ProviderTestBed.request(for: .segmindV1))
            guard case .completed = result.outcome else {
                Issue.record("expected a video")
                return
            }
        }
    }

    @Test func refusedConnectionNeverLeftSoItIsTransient() async throws {
        // A port that was just listening and now is closed.
        let sim = try await ProviderSimulator.start(SimulatorConfig())
        let closedURL = sim.baseURL
        await sim.shutdown()
        try await withProviderTestBed(timeouts: ProviderTimeouts(connect: .seconds(1), request: .seconds(1), synchronousGeneration: .seconds(1))) { bed in
            let endpoint = ProviderEndpoint(baseURL: closedURL, apiKey: ProviderAPIKey(ProviderTestBed.apiKey))
            let client = SegmindV2Client(http: bed.http, endpoint: endpoint, options: bed.options, logger: bed.logs.logger())
            let error = await providerError { () async throws(ProviderError) in
                try await client.submit(ProviderTestBed.request(for: .segmindV2))
            }
            #expect(error?.kind == .transient)
            #expect(error?.httpStatus == nil)
            #expect(error?.unreachable == true, "the worker pauses the account instead of spending an attempt")
        }
    }

    @Test func oversizedVideoIsAmbiguousBecauseA200IsBilled() async throws {
        let config = SimulatorConfig(latencySeconds: 0.05, apiKey: ProviderTestBed.apiKey, videoBytes: 300_000)
        try await withProviderTestBed(config, limits: ProviderBodyLimits(json: 1 << 20, video: 100_000)) { bed in
            let error = await providerError { () async throws(ProviderError) in
                try await bed.segmindV1.submit(ProviderTestBed.request(for: .segmindV1))
            }
            #expect(error?.kind == .ambiguous)
        }
    }
}
