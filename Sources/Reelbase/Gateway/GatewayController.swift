import Foundation
import HTTPTypes
import Hummingbird
import ReelbaseCore

/// The Segmind-compatible front door: `POST /v1/{slug}` (waits, answers the MP4),
/// `POST /v2/{slug}` (answers the request's URLs), `GET /v2/requests/{id}/status`,
/// `GET /v2/requests/{id}` and the archived video at `GET /v2/requests/{id}/output`. Each call
/// becomes an ordinary generation (source `gateway`, the key recorded), budgeted, audited,
/// run by the worker and archived like any other.
struct GatewayController {
    let generations: GenerationRepository
    let planner: GenerationPlanner
    let keys: APIKeyRepository
    let images: GatewayImages
    let store: any BlobStore
    let catalog: ModelCatalog
    let publicURL: URL?
    let maxWait: TimeInterval
    let bodyLimit: Int

    /// How long a request's status and result answer, as Segmind keeps them for an hour (we keep a day).
    static let retention: TimeInterval = 24 * 3600

    func addRoutes(to gate: Gate<AppContext>) {
        gate.post("v1/:slug", use: runSync).post("v2/:slug", use: submit)
        gate.get("v2/requests/:id/status", use: status).get("v2/requests/:id", use: result).get("v2/requests/:id/output", use: output)
    }

    /// Waits for the generation (through the queue and the worker) and answers the video bytes.
    @Sendable func runSync(_ request: Request, context: AppContext) async throws -> Response {
        let (identity, accepted, campaign) = try await enqueue(request, context: context)
        let deadline = Date().addingTimeInterval(maxWait)
        var current = try await find(identity, accepted.id)
        while !current.state.isFinished, Date() < deadline {
            try await Task.sleep(for: .milliseconds(current.state == .queued ? 200 : 500))
            current = try await find(identity, accepted.id)
        }
        var headers = try await creditHeaders(identity, current, campaign: campaign)
        headers[.requestID] = current.id.uuidString.lowercased()
        switch SegmindStatus(current.state) {
        case .COMPLETED:
            guard let blobID = current.videoBlob, let blob = try await store.info(team: identity.teamID, id: blobID) else { throw AppError.notFound("video") }
            var response = try await BlobResponse(store: store).response(team: identity.teamID, blob: blob, contentType: "video/mp4",
                                                                         name: "generation-\(current.id.uuidString.lowercased())", request: request)
            response.headers.append(contentsOf: headers)
            return response
        case .FAILED:
            return try GatewayMiddleware.json(GatewayMiddleware.Body(error: current.errorMessage ?? "The generation failed."), status: .unprocessableContent, headers: headers)
        case .QUEUED, .PROCESSING:
            return try GatewayMiddleware.json(GatewayMiddleware.Body(error: "Still running after \(Int(maxWait)) s; follow it at \(url(request, "v2/requests/\(current.id.uuidString.lowercased())/status"))."),
                                              status: .gatewayTimeout, headers: headers)
        }
    }

    /// Queues the generation and answers where to follow it.
    @Sendable func submit(_ request: Request, context: AppContext) async throws -> Response {
        let (_, accepted, _) = try await enqueue(request, context: context)
        let base = "v2/requests/\(accepted.id.uuidString.lowercased())"
        let body = SegmindSubmitted(request_id: accepted.id.uuidString.lowercased(), status: .QUEUED, status_url: url(request, base + "/status"),
                                    response_url: url(request, base), poll_url: url(request, base + "/status"))
        return try GatewayMiddleware.json(body, status: .ok, headers: [.requestID: body.request_id])
    }

    @Sendable func status(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.gatewayIdentity()
        let current = try await find(identity, try context.pathID("id", "request"))
        let body = SegmindStatusBody(request_id: current.id.uuidString.lowercased(), status: SegmindStatus(current.state),
                                     error: SegmindStatus(current.state) == .FAILED ? current.errorMessage ?? "The generation failed." : nil)
        return try GatewayMiddleware.json(body, status: body.status == .FAILED ? .unprocessableContent : .ok)
    }

    @Sendable func result(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.gatewayIdentity()
        let current = try await find(identity, try context.pathID("id", "request"))
        let status = SegmindStatus(current.state)
        let remaining = try await generations.remainingBudget(team: identity.teamID, campaign: current.campaignID, key: current.apiKeyID)
        let body = SegmindResultBody(
            request_id: current.id.uuidString.lowercased(), status: status,
            output: current.videoBlob == nil ? nil : url(request, "v2/requests/\(current.id.uuidString.lowercased())/output"),
            error: status == .FAILED ? current.errorMessage ?? "The generation failed." : nil,
            metrics: .init(current, remaining: remaining ?? current.creditsAfter))
        return try GatewayMiddleware.json(body, status: status == .FAILED ? .unprocessableContent : .ok)
    }

