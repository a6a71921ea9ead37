import Foundation
import Testing
@testable import Reelbase

/// Storyboard and cut events leave as webhooks from the transactions that make them happen:
/// a storyboard run to its end and a cut of it reach a subscribed receiver, signed.
@Suite struct StoryboardWebhookTests {
    /// The fields the test reads from `storyboard.*` and `cut.*` data.
    struct Fields: Decodable {
        let storyboard_id: UUID
        let campaign_id: UUID
        let name: String?
        let status: String?
        let shot_id: UUID?
        let message: String?
        let url: String?
        let number: Int?
        let state: String?
        let generation_ids: [UUID]?
        let duration_seconds: Double?
        let video_url: String?
    }

    @Test func aFinishedStoryboardAndItsReadyCutArriveSigned() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await PipelineHarness.run(receiver.allowedBy(PipelineHarness.Options())) { h in
            let created = try await h.client.call("/api/v1/webhook-endpoints", .post, key: h.team.api_key,
                                                  json: #"{"url": "\#(receiver.url)", "events": ["storyboard.finished", "cut.ready"]}"#)
            #expect(created.status == .created, "\(created.text)")
            let secret = try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: created.body)).secret

            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let campaign = try await api.campaign()
            let board = try await api.storyboard(campaign: campaign, name: "Harbour teaser").id
            for json in [StoryboardPipelineTests.shot, StoryboardPipelineTests.continuing] { _ = try await api.addShot(board, json) }
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            let done = try await StoryboardPipelineTests.wait(api, board, for: [.finished])
            let takes = try #require(done.shots).compactMap(\.chosen_generation_id)
            #expect(takes.count == 2)

            _ = try api.decode(Cut.self, try await api.call("/storyboards/\(board)/cuts", .post), status: .accepted)
            let cut = try await CutTests.waitReady(api, board, 1)
            #expect(cut.state == .ready, "\(cut.error ?? "")")

            let deadline = ContinuousClock.now + .seconds(30)
            while receiver.received.count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .milliseconds(500))  // progress events are not webhooks: nothing else arrives
            let requests = receiver.received
            let verifier = StandardWebhooksVerifier(secret: secret)
            for request in requests {
                #expect(throws: Never.self) { try verifier.verify(headers: request.headers, body: request.body, now: Date()) }
            }
            let events = try requests.map { try JSONDecoder.api.decode(EventBody<Fields>.self, from: Data($0.body.utf8)) }
            #expect(events.map(\.type).sorted() == ["cut.ready", "storyboard.finished"], "\(events.map(\.type))")

            let finished = try #require(events.first { $0.type == "storyboard.finished" }?.data)
            #expect(finished.storyboard_id == board && finished.campaign_id == campaign)
            #expect(finished.name == "Harbour teaser" && finished.status == "finished")
            #expect(finished.url == "/api/v1/storyboards/\(board.uuidString.lowercased())")

            let ready = try #require(events.first { $0.type == "cut.ready" }?.data)
            #expect(ready.storyboard_id == board && ready.number == 1 && ready.state == "ready")
            #expect(ready.generation_ids == takes, "the takes the cut joined, in order")
            #expect(ready.duration_seconds == cut.duration_seconds)
            #expect(ready.video_url == cut.video_url)
            // The receiver's 200 is on the delivery log.
            let endpoint = try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: created.body)).endpoint
            let log = try await h.client.call("/api/v1/webhook-endpoints/\(endpoint.id)/deliveries", key: h.team.api_key)
            let deliveries = try JSONDecoder.api.decode(PageBody<WebhookDelivery>.self, from: Data(buffer: log.body)).data
            #expect(Set(deliveries.map(\.event_type)) == ["storyboard.finished", "cut.ready"])
            #expect(deliveries.allSatisfy { $0.status == "succeeded" && $0.response_status == 200 })
        }
    }

    /// A failed shot pauses the storyboard: `storyboard.paused` carries the shot and the reason,
    /// and an endpoint subscribed to it alone gets nothing else.
    @Test func aPausedStoryboardArrivesWithItsFailedShot() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await PipelineHarness.run(receiver.allowedBy(PipelineHarness.Options())) { h in
            let created = try await h.client.call("/api/v1/webhook-endpoints", .post, key: h.team.api_key,
                                                  json: #"{"url": "\#(receiver.url)", "events": ["storyboard.paused"]}"#)
            let secret = try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: created.body)).secret
            let api = StoryboardClient(client: h.client, key: h.team.api_key)
            let board = try await api.storyboard(campaign: try await api.campaign()).id
            let shot = try await api.addShot(board, StoryboardPipelineTests.shot)
            await h.simulator.setFaults([], failRate: 1)
            _ = try api.decode(StoryboardController.RunAnswer.self, try await api.call("/storyboards/\(board)/generate", .post), status: .accepted)
            let paused = try await StoryboardPipelineTests.wait(api, board, for: [.paused])

            let deadline = ContinuousClock.now + .seconds(30)
            while receiver.received.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .milliseconds(500))
            let requests = receiver.received
            #expect(requests.count == 1, "only the subscribed type: no generation.failed, no progress")
            let request = try #require(requests.first)
            #expect(throws: Never.self) { try StandardWebhooksVerifier(secret: secret).verify(headers: request.headers, body: request.body, now: Date()) }
            let event = try JSONDecoder.api.decode(EventBody<Fields>.self, from: Data(request.body.utf8))
            #expect(event.type == "storyboard.paused" && event.data.status == "paused")
            #expect(event.data.storyboard_id == board && event.data.shot_id == shot.id)
            #expect(event.data.message == paused.error?.message && event.data.message?.contains("Shot 1 failed") == true)
        }
    }
}
