import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// Cuts against the simulator's real clips and the real database: the chosen takes joined in
/// shot order, measured with ffprobe; 409 naming the shots without a chosen take; numbering;
/// Range requests; another team's ids answer 404.
@Suite struct CutTests {
    @Test func aCutJoinsTheChosenTakesInOrderWithTheirSound() async throws {
        try await PipelineHarness.run { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            // Takes of different lengths, one silent and one portrait: the cut re-encodes them into the first one's frame.
            let takes = [
                try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "dawn over the bay", "duration": 4, "generate_audio": true}"#),
                try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a gull lands", "duration": 6, "generate_audio": false, "aspect_ratio": "9:16"}"#),
                try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "the gull leaves", "duration": 4, "generate_audio": true}"#),
            ]
            var takeSeconds = 0.0
            for take in takes {
                try await h.wait(take, for: ["succeeded"], timeout: .seconds(60))
                let video = try await h.client.call("/api/v1/generations/\(take)/video", key: h.team.api_key)
                takeSeconds += try #require(Double(try await VideoFixtures.measure(Data(buffer: video.body))["format.duration"] ?? ""))
            }
            #expect(abs(takeSeconds - 14) < 0.2, "the simulator made clips of the requested durations")

            let board = try await api.storyboard(campaign: try await api.campaign())
            var shots: [Shot] = []
            for take in takes {
                let shot = try await api.addShot(board.id, #"{"prompt": {"text": "shot"}, "model": "veo-3.1-fast"}"#)
                try await Self.linkTake(h, shot: shot.id, generation: take)
                shots.append(shot)
            }
            for (shot, take) in zip(shots, takes).prefix(2) {
                let chosen = try await api.call("/storyboards/\(board.id)/shots/\(shot.id)/chosen-take", .put, json: #"{"generation_id": "\#(take)"}"#)
                #expect(chosen.status == .ok, "\(chosen.text)")
            }

            // The third shot has no chosen take yet: 409 naming it, and nothing is queued.
            let refused = try await api.call("/storyboards/\(board.id)/cuts", .post)
            #expect(refused.status == .conflict)
            let problem = try JSONDecoder.api.decode(CutProblem.self, from: Data(buffer: refused.body))
            #expect(problem.error.code == "takes_not_chosen")
            #expect(problem.error.details.shots.map(\.shot_id) == [shots[2].id])
            #expect(try await Self.list(api, board.id).isEmpty)

            let last = try await api.call("/storyboards/\(board.id)/shots/\(shots[2].id)/chosen-take", .put, json: #"{"generation_id": "\#(takes[2])"}"#)
            #expect(last.status == .ok, "\(last.text)")
            let started = try api.decode(Cut.self, try await api.call("/storyboards/\(board.id)/cuts", .post), status: .accepted)
            #expect(started.number == 1 && started.state == .rendering && started.video_url == nil)
            #expect(started.generation_ids.map { $0.uuidString.lowercased() } == takes.map { $0.lowercased() })

            let cut = try await Self.waitReady(api, board.id, 1)
            #expect(cut.state == .ready, "\(cut.error ?? "")")
            #expect(cut.has_audio == true && cut.width == 128 && cut.height == 72)
            let path = "/storyboards/\(board.id)/cuts/1"
            #expect(cut.video_url == "/api/v1" + path.lowercased() + "/video" && cut.poster_url == "/api/v1" + path.lowercased() + "/poster")

            // Measured independently: the sum of the takes' durations, with an audio stream.
            let video = try await api.call(path + "/video")
            #expect(video.status == .ok && video.headers[.contentType] == "video/mp4")
            let measured = try await VideoFixtures.measure(Data(buffer: video.body))
            let seconds = try #require(Double(measured["format.duration"] ?? ""))
            #expect(abs(seconds - takeSeconds) < 0.1, "cut \(seconds) s, takes \(takeSeconds) s")
            #expect(abs((cut.duration_seconds ?? 0) - seconds) < 0.01)
            #expect(measured["audio.codec_type"] == "audio")

            // Ranges, like a generation's video.
            let part = try await h.client.call("/api/v1" + path + "/video", key: h.team.api_key, headers: [.range: "bytes=0-99"])
            #expect(part.status == .partialContent && part.body.readableBytes == 100)
            #expect(part.headers[.contentRange] == "bytes 0-99/\(video.body.readableBytes)")
            let poster = try await api.call(path + "/poster")
            #expect(poster.status == .ok && poster.headers[.contentType] == "image/jpeg")

            // The next cut is number 2; the list has both, oldest first.
            let second = try api.decode(Cut.self, try await api.call("/storyboards/\(board.id)/cuts", .post), status: .accepted)
            #expect(second.number == 2)
            #expect(try await Self.list(api, board.id).map(\.number) == [1, 2])

            // The event stream's log has the cut's event with the ids a page needs.
            let events = try await h.sql { db, logger in
                var numbers: [String] = []
                let rows = try await db.query("SELECT data->>'number' FROM generation_events WHERE kind = 'cut.ready' AND data->>'storyboard_id' = \(board.id.uuidString.lowercased())",
                                              logger: logger)
                for try await number in rows.decode(String.self) { numbers.append(number) }
                return numbers
            }
            #expect(events.contains("1"))

            // Another team's key answers exactly like a random id.
            let other = try await TestEnv.makeTeam("Other", config: h.config, ownerEmail: "other-\(UUID().uuidString.prefix(6))@example.com")
            for (uri, method) in [(path, HTTPRequest.Method.get), (path + "/video", .get), (path + "/poster", .get),
                                  ("/storyboards/\(board.id)/cuts", .get), ("/storyboards/\(board.id)/cuts", .post)] {
                let foreign = try await h.client.call("/api/v1" + uri, method, key: other.api_key)
                let random = try await h.client.call("/api/v1" + uri.replacingOccurrences(of: board.id.uuidString.lowercased(), with: UUID().uuidString.lowercased())
                                                        .replacingOccurrences(of: board.id.uuidString, with: UUID().uuidString), method, key: h.team.api_key)
                #expect(foreign.status == .notFound && random.status == .notFound, "\(method) \(uri)")
                #expect(foreign.errorCode == random.errorCode)
            }
            #expect(try await api.call("/storyboards/\(board.id)/cuts/99").status == .notFound)
            #expect(try await api.call("/storyboards/\(board.id)/cuts/abc").status == .notFound)
        }
    }

    @Test func anEmptyStoryboardHasNothingToCut() async throws {
        try await PipelineHarness.run(.init(workerRunning: false)) { h in
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let board = try await api.storyboard(campaign: try await api.campaign())
            let refused = try await api.call("/storyboards/\(board.id)/cuts", .post)
            #expect(refused.status == .conflict && refused.errorCode == "no_shots")
        }
    }

    // MARK: helpers

    /// Records `generation` as the shot's first take of its current round, as the storyboard run does.
    static func linkTake(_ h: PipelineHarness, shot: UUID, generation: String) async throws {
        let id = try #require(UUID(uuidString: generation))
        try await h.sql { db, logger in
            try await db.query("""
                INSERT INTO storyboard_shot_takes (shot_id, round, take_index, generation_id)
                SELECT id, round, 0, \(id) FROM storyboard_shots WHERE id = \(shot)
                """, logger: logger)
        }
    }

    static func list(_ api: StoryboardClient, _ board: UUID) async throws -> [Cut] {
        try api.decode(StoryboardClient.Listed<Cut>.self, try await api.call("/storyboards/\(board)/cuts")).data
    }

    static func waitReady(_ api: StoryboardClient, _ board: UUID, _ number: Int) async throws -> Cut {
        let deadline = ContinuousClock.now + .seconds(90)
        while true {
            let cut = try api.decode(Cut.self, try await api.call("/storyboards/\(board)/cuts/\(number)"))
            if cut.state != .rendering || ContinuousClock.now > deadline { return cut }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    struct CutProblem: Decodable {
        struct Shot: Decodable { let shot_id: UUID; let position: Int; let reason: String }
        struct Details: Decodable { let shots: [Shot] }
        struct Inner: Decodable { let code: String; let details: Details }
        let error: Inner
    }
}
