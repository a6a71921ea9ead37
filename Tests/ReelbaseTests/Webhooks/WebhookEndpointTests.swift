import Foundation
import HTTPTypes
import Testing
@testable import Reelbase

/// Endpoints: owners manage them, the secret is shown once, URLs pass the outbound guard at
/// creation and again at every delivery.
@Suite struct WebhookEndpointTests {
    @Test func privateAddressesAreRefusedAtCreationAndAtDelivery() async throws {
        try await WebhookTestBed.run { bed in
            // At creation: private, loopback (another port than the one the operator allowed),
            // metadata and link-local addresses, and names that resolve to them.
            bed.resolver.set("internal.example.test", [ip("10.1.2.3")])
            for url in ["https://10.0.0.1/hook", "http://127.0.0.1:\(bed.receiver.port + 1)/hook", "https://169.254.169.254/latest",
                        "https://[::1]/hook", "https://internal.example.test/hook", "ftp://example.com/hook"] {
                let response = try await bed.client.call("/api/v1/webhook-endpoints", .post, key: bed.team.api_key,
                                                         json: #"{"url": "\#(url)", "events": ["alert.raised"]}"#)
                #expect(response.status == .unprocessableContent, "\(url): \(response.text)")
                #expect(response.errorCode == "validation_failed")
            }
            #expect(try await bed.count("SELECT count(*)::int FROM webhook_endpoints") == 0)

            // At delivery: a name that was public at creation and points inside by the time of the
            // delivery (DNS rebinding) is refused before any byte is sent, and not retried.
            bed.resolver.set("hooks.example.test", [ip("93.184.216.34")])
            let created = try await bed.createEndpoint(url: "https://hooks.example.test/hook", events: ["alert.raised"])
            bed.resolver.set("hooks.example.test", [ip("127.0.0.1")])
            try await bed.raiseAlert()
            #expect(try await bed.runDueJobs() == 1)
            let delivery = try #require(try await bed.deliveries(created.endpoint.id).first)
            #expect(delivery.status == "failed")
            #expect(delivery.attempts == 1)
            #expect(delivery.response_status == nil)
            #expect(delivery.last_error?.contains("loopback") == true, "\(delivery.last_error ?? "")")
            bed.clock.advance(by: 86_400)
            #expect(try await bed.runDueJobs() == 0)
            #expect(bed.receiver.connections == 0)

            // Control: the loopback receiver the operator allowed does get deliveries.
            _ = try await bed.createEndpoint(events: ["alert.raised"])
            try await bed.raiseAlert(kind: "insufficient_credits")
            #expect(try await bed.runDueJobs() == 2, "one delivery per subscribed endpoint")
            #expect(bed.receiver.received.count == 1)
            #expect(bed.receiver.connections == 1, "the rebound name still never connected")
        }
    }

    @Test func ownersManageEndpointsAndTheSecretIsShownOnce() async throws {
        try await WebhookTestBed.run { bed in
            let created = try await bed.createEndpoint(events: ["generation.failed", "generation.succeeded", "generation.succeeded"])
            #expect(created.secret.hasPrefix("whsec_"))
            #expect((WebhookSignature.key(of: created.secret)?.count ?? 0) == 32)
            #expect(created.endpoint.events == ["generation.succeeded", "generation.failed"], "known order, no repeats")

            let id = created.endpoint.id
            let listed = try await bed.client.call("/api/v1/webhook-endpoints", key: bed.team.api_key)
            let shown = try await bed.client.call("/api/v1/webhook-endpoints/\(id)", key: bed.team.api_key)
            #expect(try JSONDecoder.api.decode(PageBody<WebhookEndpoint>.self, from: Data(buffer: listed.body)).data.map(\.id) == [id])
            #expect(try JSONDecoder.api.decode(WebhookEndpoint.self, from: Data(buffer: shown.body)).url == bed.receiver.url)
            let key = String(created.secret.dropFirst(6))
            for response in [listed, shown] { #expect(!response.text.contains(key), "the secret is never returned again") }
            #expect(try await bed.count("SELECT count(*)::int FROM audit_log WHERE details::text LIKE '%\(key)%'") == 0, "nor audited")
            #expect(try await bed.count("SELECT count(*)::int FROM webhook_endpoints WHERE position('\(key)' IN encode(secret_sealed, 'escape')) > 0") == 0,
                    "stored sealed")

            let bad = try await bed.client.call("/api/v1/webhook-endpoints", .post, key: bed.team.api_key,
                                                json: #"{"url": "\#(bed.receiver.url)", "events": ["generation.exploded"]}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("generation.exploded"))

            let viewer = try await Library.key("viewer", team: bed.team, client: bed.client)
            #expect(try await bed.client.call("/api/v1/webhook-endpoints", key: viewer).status == .ok)
            #expect(try await bed.client.call("/api/v1/webhook-endpoints/\(id)", .patch, key: viewer, json: #"{"active": false}"#).status == .forbidden)
            #expect(try await bed.client.call("/api/v1/webhook-endpoints/\(id)/rotate-secret", .post, key: viewer).status == .forbidden)

            let rotated = try await bed.client.call("/api/v1/webhook-endpoints/\(id)/rotate-secret", .post, key: bed.team.api_key)
            #expect(rotated.status == .ok)
            let newSecret = try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: rotated.body)).secret
            #expect(newSecret != created.secret)
            try await bed.nextDeliveryVerifies(endpoint: id, secret: newSecret, oldSecret: created.secret)

            // Another team's id answers exactly like a random one.
            let other = try await TestEnv.makeTeam("Other hooks", config: bed.services.config)
            for (path, method) in [("/api/v1/webhook-endpoints/\(id)", HTTPRequest.Method.get), ("/api/v1/webhook-endpoints/\(id)", .delete),
                                   ("/api/v1/webhook-endpoints/\(id)/deliveries", .get), ("/api/v1/webhook-endpoints/\(UUID())", .get)] {
                let response = try await bed.client.call(path, method, key: other.api_key)
                #expect(response.status == .notFound, "\(method) \(path)")
            }

            let deleted = try await bed.client.call("/api/v1/webhook-endpoints/\(id)", .delete, key: bed.team.api_key)
            #expect(deleted.status == .ok)
            #expect(try await bed.client.call("/api/v1/webhook-endpoints/\(id)", key: bed.team.api_key).status == .notFound)
            let actions = ["webhook_endpoint.created", "webhook_endpoint.secret_rotated", "webhook_endpoint.deleted"]
            #expect(try await bed.count("SELECT count(DISTINCT action)::int FROM audit_log WHERE action IN ('\(actions.joined(separator: "','"))')") == 3)
        }
    }
}

