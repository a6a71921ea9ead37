import Hummingbird

/// Campaigns, prompts, assets and seeds, wired onto the authenticated `/api/v1` group.
func addLibraryRoutes(to group: RouterGroup<AppContext>, services s: Services) {
    let intake = AssetIntake(store: s.blobs, assets: s.assets, inspector: ImageInspector(), maxBytes: s.config.maxUploadBytes)
    CampaignController(campaigns: s.campaigns).addRoutes(to: group)
    PromptController(prompts: s.prompts).addRoutes(to: group)
    PromptToolsController(prompts: s.prompts, labels: s.promptLabels).addRoutes(to: group)
    AssetController(assets: s.assets, intake: intake, store: s.blobs, fetcher: s.urlFetcher).addRoutes(to: group)
    SeedController(seeds: s.seeds).addRoutes(to: group)
}

/// Every library operation, for the OpenAPI document.
enum LibraryOperations {
    static var all: [APIOperation] {
        CampaignOperations.all + PromptOperations.all + AssetOperations.all + SeedOperations.all
    }
}
