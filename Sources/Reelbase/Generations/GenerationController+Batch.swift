import Foundation
import Hummingbird

/// `POST /generations/batch`: every combination of prompt versions × seeds × parameter
/// variants, reserved against the budget all together or not at all.
extension GenerationController {
    struct BatchBody: Decodable {
        /// What every generation shares (model, prompt or prompt_id, campaign, images...).
        let base: GenerationInput
        /// Version numbers of `base.prompt_id`; omitted: the base's own version/label/latest.
        let prompt_versions: [Int]?
        let seeds: [Int64]?
        /// Partial overrides of `base`, e.g. `{"duration": 4}`, `{"resolution": "1080p"}`.
        let variants: [Variant]?
    }

    struct Variant: Decodable {
        let duration: Int?
        let resolution: String?
        let aspect_ratio: String?
        let generate_audio: Bool?
        let fps: Int?
        let negative_prompt: String?
    }

    struct BatchItem: Encodable {
        let model: String
        let prompt_version: Int?
        let seed: Int64?
        let params: JSONValue
        let estimated_cost_usd: Decimal
    }

    struct BatchResult: Encodable {
        let dry_run: Bool
        let count: Int
        let total_estimate_usd: Decimal
        let items: [BatchItem]?
        let generations: [GenerationAccepted]?
    }

    static let maxBatch = 500

    @Sendable func batch(_ request: Request, context: ViewerContext) async throws -> Response {
        let identity = context.identity
        let dryRun = try request.queryBool("dry_run") ?? false
        // Only a real batch spends; a dry run is a price quote any member may ask for.
        if !dryRun { _ = try context.atLeast(EditorLevel.self) }
        let body = try await request.decode(as: BatchBody.self, context: context)
        let versions: [Int?] = body.prompt_versions.map { $0.map(Optional.some) } ?? [nil]
        let seeds: [Int64?] = body.seeds.map { $0.map(Optional.some) } ?? [body.base.seed]
        let variants: [Variant?] = body.variants.map { $0.map(Optional.some) } ?? [nil]
        if body.prompt_versions != nil && body.base.prompt_id == nil {
            throw AppError.validation("`prompt_versions` needs `base.prompt_id`.")
        }
        let count = versions.count * seeds.count * variants.count
        guard count > 0 else { throw AppError.validation("The batch is empty: every list given must have at least one entry.") }
        guard count <= Self.maxBatch else { throw AppError.validation("The batch has \(count) generations; the limit is \(Self.maxBatch).") }

        var plans: [PlannedGeneration] = []
        let lookups = PlanningLookups()
        for version in versions {
            for seed in seeds {
                for variant in variants {
                    var input = body.base
                    if let version { input.version = version; input.label = nil }
                    input.seed = seed
                    if let variant {
                        input.duration = variant.duration ?? input.duration
                        input.resolution = variant.resolution ?? input.resolution
                        input.aspect_ratio = variant.aspect_ratio ?? input.aspect_ratio
                        input.generate_audio = variant.generate_audio ?? input.generate_audio
                        input.fps = variant.fps ?? input.fps
                        input.negative_prompt = variant.negative_prompt ?? input.negative_prompt
                    }
                    do {
                        plans.append(try await planner.plan(input, team: identity.teamID, lookups: lookups))
                    } catch let error as AppError {
                        // Say which combination is wrong, with all its problems.
                        throw AppError(error.status, error.code, "Combination version \(version.map(String.init) ?? "-"), seed \(seed.map(String.init) ?? "-"): \(error.message)", details: error.details)
                    }
                }
            }
        }
        let total = plans.reduce(Decimal(0)) { $0 + $1.estimate }
        if dryRun {
            let items = plans.map { plan in
                BatchItem(model: plan.model.id, prompt_version: plan.input.version, seed: plan.seed,
                          params: .parse(String(decoding: (try? JSONEncoder.api.encode(plan.params)) ?? Data(), as: UTF8.self)),
                          estimated_cost_usd: plan.estimate)
            }
            return try Self.json(BatchResult(dry_run: true, count: count, total_estimate_usd: total, items: items, generations: nil), status: .ok)
        }
        guard case .created(let accepted) = try await generations.enqueue(plans, team: identity.teamID, identity: identity, ip: context.clientIP,
                                                                          idempotency: nil, responseStatus: 202, encode: { _ in "" }) else {
            throw AppError(.internalServerError, "internal", "batch was not created")
        }
        return try Self.json(BatchResult(dry_run: false, count: count, total_estimate_usd: total, items: nil, generations: accepted), status: .accepted)
    }
}
