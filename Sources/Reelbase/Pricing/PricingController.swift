import Foundation
import Hummingbird
import ReelbaseCore

/// `GET /models` (the catalog, for forms), `GET /prices`, `PUT /prices` (owners, audited).
struct PricingController {
    let prices: PriceRepository
    let catalog: ModelCatalog

    struct PriceList: ResponseEncodable, Decodable {
        let data: [PriceRepository.Row]
    }

    struct ReplacePrices: Decodable {
        let rows: [PriceRow]
    }

    struct ModelEntry: Codable {
        let model: ModelSpec
        /// Cheapest and dearest estimate over the model's durations and audio settings.
        let estimate_min_usd: Decimal?
        let estimate_max_usd: Decimal?
    }

    struct ModelList: ResponseEncodable, Decodable {
        let data: [ModelEntry]
    }

    func addRoutes(to gates: Gates) {
        gates.viewer.get("models", use: models).get("prices", use: list)
        gates.owner.put("prices", use: replace)
    }

    @Sendable func models(_ request: Request, context: ViewerContext) async throws -> ModelList {
        let identity = context.identity
        let table = try await prices.table(team: identity.teamID)
        return ModelList(data: catalog.models.map { model in
            var estimates: [Decimal] = []
            for duration in model.durations {
                for audio in model.supportsAudio ? [false, true] : [false] {
                    var params = model.defaults
                    params.duration = duration
                    params.generateAudio = audio
                    if let cost = try? estimateCost(model: model, params: params, table: table) { estimates.append(cost) }
                }
            }
            return ModelEntry(model: model, estimate_min_usd: estimates.min(), estimate_max_usd: estimates.max())
        })
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> PriceList {
        let identity = context.identity
        return PriceList(data: try await prices.rows(team: identity.teamID))
    }

    @Sendable func replace(_ request: Request, context: OwnerContext) async throws -> PriceList {
        let identity = context.identity
        let body = try await request.decode(as: ReplacePrices.self, context: context)
        try await prices.replace(team: identity.teamID, with: body.rows, actor: AuditActor(identity, ip: context.clientIP))
        return PriceList(data: try await prices.rows(team: identity.teamID))
    }
}
