import Hummingbird
import Logging
import PostgresNIO
import ReelbaseCore

/// Generations and the team's spend, wired onto the authenticated `/api/v1` group.
func addGenerationRoutes(to group: RouterGroup<AppContext>, config: AppConfig, db: PostgresClient, audit: AuditRepository,
                         accounts: ProviderAccountRepository, prices: PriceRepository, catalog: ModelCatalog, logger: Logger) {
    let planner = GenerationPlanner(
        catalog: catalog, prompts: PromptRepository(db: db, audit: audit, logger: logger),
        seeds: SeedRepository(db: db, audit: audit, logger: logger), assets: AssetRepository(db: db, audit: audit, logger: logger),
        campaigns: CampaignRepository(db: db, audit: audit, logger: logger), prices: prices, accounts: accounts)
    GenerationController(generations: GenerationRepository(db: db, audit: audit, logger: logger), planner: planner,
                         store: PostgresBlobStore(db: db, logger: logger)).addRoutes(to: group)
    PosterController(posters: PosterService(db: db, store: PostgresBlobStore(db: db, logger: logger), extractor: PosterExtractor(), logger: logger))
        .addRoutes(to: group)
    EventController(events: GenerationEventRepository(db: db, logger: logger), hub: GenerationEventHub(db: db, logger: logger)).addRoutes(to: group)
}
