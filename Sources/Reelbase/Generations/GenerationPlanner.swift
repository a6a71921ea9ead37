import Foundation
import ReelbaseCore

/// Everything a generation row needs, resolved and validated before anything is written.
struct PlannedGeneration: Sendable {
    let input: GenerationInput
    let model: ModelSpec
    let credentials: ProviderCredentials
    let promptText: String
    let negativePrompt: String?
    let promptID: UUID?
    let promptVersionID: UUID?
    let params: GenerationParameters
    let seed: Int64?
    let seedID: UUID?
    let assets: [(UUID, String)]
    let campaignID: UUID?
    let estimate: Decimal
    /// `provider: "auto"`: the providers weighed and why this one.
    var routing: Routing? = nil

    var accountKey: String { ProviderCredentials.accountKey(credentials) }
}

/// Turns a request into a `PlannedGeneration`, reporting every problem at once (422).
struct GenerationPlanner: Sendable {
    let catalog: ModelCatalog
    let prompts: PromptRepository
    let seeds: SeedRepository
    let assets: AssetRepository
    let campaigns: CampaignRepository
    let prices: PriceRepository
    let accounts: ProviderAccountRepository

    /// `lookups` lets the items of one batch share what they read.
    func plan(_ input: GenerationInput, team: UUID, lookups: PlanningLookups = PlanningLookups()) async throws -> PlannedGeneration {
        // Sizes first: nothing is read for a request that is too big to be valid.
        let sized = input.sizeProblems()
        guard sized.isEmpty else { throw AppError.validation("The generation request is not valid.", details: sized) }
        var problems: [String: JSONValue] = [:]
        let provider = (input.provider ?? "segmind").lowercased()
        let routed = provider == ProviderRouting.auto
        let modelID = input.model.contains("/") ? input.model : "\(provider)/\(input.model)"
        let shortName = input.model.split(separator: "/").last.map(String.init) ?? input.model
        let candidates = routed ? catalog.models.filter { $0.id.hasSuffix("/" + shortName) } : catalog.model(id: modelID).map { [$0] } ?? []
        guard let model = candidates.first else {
            if routed {
                throw AppError.validation("Unknown model.", details: ["model": .string("no provider serves \(input.model): name a model such as veo-3.1-lite")])
            }
            let names = catalog.models.filter { $0.provider.rawValue == provider }.map(\.providerModelID)
            throw AppError.validation("Unknown model.", details: ["model": .string(names.isEmpty
                ? "provider \(provider) is not one of segmind, aimlapi, auto"
                : "\(input.model) is not a \(provider) model: use \(names.joined(separator: ", "))")])
        }

        // The prompt: raw text, or a stored version (by number, label, or the latest), rendered.
        var text = input.prompt ?? ""
        var negative = input.negative_prompt
        var versionParams: [String: JSONValue] = [:]
        var promptVersionID: UUID?
        switch (input.prompt, input.prompt_id) {
        case (nil, nil): problems["prompt"] = "give `prompt` (text) or `prompt_id` with `version` or `label`"
        case (.some, .some): problems["prompt"] = "give either `prompt` or `prompt_id`, not both"
        case (nil, .some(let promptID)):
            let reference = input.version.map(String.init) ?? input.label
            let version = try await lookups.value("prompt \(promptID) \(reference ?? "latest")") {
                try await reference == nil
                    ? prompts.find(team: team, id: promptID).map(\.latest)
                    : prompts.version(team: team, prompt: promptID, reference: reference!)
            }
            if let version {
                promptVersionID = version.id
                if case .object(let defaults) = version.default_params { versionParams = defaults }
                do {
                    text = try PromptInput.render(PromptTemplate(version.text), input.variables ?? [:])
                    if negative == nil, let stored = version.negative_prompt { negative = try PromptInput.render(PromptTemplate(stored), input.variables ?? [:]) }
                } catch .missing(let names) {
                    problems["variables"] = .string("missing variables: \(names.joined(separator: ", "))")
                } catch .tooLong(let limit) {
                    problems["prompt"] = .string("longer than \(limit) characters once rendered")
                }
            } else {
                problems[reference == nil ? "prompt_id" : (input.version != nil ? "version" : "label")] = "no such prompt version"
            }
        case (.some(let raw), nil):
            if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems["prompt"] = "must not be empty" }
        }
        if text.count > PromptInput.maxTextCharacters { problems["prompt"] = .string("must be at most \(PromptInput.maxTextCharacters) characters") }

        var seed = input.seed
        if let seedID = input.seed_id {
            if input.seed != nil { problems["seed_id"] = "give either `seed` or `seed_id`, not both" }
            if let stored = try await lookups.value("seed \(seedID)", { try await seeds.find(team: team, id: seedID) }) { seed = stored.value } else { problems["seed_id"] = "no such seed" }
        }

