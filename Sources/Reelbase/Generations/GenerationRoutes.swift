import Hummingbird

/// Generations, wired onto the authenticated `/api/v1` group.
func addGenerationRoutes(to gates: Gates, services s: Services) {
    let planner = GenerationPlanner(catalog: s.catalog, prompts: s.prompts, seeds: s.seeds, assets: s.assets,
                                    campaigns: s.campaigns, prices: s.prices, accounts: s.providerAccounts)
    GenerationController(generations: s.generations, planner: planner, store: s.blobs).addRoutes(to: gates)
    PosterController(posters: s.posters).addRoutes(to: gates)
    CutController(cuts: s.cuts, store: s.blobs, video: s.video).addRoutes(to: gates)
    EventController(events: GenerationEventRepository(db: s.db, logger: s.logger), hub: s.events).addRoutes(to: gates)
}
