import Foundation

// Every job kind, in one place. Adding one: write its `JobHandler` type (its payload and `run`),
// then one `register` line below (and a `PeriodicJob` line if it recurs). Enqueue it with
// `services.jobs.enqueue(MyKind.self, payload, team: …)`, inside the caller's transaction when
// the job must exist only if that commits.

extension JobRegistry {
    static func standard(_ services: Services) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(PruneExpiredRows(db: services.db, logger: services.logger))
        registry.register(ExtractPoster(posters: services.posters))
        registry.register(AdvanceStoryboard(advancer: services.storyboardAdvancer))
        registry.register(SweepRunningStoryboards(db: services.db, jobs: services.jobs, logger: services.logger))
        registry.register(RenderCut(cuts: services.cuts, store: services.blobs, video: services.video, posters: services.posters,
                                    maxVideoBytes: services.config.maxVideoBytes))
        registry.register(ResolveSubmitUnknown(resolver: services.submitUnknown, settle: TimeInterval(services.config.submitUnknownSettleSeconds)))
        registry.register(DeliverWebhook(deliveries: services.webhookDeliveries, secrets: services.secrets,
                                         sender: services.webhookSender, slots: services.webhookSlots))
        registry.register(ReconcileAccount(runs: services.reconciliations, accounts: services.providerAccounts,
                                           historyClient: services.submitUnknown.historyClient))
        registry.register(ScheduleReconciliations(runs: services.reconciliations, historyLag: TimeInterval(services.config.segmindHistoryLagSeconds),
                                                  defaultAccount: services.config.defaultSegmind != nil))
        return registry
    }
}

extension PeriodicJob {
    static func standard(_ config: AppConfig) -> [PeriodicJob] {
        [
            PeriodicJob(PruneExpiredRows.self, every: .seconds(600), payload: .init()),
            PeriodicJob(ResolveSubmitUnknown.self, every: config.submitUnknownSweepEvery, payload: .init()),
            PeriodicJob(SweepRunningStoryboards.self, every: SweepRunningStoryboards.every, payload: .init()),
            PeriodicJob(ScheduleReconciliations.self, every: .seconds(3600), payload: .init()),
        ]
    }
}
