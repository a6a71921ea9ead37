import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Reelbase

/// A share link opens exactly what it covers, for as long as it is live, and nothing else.
@Suite struct ShareLinkAccessTests {
    /// Status, code and message: everything of a 404 but its request id.
    private func refusal(_ response: TestResponse) -> String {
        "\(response.status.code) \(response.errorCode ?? "-") \((try? decode(AppError.Body.self, from: response))?.error.message ?? "-")"
    }

    @Test func expiredRevokedAndTamperedTokensAllGetTheSame404() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let take = try await ShareFixtures.take(team, client: client)
            let ip = ShareFixtures.address()
            let live = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)"}"#, client: client)
            let expired = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)", "expires_in_days": 1}"#, client: client)
            let revoked = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)"}"#, client: client)
            #expect(live.link.status == "active" && live.token.count == 86 && live.path == "/s/\(live.token)")
            #expect(live.link.expires_at.timeIntervalSinceNow > 6.9 * 86_400 && live.link.expires_at.timeIntervalSinceNow < 7.1 * 86_400)

            // The live link works: its page and its API.
            let page = try await client.call(live.path, key: nil, headers: ip)
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await client.call(live.path + "/api/link", key: nil, headers: ip).status == .ok)

            try await TestEnv.withAdmin { db, logger in
                try await db.query("UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = \(expired.link.id)", logger: logger)
            }
            let revocation = try await client.call("/api/v1/share-links/\(revoked.link.id)", .delete, key: team.api_key)
            #expect(revocation.status == .ok)
            #expect(try decode(ShareLink.self, from: revocation).status == "revoked")

            // One character changed in the signed part, in the MAC, and a token this instance never made.
            var chars = Array(live.token)
            chars[20] = chars[20] == "A" ? "B" : "A"
            let tamperedID = String(chars)
            chars = Array(live.token)
            chars[80] = chars[80] == "A" ? "B" : "A"
            let tamperedMAC = String(chars)
            let madeUp = RandomToken.make(bytes: 64)
            let gone = [expired.token, revoked.token, tamperedID, tamperedMAC, madeUp, "x"]
            var answers = Set<String>()
            for token in gone {
                for path in ["", "/api/link", "/api/takes/\(take)/video", "/api/takes/\(take)/poster"] {
                    let response = try await client.call("/s/\(token)\(path)", key: nil, headers: ip)
                    #expect(response.status == .notFound, "\(token) \(path)")
                    answers.insert(refusal(response))
                }
                let verdict = try await client.call("/s/\(token)/api/takes/\(take)/verdict", .post, key: nil,
                                                    json: #"{"verdict": "approved", "name": "Eve"}"#, headers: ip)
                answers.insert(refusal(verdict))
            }
            #expect(answers == ["404 not_found This link does not exist or is no longer shared."])
            // Nothing was decided through the dead links.
            #expect(try await ShareFixtures.count("SELECT count(*)::int FROM take_reviews WHERE generation_id = \(UUID(uuidString: take)!)") == 0)
        }
    }

    @Test func aTakeTokenReadsNoOtherTakeNorTheCampaignNorAnyAPIRoute() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let campaign = try await ShareFixtures.campaign(team, client: client)
            let shared = try await ShareFixtures.take(team, client: client, campaign: campaign)
            let other = try await ShareFixtures.take(team, client: client, campaign: campaign)
            let ip = ShareFixtures.address()
            let link = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(shared)"}"#, client: client)

            let covered = try decode(ShareFixtures.Shared.self, from: try await client.call(link.path + "/api/link", key: nil, headers: ip))
            #expect(covered.kind == .take && !covered.locked)
            #expect(covered.takes.map(\.id) == [UUID(uuidString: shared)])
            let video = try await client.call(link.path + "/api/takes/\(shared)/video", key: nil, headers: ip.merging([.range: "bytes=0-4"]))
            #expect(video.status == .partialContent && video.text == "video")

            // The other take of the same team and campaign is as unknown as a random id.
            for path in ["/api/takes/\(other)/video", "/api/takes/\(other)/poster", "/api/takes/\(UUID())/video"] {
                #expect(try await client.call(link.path + path, key: nil, headers: ip).status == .notFound, "\(path)")
            }
            for (path, json) in [("verdict", #"{"verdict": "rejected", "name": "Eve"}"#), ("comments", #"{"body": "no", "at_seconds": 1, "name": "Eve"}"#)] {
                #expect(try await client.call(link.path + "/api/takes/\(other)/\(path)", .post, key: nil, json: json, headers: ip).status == .notFound)
            }
            // No /s/ route reaches the campaign, and the token opens no /api/v1 route, as a bearer or a cookie.
            #expect(try await client.call(link.path + "/api/campaigns/\(campaign)", key: nil, headers: ip).status == .notFound)
            for route in ["/api/v1/generations/\(shared)", "/api/v1/generations/\(shared)/video", "/api/v1/campaigns/\(campaign)",
                          "/api/v1/generations", "/api/v1/share-links", "/api/v1/me"] {
                #expect(try await client.call(route, key: link.token).status == .unauthorized, "\(route)")
                let cookie = try await client.call(route, key: nil, headers: [.cookie: "reelbase_session=\(link.token); reelbase_share=\(link.token)"])
                #expect(cookie.status == .unauthorized, "\(route)")
            }
            // Another team's take cannot be shared: it answers like a random id.
            let stranger = try await ShareFixtures.team(client: client)
            let refused = try await client.call("/api/v1/share-links", .post, key: stranger.api_key, json: #"{"kind": "take", "generation_id": "\#(shared)"}"#)
            #expect(refused.status == .notFound && refused.errorCode == "not_found")
            #expect(try await client.call("/api/v1/share-links/\(link.link.id)", key: stranger.api_key).status == .notFound)
            #expect(try await client.call("/api/v1/share-links/\(link.link.id)", .delete, key: stranger.api_key).status == .notFound)
        }
    }

    @Test func thePasswordIsCheckedBeforeAnyTakeIsShown() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let take = try await ShareFixtures.take(team, client: client)
            let ip = ShareFixtures.address()
            let link = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)", "password": "blue lighthouse"}"#, client: client)
            let other = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)", "password": "blue lighthouse"}"#, client: client)
            #expect(link.link.has_password)
            #expect(try await ShareFixtures.count("SELECT count(*)::int FROM share_links WHERE password_hash LIKE '$2%' AND id = \(link.link.id)") == 1)

            let locked = try decode(ShareFixtures.Shared.self, from: try await client.call(link.path + "/api/link", key: nil, headers: ip))
            #expect(locked.locked && locked.takes.isEmpty)
            let video = try await client.call(link.path + "/api/takes/\(take)/video", key: nil, headers: ip)
            #expect(video.status == .unauthorized && video.errorCode == "password_required")
            let comment = try await client.call(link.path + "/api/takes/\(take)/comments", .post, key: nil,
                                                json: #"{"body": "hi", "at_seconds": 1, "name": "Eve"}"#, headers: ip)
            #expect(comment.status == .unauthorized)

            let wrong = try await client.call(link.path + "/api/unlock", .post, key: nil, json: #"{"password": "blue lighthous"}"#, headers: ip)
            #expect(wrong.status == .forbidden && wrong.errorCode == "wrong_password" && wrong.headers[.setCookie] == nil)
            let right = try await client.call(link.path + "/api/unlock", .post, key: nil, json: #"{"password": "blue lighthouse"}"#, headers: ip)
            #expect(right.status == .noContent)
            let setCookie = try #require(right.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("Path=/s/\(link.token)"))
            let cookie: HTTPFields = ip.merging([.cookie: String(setCookie.prefix { $0 != ";" })])

            let open = try decode(ShareFixtures.Shared.self, from: try await client.call(link.path + "/api/link", key: nil, headers: cookie))
            #expect(!open.locked && open.takes.count == 1)
            #expect(try await client.call(link.path + "/api/takes/\(take)/video", key: nil, headers: cookie).status == .ok)
            // The proof is for this link only: the other link with the same password stays locked.
            let elsewhere = try decode(ShareFixtures.Shared.self, from: try await client.call(other.path + "/api/link", key: nil, headers: cookie))
            #expect(elsewhere.locked)

            // Guessing is rate-limited per link: the tenth try in a minute is the last one answered.
            try await MinuteWindow.startEarly()
            var statuses: [Int] = []
            for _ in 0..<10 {
                let guess = try await client.call(other.path + "/api/unlock", .post, key: nil, json: #"{"password": "guess guess"}"#,
                                                  headers: ShareFixtures.address())
                statuses.append(guess.status.code)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == 403 })
            let limited = try await client.call(other.path + "/api/unlock", .post, key: nil, json: #"{"password": "blue lighthouse"}"#, headers: ShareFixtures.address())
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var fields = self
        for field in other { fields[field.name] = field.value }
        return fields
    }
}
