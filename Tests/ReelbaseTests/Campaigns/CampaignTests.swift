import Foundation
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct CampaignTests {
    @Test func createListChangeArchiveWithCountsAndAudit() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let created = try await client.call("/api/v1/campaigns", .post, key: team.api_key,
                                                json: #"{"name": " Spring launch ", "description": "teaser", "budget_usd": "120.50", "tags": ["q2", "q2", "launch"]}"#)
            #expect(created.status == .created)
            let campaign = try created.json()
            let id = try #require(campaign["id"] as? String)
            #expect(campaign["name"] as? String == "Spring launch")
            #expect(campaign["budget_usd"] as? Double == 120.5)
            #expect(campaign["reserved_usd"] as? Double == 0)
            #expect(campaign["spent_usd"] as? Double == 0)
            #expect(campaign["tags"] as? [String] == ["q2", "launch"])

            _ = try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "p", "text": "a fox", "campaign_id": "\#(id)"}"#)
            _ = try await client.call("/api/v1/seeds", .post, key: team.api_key, json: #"{"value": 42, "campaign_id": "\#(id)"}"#)
            let listed = try await client.call("/api/v1/campaigns", key: team.api_key)
            let row = try #require(listed.data.first)
            #expect(row["id"] as? String == id)
            #expect(row["counts"] as? [String: Int] == ["prompts": 1, "assets": 0, "seeds": 1])

            let patched = try await client.call("/api/v1/campaigns/\(id)", .patch, key: team.api_key, json: #"{"budget_usd": null, "name": "Summer"}"#)
            #expect(patched.status == .ok)
            #expect(try patched.json()["budget_usd"] == nil || (try patched.json()["budget_usd"] is NSNull))
            #expect(try patched.json()["name"] as? String == "Summer")
            #expect(try patched.json()["description"] as? String == "teaser")

            let archived = try await client.call("/api/v1/campaigns/\(id)/archive", .post, key: team.api_key)
            #expect(try archived.json()["archived_at"] as? String != nil)
            #expect(try await client.call("/api/v1/campaigns", key: team.api_key).data.isEmpty)
            #expect(try await client.call("/api/v1/campaigns?include_archived=true", key: team.api_key).data.count == 1)
            _ = try await client.call("/api/v1/campaigns/\(id)/restore", .post, key: team.api_key)
            #expect(try await client.call("/api/v1/campaigns", key: team.api_key).data.count == 1)

            let audit = try await client.call("/api/v1/audit?target=\(id)", key: team.api_key)
            #expect(audit.data.compactMap { $0["action"] as? String } == ["campaign.restored", "campaign.archived", "campaign.updated", "campaign.created"])
        }
    }

    @Test func validationAndRoles() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            for body in [#"{"name": "  "}"#, #"{"name": "x", "budget_usd": -1}"#, #"{"name": "x", "tags": [""]}"#,
                         #"{"name": "\#(String(repeating: "n", count: 201))"}"#] {
                let response = try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.errorCode == "validation_failed")
            }
            #expect(try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"budget_usd": 1}"#).status == .badRequest)
            #expect(try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "x", "budget_usd": "lots"}"#).status == .badRequest)
            let viewer = try await Library.key("viewer", team: team, client: client)
            #expect(try await client.call("/api/v1/campaigns", .post, key: viewer, json: #"{"name": "x"}"#).status == .forbidden)
            #expect(try await client.call("/api/v1/campaigns", key: viewer).status == .ok)
            #expect(try await client.call("/api/v1/campaigns/not-a-uuid", key: viewer).status == .notFound)
        }
    }

    @Test func cursorPaginationWalksEveryRowOnceInOrder() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            var made: [String] = []
            for index in 0..<5 {
                made.append(try #require(try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "c\#(index)"}"#).id))
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await client.call("/api/v1/campaigns?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), key: team.api_key)
                seen += page.data.compactMap { $0["id"] as? String }
                cursor = try page.json()["next_cursor"] as? String
                pages += 1
            } while cursor != nil
            #expect(pages == 3)
            #expect(seen == made.reversed())
            #expect(try await client.call("/api/v1/campaigns?cursor=garbage", key: team.api_key).status == .badRequest)
            #expect(try await client.call("/api/v1/campaigns?limit=500", key: team.api_key).status == .badRequest)
        }
    }
}
