import Logging
import PostgresNIO
import ReelbaseCore
import ServiceLifecycle

/// The worker's services, shared by `serve` and `worker`.
func workerServices(db: PostgresClient, config: AppConfig, clients: ProviderClientFactory, logger: Logger) -> [any Service] {
    let secrets = SecretBox(key: config.secretKey)
    let catalog = ModelCatalog.standard(aimlModelID: config.aimlModelID)
    let audit = AuditRepository(db: db, secrets: secrets, logger: logger)
    let store = PostgresBlobStore(db: db, logger: logger)
    let queue = WorkQueue(db: db, settings: config.worker, logger: logger)
    var runner = JobRunner(
        queue: queue,
        outcomes: JobOutcomes(db: db, audit: audit, credits: CreditRepository(db: db, logger: logger), logger: logger),
        accounts: ProviderAccountRepository(db: db, audit: audit, secrets: secrets, defaults: config.defaultAccounts, logger: logger),
        clients: clients,
        inputs: JobInputs(db: db, store: store, catalog: catalog, logger: logger),
        archiver: VideoArchiver(http: clients.http, store: store, maxBytes: config.maxVideoBytes, timeout: .seconds(300), logger: logger),
        catalog: catalog, settings: config.worker, logger: logger)
    runner.posters = PosterService(db: db, store: store, extractor: PosterExtractor(), logger: logger)
    let migrations = try? Migrations(directory: config.migrationsPath)
    return [GenerationWorker(queue: queue, runner: runner, db: db, settings: config.worker, migrations: migrations, logger: logger)]
}
