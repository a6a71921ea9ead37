import Foundation
import Hummingbird
import ReelbaseCore

/// `GET /api-keys` (everyone in the team), `POST /api-keys` and `DELETE /api-keys/{id}` (owners).
/// A key acts with the lower of its own role and its creator's current role (see `AuthRepository`).
struct APIKeyController {
    let keys: APIKeyRepository
    let catalog: ModelCatalog

    struct CreateKey: Decodable {
        let name: String
        let role: Role?
    }

    struct CreatedKey: ResponseEncodable, Decodable {
        let api_key: APIKeyRecord
        /// The secret, shown this once.
        let key: String
    }

    func addRoutes(to gates: Gates) {
        gates.viewer.get("api-keys", use: list)
        gates.owner.post("api-keys", use: create).patch("api-keys/:id", use: updateScope).delete("api-keys/:id", use: revoke)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<APIKeyRecord> {
        let identity = context.identity
        return Page(data: try await keys.list(team: identity.teamID), next_cursor: nil)
    }

    @Sendable func create(_ request: Request, context: OwnerContext) async throws -> EditedResponse<CreatedKey> {
        let identity = context.identity
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = try APIRequestDecoder.decode(CreateKey.self, from: buffer, contentType: request.headers[.contentType])
        let scope = try APIRequestDecoder.decode(KeyScopeInput.self, from: buffer, contentType: request.headers[.contentType])
            .applied(to: .unlimited, catalog: catalog)
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else { throw AppError.validation("`name` must be 1 to 200 characters.") }
        let role = body.role ?? identity.role
        guard role <= identity.role else {
            throw AppError.forbidden("A \(identity.role.rawValue) cannot create a key with the \(role.rawValue) role.")
        }
        let (record, secret) = try await keys.create(team: identity.teamID, name: name, role: role, scope: scope, createdBy: identity.userID,
                                                     actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: CreatedKey(api_key: record, key: secret))
    }

    /// Changes a key's budget, period, models, default campaign or rate limit (owners; audited).
    @Sendable func updateScope(_ request: Request, context: OwnerContext) async throws -> APIKeyRecord {
        let identity = context.identity
        let id = try context.pathID("id", "API key")
        let input = try await request.decode(as: KeyScopeInput.self, context: context)
        guard !input.isEmpty else {
            throw AppError.badRequest("Send at least one of budget_usd, budget_period, allowed_models, default_campaign_id, rate_limit_per_minute.")
        }
        guard let record = try await keys.updateScope(team: identity.teamID, id: id, input: input, catalog: catalog,
                                                      actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("API key")
        }
        return record
    }

    @Sendable func revoke(_ request: Request, context: OwnerContext) async throws -> APIKeyRecord {
        let identity = context.identity
        let id = try context.pathID("id", "API key")
        guard let record = try await keys.revoke(team: identity.teamID, id: id, maxRole: identity.role,
                                                 actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("API key")
        }
        return record
    }
}

extension APIKeyRecord: ResponseEncodable {}
