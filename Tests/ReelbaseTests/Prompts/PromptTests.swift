import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct PromptTests {
    static func createPrompt(_ client: any TestClientProtocol, key: String, text: String = "A {{animal}} runs through {{place}}") async throws -> String {
        let created = try await client.call("/api/v1/prompts", .post, key: key, json: """
            {"name": "Hero shot", "text": "\(text)", "negative_prompt": "blurry {{animal}}", "default_params": {"duration": 8, "resolution": "1080p"}}
            """)
        #expect(created.status == .created)
        return try #require(created.id)
    }

    @Test func versionsAreAppendedAndNeverChange() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let id = try await Self.createPrompt(client, key: team.api_key)
            let v1 = try await client.call("/api/v1/prompts/\(id)/versions/1", key: team.api_key).text
            let added = try await client.call("/api/v1/prompts/\(id)/versions", .post, key: team.api_key,
                                              json: #"{"text": "A {{animal}} swims", "note": "water"}"#)
            #expect(added.status == .created)
            let second = try decode(PromptVersion.self, from: added)
            #expect(second.version == 2)
            // Omitted fields carry over; null clears.
            #expect(second.negative_prompt == "blurry {{animal}}")
            #expect(second.default_params["duration"]?.number == 8)
            let cleared = try await client.call("/api/v1/prompts/\(id)/versions", .post, key: team.api_key, json: #"{"text": "x", "negative_prompt": null}"#)
            #expect(try decode(PromptVersion.self, from: cleared).negative_prompt == nil)
            #expect(try await client.call("/api/v1/prompts/\(id)/versions/1", key: team.api_key).text == v1)

            // No route changes a version.
            for method in [HTTPRequest.Method.put, .patch, .delete, .post] {
                let response = try await client.call("/api/v1/prompts/\(id)/versions/1", method, key: team.api_key, json: #"{"text": "changed"}"#)
                #expect([.notFound, .methodNotAllowed].contains(response.status), "\(method)")
            }
            #expect(try await client.call("/api/v1/prompts/\(id)/versions/1", key: team.api_key).text == v1)
            let versions = try await client.call("/api/v1/prompts/\(id)/versions?limit=2", key: team.api_key)
            let newest = try decode(Listed<PromptVersion>.self, from: versions)
            #expect(newest.data.map(\.version) == [3, 2])
            let cursor = try #require(newest.next_cursor)
            let rest = try await client.call("/api/v1/prompts/\(id)/versions?limit=2&cursor=\(cursor)", key: team.api_key)
            let oldest = try decode(Listed<PromptVersion>.self, from: rest)
            #expect(oldest.data.map(\.version) == [1])
            #expect(oldest.next_cursor == nil)
        }
        // Nor does any SQL path, even the superuser's.
        for sql in ["UPDATE prompt_versions SET text = 'x' WHERE team_id = '\(team.team_id)'",
                    "DELETE FROM prompt_versions WHERE team_id = '\(team.team_id)'"] {
            #expect(try await Library.refusal(sql).contains("immutable"), "\(sql)")
        }
        // TRUNCATE … CASCADE locks every table that references prompt_versions before the trigger
        // refuses it: on the shared database it deadlocked another test's generation insert, so
        // it is tried on a migrated database of its own.
        try await withScratchDatabase(migrated: true) { scratch in
            let refusal = try await Library.refusal("TRUNCATE prompt_versions CASCADE", on: scratch.client)
            #expect(refusal.contains("immutable"))
        }
        #expect(try await Library.count("SELECT count(*) FROM prompt_versions WHERE team_id = '\(team.team_id)'") == 3)
    }

    @Test func labelMovesAreAudited() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let id = try await Self.createPrompt(client, key: team.api_key)
            _ = try await client.call("/api/v1/prompts/\(id)/versions", .post, key: team.api_key, json: #"{"text": "second"}"#)
            #expect(try await client.call("/api/v1/prompts/\(id)/labels/production", .put, key: team.api_key, json: #"{"version": 1}"#).status == .ok)
            #expect(try await client.call("/api/v1/prompts/\(id)/labels/Production", .put, key: team.api_key, json: #"{"version": 2}"#).status == .ok)
            #expect(try await client.call("/api/v1/prompts/\(id)/labels/staging", .put, key: team.api_key, json: #"{"version": 9}"#).status == .unprocessableContent)
            #expect(try await client.call("/api/v1/prompts/\(id)/labels/bad%20name", .put, key: team.api_key, json: #"{"version": 1}"#).status == .unprocessableContent)

            let byLabel = try await client.call("/api/v1/prompts/\(id)/versions/production", key: team.api_key)
            #expect(try decode(PromptVersion.self, from: byLabel).text == "second")
            #expect(try decode(Prompt.self, from: try await client.call("/api/v1/prompts/\(id)", key: team.api_key)).labels == ["production": 2])

            let audit = try await client.auditRows("action=prompt.label_moved", key: team.api_key)
            let details = audit.map(\.details)
            #expect(details.count == 2)
            #expect(details.first?["from"]?.number == 1 && details.first?["to"]?.number == 2)
            #expect(details.last?["from"] == .null && details.last?["to"]?.number == 1)
            #expect(audit.allSatisfy { $0.target_id == id })

            #expect(try await client.call("/api/v1/prompts/\(id)/labels/production", .delete, key: team.api_key).status == .noContent)
            #expect(try await client.call("/api/v1/prompts/\(id)/labels/production", .delete, key: team.api_key).status == .notFound)
            #expect(try await client.auditRows("action=prompt.label_removed", key: team.api_key).count == 1)
        }
    }

    @Test func diffRenderAndSearch() async throws {
        let team = try await TestEnv.makeTeam()
        let word = "zebra\(UUID().uuidString.prefix(6).lowercased().filter(\.isLetter))"
        try await TestEnv.withApp { client in
            let id = try await Self.createPrompt(client, key: team.api_key, text: "line one\\nA {{animal}} runs")
            _ = try await client.call("/api/v1/prompts/\(id)/versions", .post, key: team.api_key,
                                      json: #"{"text": "line one\nA \#(word) {{animal}} sprints", "default_params": {"duration": 4}}"#)
            let diff = try decode(PromptToolsController.Diff.self, from: try await client.call("/api/v1/prompts/\(id)/diff?from=1&to=2", key: team.api_key))
            #expect(diff.changed_fields == ["text", "default_params"])
            #expect(diff.unified.contains("-A {{animal}} runs"))
            #expect(diff.unified.contains("+A \(word) {{animal}} sprints"))
            #expect(diff.lines.first?.op == "context")

            let missing = try await client.call("/api/v1/prompts/\(id)/render", .post, key: team.api_key, json: #"{"version": 1, "variables": {}}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorCode == "missing_variables")
            #expect(missing.text.contains("animal") && missing.text.contains("place") == false)
            let rendered = try await client.call("/api/v1/prompts/\(id)/render", .post, key: team.api_key, json: #"{"variables": {"animal": "fox", "extra": 1}}"#)
            let text = try decode(PromptToolsController.Rendered.self, from: rendered)
            #expect(text.text == "line one\nA \(word) fox sprints")
            #expect(text.negative_prompt == "blurry fox")
            #expect(text.version == 2)

            let found = try await client.call("/api/v1/prompts?q=\(word)", key: team.api_key)
            #expect(try decode(Listed<Identified>.self, from: found).data.map(\.id) == [id])
            // English stemming: "sprinting" finds "sprints"; a word in no version finds nothing.
            #expect(try await client.rows(Prompt.self, "/api/v1/prompts?q=sprinting", key: team.api_key).count == 1)
            #expect(try await client.rows(Prompt.self, "/api/v1/prompts?q=giraffe", key: team.api_key).isEmpty)
        }
    }

    @Test func validationErrors() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            #expect(try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "x", "text": "  "}"#).status == .unprocessableContent)
            #expect(try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "x", "text": "t", "default_params": [1]}"#).status == .unprocessableContent)
            let foreign = try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "x", "text": "t", "campaign_id": "\#(UUID())"}"#)
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.text.contains("campaign_id"))
            #expect(try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "x"}"#).status == .badRequest)
            let seed = try await client.call("/api/v1/seeds", .post, key: team.api_key, json: #"{"value": -1}"#)
            #expect(seed.status == .unprocessableContent)
        }
    }
}
