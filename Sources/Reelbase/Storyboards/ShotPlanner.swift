import Foundation
import ReelbaseCore

/// Turns a shot into the generations of its takes with the same planner `POST /generations`
/// uses, so a shot is valid exactly when those requests would be.
struct ShotPlanner: Sendable {
    let planner: GenerationPlanner
    let storyboards: StoryboardRepository

    /// The request of take `take` (0-based). A numeric seed moves by one per take so takes
    /// differ; `firstFrame` is the continuity frame when the shot has one.
    func input(for shot: ShotDefinition, take: Int, campaign: UUID, team: UUID, firstFrame: UUID?) async throws -> GenerationInput {
        let p = shot.prompt, q = shot.parameters
        var input = GenerationInput(
            provider: shot.provider, model: shot.model, prompt: p.text, prompt_id: p.prompt_id, version: p.version, label: p.label,
            variables: p.variables, duration: q.duration, resolution: q.resolution, aspect_ratio: q.aspect_ratio,
            generate_audio: q.generate_audio, negative_prompt: q.negative_prompt, fps: q.fps, person_generation: q.person_generation,
            seed: q.seed.map { $0 &+ Int64(take) }, seed_id: q.seed_id, first_frame_asset_id: firstFrame ?? shot.firstFrame,
            last_frame_asset_id: shot.lastFrame, reference_asset_ids: shot.references.nilIfEmpty, campaign_id: campaign)
        if let versionID = p.prompt_version_id {
            guard p.prompt_id == nil, p.version == nil, p.label == nil, p.text == nil else {
                throw AppError.validation("The shot's prompt is not valid.", details: ["prompt": "give `prompt_version_id` alone (with `variables`)"])
            }
            guard let (prompt, version) = try await storyboards.promptVersion(team: team, id: versionID) else {
                throw AppError.validation("The shot's prompt is not valid.", details: ["prompt.prompt_version_id": "no such prompt version"])
            }
            (input.prompt_id, input.version) = (prompt, version)
        }
        return input
    }

    /// Plans every take. For a shot with continuity the first frame is not known yet: the
    /// takes are planned without it and the model is checked to accept one.
    func plan(_ shot: ShotDefinition, campaign: UUID, team: UUID, firstFrame: UUID? = nil,
              lookups: PlanningLookups = PlanningLookups()) async throws -> [PlannedGeneration] {
        var problems: [String: JSONValue] = [:]
        if !(1...4).contains(shot.takes) { problems["takes"] = "must be 1 to 4" }
        if shot.continuity && shot.firstFrame != nil {
            problems["first_frame_asset_id"] = "a shot with `continuity` takes its first frame from the shot before; remove one of the two"
        }
        guard problems.isEmpty else { throw AppError.validation("The shot is not valid.", details: problems) }
        var plans: [PlannedGeneration] = []
        for take in 0..<shot.takes {
            let input = try await input(for: shot, take: take, campaign: campaign, team: team, firstFrame: firstFrame)
            let plan = try await planner.plan(input, team: team, lookups: lookups)
            if shot.continuity && firstFrame == nil {
                var params = plan.params
                params.hasFirstFrame = true
                if let error = validate(model: plan.model, params: params).first {
                    throw AppError.validation("The shot is not valid.", details: ["continuity": .string("\(plan.model.id) cannot start from a first frame: \(error.message)")])
                }
            }
            plans.append(plan)
        }
        return plans
    }
}
