import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// Storyboards end to end against the provider simulator, the real database and the workers.
@Suite struct StoryboardPipelineTests {
    static let shot = #"{"prompt": {"text": "a lighthouse at dusk"}, "model": "veo-3.1-fast", "parameters": {"duration": 4, "aspect_ratio": "16:9"}}"#
    static let continuing = #"{"prompt": {"text": "the beam sweeps the sea"}, "model": "veo-3.1-fast", "parameters": {"duration": 4, "aspect_ratio": "16:9"}, "continuity": true}"#

    @Test func aThreeShotStoryboardWithContinuityRunsToTheEnd() async throws {
        try await PipelineHarness.run { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let campaign = try await api.campaign()
            let board = try await api.storyboard(campaign: campaign).id
            let shots = [try await api.addShot(board, Self.shot), try await api.addShot(board, Self.continuing), try await api.addShot(board, Self.continuing)]

            let quote = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate?dry_run=true", .post))
            #expect(quote.dry_run && quote.shots == 3 && quote.takes == 3 && quote.estimate_usd > 0)
            #expect(try await Self.count(h, "SELECT count(*) FROM generations") == 0, "a dry run queues nothing")

            let started = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            #expect(started.storyboard?.status == .running && started.estimate_usd == quote.estimate_usd)
            #expect(started.storyboard?.reserved_usd == quote.estimate_usd, "the whole storyboard is held up front")

            let done = try await Self.wait(api, board, for: [.finished])
            let made = try #require(done.shots)
            #expect(made.map(\.id) == shots.map(\.id))
            #expect(made.allSatisfy { $0.takes_made.count == 1 && $0.takes_made[0].state == "succeeded" })
            #expect(made.allSatisfy { $0.chosen_generation_id == $0.takes_made.first?.generation_id }, "a lone take is chosen automatically")
            #expect(done.reserved_usd == 0)

            // Shot 2 starts from the exact last frame of shot 1's chosen take.
            for (before, after) in zip(made, made.dropFirst()) {
                let frameAsset = try #require(after.continuity_asset_id)
                let png = try await h.client.call("/api/v1/assets/\(frameAsset)/content", key: h.team.api_key)
                #expect(png.status == .ok)
                let video = try await h.client.call("/api/v1/generations/\(try #require(before.chosen_generation_id))/video", key: h.team.api_key)
                let size = try FFmpeg.size(of: Data(buffer: video.body))
                let expected = try FFmpeg.lastRawFrame(of: Data(buffer: video.body), width: size.width, height: size.height)
                let actual = try FFmpeg.rawFrame(ofImage: Data(buffer: png.body), width: size.width, height: size.height)
                #expect(expected.count == size.width * size.height * 3)
                #expect(actual == expected, "the continuity frame has the pixels of the previous take's last frame")
                // The take's generation used it as its first frame, and the asset names the take it came from.
                let uses = try await Self.count(h, "SELECT count(*) FROM generation_assets WHERE role = 'first_frame' AND asset_id = '\(frameAsset)' AND generation_id = '\(after.takes_made[0].generation_id)'")
                #expect(uses == 1)
                #expect(try await Self.count(h, "SELECT count(*) FROM asset_frame_sources WHERE asset_id = '\(frameAsset)' AND generation_id = '\(before.chosen_generation_id!)'") == 1)
            }
            #expect(made[0].continuity_asset_id == nil)

            // The money: everything booked, nothing left reserved.
            #expect(try await Self.count(h, "SELECT count(*) FROM campaigns WHERE id = '\(campaign)' AND reserved_usd = 0 AND spent_usd > 0") == 1)
            #expect(try await Self.count(h, "SELECT count(*) FROM teams WHERE id = '\(h.team.team_id)' AND reserved_usd = 0") == 1)
            // The event stream's log: progress as shots start, then finished.
            #expect(try await Self.count(h, "SELECT count(*) FROM generation_events WHERE kind = 'storyboard.finished' AND data->>'storyboard_id' = '\(board.uuidString.lowercased())'") == 1)
            #expect(try await Self.count(h, "SELECT count(*) FROM generation_events WHERE kind = 'storyboard.progress' AND data->>'step' = 'shot_started'") == 3)
        }
    }