extension WebhookTestBed {
    /// After a rotation deliveries verify with the new secret; for a day the old one verifies
    /// too (a second signature), so a receiver can switch without losing one; then only the new.
    func nextDeliveryVerifies(endpoint id: UUID, secret: String, oldSecret: String) async throws {
        let patched = try await client.call("/api/v1/webhook-endpoints/\(id)", .patch, key: team.api_key, json: #"{"events": ["alert.raised"]}"#)
        #expect(patched.status == .ok)
        for (hours, oldStillSigns) in [(1.0, true), (25.0, false)] {
            clock.advance(by: hours * 3600)
            let before = receiver.received.count
            try await raiseAlert(kind: "after_rotation_\(Int(hours))h")
            #expect(try await runDueJobs() == 1)
            #expect(receiver.received.count == before + 1)
            let request = try #require(receiver.received.last)
            #expect(throws: Never.self) {
                try StandardWebhooksVerifier(secret: secret).verify(headers: request.headers, body: request.body, now: clock.now())
            }
            let oldVerifies = (try? StandardWebhooksVerifier(secret: oldSecret).verify(headers: request.headers, body: request.body, now: clock.now())) != nil
            #expect(oldVerifies == oldStillSigns, "after \(hours) h the old secret verifies: \(oldStillSigns)")
        }
    }
}
