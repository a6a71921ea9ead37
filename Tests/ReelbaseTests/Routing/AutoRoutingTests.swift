import Foundation
import HummingbirdTesting
import ProviderSimulator
import Testing

@testable import Reelbase

/// `provider: "auto"` for veo-3.1-lite, which Segmind and the AI/ML API both serve: the team
/// has an account at each (both on the simulator), and its own price table decides.
@Suite struct AutoRoutingTests {
    /// The generation as a client reads it, with where it went and why.
    struct RoutedGeneration: Decodable {
        let id: UUID
        let status: String
        let provider: String
        let model: String
        let params: JSONValue
        let cost_usd: Decimal?
        let routing: Routing?
    }

    func addAIML(_ h: PipelineHarness) async throws {
        let created = try await h.client.call("/api/v1/provider-accounts", .post, key: h.team.api_key, json: """
            {"provider": "aimlapi", "name": "aiml", "api_key": "aiml-key-\(UUID().uuidString.prefix(8))", "base_url": "\(h.simulator.baseURL)"}
            """)
        #expect(created.status == .created, "\(created.text)")
    }

    /// The team's per-second price of veo-3.1-lite at each provider.
    func setPrices(_ h: PipelineHarness, segmind: String, aiml: String) async throws {
        let put = try await h.client.call("/api/v1/prices", .put, key: h.team.api_key, json: """
            {"rows": [{"model_id": "segmind/veo-3.1-lite", "unit": "per_second", "usd": \(segmind)},
                      {"model_id": "aimlapi/veo-3.1-lite", "unit": "per_second", "usd": \(aiml)}]}
            """)
        #expect(put.status == .ok, "\(put.text)")
    }

