import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator
import Testing

@Suite struct FaultTests {
    @Test(arguments: [
        (FaultKind.unauthorized, 401), (.forbidden, 403), (.notEnoughCredits, 406), (.serverError, 500),
    ])
    func jsonErrorFaults(kind: FaultKind, code: Int) async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .submit, fault: kind, count: 1)])
            let faulted = try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt)
            #expect(Int(faulted.status.code) == code)
            #expect(faulted.isSegmindError)
            #expect(faulted.headers[.contentType] == "application/json")
            // count 1: the next one goes through, and only that one is billed
            #expect(try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt).status == .ok)
            #expect(await sim.balance() == Decimal(string: "99.75"))
        }
    }

    @Test(arguments: [(FaultKind.badGateway, 502), (.gatewayTimeout, 504)])
    func gatewayFaultsAnswerHTML(kind: FaultKind, code: Int) async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .status, fault: kind)])
            let faulted = try await http.segmind(.get, "/v2/requests/any/status")
            #expect(Int(faulted.status.code) == code)
            #expect(faulted.headers[.contentType] == "text/html")
            // route kinds are respected: submits are untouched
            #expect(try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt).status == .ok)
        }
    }

    @Test func rateLimitCarriesResetTimeAndNoRetryAfter() async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .any, fault: .rateLimited, count: 1, resetAfterSeconds: 30)])
            let limited = try await http.segmind(.get, "/v1/get-user-credits")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == nil)
            let reset = try #require(limited.headers[.rateLimitResetAt])
            let resetAt = try Date(reset, strategy: .iso8601)
            #expect(resetAt.timeIntervalSinceNow > 25 && resetAt.timeIntervalSinceNow < 35)
        }
    }

    @Test func connectionResetClosesWithoutAnswerAndIsNotBilled() async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .submit, fault: .connectionReset, count: 1)])
            await #expect(throws: (any Error).self) {
                _ = try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt)
            }
            let stats = await sim.stats()
            #expect(stats.submits == 1 && stats.accepted == 0)
            #expect(await sim.balance() == 100)
        }
    }

    @Test func truncateCutsTheDownloadHalfWay() async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .result, fault: .truncated, count: 1)])
            // The client was promised 64 KiB and got half before the connection closed.
            await #expect(throws: (any Error).self) {
                _ = try await http.segmind(.get, "/files/any.mp4")
            }
            #expect(await sim.stats().faultsInjected == 1)
            // count 1: the next download is answered normally (here: no such file)
            let next = try await http.segmind(.get, "/files/any.mp4")
            #expect(next.status == .notFound)
        }
    }

    @Test func resetAfterProcessingBillsTheLostAnswer() async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .submit, fault: .connectionReset, count: 1, afterProcessing: true)])
            await #expect(throws: (any Error).self) {
                _ = try await http.segmind(.post, "/v1/veo-3.1-lite", json: fastPrompt)
            }
            #expect(await sim.balance() == Decimal(string: "99.75"))
            #expect(await sim.stats().accepted == 1)
        }
    }

    @Test func slowAddsDelayThenAnswersNormally() async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .any, fault: .slow, count: 1, delaySeconds: 0.5)])
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await http.segmind(.get, "/v1/get-user-credits")
            #expect(response.status == .ok)
            #expect(clock.now - start >= .milliseconds(500))
        }
    }

    @Test func faultsCanBeSetAndClearedOverHTTP() async throws {
        try await withSimulator { sim, http in
            let added = try await http.send(.post, "/_sim/faults", headers: [.contentType: "application/json"],
                body: #"{"rules":[{"route":"submit","fault":"429"}],"fail_rate":1}"#)
            #expect(added.status == .ok)
            #expect(try await http.segmind(.post, "/v2/veo-3", json: fastPrompt).status == .tooManyRequests)
            #expect(try await http.segmind(.post, "/v2/veo-3", json: fastPrompt).status == .tooManyRequests)
            #expect(try await http.send(.delete, "/_sim/faults").status == .noContent)
            #expect(try await http.segmind(.post, "/v2/veo-3", json: fastPrompt).status == .ok)
            let single = try await http.send(.post, "/_sim/faults", body: #"{"fault":"500","count":1}"#)
            struct Added: Decodable { let added: Int }
            #expect(try decode(Added.self, from: single).added == 1)
            #expect(try await http.segmind(.get, "/v1/get-user-credits").status == .internalServerError)
            #expect(await sim.stats().faultsInjected == 3)
        }
    }

    @Test func fractionFiresOnAShareOfRequests() async throws {
        try await withSimulator { sim, http in
            await sim.setFaults([FaultRule(route: .any, fault: .serverError, fraction: 0.5)])
            var failures = 0
            for _ in 0..<40 where try await http.segmind(.get, "/v1/get-user-credits").status == .internalServerError {
                failures += 1
            }
            #expect(failures > 5 && failures < 35)
        }
    }

    @Test func statsCountSubmitsPerBodyAndResetClearsThem() async throws {
        try await withSimulator { sim, http in
            _ = try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt)
            _ = try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt)
            _ = try await http.segmind(.post, "/v2/veo-3.1-lite", json: #"{"prompt":"other","duration":4}"#)
            let reported = try await http.send(.get, "/_sim/stats")
            let stats = try decode(SimulatorStats.self, from: reported)
            #expect(stats.submits == 3)
            #expect(stats.maxPerBody == 2)
            #expect(stats.byBodySHA256.count == 2)
            #expect(stats.byPrompt["a red fox in snow"] == 2)
            #expect(try decode([String: FieldValue].self, from: reported)["balance"] != nil)
            #expect(try await http.send(.post, "/_sim/reset").status == .noContent)
            #expect(await sim.stats().submits == 0)
        }
    }
}
