import Foundation
import HummingbirdTesting
import ReelbaseCore
import Testing
@testable import Reelbase

/// Money input is parsed strictly and stored at one scale (six decimals) everywhere.
@Suite struct MoneyInputTests {
    @Test func budgetsRefuseAnythingButAPlainAmount() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let malformed = [#""12.5abc""#, #""1e999""#, "1e999", #""NaN""#, #""12,50""#, #"" 12""#, #""0x10""#, #""""#, "true"]
            for value in malformed {
                let patched = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"budget_usd": \#(value)}"#)
                #expect(patched.status == .badRequest, "team budget \(value): \(patched.text)")
                let campaign = try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "c", "budget_usd": \#(value)}"#)
                #expect(campaign.status == .badRequest, "campaign budget \(value): \(campaign.text)")
            }
            let garbage = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"budget_usd": "12.5abc"}"#)
            #expect(garbage.text.contains("budget_usd"))
            for value in ["-5", #""-0.01""#, "0.1234567", #""1.0000001""#, "1000000000000"] {
                let patched = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"budget_usd": \#(value)}"#)
                #expect(patched.status == .unprocessableContent, "team budget \(value): \(patched.text)")
                let campaign = try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "c", "budget_usd": \#(value)}"#)
                #expect(campaign.status == .unprocessableContent, "campaign budget \(value): \(campaign.text)")
            }
            // Nothing was half-written.
            #expect(try decode(TeamSettings.self, from: try await client.call("/api/v1/team", key: team.api_key)).budget_usd == nil)
        }
    }

    @Test func sixDecimalsSurviveTheRoundTrip() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let changed = try await client.call("/api/v1/team", .patch, key: team.api_key, json: #"{"budget_usd": "12.123456"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.text.contains(#""budget_usd":12.123456"#), "\(changed.text)")
            let campaign = try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "c", "budget_usd": 0.000001}"#)
            #expect(campaign.text.contains(#""budget_usd":0.000001"#), "\(campaign.text)")
        }
    }

    @Test func pricesAreParsedStrictlyToo() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            func put(_ usd: String) async throws -> TestResponse {
                try await client.call("/api/v1/prices", .put, key: team.api_key,
                                      json: #"{"rows": [{"model_id": "segmind/veo-3.1-fast", "unit": "per_second", "usd": \#(usd)}]}"#)
            }
            #expect(try await put(#""0.5abc""#).status == .badRequest)
            #expect(try await put(#""NaN""#).status == .badRequest)
            #expect(try await put("0.1234567").status == .unprocessableContent)
            #expect(try await put("-1").status == .unprocessableContent)
            let ok = try await put(#""0.062500""#)
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(ok.text.contains(#""usd":0.0625"#))
        }
    }

    @Test func theParserTakesOnlyPlainDecimals() {
        #expect(Money.parse("12.50") == Decimal(string: "12.5"))
        #expect(Money.parse("-3") == Decimal(-3))
        for bad in ["12.5abc", "1e5", "NaN", " 1", "1.", ".5", "", "-", "1.2.3", "+1", "١٢"] { #expect(Money.parse(bad) == nil, "\(bad)") }
        #expect(Money.decimals(of: Decimal(string: "1.500000")!) == 1)
        #expect(Money.problem(with: Decimal(string: "0.0000001")!) != nil)
        #expect(Money.problem(with: Decimal(string: "999999999999.999999")!) == nil)
    }
}
