import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

/// A shot with several takes waits for a person's choice before the next shot continues from
/// it; and a storyboard's work lives in the database, so a worker started later finishes it.
@Suite struct StoryboardChoiceTests {
    @Test func severalTakesWaitForAPersonToChoose() async throws {
        try await PipelineHarness.run { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let board = try await api.storyboard(campaign: try await api.campaign()).id
            let first = try await api.addShot(board, #"{"prompt": {"text": "a lighthouse"}, "model": "veo-3.1-fast", "parameters": {"duration": 4, "seed": 7}, "takes": 2}"#)
            let second = try await api.addShot(board, StoryboardPipelineTests.continuing)

            let viewer = StoryboardClient(client: h.client, key: try await Library.key("viewer", team: h.team, client: h.client))
            #expect(try await viewer.call("/storyboards/\(board)/generate?dry_run=true", .post).status == .ok, "a quote is for any member")
            #expect(try await viewer.call("/storyboards/\(board)/generate", .post).status == .forbidden)
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            #expect(try await api.call("/storyboards/\(board)/generate", .post).status == .conflict, "already running")
            #expect(try await api.call("/storyboards/\(board)/shots", .post, json: StoryboardPipelineTests.shot).status == .conflict,
                    "shots do not change while running")

            let waiting = try await StoryboardPipelineTests.wait(api, board) { $0.waiting_for_choice != nil }
            #expect(waiting.status == .running && waiting.waiting_for_choice?.shot_id == first.id)
            let takes = try #require(waiting.shots?[0].takes_made)
            #expect(takes.map(\.take_index) == [0, 1] && takes.allSatisfy { $0.state == "succeeded" })
            #expect(waiting.shots?[0].chosen_generation_id == nil && waiting.shots?[1].takes_made.isEmpty == true)

            let path = "/storyboards/\(board)/shots/\(first.id)/chosen-take"
            #expect(try await api.call(path, .put, json: #"{"generation_id": "\#(UUID())"}"#).status == .unprocessableContent)
            #expect(try await viewer.call(path, .put, json: #"{"generation_id": "\#(takes[1].generation_id)"}"#).status == .forbidden)
            let chosen = try api.decode(Shot.self, try await api.call(path, .put, json: #"{"generation_id": "\#(takes[1].generation_id)"}"#))
            #expect(chosen.chosen_generation_id == takes[1].generation_id)

            let done = try await StoryboardPipelineTests.wait(api, board, for: [.finished])
            let frame = try #require(done.shots?[1].continuity_asset_id)
            #expect(done.shots?[1].id == second.id)
            #expect(try await StoryboardPipelineTests.count(h, """
                SELECT count(*) FROM asset_frame_sources WHERE asset_id = '\(frame)' AND generation_id = '\(takes[1].generation_id)'
                """) == 1, "the frame came from the chosen take, not the first one")
        }
    }

    @Test func aStoryboardStartedWithNoWorkerFinishesWhenOneStarts() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let board = try await api.storyboard(campaign: try await api.campaign()).id
            _ = try await api.addShot(board, StoryboardPipelineTests.shot)
            _ = try await api.addShot(board, StoryboardPipelineTests.continuing)
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            #expect(try await StoryboardPipelineTests.count(h, "SELECT count(*) FROM jobs WHERE kind = 'advance_storyboard' AND state = 'queued'") == 1)

            // A new process (the same configuration, with its worker) picks the work up from the database.
            var config = h.config
            config.runWorker = true
            let restarted = try await buildApplication(config, logger: Logger(label: "restarted"))
            try await restarted.test(.router) { client in
                let again = StoryboardClient(client: client, key: h.team.api_key)
                let done = try await StoryboardPipelineTests.wait(again, board, for: [.finished])
                #expect(done.shots?.map(\.takes_made.count) == [1, 1])
                #expect(done.shots?[1].continuity_asset_id != nil)
            }
        }
    }
}
