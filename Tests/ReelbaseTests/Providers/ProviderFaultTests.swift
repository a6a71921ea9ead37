import Foundation
import ProviderSimulator
import Testing

@testable import Reelbase

/// Every error class, produced by the simulator over real HTTP, classified as docs/ARCHITECTURE.md ("Providers") says.
@Suite struct ProviderFaultTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var api: ProviderAPI
        var route: RouteKind
        var fault: FaultKind
        var afterProcessing = false
        var status: Int?
        var expected: String
        var testDescription: String { "\(api.rawValue) \(route.rawValue) \(fault.rawValue) → \(expected)" }
    }

    static let cases: [Case] = [
        Case(api: .segmindV2, route: .submit, fault: .unauthorized, status: 401, expected: "auth"),
        Case(api: .segmindV2, route: .submit, fault: .forbidden, status: 403, expected: "auth"),
        Case(api: .aimlapi, route: .submit, fault: .forbidden, status: 403, expected: "insufficient_credits"),
        Case(api: .segmindV1, route: .submit, fault: .notEnoughCredits, status: 406, expected: "insufficient_credits"),
        Case(api: .segmindV2, route: .submit, fault: .rateLimited, status: 429, expected: "rate_limited"),
        Case(api: .aimlapi, route: .submit, fault: .rateLimited, status: 429, expected: "rate_limited"),
        Case(api: .segmindV2, route: .submit, fault: .serverError, status: 500, expected: "transient"),
        Case(api: .aimlapi, route: .submit, fault: .serverError, status: 500, expected: "transient"),
        Case(api: .segmindV2, route: .submit, fault: .badGateway, afterProcessing: true, status: 502, expected: "ambiguous"),
        Case(api: .segmindV1, route: .submit, fault: .gatewayTimeout, afterProcessing: true, status: 504, expected: "ambiguous"),
        Case(api: .segmindV2, route: .submit, fault: .connectionReset, afterProcessing: true, expected: "ambiguous"),
        Case(api: .segmindV1, route: .submit, fault: .connectionReset, afterProcessing: true, expected: "ambiguous"),
        Case(api: .aimlapi, route: .submit, fault: .connectionReset, afterProcessing: true, expected: "ambiguous"),
        Case(api: .segmindV2, route: .status, fault: .badGateway, status: 502, expected: "transient"),
        Case(api: .segmindV2, route: .status, fault: .gatewayTimeout, status: 504, expected: "transient"),
        Case(api: .segmindV2, route: .status, fault: .connectionReset, expected: "transient"),
        Case(api: .segmindV2, route: .result, fault: .serverError, status: 500, expected: "transient"),
        Case(api: .aimlapi, route: .status, fault: .connectionReset, expected: "transient"),
        Case(api: .aimlapi, route: .status, fault: .unauthorized, status: 401, expected: "auth"),
    ]

    @Test(arguments: cases)
    func injectedFaultIsClassified(_ testCase: Case) async throws {
        try await withProviderTestBed { bed in
            let client = bed.client(testCase.api)
            var requestID = "unused"
            if testCase.route != .submit {
                guard case .accepted(let id) = try await client.submit(ProviderTestBed.request(for: testCase.api)).outcome else {
                    Issue.record("submit did not return an id")
                    return
                }
                requestID = id
            }
            await bed.sim.setFaults([
                FaultRule(route: testCase.route, fault: testCase.fault, count: 1, afterProcessing: testCase.afterProcessing)
            ])
            let error = await providerError { () async throws(ProviderError) in
                switch testCase.route {
                case .submit: _ = try await client.submit(ProviderTestBed.request(for: testCase.api))
                case .result: _ = try await client.result(requestID: requestID)
                default: _ = try await client.status(requestID: requestID)
                }
            }
            let thrown = try #require(error)
            #expect(thrown.kind.code == testCase.expected)
            #expect(thrown.httpStatus == testCase.status)
            #expect(thrown.api == testCase.api)
            #expect(!thrown.message.isEmpty)
            if case .rateLimited(let resetAt) = thrown.kind {
                let reset = try #require(resetAt)
                #expect(abs(reset.timeIntervalSinceNow - 2) < 3)
            }
            // The client never retried anything by itself.
            #expect(await bed.sim.stats().submits == 1)
        }
    }

    @Test func realShortfallIsInsufficientCredits() async throws {
        try await withProviderTestBed { bed in
            await bed.sim.setBalance(0)
            for api in ProviderAPI.allCases {
                let error = await providerError { () async throws(ProviderError) in
                    try await bed.client(api).submit(ProviderTestBed.request(for: api))
                }
                #expect(error?.kind == .insufficientCredits, "\(api)")
            }
        }
    }

    @Test func badParameterIsInvalidRequestWithTheProvidersMessage() async throws {
        try await withProviderTestBed { bed in
            var request = ProviderTestBed.request(for: .segmindV2)
            request.durationSeconds = 5
            let error = try #require(await providerError { () async throws(ProviderError) in try await bed.segmindV2.submit(request) })
            #expect(error.kind == .invalidRequest)
            #expect(error.httpStatus == 400)
            #expect(error.message.contains("duration"))
        }
    }

    @Test func unknownModelOnSubmitIsInvalidRequest() async throws {
        try await withProviderTestBed { bed in
            var request = ProviderTestBed.request(for: .segmindV2)
            request.model = "veo-99"
            let error = await providerError { () async throws(ProviderError) in try await bed.segmindV2.submit(request) }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.httpStatus == 404)
        }
    }

    @Test(arguments: [ProviderAPI.segmindV2, .aimlapi])
    func providerFailedIsAnAnswerNotAnError(_ api: ProviderAPI) async throws {
        try await withProviderTestBed(SimulatorConfig(latencySeconds: 0.05, failRate: 1, apiKey: ProviderTestBed.apiKey)) { bed in
            let client = bed.client(api)
            guard case .accepted(let id) = try await client.submit(ProviderTestBed.request(for: api)).outcome else {
                Issue.record("no id")
                return
            }
            await bed.sim.advanceTime(by: 10)
            for status in [try await client.status(requestID: id), try await client.result(requestID: id)] {
                guard case .failed(let message) = status.state else {
                    Issue.record("expected FAILED, got \(status.state)")
                    continue
                }
                #expect(message.contains("safety"))
            }
        }
    }

    @Test(arguments: [ProviderAPI.segmindV2, .aimlapi])
    func goneRequestIsExpired(_ api: ProviderAPI) async throws {
        try await withProviderTestBed { bed in
            let client = bed.client(api)
            guard case .accepted(let id) = try await client.submit(ProviderTestBed.request(for: api)).outcome else {
                Issue.record("no id")
                return
            }
            await bed.sim.advanceTime(by: 3700)
            let expired = await providerError { () async throws(ProviderError) in try await client.status(requestID: id) }
            #expect(expired?.kind == .expired)
            #expect(expired?.httpStatus == 404)
            let unknown = await providerError { () async throws(ProviderError) in try await client.result(requestID: "no-such-id") }
            #expect(unknown?.kind == .expired)
        }
    }
}