    func auto(_ h: PipelineHarness, extra: String = "") async throws -> String {
        try await h.generate(#"{"model": "veo-3.1-lite", "provider": "auto", "prompt": "a paper boat on a pond", "duration": 4\#(extra)}"#)
    }

    func read(_ h: PipelineHarness, _ id: String) async throws -> RoutedGeneration {
        try await h.client.call("/api/v1/generations/\(id)", key: h.team.api_key).decodedAs(RoutedGeneration.self)
    }

    @Test func picksTheCheaperProviderForTheseParameters() async throws {
        try await PipelineHarness.run { h in
            try await addAIML(h)
            try await setPrices(h, segmind: "0.10", aiml: "0.05")
            let first = try await auto(h)
            try await h.wait(first, for: ["succeeded"])
            let cheapAIML = try await read(h, first)
            #expect(cheapAIML.provider == "aimlapi" && cheapAIML.model == "aimlapi/veo-3.1-lite")
            let routing = try #require(cheapAIML.routing)
            #expect(routing.chosen == "aimlapi" && routing.moves.isEmpty && routing.reason.contains("cheapest"))
            #expect(routing.candidates.map(\.estimate_usd) == [Decimal(string: "0.4"), Decimal(string: "0.2")])
            #expect(routing.candidates.filter { !$0.eligible }.isEmpty)
            #expect(cheapAIML.cost_usd != nil)

            try await setPrices(h, segmind: "0.05", aiml: "0.10")
            let second = try await auto(h)
            try await h.wait(second, for: ["succeeded"])
            #expect(try await read(h, second).provider == "segmind")
            #expect(try await read(h, second).routing?.chosen == "segmind")
            // A model only one provider serves goes there; a model nobody serves is a 422.
            let only = try await h.generate(#"{"model": "veo-3.1-fast", "provider": "auto", "prompt": "a kite", "duration": 4}"#)
            #expect(try await read(h, only).routing?.reason == "the only provider serving this model")
            let unknown = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key,
                                                  json: #"{"model": "veo-9", "provider": "auto", "prompt": "a kite"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("no provider serves veo-9"))
            // Naming a provider still means that provider: no routing is recorded.
            let named = try await h.generate(#"{"model": "veo-3.1-lite", "provider": "aimlapi", "prompt": "a kite", "duration": 4}"#)
            #expect(try await read(h, named).routing == nil)
        }
    }

    @Test func neverSendsAParameterAProviderLacks() async throws {
        try await PipelineHarness.run { h in
            try await addAIML(h)
            // Reference images: only Segmind takes them, however cheap AI/ML is.
            try await setPrices(h, segmind: "0.10", aiml: "0.05")
            let asset = try #require(try await Library.upload(Library.uniquePNG(), key: h.team.api_key, client: h.client).id)
            let withReference = try await auto(h, extra: #", "reference_asset_ids": ["\#(asset)"]"#)
            try await h.wait(withReference, for: ["succeeded"])
            let atSegmind = try await read(h, withReference)
            #expect(atSegmind.provider == "segmind")
            let refusedBy = try #require(atSegmind.routing?.candidates.first { $0.provider == "aimlapi" })
            #expect(!refusedBy.eligible && refusedBy.reason.contains("reference_images"))

            // Person generation: only AI/ML takes it, however cheap Segmind is.
            try await setPrices(h, segmind: "0.05", aiml: "0.10")
            let withPeople = try await auto(h, extra: #", "person_generation": "dont_allow""#)
            try await h.wait(withPeople, for: ["succeeded"])
            let atAIML = try await read(h, withPeople)
            #expect(atAIML.provider == "aimlapi")
            #expect(atAIML.routing?.candidates.first { $0.provider == "segmind" }?.reason.contains("person_generation") == true)
            // Segmind's parameters carry no person_generation when it is chosen.
            let plain = try await auto(h)
            try await h.wait(plain, for: ["succeeded"])
            let segmindParams = try await read(h, plain)
            #expect(segmindParams.provider == "segmind")
            if case .object(let fields) = segmindParams.params { #expect(fields["person_generation"] == nil || fields["person_generation"] == .null) }

            // Both: nobody can take it, and nothing is queued.
            let impossible = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key, json: """
                {"model": "veo-3.1-lite", "provider": "auto", "prompt": "x", "duration": 4, "person_generation": "dont_allow", "reference_asset_ids": ["\(asset)"]}
                """)
            #expect(impossible.status == .unprocessableContent, "\(impossible.text)")
            #expect(impossible.text.contains("provider.segmind") && impossible.text.contains("provider.aimlapi"))
            #expect(await h.simulator.stats().accepted == 3)
        }
    }

    @Test func movesOnA406WithoutASecondChargeAndAvoidsThePausedAccount() async throws {
        try await PipelineHarness.run { h in
            try await addAIML(h)
            try await setPrices(h, segmind: "0.05", aiml: "0.10")
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .notEnoughCredits, count: 1)])
            let id = try await auto(h)
            try await h.wait(id, for: ["succeeded"])
            let moved = try await read(h, id)
            #expect(moved.provider == "aimlapi" && moved.model == "aimlapi/veo-3.1-lite")
            let routing = try #require(moved.routing)
            #expect(routing.chosen == "aimlapi" && routing.moves.count == 1)
            #expect(routing.moves.first?.from == "segmind" && routing.moves.first?.to == "aimlapi")
            #expect(routing.moves.first?.reason.contains("insufficient_credits") == true)
            let stats = await h.simulator.stats()
            #expect(stats.submits == 2 && stats.accepted == 1 && stats.maxPerBody == 1, "one refusal, one billed request")
            let booked = try await h.sql { db, logger in
                try await db.query("SELECT provider, amount_usd FROM spend_ledger WHERE generation_id = \(moved.id)", logger: logger)
                    .decode((String, Decimal).self).reduce(into: [(String, Decimal)]()) { $0.append($1) }
            }
            #expect(booked.count == 1 && booked.first?.0 == "aimlapi" && booked.first?.1 == moved.cost_usd, "booked once, at the provider that did it")
            let alerts = try await h.client.call("/api/v1/alerts", key: h.team.api_key).decodedAs(Listed<Alert>.self).data
            #expect(alerts.contains { $0.kind == "insufficient_credits" && $0.account_key == h.accountID.lowercased() })
            let audit = try await h.client.call("/api/v1/audit?action=generation.rerouted", key: h.team.api_key)
            #expect(try decode(Listed<AuditEntry>.self, from: audit).data.count == 1)

            // The Segmind account is paused until a person acts: the next one goes straight to AI/ML.
            let next = try await auto(h)
            try await h.wait(next, for: ["succeeded"])
            let direct = try await read(h, next)
            #expect(direct.provider == "aimlapi" && direct.routing?.moves.isEmpty == true)
            #expect(direct.routing?.candidates.first { $0.provider == "segmind" }?.reason.contains("paused") == true)
        }
    }
}
