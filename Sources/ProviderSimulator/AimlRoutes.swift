import Foundation
import Hummingbird
import ReelbaseCore

/// AI/ML API video generations: submit, then poll by `generation_id`.
struct AimlRoutes: Sendable {
    let state: SimulatorState
    var gate: RouteGate { RouteGate(state: state) }
    /// Simulated AI/ML credits per USD (AI/ML bills in its own credits).
    static let creditsPerUSD: Decimal = 1000

    func add(to router: Router<SimContext>) {
        router.post("v2/video/generations", use: submit)
        router.get("v2/video/generations", use: poll)
    }

    /// Both spellings of the model id that AI/ML's own docs use.
    private func knows(model: String) -> Bool {
        let configured = state.config.aimlModelID
        let bare = configured.hasPrefix("google/") ? String(configured.dropFirst(7)) : configured
        return model == configured || model == bare || model == "google/" + bare
    }

    @Sendable func submit(_ request: Request, context: SimContext) async throws -> Response {
        var request = request
        let parsed = try await gate.readSubmit(&request, context: context)
        if let reply = await gate.check(request, context: context, route: .submit, family: .aiml) { return reply }
        guard case .success(let fields) = parsed else {
            return FaultResponder.error(.badRequest, "Request body must be a JSON object", family: .aiml)
        }
        guard case .string(let modelName) = fields.values["model"] ?? .null, knows(model: modelName) else {
            return FaultResponder.error(.badRequest, "model is required: use \(state.config.aimlModelID)", family: .aiml)
        }
        let model = state.catalog.model(id: "aimlapi/veo-3.1-lite")!
        let (params, errors) = ParameterReader(model: model, fields: fields).read()
        guard errors.isEmpty else {
            return FaultResponder.error(.badRequest, errors.map(\.message).joined(separator: "; "), family: .aiml)
        }
        let price = (try? estimateCost(model: model, params: params, table: state.config.priceTable)) ?? 0
        guard await state.reserve(price) else {
            return FaultResponder.error(.forbidden, "Your credits are exhausted: top up to continue", family: .aiml)
        }
        let clip = ClipSpec(params: params, model: model, fields: fields.values)
        let job = await state.createJob(api: .aiml, model: model, price: price, seed: 0, clip: clip)
        if let reply = await gate.fault(route: .submit, afterProcessing: true, family: .aiml, context: context) {
            return reply
        }
        return Reply.json(AimlSubmitBody(id: job.id, status: "queued"))
    }

    @Sendable func poll(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.check(request, context: context, route: .status, family: .aiml) { return reply }
        guard let id = request.uri.queryParameters.get("generation_id"), !id.isEmpty else {
            return FaultResponder.error(.badRequest, "generation_id is required", family: .aiml)
        }
        guard let job = await state.job(id: id) else {
            return FaultResponder.error(.notFound, "Generation \(id) not found", family: .aiml)
        }
        var body = AimlGenerationBody(id: job.id, status: "")
        switch job.phase(at: await state.now()) {
        case .queued: body.status = "queued"
        case .processing: body.status = "generating"
        case .failed:
            body.status = "error"
            body.error = .init(name: "GenerationError", message: job.failureMessage ?? "generation failed")
        case .completed:
            body.status = "completed"
            body.video = .init(url: gate.origin(of: request) + "/files/\(job.id).mp4")
            let credits = NSDecimalNumber(decimal: job.price * Self.creditsPerUSD).intValue
            body.meta = .init(usage: .init(credits_used: credits, usd_spent: job.price))
        }
        return Reply.json(body)
    }
}
