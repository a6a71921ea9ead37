import ServiceLifecycle

/// The background services `serve` and `worker` run: the generation worker (paid provider
/// calls, money-aware) and the job worker (everything else).
func workerServices(_ s: Services) -> [any Service] {
    let settings = s.config.worker
    let queue = WorkQueue(db: s.db, settings: settings, logger: s.logger)
    let runner = JobRunner(
        queue: queue,
        outcomes: JobOutcomes(db: s.db, audit: s.audit, credits: s.credits, jobs: s.jobs, webhooks: s.webhookOutbox, logger: s.logger),
        accounts: s.providerAccounts,
        clients: s.clients,
        inputs: JobInputs(db: s.db, store: s.blobs, catalog: s.catalog, logger: s.logger),
        archiver: VideoArchiver(store: s.blobs, policy: s.config.outbound, maxBytes: s.config.maxVideoBytes, timeout: .seconds(300), logger: s.logger),
        catalog: s.catalog, settings: settings, logger: s.logger)
    let paidWork = PaidWorkLoad(slots: settings.slots)
    return [
        GenerationWorker(queue: queue, runner: runner, db: s.db, settings: settings, migrations: s.migrations, logger: s.logger, paidWork: paidWork),
        JobWorker(queue: s.jobs, registry: .standard(s), periodic: PeriodicJob.standard(s.config), migrations: s.migrations, logger: s.logger,
                  paidWork: paidWork),
    ]
}
