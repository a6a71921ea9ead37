import Foundation
import Hummingbird
import ReelbaseCore

/// Segmind v1 (sync, raw MP4) and v2 (submit + poll), credits and output files.
struct SegmindRoutes: Sendable {
    let state: SimulatorState
    var gate: RouteGate { RouteGate(state: state) }

    func add(to router: Router<SimContext>) {
        router.get("v1/get-user-credits", use: credits)
        router.post("v1/:slug", use: generateSync)
        router.post("v2/:slug", use: submit)
        router.get("v2/requests/:id/status", use: status)
        router.get("v2/requests/:id", use: result)
        router.get("files/:file", use: file)
    }

    /// Validates a submit and reserves its price; on failure, the answer to send.
    private func accept(_ request: inout Request, context: SimContext) async throws -> Result<Accepted, ResponseError> {
        let parsed = try await gate.readSubmit(&request, context: context)
        if let reply = await gate.check(request, context: context, route: .submit, family: .segmind) {
            return .failure(ResponseError(reply))
        }
        let slug = context.parameters.get("slug") ?? ""
        guard let model = state.catalog.model(provider: .segmind, providerModelID: slug) else {
            return .failure(ResponseError(Reply.segmindError(.notFound, "Model not found: \(slug)")))
        }
        let fields: RequestFields
        switch parsed {
        case .success(let value): fields = value
        case .failure(.unsupportedContentType(let type)):
            return .failure(ResponseError(Reply.segmindError(.notAcceptable, "Unsupported Content-Type \(type): send application/json or multipart/form-data")))
        case .failure:
            return .failure(ResponseError(Reply.segmindError(.badRequest, "Request body must be a JSON object or a multipart form")))
        }
        let (params, errors) = ParameterReader(model: model, fields: fields).read()
        guard errors.isEmpty else {
            return .failure(ResponseError(Reply.json(ValidationErrorBody(errors), status: .badRequest)))
        }
        let price = (try? estimateCost(model: model, params: params, table: state.config.priceTable)) ?? 0
        guard await state.reserve(price) else {
            return .failure(ResponseError(Reply.segmindError(.notAcceptable, "Not enough credits")))
        }
        let books = BookSource(
            owner: SimUser(apiKey: request.headers[.apiKey] ?? ""), body: fields.values, origin: gate.origin(of: request))
        let clip = ClipSpec(params: params, model: model, fields: fields.values)
        return .success(Accepted(model: model, params: params, price: price, books: books, clip: clip))
    }

    @Sendable func generateSync(_ request: Request, context: SimContext) async throws -> Response {
        var request = request
        let accepted: Accepted
        switch try await accept(&request, context: context) {
        case .success(let value): accepted = value
        case .failure(let error): return error.response
        }
        let requestID = await state.bookSyncRequest(model: accepted.model, price: accepted.price, books: accepted.books)
        let latency = state.config.latencySeconds
        state.clips.prepare(accepted.clip)
        try? await Task.sleep(for: .seconds(latency))
        let remaining = await state.charge(accepted.price)
        if let reply = await gate.fault(route: .submit, afterProcessing: true, family: .segmind, context: context) {
            return reply
        }
        return Reply.video(await state.clips.video(for: accepted.clip), headers: [
            .remainingCredits: decimalText(remaining),
            .cost: decimalText(accepted.price),
            .generationTime: String(format: "%.2f", latency),
            .seedValue: String(reportedSeed(accepted.params, model: accepted.model)),
            .requestID: requestID,
        ])
    }

    @Sendable func submit(_ request: Request, context: SimContext) async throws -> Response {
        var request = request
        let accepted: Accepted
        switch try await accept(&request, context: context) {
        case .success(let value): accepted = value
        case .failure(let error): return error.response
        }
        let job = await state.createJob(
            api: .segmindV2, model: accepted.model, price: accepted.price,
            seed: reportedSeed(accepted.params, model: accepted.model), clip: accepted.clip, books: accepted.books)
        if let reply = await gate.fault(route: .submit, afterProcessing: true, family: .segmind, context: context) {
            return reply
        }
        let base = gate.origin(of: request) + "/v2/requests/\(job.id)"
        return Reply.json(V2SubmitBody(
            request_id: job.id, status: "QUEUED", status_url: base + "/status", response_url: base, poll_url: base + "/status"))
    }

    @Sendable func status(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.check(request, context: context, route: .status, family: .segmind) { return reply }
        guard let (job, phase) = await lookup(context) else { return notFound() }
        let body = V2StatusBody(request_id: job.id, status: phase.segmindName, error: phase == .failed ? job.failureMessage : nil)
        return Reply.json(body, status: phase == .failed ? .unprocessableContent : .ok)
    }

    @Sendable func result(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.check(request, context: context, route: .result, family: .segmind) { return reply }
        guard let (job, phase) = await lookup(context) else { return notFound() }
        let latency = job.latency
        let done = phase == .completed || phase == .failed
        let body = V2ResultBody(
            request_id: job.id, status: phase.segmindName,
            output: phase == .completed ? gate.origin(of: request) + "/files/\(job.id).mp4" : nil,
            metrics: .init(
                cost: phase == .completed ? job.price : 0, remaining_credits: job.remainingCredits,
                queue_time: done ? latency * 0.2 : nil, inference_time: done ? latency * 0.8 : nil),
            error: phase == .failed ? job.failureMessage : nil, seed: job.seed)
        return Reply.json(body, status: phase == .failed ? .unprocessableContent : .ok)
    }

    @Sendable func credits(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.check(request, context: context, route: .any, family: .segmind) { return reply }
        return Reply.json(CreditsBody(credits: await state.balance, freeCredits: 0))
    }

    @Sendable func file(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.fault(route: .result, afterProcessing: false, family: .segmind, context: context) { return reply }
        let name = context.parameters.get("file") ?? ""
        guard name.hasSuffix(".mp4"), let clip = await state.file(id: String(name.dropLast(4))) else {
            return Reply.segmindError(.notFound, "File not found or expired")
        }
        return Reply.video(await state.clips.video(for: clip))
    }

    private func lookup(_ context: SimContext) async -> (SimJob, JobPhase)? {
        guard let id = context.parameters.get("id"), let job = await state.job(id: id) else { return nil }
        return (job, job.phase(at: await state.now()))
    }

    private func notFound() -> Response {
        Reply.segmindError(.notFound, "Request not found or expired")
    }
}

/// A submit that passed validation and has its price reserved.
struct Accepted: Sendable {
    let model: ModelSpec
    let params: GenerationParameters
    let price: Decimal
    let books: BookSource
    let clip: ClipSpec
}

/// Carries an early answer out of a validation step.
struct ResponseError: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}

extension JobPhase {
    var segmindName: String {
        switch self {
        case .queued: "QUEUED"
        case .processing: "PROCESSING"
        case .completed: "COMPLETED"
        case .failed: "FAILED"
        }
    }
}