    /// The archived video, for the key that can read the request.
    @Sendable func output(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.gatewayIdentity()
        let current = try await find(identity, try context.pathID("id", "request"))
        guard let blobID = current.videoBlob, let blob = try await store.info(team: identity.teamID, id: blobID) else { throw AppError.notFound("video") }
        return try await BlobResponse(store: store).response(team: identity.teamID, blob: blob, contentType: "video/mp4",
                                                            name: "generation-\(current.id.uuidString.lowercased())", request: request)
    }

    /// Reads the model and the parameters, stores the images, and enqueues one generation as the key.
    private func enqueue(_ request: Request, context: AppContext) async throws -> (Identity, GenerationAccepted, UUID?) {
        let identity = try context.gatewayIdentity()
        guard identity.role >= .editor else { throw AppError.forbidden("This API key is read-only (\(identity.role.rawValue)); generations need an editor or owner key.") }
        let slug = context.parameters.get("slug") ?? ""
        guard let model = catalog.model(provider: .segmind, providerModelID: slug) else {
            throw AppError(.notFound, "model_not_found", "Model not found: \(slug.prefix(100)). Reelbase serves \(catalog.models.filter { $0.provider == .segmind }.map(\.providerModelID).joined(separator: ", ")).")
        }
        // The key's allow-list and default campaign, before anything is fetched or stored.
        var scope = KeyScope.unlimited
        if case .apiKey(let keyID, _) = identity.actor, let record = try await keys.find(team: identity.teamID, id: keyID) { scope = record.scope }
        guard scope.allows(model: model.id) else {
            throw AppError(.forbidden, "model_not_allowed", "This API key may not run \(slug); it may run \((scope.allowed_models ?? []).joined(separator: ", ")).")
        }
        var (parameters, problems) = SegmindParameters.parse(try await SegmindBody.read(request, limit: bodyLimit), model: model)
        if !problems.isEmpty {
            // Name every problem at once: the planner's (values the model does not take) beside the reader's.
            do { _ = try await planner.plan(parameters.input, team: identity.teamID) } catch let error as AppError where error.status == .unprocessableContent {
                problems.merge(error.details ?? [:]) { reader, _ in reader }
            }
            throw AppError.validation("The parameters are not valid.", details: problems)
        }
        if let header = request.headers[.reelbaseCampaign] {
            guard let campaign = UUID(uuidString: header) else { throw AppError.validation("The parameters are not valid.", details: ["x-reelbase-campaign": "must be a campaign id"]) }
            parameters.input.campaign_id = campaign
        } else {
            parameters.input.campaign_id = scope.default_campaign_id
        }
        let actor = AuditActor(identity, ip: context.clientIP)
        let stored = try await images.store(parameters.images, identity: identity, actor: actor)
        func assets(_ role: SegmindParameters.ImageRole) -> [UUID] { stored.filter { $0.0 == role }.map { $0.1 } }
        parameters.input.first_frame_asset_id = assets(.first_frame).first
        parameters.input.last_frame_asset_id = assets(.last_frame).first
        parameters.input.reference_asset_ids = assets(.reference).nilIfEmpty
        let plan = try await planner.plan(parameters.input, team: identity.teamID)
        guard case .created(let accepted) = try await generations.enqueue([plan], team: identity.teamID, identity: identity, ip: context.clientIP,
                                                                          idempotency: nil, responseStatus: 200, source: .gateway, encode: { _ in "" }) else {
            throw AppError(.internalServerError, "internal", "the gateway request was not created")
        }
        return (identity, accepted[0], parameters.input.campaign_id)
    }

    private func find(_ identity: Identity, _ id: UUID) async throws -> GenerationRepository.GatewayRequest {
        guard let found = try await generations.gatewayRequest(team: identity.teamID, id: id, retention: Self.retention) else {
            throw AppError(.notFound, "not_found", "Request not found or expired.")
        }
        return found
    }

    private func creditHeaders(_ identity: Identity, _ current: GenerationRepository.GatewayRequest, campaign: UUID?) async throws -> HTTPFields {
        var headers: HTTPFields = [:]
        if let remaining = try await generations.remainingBudget(team: identity.teamID, campaign: campaign, key: current.apiKeyID) ?? current.creditsAfter {
            headers[.remainingCredits] = "\(remaining)"
        }
        headers[.xCost] = "\(current.cost ?? (SegmindStatus(current.state) == .FAILED ? 0 : current.estimate))"
        return headers
    }

    /// An absolute URL back into Reelbase: `REELBASE_PUBLIC_URL`, else the request's own host.
    private func url(_ request: Request, _ path: String) -> String {
        if let publicURL { return publicURL.absoluteString.trimmingSuffix("/") + "/" + path }
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost"
        return "\(request.head.scheme ?? "http")://\(host)/\(path)"
    }
}

extension AppContext {
    /// Set by `GatewayMiddleware` from `x-api-key`.
    func gatewayIdentity() throws -> Identity {
        guard let identity else { throw AppError(.unauthorized, "unauthenticated", "Invalid or missing API key.") }
        return identity
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