    @Test func overBudgetNothingIsQueued() async throws {
        try await PipelineHarness.run { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let campaign = try await api.campaign(budget: "1.50")
            let board = try await api.storyboard(campaign: campaign).id
            for json in [Self.shot, Self.continuing, Self.continuing] { _ = try await api.addShot(board, json) }
            let quote = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate?dry_run=true", .post))
            #expect(quote.estimate_usd > 1.5, "two shots would fit the budget, three do not: all or nothing")

            let refused = try await api.call("/storyboards/\(board)/generate", .post)
            #expect(refused.status.code == 402)
            #expect(try api.decode(StoryboardClient.ErrorBody.self, refused, status: .init(code: 402)).error.code == "budget_exceeded")
            #expect(try await Self.count(h, "SELECT count(*) FROM generations") == 0)
            #expect(try await Self.count(h, "SELECT count(*) FROM jobs WHERE kind = 'advance_storyboard'") == 0)
            #expect(try await Self.count(h, "SELECT count(*) FROM campaigns WHERE id = '\(campaign)' AND reserved_usd = 0") == 1)
            #expect(try await api.show(board).status == .draft)
        }
    }

    /// The advance job that started shot 1 is "killed" after its work committed (its row left
    /// running with an expired lease, so the rescuer hands it to another run), and more wake-ups
    /// race it: every shot is still made exactly once.
    @Test func aWorkerKilledMidStoryboardResumesWithoutADuplicateShot() async throws {
        var options = PipelineHarness.Options()
        options.simulator = SimulatorConfig(latencySeconds: 1.5, retentionSeconds: 3600)
        try await PipelineHarness.run(options) { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let board = try await api.storyboard(campaign: try await api.campaign()).id
            for json in [Self.shot, Self.continuing] { _ = try await api.addShot(board, json) }
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            let deadline = ContinuousClock.now + .seconds(20)
            while try await Self.count(h, "SELECT count(*) FROM storyboard_shot_takes") == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Self.exec(h, """
                UPDATE jobs SET state = 'running', lease_token = gen_random_uuid(), lease_expires_at = now() - interval '1 second', finished_at = NULL
                WHERE kind = 'advance_storyboard'
                """)
            for _ in 0..<3 {
                try await Self.exec(h, """
                    INSERT INTO jobs (kind, team_id, payload, state, max_attempts, run_at)
                    VALUES ('advance_storyboard', '\(h.team.team_id)', '{"storyboard": "\(board)"}', 'queued', 5, now())
                    """)
            }
            let done = try await Self.wait(api, board, for: [.finished])
            #expect(done.shots?.map(\.takes_made.count) == [1, 1])
            #expect(try await Self.count(h, "SELECT count(*) FROM generations") == 2, "no duplicate shot")
            #expect(try await Self.count(h, "SELECT count(*) FROM storyboard_shot_takes") == 2)
            #expect(try await Self.count(h, "SELECT count(*) FROM jobs WHERE kind = 'advance_storyboard' AND state = 'dead'") == 0)
        }
    }

