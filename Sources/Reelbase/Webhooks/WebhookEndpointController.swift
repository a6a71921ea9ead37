import Foundation
import Hummingbird

/// `/webhook-endpoints`: viewers read the endpoints and their delivery logs; owners create,
/// change, delete, rotate secrets and redeliver.
struct WebhookEndpointController {
    let endpoints: WebhookEndpointRepository
    let deliveries: WebhookDeliveryRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("webhook-endpoints", use: list).get("webhook-endpoints/:id", use: show)
            .get("webhook-endpoints/:id/deliveries", use: deliveryLog)
        gates.owner.post("webhook-endpoints", use: create).patch("webhook-endpoints/:id", use: update)
            .delete("webhook-endpoints/:id", use: delete).post("webhook-endpoints/:id/rotate-secret", use: rotate)
            .post("webhook-endpoints/:id/deliveries/:delivery_id/redeliver", use: redeliver)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<WebhookEndpoint> {
        let limit = try request.pageLimit()
        return Page(rows: try await endpoints.list(team: context.identity.teamID, after: try request.listCursor(), limit: limit), limit: limit)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> WebhookEndpoint {
        let id = try context.pathID("id", "webhook endpoint")
        guard let endpoint = try await endpoints.find(team: context.identity.teamID, id: id) else { throw AppError.notFound("webhook endpoint") }
        return endpoint
    }

    @Sendable func create(_ request: Request, context: OwnerContext) async throws -> EditedResponse<CreatedWebhookEndpoint> {
        let identity = context.identity
        let body = try await request.decode(as: NewWebhookEndpoint.self, context: context)
        let created = try await endpoints.create(team: identity.teamID, body, createdBy: identity.userID, actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: created)
    }

    @Sendable func update(_ request: Request, context: OwnerContext) async throws -> WebhookEndpoint {
        let identity = context.identity
        let id = try context.pathID("id", "webhook endpoint")
        let body = try await request.decode(as: WebhookEndpointChanges.self, context: context)
        guard let endpoint = try await endpoints.update(team: identity.teamID, id: id, body, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("webhook endpoint")
        }
        return endpoint
    }

    @Sendable func delete(_ request: Request, context: OwnerContext) async throws -> WebhookEndpoint {
        let identity = context.identity
        let id = try context.pathID("id", "webhook endpoint")
        guard let endpoint = try await endpoints.delete(team: identity.teamID, id: id, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("webhook endpoint")
        }
        return endpoint
    }

    @Sendable func rotate(_ request: Request, context: OwnerContext) async throws -> CreatedWebhookEndpoint {
        let identity = context.identity
        let id = try context.pathID("id", "webhook endpoint")
        guard let rotated = try await endpoints.rotateSecret(team: identity.teamID, id: id, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("webhook endpoint")
        }
        return rotated
    }

    @Sendable func deliveryLog(_ request: Request, context: ViewerContext) async throws -> Page<WebhookDelivery> {
        let id = try context.pathID("id", "webhook endpoint")
        let limit = try request.pageLimit()
        guard let rows = try await deliveries.list(team: context.identity.teamID, endpoint: id, after: try request.listCursor(), limit: limit) else {
            throw AppError.notFound("webhook endpoint")
        }
        return Page(rows: rows, limit: limit)
    }

    @Sendable func redeliver(_ request: Request, context: OwnerContext) async throws -> EditedResponse<WebhookDelivery> {
        let identity = context.identity
        let endpoint = try context.pathID("id", "webhook endpoint")
        let id = try context.pathID("delivery_id", "webhook delivery")
        guard let delivery = try await deliveries.redeliver(team: identity.teamID, endpoint: endpoint, id: id,
                                                            actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("webhook delivery")
        }
        return EditedResponse(status: .accepted, response: delivery)
    }
}
