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
            let ours = StoryboardClient(client: client, key: a.api_key), theirs = StoryboardClient(client: client, key: b.api_key)
            var boards: [UUID] = []
            for api in [ours, theirs] {
                try await StoryboardCRUDTests.addAccount(api)
                let board = try await api.storyboard(campaign: try await api.campaign()).id
                _ = try await api.addShot(board, StoryboardCRUDTests.shot)
                boards.append(board)
            }
            let (mine, other) = (boards[0].uuidString.lowercased(), boards[1].uuidString.lowercased())

            // Both streams open first, then both teams press generate: each stream gets its own
            // team's storyboard.progress live, and never the other's.
            let opened = AsyncStream.makeStream(of: Void.self)
            async let streamA = SSE.read(port: port, key: a.api_key, opened: opened.continuation) { $0.contains("event: storyboard.progress") }
            async let streamB = SSE.read(port: port, key: b.api_key, opened: opened.continuation) { $0.contains("event: storyboard.progress") }
            var iterator = opened.stream.makeAsyncIterator()
            _ = await iterator.next()
            _ = await iterator.next()
            _ = try theirs.decode(StoryboardController.RunAnswer.self, try await theirs.call("/storyboards/\(boards[1])/generate", .post), status: .accepted)
            _ = try ours.decode(StoryboardController.RunAnswer.self, try await ours.call("/storyboards/\(boards[0])/generate", .post), status: .accepted)

            let (textA, textB) = try await (streamA, streamB)
            #expect(textA.contains(#""storyboard_id":"\#(mine)""#) && textA.contains(#""status":"running""#), "\(textA)")
            #expect(!textA.contains(other))
            #expect(textB.contains(#""storyboard_id":"\#(other)""#) && !textB.contains(mine), "\(textB)")
        }
    }
}
