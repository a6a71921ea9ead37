import Foundation
import ProviderSimulator
import Testing

@testable import Reelbase

/// Each API end to end against the simulator, with the credits every response reports.
@Suite struct ProviderHappyPathTests {
    @Test func segmindV1ReturnsTheVideoBytes() async throws {
        try await withProviderTestBed { bed in
            let result = try await bed.segmindV1.submit(ProviderTestBed.request(for: .segmindV1))
            guard case .completed(let video) = result.outcome, case .bytes(let data, let type) = video.content else {
                Issue.record("expected inline video bytes, got \(result.outcome)")
                return
            }
            #expect(type == "video/mp4")
            #expect(data.count > 100)
            #expect(video.seed == 1234)
            let balance = await bed.sim.balance()
            let credits = try #require(result.credits)
            #expect(credits.source == .responseHeaders)
            #expect(credits.account == .segmind)
            #expect(credits.remaining == balance)
            #expect(credits.cost == Decimal(100) - balance)
            #expect(video.cost == credits.cost)
        }
    }

    @Test func segmindV2SubmitStatusResult() async throws {
        // A job long enough that the first look cannot find it finished, however loaded the machine.
        try await withProviderTestBed(SimulatorConfig(latencySeconds: 5, apiKey: ProviderTestBed.apiKey)) { bed in
            let client = bed.segmindV2
            let submitted = try await client.submit(ProviderTestBed.request(for: .segmindV2))
            guard case .accepted(let id) = submitted.outcome else {
                Issue.record("expected a request id, got \(submitted.outcome)")
                return
            }
            let early = try await client.status(requestID: id)
            #expect(early.state == .queued || early.state == .processing)

            await bed.sim.advanceTime(by: 10)
            let done = try await client.status(requestID: id)
            guard case .completed(let video) = done.state, case .url(let url) = video.content else {
                Issue.record("expected a completed URL, got \(done.state)")
                return
            }
            #expect(url.absoluteString.hasSuffix("/files/\(id).mp4"))
            #expect(video.seed == 1234)
            let balance = await bed.sim.balance()
            let credits = try #require(done.credits)
            #expect(credits.source == .responseMetrics)
            #expect(credits.remaining == balance)
            #expect(credits.cost == Decimal(100) - balance)
            #expect(video.cost == credits.cost)

            let final = try await client.result(requestID: id)
            #expect(final.state == done.state)
            #expect(await bed.sim.stats().submits == 1)
        }
    }

    @Test func aimlSubmitAndPoll() async throws {
        try await withProviderTestBed(SimulatorConfig(latencySeconds: 5, apiKey: ProviderTestBed.apiKey)) { bed in
            let client = bed.aiml
            let submitted = try await client.submit(ProviderTestBed.request(for: .aimlapi))
            guard case .accepted(let id) = submitted.outcome else {
                Issue.record("expected a generation id, got \(submitted.outcome)")
                return
            }
            let early = try await client.status(requestID: id).state
            #expect(early == .queued || early == .processing)
            await bed.sim.advanceTime(by: 10)
            let done = try await client.result(requestID: id)
            guard case .completed(let video) = done.state, case .url = video.content else {
                Issue.record("expected a completed URL, got \(done.state)")
                return
            }
            let credits = try #require(done.credits)
            #expect(credits.source == .usage)
            #expect(credits.account == .aimlapi)
            #expect(credits.remaining == nil)
            #expect(credits.cost == Decimal(100) - (await bed.sim.balance()))
            #expect(credits.creditsUsed != nil)
            #expect(video.seed == nil)
            #expect(try await client.balance() == nil)
        }
    }

    @Test func segmindBalanceIsExact() async throws {
        try await withProviderTestBed { bed in
            let exact = try #require(Decimal(string: "12.345678901234567"))
            await bed.sim.setBalance(exact)
            let balance = try #require(try await bed.segmindV2.balance())
            #expect(balance.credits == exact)
            #expect(balance.freeCredits == 0)
            #expect(balance.observation.remaining == exact)
            #expect(balance.observation.source == .balanceEndpoint)
        }
    }

    @Test func segmindV1HasNothingToPoll() async throws {
        try await withProviderTestBed { bed in
            let error = await providerError { () async throws(ProviderError) in try await bed.segmindV1.status(requestID: "x") }
            #expect(error?.kind == .invalidRequest)
        }
    }
}
