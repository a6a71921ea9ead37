import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

/// Storyboard events reach the team's event stream (`GET /events`) under their own name, with
/// the ids a page needs, and never another team's stream.
@Suite struct StoryboardEventTests {
    @Test func generateSendsStoryboardProgressOnTheTeamsStreamOnly() async throws {
        let a = try await TestEnv.makeTeam(), b = try await TestEnv.makeTeam()
        MetricsSetup.bootstrap()
        let app = try await buildApplication(TestEnv.allowingSimulator(try TestEnv.config()), logger: TestEnv.logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let api = StoryboardClient(client: client, key: a.api_key)
            try await StoryboardCRUDTests.addAccount(api)
            let campaign = try await api.campaign()
            let board = try await api.storyboard(campaign: campaign).id
            _ = try await api.addShot(board, StoryboardCRUDTests.shot)
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)

            let id = board.uuidString.lowercased()
            let stream = try await SSE.read(port: port, key: a.api_key, query: "?last_event_id=0") { $0.contains("event: storyboard.progress") }
            #expect(stream.contains("event: storyboard.progress"))
            #expect(stream.contains(#""storyboard_id":"\#(id)""#) && stream.contains(#""campaign_id":"\#(campaign.uuidString.lowercased())""#))
            #expect(stream.contains(#""status":"running""#))
            // Team B, with a storyboard of its own, sees its events and none of A's.
            let other = StoryboardClient(client: client, key: b.api_key)
            try await StoryboardCRUDTests.addAccount(other)
            let theirs = try await other.storyboard(campaign: try await other.campaign()).id
            _ = try await other.addShot(theirs, StoryboardCRUDTests.shot)
            _ = try other.decode(StoryboardController.RunAnswer.self, try await other.call("/storyboards/\(theirs)/generate", .post), status: .accepted)
            let streamB = try await SSE.read(port: port, key: b.api_key, query: "?last_event_id=0") { $0.contains(theirs.uuidString.lowercased()) }
            #expect(!streamB.contains(id))
        }
    }
}
