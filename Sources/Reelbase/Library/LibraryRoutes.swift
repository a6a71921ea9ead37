import Hummingbird
import Logging
import PostgresNIO

/// Campaigns, prompts, assets and seeds, wired onto the authenticated `/api/v1` group.
/// `importFetcher` is replaceable so tests can reach a loopback server they allow explicitly.
func addLibraryRoutes(to gates: Gates, config: AppConfig, db: PostgresClient, audit: AuditRepository,
                      importFetcher: SafeURLFetcher? = nil, logger: Logger) {
    let blobs = PostgresBlobStore(db: db, logger: logger)
    let assets = AssetRepository(db: db, audit: audit, logger: logger)
    let prompts = PromptRepository(db: db, audit: audit, logger: logger)
    var fetch = SafeURLFetcher.Configuration()
    fetch.maxBytes = config.maxUploadBytes
    fetch.policy = config.outbound
    let intake = AssetIntake(store: blobs, assets: assets, inspector: ImageInspector(), maxBytes: config.maxUploadBytes)

    CampaignController(campaigns: CampaignRepository(db: db, audit: audit, logger: logger)).addRoutes(to: gates)
    PromptController(prompts: prompts).addRoutes(to: gates)
    PromptToolsController(prompts: prompts, labels: PromptLabelRepository(db: db, audit: audit, logger: logger)).addRoutes(to: gates)
    AssetController(assets: assets, intake: intake, store: blobs, fetcher: importFetcher ?? SafeURLFetcher(configuration: fetch)).addRoutes(to: gates)
    SeedController(seeds: SeedRepository(db: db, audit: audit, logger: logger)).addRoutes(to: gates)
}

/// Every library operation, for the OpenAPI document.
enum LibraryOperations {
    static var all: [APIOperation] {
        CampaignOperations.all + PromptOperations.all + AssetOperations.all + SeedOperations.all
    }
}
