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
            let campaign = try decode(Campaign.self, from: created)
            let id = campaign.id.uuidString
            #expect(campaign.name == "Spring launch")
            #expect(campaign.budget_usd == 120.5)
            #expect(campaign.reserved_usd == 0)
            #expect(campaign.spent_usd == 0)
            #expect(campaign.tags == ["q2", "launch"])

            _ = try await client.call("/api/v1/prompts", .post, key: team.api_key, json: #"{"name": "p", "text": "a fox", "campaign_id": "\#(id)"}"#)
            _ = try await client.call("/api/v1/seeds", .post, key: team.api_key, json: #"{"value": 42, "campaign_id": "\#(id)"}"#)
            let listed = try await client.call("/api/v1/campaigns", key: team.api_key)
            let row = try #require(try decode(Listed<Campaign>.self, from: listed).data.first)
            #expect(row.id == campaign.id)
            #expect(row.counts.prompts == 1 && row.counts.assets == 0 && row.counts.seeds == 1)

            let patched = try await client.call("/api/v1/campaigns/\(id)", .patch, key: team.api_key, json: #"{"budget_usd": null, "name": "Summer"}"#)
            #expect(patched.status == .ok)
            let changed = try decode(Campaign.self, from: patched)
            #expect(changed.budget_usd == nil)
            #expect(changed.name == "Summer")
            #expect(changed.description == "teaser")

            let archived = try await client.call("/api/v1/campaigns/\(id)/archive", .post, key: team.api_key)
            #expect(try decode(Campaign.self, from: archived).archived_at != nil)
            func campaigns(_ query: String = "") async throws -> [Campaign] {
                try decode(Listed<Campaign>.self, from: try await client.call("/api/v1/campaigns" + query, key: team.api_key)).data
            }
            #expect(try await campaigns().isEmpty)
            #expect(try await campaigns("?include_archived=true").count == 1)
            _ = try await client.call("/api/v1/campaigns/\(id)/restore", .post, key: team.api_key)
            #expect(try await campaigns().count == 1)

            let audit = try await client.call("/api/v1/audit?target=\(id)", key: team.api_key)
            #expect(try decode(Listed<AuditEntry>.self, from: audit).data.map(\.action) == ["campaign.restored", "campaign.archived", "campaign.updated", "campaign.created"])
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
                let listed = try decode(Listed<Identified>.self, from: page)
                seen += listed.data.map(\.id)
                cursor = listed.next_cursor
                pages += 1
            } while cursor != nil
            #expect(pages == 3)
            #expect(seen == made.reversed())
            #expect(try await client.call("/api/v1/campaigns?cursor=garbage", key: team.api_key).status == .badRequest)
            #expect(try await client.call("/api/v1/campaigns?limit=500", key: team.api_key).status == .badRequest)
        }
    }
}
