import Hummingbird

/// Campaigns, prompts, assets and seeds, wired onto the authenticated `/api/v1` group.
func addLibraryRoutes(to gates: Gates, services s: Services) {
    let intake = s.assetIntake
    CampaignController(campaigns: s.campaigns).addRoutes(to: gates)
    PromptController(prompts: s.prompts).addRoutes(to: gates)
    PromptToolsController(prompts: s.prompts, labels: s.promptLabels).addRoutes(to: gates)
    AssetController(assets: s.assets, intake: intake, store: s.blobs, fetcher: s.urlFetcher).addRoutes(to: gates)
    SeedController(seeds: s.seeds).addRoutes(to: gates)
}

extension Services {
    /// Images in: uploads, imports and the gateway's images.
    var assetIntake: AssetIntake { AssetIntake(store: blobs, assets: assets, inspector: ImageInspector(), maxBytes: config.maxUploadBytes) }
}

/// Every library operation, for the OpenAPI document.
enum LibraryOperations {
    static var all: [APIOperation] {
        CampaignOperations.all + PromptOperations.all + AssetOperations.all + SeedOperations.all
    }
}