    @Test func aFailedShotPausesAndResumeRemakesOnlyThatShot() async throws {
        try await PipelineHarness.run { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let campaign = try await api.campaign()
            let board = try await api.storyboard(campaign: campaign).id
            let first = try await api.addShot(board, Self.shot)
            let second = try await api.addShot(board, Self.continuing)
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            // Shot 1 succeeds; then the provider fails every job, so shot 2 fails.
            _ = try await Self.wait(api, board, until: { $0.shots?[0].chosen_generation_id != nil })
            await h.simulator.setFaults([], failRate: 1)
            let paused = try await Self.wait(api, board, for: [.paused])
            #expect(paused.error?.shot_id == second.id)
            #expect(paused.error?.message.contains("Shot 2 failed") == true, "\(paused.error?.message ?? "")")
            #expect(paused.shots?[1].takes_made.map(\.state) == ["failed"])
            #expect(paused.reserved_usd == 0, "the failed take's reservation went back; nothing else was left to hold")
            #expect(try await Self.count(h, "SELECT count(*) FROM generation_events WHERE kind = 'storyboard.paused'") == 1)
            // Shots do not change while running, but may while paused.
            #expect(try await api.call("/storyboards/\(board)/resume", .post).status == .accepted)
            await h.simulator.setFaults([], failRate: 0)
            let done = try await Self.wait(api, board, for: [.finished])
            let shots = try #require(done.shots)
            #expect(shots[0].chosen_generation_id == paused.shots?[0].chosen_generation_id, "shot 1 is not made again")
            #expect(shots[1].takes_made.map(\.state) == ["succeeded"], "the current round of shot 2 is the remade take")
            #expect(done.error == nil)
            #expect(try await Self.count(h, "SELECT count(*) FROM storyboard_shot_takes WHERE shot_id = '\(first.id)'") == 1)
            #expect(try await Self.count(h, "SELECT count(*) FROM storyboard_shot_takes WHERE shot_id = '\(second.id)'") == 2)
            #expect(try await api.call("/storyboards/\(board)/resume", .post).status == .conflict, "only a paused storyboard resumes")
        }
    }

    // MARK: helpers

    static func wait(_ api: StoryboardClient, _ board: UUID, for states: Set<Storyboard.Status>, timeout: Duration = .seconds(60)) async throws -> Storyboard {
        try await wait(api, board, timeout: timeout) { states.contains($0.status) }
    }

    static func wait(_ api: StoryboardClient, _ board: UUID, timeout: Duration = .seconds(60), until done: (Storyboard) -> Bool) async throws -> Storyboard {
        let deadline = ContinuousClock.now + timeout
        var last = try await api.show(board)
        while !done(last), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            last = try await api.show(board)
        }
        #expect(done(last), "storyboard stuck: \(last.status) \(last.error?.message ?? "") \(last.shots?.map { $0.takes_made.map(\.state) } ?? [])")
        return last
    }

    static func count(_ h: PipelineHarness, _ sql: String) async throws -> Int {
        try await h.sql { db, logger in try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self).firstElement() ?? -1 }
    }

    static func exec(_ h: PipelineHarness, _ sql: String) async throws {
        _ = try await h.sql { db, logger in try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger); return 0 }
    }
}

/// ffmpeg and ffprobe run by the test itself, independently of the service's Video toolkit.
enum FFmpeg {
    static func size(of video: Data) throws -> (width: Int, height: Int) {
        let out = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", "-i", try file(video, "mp4").path])
        let parts = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
        guard parts.count == 2 else { throw FFmpegFailure(message: "ffprobe gave no size") }
        return (parts[0], parts[1])
    }

    /// Every frame decoded to RGB24; the last `width × height × 3` bytes are the last frame.
    static func lastRawFrame(of video: Data, width: Int, height: Int) throws -> Data {
        let all = try run("ffmpeg", ["-nostdin", "-v", "error", "-i", try file(video, "mp4").path, "-an", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        return all.suffix(width * height * 3)
    }

    static func rawFrame(ofImage image: Data, width: Int, height: Int) throws -> Data {
        try run("ffmpeg", ["-nostdin", "-v", "error", "-i", try file(image, "png").path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    }

    struct FFmpegFailure: Error { let message: String }

    private static func file(_ data: Data, _ ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("storyboard-test-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        return url
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(PosterExtractor.locate(tool)))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FFmpegFailure(message: "\(tool) exited \(process.terminationStatus)") }
        return out
    }
}
