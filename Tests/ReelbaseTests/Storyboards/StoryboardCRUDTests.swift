import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

/// Storyboards and shots: create, read, change, reorder, duplicate, delete; validation as
/// POST /generations; another team's ids answer 404 like random ones.
@Suite struct StoryboardCRUDTests {
    static let shot = #"{"prompt": {"text": "a lighthouse at dusk"}, "model": "veo-3.1-fast", "parameters": {"duration": 4}}"#

    @Test func shotsAreOrderedDuplicatedReorderedAndRemoved() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let api = StoryboardClient(client: client, key: team.api_key)
            try await Self.addAccount(api)
            let campaign = try await api.campaign()
            let board = try await api.storyboard(campaign: campaign)
            #expect(board.status == .draft && board.campaign_id == campaign && board.error == nil)

            let first = try await api.addShot(board.id, Self.shot)
            let second = try await api.addShot(board.id, #"{"prompt": {"text": "the lamp turns"}, "model": "veo-3.1-fast", "continuity": true, "takes": 2}"#)
            #expect(first.position == 0 && second.position == 1 && second.continuity && second.takes == 2)
            let copy = try api.decode(Shot.self, try await api.call("/storyboards/\(board.id)/shots/\(first.id)/duplicate", .post), status: .created)
            #expect(copy.position == 1 && copy.prompt == first.prompt && copy.id != first.id)

            var shown = try await api.show(board.id)
            #expect(shown.shots?.map(\.id) == [first.id, copy.id, second.id])

            // Reorder: must be exactly the shots; a continuity shot cannot come first.
            let bad = try await api.call("/storyboards/\(board.id)/shot-order", .put, json: #"{"shot_ids": ["\#(first.id)"]}"#)
            #expect(bad.status == .unprocessableContent)
            let continuityFirst = try await api.call("/storyboards/\(board.id)/shot-order", .put,
                                                     json: #"{"shot_ids": ["\#(second.id)", "\#(first.id)", "\#(copy.id)"]}"#)
            #expect(continuityFirst.status == .conflict)
            let reordered = try api.decode(Storyboard.self, try await api.call("/storyboards/\(board.id)/shot-order", .put,
                                                                               json: #"{"shot_ids": ["\#(copy.id)", "\#(second.id)", "\#(first.id)"]}"#))
            #expect(reordered.shots?.map(\.id) == [copy.id, second.id, first.id])
            #expect(reordered.shots?.map(\.position) == [0, 1, 2])

            // PATCH changes only what it names; null clears.
            let patched = try api.decode(Shot.self, try await api.call("/storyboards/\(board.id)/shots/\(second.id)", .patch,
                                                                       json: #"{"takes": 3, "parameters": {"duration": 6}}"#))
            #expect(patched.takes == 3 && patched.parameters.duration == 6 && patched.continuity && patched.prompt.text == "the lamp turns")

            #expect(try await api.call("/storyboards/\(board.id)/shots/\(copy.id)", .delete).status == .conflict, "second would come first with continuity")
            #expect(try await api.call("/storyboards/\(board.id)/shots/\(first.id)", .delete).status == .noContent)
            shown = try await api.show(board.id)
            #expect(shown.shots?.map(\.id) == [copy.id, second.id])

            let renamed = try api.decode(Storyboard.self, try await api.call("/storyboards/\(board.id)", .patch, json: #"{"name": "Final teaser"}"#))
            #expect(renamed.name == "Final teaser")
            let listed = try api.decode(StoryboardClient.Listed<Storyboard>.self, try await api.call("/campaigns/\(campaign)/storyboards"))
            #expect(listed.data.map(\.id) == [board.id])

            #expect(try await api.call("/storyboards/\(board.id)", .delete).status == .noContent)
            #expect(try await api.call("/storyboards/\(board.id)").status == .notFound)
        }
    }

    @Test func invalidShotsAreRefusedWithTheirProblems() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let api = StoryboardClient(client: client, key: team.api_key)
            try await Self.addAccount(api)
            let board = try await api.storyboard(campaign: try await api.campaign())
            for body in [#"{"prompt": {"text": "x"}, "model": "no-such-model"}"#,
                         #"{"prompt": {"text": "x"}, "model": "veo-3.1-fast", "takes": 5}"#,
                         #"{"prompt": {"text": "x"}, "model": "veo-3.1-fast", "parameters": {"duration": 99}}"#,
                         #"{"prompt": {"text": "x"}, "model": "veo-3.1-fast", "continuity": true}"#,
                         #"{"prompt": {"prompt_version_id": "\#(UUID())"}, "model": "veo-3.1-fast"}"#,
                         #"{"prompt": {"text": "x"}, "model": "veo-3.1-fast", "first_frame_asset_id": "\#(UUID())"}"#,
                         #"{"model": "veo-3.1-fast"}"#] {
                let response = try await api.call("/storyboards/\(board.id)/shots", .post, json: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
            }
            #expect(try await api.show(board.id).shots?.isEmpty == true, "nothing half-written")
            // An empty storyboard has nothing to generate.
            #expect(try await api.call("/storyboards/\(board.id)/generate?dry_run=true", .post).status == .unprocessableContent)
        }
    }

    @Test func anotherTeamsStoryboardIsNotFound() async throws {
        let team = try await TestEnv.makeTeam(), other = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let api = StoryboardClient(client: client, key: team.api_key)
            try await Self.addAccount(api)
            let campaign = try await api.campaign()
            let board = try await api.storyboard(campaign: campaign)
            let shot = try await api.addShot(board.id, Self.shot)
            let stranger = StoryboardClient(client: client, key: other.api_key)
            let probes: [(String, HTTPRequest.Method, String?)] = [
                ("/storyboards/\(board.id)", .get, nil), ("/storyboards/\(board.id)", .patch, #"{"name": "x"}"#),
                ("/storyboards/\(board.id)", .delete, nil), ("/campaigns/\(campaign)/storyboards", .get, nil),
                ("/campaigns/\(campaign)/storyboards", .post, #"{"name": "x"}"#), ("/storyboards/\(board.id)/shots", .post, Self.shot),
                ("/storyboards/\(board.id)/shots/\(shot.id)", .patch, #"{"takes": 2}"#), ("/storyboards/\(board.id)/shots/\(shot.id)", .delete, nil),
                ("/storyboards/\(board.id)/shots/\(shot.id)/duplicate", .post, nil),
                ("/storyboards/\(board.id)/shot-order", .put, #"{"shot_ids": ["\#(shot.id)"]}"#),
                ("/storyboards/\(board.id)/shots/\(shot.id)/chosen-take", .put, #"{"generation_id": "\#(UUID())"}"#),
                ("/storyboards/\(board.id)/generate", .post, nil), ("/storyboards/\(board.id)/generate?dry_run=true", .post, nil),
                ("/storyboards/\(board.id)/resume", .post, nil),
            ]
            for (path, method, body) in probes {
                let foreign = try await stranger.call(path, method, json: body)
                let random = try await stranger.call(path.replacingOccurrences(of: board.id.uuidString, with: UUID().uuidString)
                    .replacingOccurrences(of: campaign.uuidString, with: UUID().uuidString), method, json: body)
                #expect(foreign.status == .notFound && random.status == .notFound, "\(method) \(path): \(foreign.text)")
                #expect(try stranger.decode(StoryboardClient.ErrorBody.self, foreign, status: .notFound).error.code == "not_found")
            }
            #expect(try await api.show(board.id).shots?.count == 1, "nothing changed")
        }
    }

    static func addAccount(_ api: StoryboardClient) async throws {
        let response = try await api.call("/provider-accounts", .post, json: """
            {"provider": "segmind", "name": "sim", "api_key": "sim-key-\(UUID().uuidString.prefix(8))", "base_url": "http://127.0.0.1:9", "mode": "async"}
            """)
        #expect(response.status == .created, "\(response.text)")
    }
}
