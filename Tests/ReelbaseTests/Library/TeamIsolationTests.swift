import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct TeamIsolationTests {
    @Test func anotherTeamsIdsAreNotFoundAndNeverListed() async throws {
        let a = try await TestEnv.makeTeam(), b = try await TestEnv.makeTeam()
        let word = "okapi\(UUID().uuidString.prefix(6).lowercased().filter(\.isLetter))"
        let png = Library.uniquePNG()
        try await TestEnv.withApp { client in
            let campaign = try #require(try await client.call("/api/v1/campaigns", .post, key: b.api_key, json: #"{"name": "B's"}"#).id)
            let prompt = try await client.call("/api/v1/prompts", .post, key: b.api_key,
                                               json: #"{"name": "B \#(word)", "text": "a \#(word) at dawn", "campaign_id": "\#(campaign)"}"#)
            let promptID = try #require(prompt.id)
            let versionID = try decode(Prompt.self, from: prompt).latest.id.uuidString
            _ = try await client.call("/api/v1/prompts/\(promptID)/labels/production", .put, key: b.api_key, json: #"{"version": 1}"#)
            let asset = try #require(try await Library.upload(png, key: b.api_key, client: client).id)
            let seed = try #require(try await client.call("/api/v1/seeds", .post, key: b.api_key,
                                                          json: #"{"value": 7, "prompt_version_id": "\#(versionID)"}"#).id)

            let reads = ["/campaigns/\(campaign)", "/prompts/\(promptID)", "/prompts/\(promptID)/versions", "/prompts/\(promptID)/versions/1",
                         "/prompts/\(promptID)/versions/production", "/prompt-versions/\(versionID)", "/prompts/\(promptID)/labels",
                         "/prompts/\(promptID)/diff", "/assets/\(asset)", "/assets/\(asset)/content", "/seeds/\(seed)"]
            for path in reads {
                let response = try await client.call("/api/v1" + path, key: a.api_key)
                #expect(response.status == .notFound, "\(path)")
                let missing = try await client.call("/api/v1" + path.replacingOccurrences(of: campaign, with: UUID().uuidString)
                    .replacingOccurrences(of: promptID, with: UUID().uuidString).replacingOccurrences(of: versionID, with: UUID().uuidString)
                    .replacingOccurrences(of: asset, with: UUID().uuidString).replacingOccurrences(of: seed, with: UUID().uuidString), key: a.api_key)
                #expect(missing.status == .notFound)
                #expect(response.text.replacingOccurrences(of: #""request_id":"[^"]*""#, with: "", options: .regularExpression)
                        == missing.text.replacingOccurrences(of: #""request_id":"[^"]*""#, with: "", options: .regularExpression), "\(path)")
            }
            let writes: [(String, HTTPRequest.Method, String?)] = [
                ("/campaigns/\(campaign)", .patch, #"{"name": "mine"}"#), ("/campaigns/\(campaign)/archive", .post, nil),
                ("/prompts/\(promptID)/versions", .post, #"{"text": "mine"}"#), ("/prompts/\(promptID)/labels/production", .put, #"{"version": 1}"#),
                ("/prompts/\(promptID)/labels/production", .delete, nil), ("/prompts/\(promptID)/render", .post, #"{"variables": {}}"#),
                ("/assets/\(asset)", .delete, nil), ("/seeds/\(seed)", .delete, nil),
            ]
            for (path, method, body) in writes {
                #expect(try await client.call("/api/v1" + path, method, key: a.api_key, json: body).status == .notFound, "\(method) \(path)")
            }
            // References to B's rows in A's own writes read as unknown too.
            #expect(try await client.call("/api/v1/seeds", .post, key: a.api_key, json: #"{"value": 1, "prompt_version_id": "\#(versionID)"}"#).status == .unprocessableContent)
            #expect(try await client.call("/api/v1/prompts", .post, key: a.api_key, json: #"{"name": "x", "text": "y", "campaign_id": "\#(campaign)"}"#).status == .unprocessableContent)
            #expect(try await Library.upload(Library.uniquePNG(), query: "?campaign_id=\(campaign)", key: a.api_key, client: client).status == .unprocessableContent)

            // Lists and search.
            for path in ["/campaigns?include_archived=true", "/prompts", "/prompts?q=\(word)", "/assets", "/seeds", "/seeds?prompt_version_id=\(versionID)"] {
                let listed = try await client.call("/api/v1" + path, key: a.api_key)
                #expect(listed.status == .ok)
                #expect(try decode(Listed<Identified>.self, from: listed).data.isEmpty, "\(path)")
            }
            #expect(try await client.rows(Prompt.self, "/api/v1/prompts?q=\(word)", key: b.api_key).count == 1)
            // Dedup is per team: A's copy of B's bytes is A's own asset.
            let mine = try await Library.upload(png, key: a.api_key, client: client)
            #expect(mine.status == .created)
            #expect(mine.id != asset)
        }
    }
}
