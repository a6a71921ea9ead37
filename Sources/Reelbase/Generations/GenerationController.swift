import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// `/generations`: ask for videos, follow them, watch them, cancel, retry, rerun, resolve.
struct GenerationController {
    let generations: GenerationRepository
    let planner: GenerationPlanner
    let store: any BlobStore

    func addRoutes(to gates: Gates) {
        gates.viewer.get("generations", use: list).get("generations/:id", use: show).get("generations/:id/video", use: video)
        gates.viewer.post("generations/batch", use: batch)  // a dry run is a quote; a real batch asks for an editor itself
        gates.editor.post("generations", use: create)
        gates.editor.post("generations/:id/cancel", use: cancel).post("generations/:id/retry", use: retry).post("generations/:id/rerun", use: rerun)
        gates.editor.post("generations/:id/resolve", use: resolve)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let input = try APIRequestDecoder.decode(GenerationInput.self, from: body, contentType: request.headers[.contentType])
        var idempotency: GenerationRepository.Idempotency?
        if let key = request.headers[.idempotencyKey] {
            guard (1...255).contains(key.count) else { throw AppError.badRequest("Idempotency-Key must be 1 to 255 characters.") }
            // The body as sent: a replay must be byte-for-byte the same request.
            idempotency = .init(key: key, requestSHA256: SHA256.hash(data: Data(buffer: body)).hex)
        }
        let plan = try await planner.plan(input, team: identity.teamID)
        let outcome = try await generations.enqueue([plan], team: identity.teamID, identity: identity, ip: context.clientIP,
                                                    idempotency: idempotency, responseStatus: 202) { accepted in
            String(decoding: try JSONEncoder.api.encode(accepted[0]), as: UTF8.self)
        }
        switch outcome {
        case .created(let accepted): return try Self.json(accepted[0], status: .accepted)
        case .replayed(let status, let body):
            var response = Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
            response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return response
        }
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> EncodedPage {
        let identity = context.identity
        var filter = GenerationRepository.Filter()
        filter.campaign = try request.queryUUID("campaign_id")
        if let status = request.query("status") {
            guard let state = GenerationState(rawValue: status) else {
                throw AppError.badRequest("`status` must be one of \(GenerationState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            filter.status = state
        }
        filter.model = request.query("model")
        if let source = request.query("source") {
            guard let value = GenerationSource(rawValue: source) else { throw AppError.badRequest("`source` must be api or gateway.") }
            filter.source = value
        }
        filter.prompt = try request.queryUUID("prompt_id")
        filter.asset = try request.queryUUID("asset_id")
        filter.seedID = try request.queryUUID("seed_id")
        if let seed = request.query("seed") {
            guard let value = Int64(seed) else { throw AppError.badRequest("`seed` must be a whole number.") }
            filter.seed = value
        }
        filter.since = try request.queryDate("since")
        filter.until = try request.queryDate("until")
        if let verdict = request.query("verdict") {
            guard let value = Verdict(rawValue: verdict) else {
                throw AppError.badRequest("`verdict` must be one of \(Verdict.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            filter.verdict = value
        }
        if let rating = request.query("min_rating") {
            guard let value = Int(rating), (1...5).contains(value) else { throw AppError.badRequest("`min_rating` must be 1 to 5.") }
            filter.minRating = value
        }
        let limit = try request.pageLimit()
        let page = try await generations.listJSON(team: identity.teamID, filter: filter, after: try request.listCursor(), limit: limit)
        return EncodedPage(items: page.items, next_cursor: page.items.count == limit ? page.last?.encoded : nil)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Generation {
        try await current(context.identity, context)
    }

    /// The generation named in the path, as any gate's handler sees it.
    func current(_ identity: Identity, _ context: some RequestContext) async throws -> Generation {
        guard let generation = try await generations.find(team: identity.teamID, id: try context.pathID("id", "generation")) else {
            throw AppError.notFound("generation")
        }
        return generation
    }

    /// The archived video, with Range support so browsers can seek; streamed in chunks.
    @Sendable func video(_ request: Request, context: ViewerContext) async throws -> Response {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        guard let blobID = try await generations.videoBlob(team: identity.teamID, id: id),
              let blob = try await store.info(team: identity.teamID, id: blobID) else {
            throw AppError.notFound("video")
        }
        return try await BlobResponse(store: store).response(team: identity.teamID, blob: blob, contentType: blob.contentType,
                                                            name: "generation-\(id.uuidString.lowercased())", request: request)
    }

    @Sendable func cancel(_ request: Request, context: EditorContext) async throws -> Generation {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        switch try await generations.cancel(team: identity.teamID, id: id, actor: AuditActor(identity, ip: context.clientIP)) {
        case .notFound: throw AppError.notFound("generation")
        case .notCancellable(let state): throw AppError.conflict("A \(state.rawValue) generation cannot be cancelled.")
        case .cancelled, .cancelRequested: return try await current(identity, context)
        }
    }

    struct RetryBody: Decodable { let confirm_double_charge: Bool? }

    /// Resubmits a `submit_unknown` job. The provider may already have billed the first try,
    /// so the caller must say so explicitly.
    @Sendable func retry(_ request: Request, context: EditorContext) async throws -> Generation {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        let body = try? await request.decode(as: RetryBody.self, context: context)
        guard body?.confirm_double_charge == true else {
            throw AppError(.conflict, "confirmation_required",
                           "The first submission may already have been billed by the provider; retrying can charge twice. Send {\"confirm_double_charge\": true} to retry anyway.")
        }
        guard let state = try await generations.retry(team: identity.teamID, id: id, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("generation")
        }
        guard state == .queued else { throw AppError.conflict("Only a submit_unknown generation can be retried; this one is \(state.rawValue). Use rerun for a new one.") }
        return try await current(identity, context)
    }

    /// A new generation with the same prompt, inputs, parameters and seed (the provider's
    /// reported seed when it gave one).
    @Sendable func rerun(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        guard let original = try await generations.find(team: identity.teamID, id: try context.pathID("id", "generation")) else {
            throw AppError.notFound("generation")
        }
        let params = try JSONDecoder().decode(GenerationInputParams.self, from: Data(original.params.jsonText.utf8))
        let assets = original.assets ?? []
        let input = GenerationInput(
            provider: original.provider, model: original.model, prompt: original.prompt_text, duration: params.duration,
            resolution: params.resolution, aspect_ratio: params.aspect_ratio, generate_audio: params.generate_audio,
            negative_prompt: original.negative_prompt, fps: params.fps, person_generation: params.person_generation,
            seed: original.provider_seed ?? original.seed,
            first_frame_asset_id: assets.first { $0.role == "first_frame" }?.asset_id,
            last_frame_asset_id: assets.first { $0.role == "last_frame" }?.asset_id,
            reference_asset_ids: assets.filter { $0.role == "reference" }.map(\.asset_id).nilIfEmpty,
            campaign_id: original.campaign_id)
        let plan = try await planner.plan(input, team: identity.teamID)
        guard case .created(let accepted) = try await generations.enqueue([plan], team: identity.teamID, identity: identity, ip: context.clientIP,
                                                                          idempotency: nil, responseStatus: 202, encode: { _ in "" }) else {
            throw AppError(.internalServerError, "internal", "rerun was not created")
        }
        return try Self.json(accepted[0], status: .accepted)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.api.encode(value))))
    }
}

/// The stored parameter JSON, read back for a rerun.
struct GenerationInputParams: Decodable {
    let duration: Int?
    let resolution: String?
    let aspect_ratio: String?
    let generate_audio: Bool?
    let fps: Int?
    let person_generation: String?
}

extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}
