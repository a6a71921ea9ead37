import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Reelbase

/// A `cut` link plays one ready storyboard cut and lists its takes; it reaches nothing else:
/// not the takes it lists, not another cut, not any API route.
@Suite struct ShareCutLinkTests {
    /// The client's view of a cut link.
    struct Shared: Decodable {
        struct CutTake: Decodable { let position: Int; let model: String; let duration_seconds: Double? }
        struct SharedCut: Decodable {
            let number: Int
            let storyboard_name: String
            let duration_seconds: Double?
            let video_url: String
            let poster_url: String?
            let takes: [CutTake]
        }
        let kind: ShareKind
        let locked: Bool
        let takes: [ShareFixtures.Shared.Take]
        let cut: SharedCut?
    }

    /// Status, code and message: everything of a 404 but its request id.
    private func refusal(_ response: TestResponse) -> String {
        "\(response.status.code) \(response.errorCode ?? "-") \((try? decode(AppError.Body.self, from: response))?.error.message ?? "-")"
    }

    @Test func aCutLinkPlaysTheReadyCutAndListsItsTakes() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let (board, takes) = try await Self.storyboardWithCut(team, client: client)
            let ip = ShareFixtures.address()
            let link = try await ShareFixtures.share(team, #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 1, "title": "Teaser v1"}"#,
                                                     client: client)
            #expect(link.link.kind == .cut && link.link.storyboard_id == board && link.link.cut_number == 1)
            #expect(link.link.generation_ids.isEmpty, "a cut link opens no take")

            let shared = try decode(Shared.self, from: try await client.call(link.path + "/api/link", key: nil, headers: ip))
            #expect(shared.kind == .cut && !shared.locked && shared.takes.isEmpty)
            let cut = try #require(shared.cut)
            #expect(cut.number == 1 && cut.storyboard_name == "Harbour teaser" && cut.duration_seconds == 16)
            #expect(cut.takes.map(\.position) == [1, 2] && cut.takes.allSatisfy { $0.model == "segmind/veo-3.1-fast" && $0.duration_seconds == 8 })
            #expect(cut.video_url == link.path + "/api/cut/video" && cut.poster_url == link.path + "/api/cut/poster")

