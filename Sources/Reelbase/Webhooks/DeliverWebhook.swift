import Foundation

/// One attempt at one delivery. Each delivery has its own job (so endpoints never queue behind
/// each other); a failed attempt records itself and schedules the next job on the delivery's
/// own schedule (`WebhookRetrySchedule`), so the job itself succeeds. It only throws (and the
/// job queue retries it) when the database fails. Every attempt carries the event's id:
/// receivers dedupe on `webhook-id`.
struct DeliverWebhook: JobHandler {
    struct Payload: Codable, Sendable {
        let delivery: UUID
        /// Must match the delivery's `job_token`: a redeliver or a later retry replaces it.
        let token: UUID
    }
    static let kind = "deliver_webhook"

    let deliveries: WebhookDeliveryRepository
    let secrets: SecretBox
    let sender: WebhookSender
    let slots: EndpointSlots

    func run(_ payload: Payload, context: JobContext) async throws {
        guard let due = try await deliveries.due(payload.delivery, token: payload.token) else { return }
        guard due.active else {
            try await deliveries.abandon(due, token: payload.token, reason: "the endpoint was switched off before this delivery")
            return
        }
        guard slots.tryAcquire(due.endpoint) else {
            // The endpoint already has its share of this worker: try again in a moment, same token.
            try await deliveries.jobs.enqueue(DeliverWebhook.self, payload, team: due.team, runAt: context.now.addingTimeInterval(2))
            return
        }
        defer { slots.release(due.endpoint) }
        let sealContext = WebhookEndpointRepository.sealContext(due.endpoint)
        let keys = try ([due.sealedSecret] + (due.previousSealedSecret.map { [$0] } ?? [])).map { try secrets.open($0, context: sealContext) }
        let id = "msg_" + due.eventID.uuidString.lowercased()
        let timestamp = Int(deliveries.jobs.clock.now().timeIntervalSince1970)
        let headers = try WebhookSignature.headers(id: id, timestamp: timestamp, body: due.body, secrets: keys)
        let result = await sender.send(url: due.url, headers: headers, body: due.body)
        if !result.succeeded {
            context.logger.info("webhook attempt failed", metadata: [
                "delivery": "\(due.id)", "attempt": "\(due.attempts + 1)", "status": "\(result.status.map(String.init) ?? "none")",
            ])
        }
        _ = try await deliveries.record(due, token: payload.token, result: result, job: context)
    }
}
