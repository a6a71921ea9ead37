import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct RequestLimitTests {
    /// PostgreSQL text cannot hold U+0000; every route refuses it at the door.
    @Test func nulBytesAreA400InJSONAndInTheURL() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            for (uri, body) in [("/api/v1/api-keys", #"{"name": "a\u0000b"}"#),
                                ("/api/v1/campaigns", #"{"name": "launch", "description": "x\u0000"}"#),
                                ("/api/v1/prompts", #"{"name": "p", "text": "a kite", "tags": ["\u0000"]}"#),
                                ("/api/v1/session", #"{"email": "a\u0000@example.com", "password": "x"}"#)] {
                let response = try await client.call(uri, .post, key: team.api_key, json: body)
                #expect(response.status == .badRequest, "\(uri): \(response.text)")
                #expect(response.errorCode == "bad_request")
            }
            for uri in ["/api/v1/audit?target=%00", "/api/v1/assets?tag=a%00b", "/api/v1/generations?model=%00",
                        "/api/v1/prompts?q=%00", "/api/v1/prompts/\(UUID())/labels/x%00"] {
                let response = try await client.call(uri, key: team.api_key)
                #expect(response.status == .badRequest, "\(uri): \(response.text)")
            }
            // An escaped backslash followed by "u0000" is ordinary text.
            let literal = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "a\\u0000b"}"#)
            #expect(literal.status == .created)
        }
    }

    /// `{{a}}` 4,000 times with a 10 KB value would be 40 MB: the renderer stops at the limit.
    @Test func aRenderBombIsA422() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let template = String(repeating: "{{a}}", count: 4000)
            let created = try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "bomb", "text": "\#(template)"}"#)
            #expect(created.status == .created)
            let id = try decode(Identified.self, from: created).id
            let value = String(repeating: "x", count: 10_000)
            let bomb = try await client.call("/api/v1/prompts/\(id)/render", .post, key: team.api_key, json: #"{"variables": {"a": "\#(value)"}}"#)
            #expect(bomb.status == .unprocessableContent)
            #expect(bomb.errorCode == "prompt_too_long")
            #expect(bomb.body.readableBytes < 2000)
            let huge = String(repeating: "y", count: 30_000)
            let capped = try await client.call("/api/v1/prompts/\(id)/render", .post, key: team.api_key, json: #"{"variables": {"a": "\#(huge)"}}"#)
            #expect(capped.status == .unprocessableContent)
            #expect(try await client.call("/api/v1/prompts/\(id)/render", .post, key: team.api_key, json: #"{"variables": {"a": "z"}}"#).status == .ok)
        }
    }

    /// Counts and lengths are refused, all at once, before anything is read.
    @Test func oversizedGenerationFieldsAreNamedTogether() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let ids = (0..<50).map { _ in "\"\(UUID())\"" }.joined(separator: ",")
            let negative = String(repeating: "n", count: 20_001)
            let response = try await client.call("/api/v1/generations", .post, key: team.api_key,
                                                 json: #"{"model": "veo-3.1-fast", "prompt": "kite", "negative_prompt": "\#(negative)", "reference_asset_ids": [\#(ids)]}"#)
            #expect(response.status == .unprocessableContent)
            let details = try #require(try decode(AppError.Body.self, from: response).error.details)
            #expect(details["reference_asset_ids"] != nil)
            #expect(details["negative_prompt"] != nil)
        }
    }
}