            let part = try await client.call(cut.video_url, key: nil, headers: ip.merging([.range: "bytes=0-8"]))
            #expect(part.status == .partialContent && part.text == "cut video" && part.headers[.contentType] == "video/mp4")
            #expect(part.headers[.contentRange] == "bytes 0-8/\("cut video of \(board)".utf8.count)")
            let poster = try await client.call(try #require(cut.poster_url), key: nil, headers: ip)
            #expect(poster.status == .ok && poster.headers[.contentType] == "image/jpeg")

            // Only a ready cut of this team can be shared; shapes are checked first.
            let rendering = try await client.call("/api/v1/share-links", .post, key: team.api_key,
                                                  json: #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 2}"#)
            #expect(rendering.status == .conflict, "\(rendering.text)")
            let missing = try await client.call("/api/v1/share-links", .post, key: team.api_key,
                                                json: #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 9}"#)
            let stranger = try await ShareFixtures.team(client: client)
            let foreign = try await client.call("/api/v1/share-links", .post, key: stranger.api_key,
                                                json: #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 1}"#)
            #expect(missing.status == .notFound && foreign.status == .notFound && refusal(missing) == refusal(foreign))
            for json in [#"{"kind": "cut", "storyboard_id": "\#(board)"}"#, #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 0}"#,
                         #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 1, "generation_id": "\#(takes[0])"}"#,
                         #"{"kind": "take", "generation_id": "\#(takes[0])", "storyboard_id": "\#(board)", "cut_number": 1}"#] {
                let bad = try await client.call("/api/v1/share-links", .post, key: team.api_key, json: json)
                #expect(bad.status == .unprocessableContent && bad.errorCode == "validation_failed", "\(json): \(bad.text)")
            }
            #expect(try await ShareFixtures.count("SELECT count(*)::int FROM share_links WHERE team_id = \(team.team_id)") == 1)
        }
    }

    @Test func aCutLinkReachesNoTakeNoOtherLinkKindsRouteAndNoAPI() async throws {
        try await ShareFixtures.withApp { client in
            let team = try await ShareFixtures.team(client: client)
            let (board, takes) = try await Self.storyboardWithCut(team, client: client)
            let ip = ShareFixtures.address()
            let link = try await ShareFixtures.share(team, #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 1}"#, client: client)
            let madeUp = "/s/" + RandomToken.make(bytes: 64)
            #expect(try await client.call(link.path + "/api/cut/video", key: nil, headers: ip).status == .ok)

            // The takes the cut lists are as unknown through its token as through a made-up one.
            var answers = Set<String>()
            for base in [link.path, madeUp] {
                for take in takes {
                    for path in ["/api/takes/\(take)/video", "/api/takes/\(take)/poster"] {
                        answers.insert(refusal(try await client.call(base + path, key: nil, headers: ip)))
                    }
                    answers.insert(refusal(try await client.call(base + "/api/takes/\(take)/verdict", .post, key: nil,
                                                                 json: #"{"verdict": "approved", "name": "Eve"}"#, headers: ip)))
                    answers.insert(refusal(try await client.call(base + "/api/takes/\(take)/comments", .post, key: nil,
                                                                 json: #"{"body": "no", "at_seconds": 1, "name": "Eve"}"#, headers: ip)))
                }
            }
            // A take link has no cut.
            let takeLink = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(takes[0])"}"#, client: client)
            for path in ["/api/cut/video", "/api/cut/poster"] {
                answers.insert(refusal(try await client.call(takeLink.path + path, key: nil, headers: ip)))
            }
            #expect(answers == ["404 not_found This link does not exist or is no longer shared."], "\(answers)")
            #expect(try await ShareFixtures.count("SELECT count(*)::int FROM take_reviews WHERE team_id = \(team.team_id)") == 0)
            #expect(try await ShareFixtures.count("SELECT count(*)::int FROM take_comments WHERE team_id = \(team.team_id)") == 0)

            // The token opens no /api/v1 route, the storyboard's own cut routes included.
            for route in ["/api/v1/storyboards/\(board)", "/api/v1/storyboards/\(board)/cuts/1/video", "/api/v1/generations/\(takes[0])"] {
                #expect(try await client.call(route, key: link.token).status == .unauthorized, "\(route)")
            }

            // Revoked: the cut is gone with the same 404.
            #expect(try await client.call("/api/v1/share-links/\(link.link.id)", .delete, key: team.api_key).status == .ok)
            for path in ["", "/api/link", "/api/cut/video", "/api/cut/poster"] {
                #expect(refusal(try await client.call(link.path + path, key: nil, headers: ip)) == refusal(try await client.call(madeUp + path, key: nil, headers: ip)))
            }

            // With a password, neither the cut nor its list shows before it is given.
            let guarded = try await ShareFixtures.share(team, #"{"kind": "cut", "storyboard_id": "\#(board)", "cut_number": 1, "password": "blue lighthouse"}"#,
                                                        client: client)
            let locked = try decode(Shared.self, from: try await client.call(guarded.path + "/api/link", key: nil, headers: ip))
            #expect(locked.locked && locked.cut == nil)
            let video = try await client.call(guarded.path + "/api/cut/video", key: nil, headers: ip)
            #expect(video.status == .unauthorized && video.errorCode == "password_required")
        }
    }

    // MARK: fixtures

    /// A storyboard of two finished takes with cut 1 ready (its video and poster archived, as the
    /// render job leaves them) and cut 2 still rendering.
    static func storyboardWithCut(_ team: TestTeam, client: some TestClientProtocol) async throws -> (UUID, [UUID]) {
        let campaign = try await ShareFixtures.campaign(team, client: client)
        let takes = [try await ShareFixtures.take(team, client: client, campaign: campaign), try await ShareFixtures.take(team, client: client, campaign: campaign)]
            .compactMap(UUID.init(uuidString:))
        let created = try await client.call("/api/v1/campaigns/\(campaign)/storyboards", .post, key: team.api_key, json: #"{"name": "Harbour teaser"}"#)
        #expect(created.status == .created, "\(created.text)")
        let board = try JSONDecoder.api.decode(Storyboard.self, from: Data(buffer: created.body)).id
        try await TestEnv.withAdmin { db, logger in
            let store = PostgresBlobStore(db: db, logger: logger)
            let video = try await store.put(team: team.team_id, contentType: "video/mp4", maxBytes: 1 << 20,
                                            from: [ByteBuffer(string: "cut video of \(board)")].async)
            let poster = try await store.put(team: team.team_id, contentType: "image/jpeg", maxBytes: 1 << 20, from: [ByteBuffer(string: "jpeg")].async)
            try await db.query("""
                INSERT INTO storyboard_cuts (team_id, storyboard_id, number, state, generation_ids, video_blob_id, poster_blob_id,
                                             duration_seconds, width, height, has_audio)
                VALUES (\(team.team_id), \(board), 1, 'ready', \(takes), \(video.id), \(poster.id), 16, 128, 72, true),
                       (\(team.team_id), \(board), 2, 'rendering', \(takes), NULL, NULL, NULL, NULL, NULL, NULL)
                """, logger: logger)
        }
        return (board, takes)
    }
}
