import Hummingbird

/// Generations, wired onto the authenticated `/api/v1` group.
func addGenerationRoutes(to gates: Gates, services s: Services) {
    GenerationController(generations: s.generations, planner: s.planner, store: s.blobs).addRoutes(to: gates)
    PosterController(posters: s.posters).addRoutes(to: gates)
    EventController(events: GenerationEventRepository(db: s.db, logger: s.logger), hub: s.events).addRoutes(to: gates)
}

extension Services {
    /// Requests to plans, for the API and the gateway alike.
    var planner: GenerationPlanner {
        GenerationPlanner(catalog: catalog, prompts: prompts, seeds: seeds, assets: assets, campaigns: campaigns, prices: prices, accounts: providerAccounts)
    }
}
