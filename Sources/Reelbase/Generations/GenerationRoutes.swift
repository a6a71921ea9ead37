import Hummingbird

/// Generations, wired onto the authenticated `/api/v1` group.
func addGenerationRoutes(to gates: Gates, services s: Services) {
    GenerationController(generations: s.generations, planner: s.generationPlanner, store: s.blobs).addRoutes(to: gates)
    PosterController(posters: s.posters).addRoutes(to: gates)
    CutController(cuts: s.cuts, store: s.blobs, video: s.video).addRoutes(to: gates)
    EventController(events: s.eventLog, hub: s.events).addRoutes(to: gates)
}

extension Services {
    /// Validates and prices generation requests (`POST /generations`, batches, storyboard shots).
    var generationPlanner: GenerationPlanner {
        GenerationPlanner(catalog: catalog, prompts: prompts, seeds: seeds, assets: assets, campaigns: campaigns, prices: prices, accounts: providerAccounts)
    }
}
