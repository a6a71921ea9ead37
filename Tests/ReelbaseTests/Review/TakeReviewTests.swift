import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
@testable import Reelbase

/// Ratings, verdicts and timecode comments: by members and by clients through a link, on the
/// record (audit, event stream) and filterable in the gallery.
@Suite struct TakeReviewTests {
    @Test func aClientsVerdictAndCommentReachTheTeamAuditedAndOnTheEventStream() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let take = try await ShareFixtures.take(team, client: client)
            let ip = ShareFixtures.address()
            let link = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)", "title": "Spot A"}"#, client: client)

            let verdict = try await client.call(link.path + "/api/takes/\(take)/verdict", .post, key: nil,
                                                json: #"{"verdict": "approved", "name": "Dana (Acme)"}"#, headers: ip)
            #expect(verdict.status == .ok, "\(verdict.text)")
            let comment = try await client.call(link.path + "/api/takes/\(take)/comments", .post, key: nil,
                                                json: #"{"body": "Love the light here", "at_seconds": 3, "name": "Dana (Acme)"}"#, headers: ip)
            #expect(comment.status == .created, "\(comment.text)")
            // Past the end of the 8-second take, without a name, or an empty comment: clear 422s, nothing written.
            for json in [#"{"body": "late", "at_seconds": 8.5, "name": "Dana"}"#, #"{"body": "who?", "at_seconds": 1, "name": "  "}"#,
                         #"{"body": "  ", "at_seconds": 1, "name": "Dana"}"#, #"{"body": "x", "at_seconds": -1, "name": "Dana"}"#] {
                let refused = try await client.call(link.path + "/api/takes/\(take)/comments", .post, key: nil, json: json, headers: ip)
                #expect(refused.status == .unprocessableContent, "\(json) \(refused.text)")
            }
            let badVerdict = try await client.call(link.path + "/api/takes/\(take)/verdict", .post, key: nil, json: #"{"verdict": "maybe", "name": "Dana"}"#, headers: ip)
            #expect(badVerdict.status == .badRequest)

            // The team's take page reads both, marked as a client's.
            let review = try decode(TakeReview.self, from: try await client.call("/api/v1/generations/\(take)/review", key: team.api_key))
            #expect(review.verdict == .approved && review.verdict_by == ReviewAuthor(name: "Dana (Acme)", client: true))
            #expect(review.duration_seconds == 8)
            #expect(review.comments.map(\.at_seconds) == [3] && review.comments.first?.body == "Love the light here")
            #expect(review.comments.first?.author == ReviewAuthor(name: "Dana (Acme)", client: true))

            // A member rates it and comments under their own name.
            let rated = try await client.call("/api/v1/generations/\(take)/review", .put, key: team.api_key, json: #"{"rating": 4}"#)
            #expect(rated.status == .ok, "\(rated.text)")
            let mine = try await client.call("/api/v1/generations/\(take)/comments", .post, key: team.api_key, json: #"{"body": "Trim here", "at_seconds": 1.25}"#)
            #expect(mine.status == .created, "\(mine.text)")
            let after = try decode(TakeReview.self, from: try await client.call("/api/v1/generations/\(take)/review", key: team.api_key))
            #expect(after.rating == 4 && after.rated_by?.client == false && after.rated_by?.name == team.owner_email)
            #expect(after.verdict == .approved, "a rating leaves the verdict alone")
            #expect(after.comments.map(\.at_seconds) == [1.25, 3], "comments come in timecode order")
            #expect(try await client.call("/api/v1/generations/\(take)/review", .put, key: team.api_key, json: #"{"rating": 6}"#).status == .unprocessableContent)
            #expect(try await client.call("/api/v1/generations/\(take)/review", .put, key: team.api_key, json: #"{}"#).status == .unprocessableContent)

            // Audited: the client's acts with the link as the actor, the member's with the key.
            let generation = UUID(uuidString: take)!
            #expect(try await ShareFixtures.count("""
                SELECT count(*)::int FROM audit_log WHERE team_id = \(team.team_id) AND target_id = \(take.lowercased()) AND actor_type = 'share_link'
                  AND actor_id = \(link.link.id) AND action IN ('take.review', 'take.comment')
                """) == 2)
            #expect(try await ShareFixtures.count("""
                SELECT count(*)::int FROM audit_log WHERE team_id = \(team.team_id) AND target_id = \(take.lowercased()) AND actor_type = 'api_key'
                """) == 2)
            #expect(try await ShareFixtures.count("""
                SELECT count(*)::int FROM audit_log WHERE team_id = \(team.team_id) AND action = 'share_link.viewed'
                """) == 0, "only opening the page counts as a view")
            // On the event stream, for the team only.
            let events = try await TestEnv.withAdmin { db, logger in
                try await db.query("SELECT kind FROM generation_events WHERE generation_id = \(generation) AND kind <> 'generation' ORDER BY id", logger: logger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }
            }
            #expect(events == ["take.verdict", "take.comment", "take.comment"])
            let verify = try await client.call("/api/v1/audit/verify", key: team.api_key)
            #expect(try decode(AuditRepository.Verification.self, from: verify).ok, "\(verify.text)")
        }
    }

    @Test func theGalleryFiltersByVerdictAndRating() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let approved = try await ShareFixtures.take(team, client: client)
            let rejected = try await ShareFixtures.take(team, client: client)
            let unreviewed = try await ShareFixtures.take(team, client: client)
            _ = unreviewed
            #expect(try await client.call("/api/v1/generations/\(approved)/review", .put, key: team.api_key, json: #"{"verdict": "approved", "rating": 5}"#).status == .ok)
            #expect(try await client.call("/api/v1/generations/\(rejected)/review", .put, key: team.api_key, json: #"{"verdict": "rejected", "rating": 2}"#).status == .ok)

            struct Listed: Decodable { struct Item: Decodable { let id: String }; let data: [Item] }
            func ids(_ query: String) async throws -> [String] {
                let response = try await client.call("/api/v1/generations?\(query)", key: team.api_key)
                #expect(response.status == .ok, "\(response.text)")
                return try decode(Listed.self, from: response).data.map(\.id)
            }
            #expect(try await ids("verdict=approved") == [approved])
            #expect(try await ids("verdict=rejected") == [rejected])
            #expect(try await ids("verdict=needs_changes").isEmpty)
            #expect(try await ids("min_rating=2") == [rejected, approved])
            #expect(try await ids("min_rating=3") == [approved])
            #expect(try await ids("verdict=rejected&min_rating=3").isEmpty)
            #expect(try await client.call("/api/v1/generations?verdict=maybe", key: team.api_key).status == .badRequest)
            #expect(try await client.call("/api/v1/generations?min_rating=9", key: team.api_key).status == .badRequest)
            // Clearing the verdict takes the take out of the filter.
            #expect(try await client.call("/api/v1/generations/\(approved)/review", .put, key: team.api_key, json: #"{"verdict": null}"#).status == .ok)
            #expect(try await ids("verdict=approved").isEmpty)
        }
    }

    @Test func compareAndCampaignLinksCoverWhatTheyName() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let campaign = try await ShareFixtures.campaign(team, client: client)
            let first = try await ShareFixtures.take(team, client: client, campaign: campaign)
            let second = try await ShareFixtures.take(team, client: client, campaign: campaign)
            let ip = ShareFixtures.address()

            let none = try await client.call("/api/v1/share-links", .post, key: team.api_key, json: #"{"kind": "campaign", "campaign_id": "\#(campaign)"}"#)
            #expect(none.status == .conflict, "no approved take yet")
            #expect(try await client.call("/api/v1/generations/\(second)/review", .put, key: team.api_key, json: #"{"verdict": "approved"}"#).status == .ok)
            let approvedOnly = try await ShareFixtures.share(team, #"{"kind": "campaign", "campaign_id": "\#(campaign)"}"#, client: client)
            #expect(approvedOnly.link.generation_ids == [UUID(uuidString: second)!])
            #expect(try await client.call(approvedOnly.path + "/api/takes/\(first)/video", key: nil, headers: ip).status == .notFound)

            let compare = try await ShareFixtures.share(team, #"{"kind": "compare", "generation_ids": ["\#(second)", "\#(first)"]}"#, client: client)
            let shared = try decode(ShareFixtures.Shared.self, from: try await client.call(compare.path + "/api/link", key: nil, headers: ip))
            #expect(shared.takes.map(\.id) == [UUID(uuidString: second)!, UUID(uuidString: first)!] && shared.takes.map(\.position) == [1, 2])
            #expect(shared.takes.first?.review.verdict == .approved)

            for json in [#"{"kind": "compare", "generation_ids": ["\#(first)"]}"#, #"{"kind": "compare", "generation_ids": ["\#(first)", "\#(first)"]}"#,
                         #"{"kind": "take"}"#, #"{"kind": "take", "generation_id": "\#(first)", "expires_in_days": 91}"#,
                         #"{"kind": "take", "generation_id": "\#(first)", "password": "short"}"#] {
                #expect(try await client.call("/api/v1/share-links", .post, key: team.api_key, json: json).status == .unprocessableContent, "\(json)")
            }
            #expect(try await client.call("/api/v1/share-links", .post, key: team.api_key, json: #"{"kind": "reel"}"#).status == .badRequest, "an unknown kind")

            // The list shows links without their tokens, filterable by take.
            let listed = try await client.call("/api/v1/share-links?generation_id=\(first)", key: team.api_key)
            #expect(!listed.text.contains(compare.token) && !listed.text.contains("token"))
            struct Listed: Decodable { let data: [ShareLink] }
            #expect(try decode(Listed.self, from: listed).data.map(\.id) == [compare.link.id])
            #expect(try await ShareFixtures.count("SELECT count(*)::int FROM share_links WHERE team_id = \(team.team_id)") == 2)
            // Opening the page is counted and audited.
            #expect(try await client.call(compare.path, key: nil, headers: ip).status == .ok)
            let shown = try decode(ShareLink.self, from: try await client.call("/api/v1/share-links/\(compare.link.id)", key: team.api_key))
            #expect(shown.views == 1 && shown.last_viewed_at != nil)
        }
    }
}