        var links: [(UUID, String)] = []
        func asset(_ id: UUID?, role: String, field: String) async throws {
            guard let id else { return }
            if try await !lookups.value("asset \(id)", { try await assets.find(team: team, id: id) != nil }) { problems[field] = "no such asset" } else { links.append((id, role)) }
        }
        try await asset(input.first_frame_asset_id, role: "first_frame", field: "first_frame_asset_id")
        try await asset(input.last_frame_asset_id, role: "last_frame", field: "last_frame_asset_id")
        for (index, id) in (input.reference_asset_ids ?? []).enumerated() {
            try await asset(id, role: "reference", field: "reference_asset_ids.\(index)")
        }

        if let campaign = input.campaign_id {
            let found = try await lookups.value("campaign \(campaign)") { try await campaigns.find(team: team, id: campaign) }
            if found == nil { problems["campaign_id"] = "no such campaign" } else if found?.archived_at != nil { problems["campaign_id"] = "the campaign is archived" }
        }
        // Parameters: the model's defaults, then the version's, then the request's.
        func parameters(for model: ModelSpec) -> GenerationParameters {
            var params = model.defaults
            if case .number(let value)? = versionParams["duration"] { params.duration = Int(value) }
            if case .string(let value)? = versionParams["resolution"] { params.resolution = value }
            if case .string(let value)? = versionParams["aspect_ratio"] { params.aspectRatio = value }
            if case .bool(let value)? = versionParams["generate_audio"] { params.generateAudio = value }
            if let value = input.duration { params.duration = value }
            if let value = input.resolution { params.resolution = value.lowercased() }
            if let value = input.aspect_ratio { params.aspectRatio = value }
            if let value = input.generate_audio { params.generateAudio = value }
            if let value = input.fps { params.fps = value }
            if let value = input.person_generation { params.personGeneration = value }
            params.negativePrompt = negative
            if let value = seed { params.seed = Int(value) }
            params.hasFirstFrame = input.first_frame_asset_id != nil
            params.hasLastFrame = input.last_frame_asset_id != nil
            params.referenceImageCount = input.reference_asset_ids?.count ?? 0
            return params
        }

        if routed {
            guard problems.isEmpty else { throw AppError.validation("The generation request is not valid.", details: problems) }
            let options = try await routeOptions(candidates, parameters: parameters, team: team, lookups: lookups)
            guard let (option, routing) = ProviderRouter.choose(options) else {
                throw AppError.validation("No provider can take this generation.", details: Dictionary(uniqueKeysWithValues: options.map {
                    ("provider.\($0.model.provider.rawValue)", JSONValue.string(ProviderRouter.describe($0)))
                }))
            }
            return PlannedGeneration(input: input, model: option.model, credentials: option.credentials!, promptText: text, negativePrompt: negative,
                                     promptID: input.prompt_id, promptVersionID: promptVersionID, params: option.params, seed: seed,
                                     seedID: input.seed_id, assets: links, campaignID: input.campaign_id, estimate: option.estimate!, routing: routing)
        }
        let params = parameters(for: model)
        for error in validate(model: model, params: params) { problems[error.field] = .string(error.message) }

        let credentials = try await lookups.value("credentials \(model.provider)") { try await accounts.credentials(team: team, provider: account(model)) }
        if credentials == nil { problems["provider"] = .string("no \(model.provider.rawValue) account: an owner adds one under provider accounts") }
        guard problems.isEmpty, let credentials else {
            throw AppError.validation("The generation request is not valid.", details: problems)
        }
        let estimate: Decimal
        do { estimate = try estimateCost(model: model, params: params, table: try await lookups.value("prices") { try await prices.table(team: team) }) } catch {
            throw AppError.validation("No price is set for this model and these parameters.", details: ["model": .string("\(error)")])
        }
        return PlannedGeneration(input: input, model: model, credentials: credentials, promptText: text, negativePrompt: negative,
                                 promptID: input.prompt_id, promptVersionID: promptVersionID, params: params, seed: seed,
                                 seedID: input.seed_id, assets: links, campaignID: input.campaign_id, estimate: estimate)
    }

    func account(_ model: ModelSpec) -> ProviderAccount { model.provider == .segmind ? .segmind : .aimlapi }

    /// Each provider serving the model: its parameters, what it cannot take, its account (paused
    /// or rate-limited accounts cannot take anything now) and its price.
    private func routeOptions(_ models: [ModelSpec], parameters: (ModelSpec) -> GenerationParameters, team: UUID,
                              lookups: PlanningLookups) async throws -> [RouteOption] {
        let table = try await lookups.value("prices") { try await prices.table(team: team) }
        var options: [RouteOption] = []
        for model in models {
            let params = parameters(model)
            var problems = validate(model: model, params: params).map(\.message)
            let credentials = try await lookups.value("credentials \(model.provider)") { try await accounts.credentials(team: team, provider: account(model)) }
            if let credentials, let until = try await accounts.pausedUntil(accountKey: ProviderCredentials.accountKey(credentials)) {
                problems.append("its account is paused until \(until == .distantFuture ? "a person acts" : until.iso8601WithFraction)")
            }
            options.append(RouteOption(model: model, params: params, credentials: credentials, problems: problems,
                                       estimate: try? estimateCost(model: model, params: params, table: table)))
        }
        return options
    }
}

/// The `provider` value that lets Reelbase choose.
enum ProviderRouting {
    static let auto = "auto"
}
