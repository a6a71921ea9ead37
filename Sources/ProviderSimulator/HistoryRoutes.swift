import Foundation
import Hummingbird
import ReelbaseCore

/// Segmind's request history, at the path the official SDK 1.3.0 calls on its own host
/// (`https://api.spotprod.segmind.com/inference-request/request-history`):
/// `GET …/request-history?page&per_page&from_date&to_date&model_name&status&user_id|user_email&sort_by&sort_order`
/// and `GET …/request-history/{request_id}`. Plus `POST /_sim/history`: a request "made outside
/// Reelbase" with the same key, for reconciliation tests.
struct HistoryRoutes: Sendable {
    let state: SimulatorState
    var gate: RouteGate { RouteGate(state: state) }
    static let path = "inference-request/request-history"

    func add(to router: Router<SimContext>) {
        router.get(RouterPath(Self.path), use: list)
        router.get(RouterPath(Self.path + "/:id"), use: one)
        router.post("_sim/history", use: recordOutside)
    }

    @Sendable func list(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.check(request, context: context, route: .history, family: .segmind) { return reply }
        let caller = SimUser(apiKey: request.headers[.apiKey] ?? "")
        let parameters = request.uri.queryParameters
        let parsed = HistoryQuery.parse({ key in parameters.get(key).flatMap { $0.isEmpty ? nil : $0 } }, today: await state.now())
        switch parsed {
        case .failure(let error):
            return Reply.segmindError(.badRequest, error.message)
        case .success(let query):
            guard !query.namesSomeoneElse(than: caller) else {
                return Reply.segmindError(.forbidden, "You can only list your own requests or those of your team members")
            }
            return Reply.json(await state.historyPage(query, owner: caller))
        }
    }

    @Sendable func one(_ request: Request, context: SimContext) async throws -> Response {
        if let reply = await gate.check(request, context: context, route: .history, family: .segmind) { return reply }
        let caller = SimUser(apiKey: request.headers[.apiKey] ?? "")
        guard let id = context.parameters.get("id"), let row = await state.historyEntry(id: id, owner: caller) else {
            return Reply.segmindError(.notFound, "Request not found")
        }
        return Reply.json(row)
    }

    /// `{"api_key", "model", "request_body": {...}, "status": "COMPLETED"|"FAILED",
    /// "credits_deduction"?, "seconds_ago"?, "outputs"?}`. The cost defaults to the price the
    /// simulator would charge for that body; a COMPLETED request is billed at once.
    struct OutsideRequest: Decodable {
        var api_key: String
        var model: String
        var request_body: [String: FieldValue]
        var status: String?
        /// Read as a JSON number, kept exact through its decimal text.
        var credits_deduction: Double?
        var seconds_ago: Double?
        var outputs: Int?
    }

    @Sendable func recordOutside(_ request: Request, context: SimContext) async throws -> Response {
        guard let body = try? await request.decode(as: OutsideRequest.self, context: context), !body.api_key.isEmpty else {
            return Reply.segmindError(.badRequest, "expected {\"api_key\", \"model\", \"request_body\": {...}, \"status\"?, \"credits_deduction\"?, \"seconds_ago\"?, \"outputs\"?}")
        }
        let status = BookEntry.Status(rawValue: (body.status ?? "COMPLETED").uppercased())
        guard let status, status != .pending else {
            return Reply.segmindError(.badRequest, "status must be COMPLETED or FAILED")
        }
        guard let price = body.credits_deduction.flatMap({ Decimal(string: "\($0)") }) ?? listPrice(model: body.model, body: body.request_body) else {
            return Reply.segmindError(.badRequest, "credits_deduction is required: the simulator cannot price this model and body")
        }
        let outputs = max(1, min(body.outputs ?? 1, 10))
        let id = UUID().uuidString.lowercased()
        let created = await state.now().addingTimeInterval(-max(0, body.seconds_ago ?? 0))
        let origin = gate.origin(of: request)
        let entry = BookEntry(
            requestID: id, owner: SimUser(apiKey: body.api_key), model: body.model, requestBody: body.request_body,
            createdAt: created, completesAt: created,
            failureMessage: status == .failed ? "Generation failed" : nil, price: price,
            outputURLs: (0..<outputs).map { origin + "/files/\(id)" + ($0 == 0 ? "" : "-\($0)") + ".mp4" })
        await state.bookOutsideRequest(entry)
        return Reply.json(entry.rows(at: created)[0])
    }

    private func listPrice(model slug: String, body: [String: FieldValue]) -> Decimal? {
        guard let model = state.catalog.model(provider: .segmind, providerModelID: slug) else { return nil }
        let fields = RequestFields(values: body, bodySHA256: "")
        let (params, errors) = ParameterReader(model: model, fields: fields).read()
        guard errors.isEmpty else { return nil }
        return try? estimateCost(model: model, params: params, table: state.config.priceTable)
    }
}
