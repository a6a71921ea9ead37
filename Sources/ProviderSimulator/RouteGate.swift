import Foundation
import Hummingbird
import ReelbaseCore

/// The front every provider route shares: injected faults first, then the API key.
struct RouteGate: Sendable {
    let state: SimulatorState

    /// A response to send instead of handling the request, or nil to go on.
    func check(_ request: Request, context: SimContext, route: RouteKind, family: APIFamily) async -> Response? {
        if route == .status || route == .result { await state.recordPoll() }
        if let reply = await fault(route: route, afterProcessing: false, family: family, context: context) {
            return reply
        }
        guard authorized(request, family: family) else {
            return FaultResponder.error(.unauthorized, "Unauthorized: invalid or missing API key", family: family)
        }
        return nil
    }

    /// Faults marked `after_processing` answer once the work was accepted (and will be billed).
    func fault(route: RouteKind, afterProcessing: Bool, family: APIFamily, context: SimContext) async -> Response? {
        guard let rule = await state.takeFault(route: route, afterProcessing: afterProcessing) else { return nil }
        return await FaultResponder.respond(rule, family: family, now: await state.now(), context: context)
    }

    private func authorized(_ request: Request, family: APIFamily) -> Bool {
        let key: String?
        switch family {
        case .segmind:
            key = request.headers[.apiKey]
        case .aiml:
            let header = request.headers[.authorization] ?? ""
            key = header.hasPrefix("Bearer ") ? String(header.dropFirst("Bearer ".count)) : nil
        }
        guard let key, !key.isEmpty else { return false }
        return state.config.apiKey.map { $0 == key } ?? true
    }

    /// Reads and counts a submit body; the body is hashed exactly as received.
    func readSubmit(_ request: inout Request, context: SimContext) async throws -> Result<RequestFields, RequestFields.ParseError> {
        let (body, hash) = try await RequestFields.read(&request, context: context)
        let parsed = Result { try RequestFields.parse(body: body, hash: hash, contentType: request.headers[.contentType]) }
            .mapError { $0 as? RequestFields.ParseError ?? .notAnObject }
        await state.recordSubmit(bodySHA256: hash, prompt: (try? parsed.get())?.prompt)
        return parsed
    }

    /// A request's own origin, so URLs handed out work from wherever the client reached us.
    func origin(of request: Request) -> String {
        "http://" + (request.head.authority ?? "\(state.config.host):\(state.boundPort.withLock { $0 })")
    }
}

/// Seed the provider reports: the requested one, else the model default, with 0 meaning random.
func reportedSeed(_ params: GenerationParameters, model: ModelSpec) -> Int {
    let seed = params.seed ?? model.defaultSeed ?? 0
    return seed == 0 ? Int.random(in: 1...Int(UInt32.max)) : seed
}

/// Decimal as text for headers, without binary-float noise.
func decimalText(_ value: Decimal) -> String {
    "\(value)"
}
