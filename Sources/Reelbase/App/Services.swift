import AsyncHTTPClient
import Logging
import PostgresNIO
import ReelbaseCore
import ServiceLifecycle

/// Everything Reelbase is made of, built once from `AppConfig` and handed to the router, the
/// workers and the CLI. This is the only place a repository, the blob store, the audit log or
/// the secret box is constructed; everything else receives them from here.
public struct Services: Sendable {
    public let config: AppConfig
    public let logger: Logger
    let clock: any WallClock

    // Infrastructure
    public let db: PostgresClient
    let http: HTTPClient
    public let migrations: Migrations
    let secrets: SecretBox
    let catalog: ModelCatalog
    let blobs: PostgresBlobStore
    let clients: ProviderClientFactory
    /// Fetches URLs given by users (image import); tests swap it for one that allows loopback.
    let urlFetcher: SafeURLFetcher
    let jobs: JobQueue
    /// Poster frames: made by the `extract_poster` job after a video is archived.
    let posters: PosterService
    /// ffmpeg/ffprobe: probing takes, last frames for continuity, joining takes into cuts.
    let video: VideoTools
    /// One LISTEN connection per process for the event streams (started on first subscriber).
    let events: GenerationEventHub
    /// The event log the streams read from (`generation_events`).
    let eventLog: GenerationEventRepository
    /// API keys seen in the last seconds; revocations clear it on every replica (pg_notify).
    let credentials: CredentialCache

    // Repositories
    let audit: AuditRepository
    let auth: AuthRepository
    let teams: TeamRepository
    let apiKeys: APIKeyRepository
    let credits: CreditRepository
    let prices: PriceRepository
    let providerAccounts: ProviderAccountRepository
    let alerts: AlertRepository
    let spend: SpendRepository
    let campaigns: CampaignRepository
    let prompts: PromptRepository
    let promptLabels: PromptLabelRepository
    let assets: AssetRepository
    let seeds: SeedRepository
    let generations: GenerationRepository
    let storyboards: StoryboardRepository
    let cuts: CutRepository
    /// Ratings, verdicts and timecode comments on takes.
    let reviews: ReviewRepository
    /// Links for clients without an account (`/s/{token}`); tokens signed from the secret key.
    let shareLinks: ShareLinkRepository
    /// Signed webhooks out: endpoints, the outbox every event enters (inside its own
    /// transaction), the delivery log, and what the `deliver_webhook` job sends with.
    let webhookEndpoints: WebhookEndpointRepository
    let webhookDeliveries: WebhookDeliveryRepository
    let webhookOutbox: WebhookOutbox
    let webhookSender: WebhookSender
    let webhookSlots: EndpointSlots
    /// Settles Segmind `submit_unknown` jobs from the provider's request history (the
    /// `resolve_submit_unknown` sweep). The history URL is the operator's, never a team's.
    let submitUnknown: SubmitUnknownResolver
    /// Reconciliation runs: the ledger against the provider's request history.
    let reconciliations: ReconciliationRepository

    /// The pool and the HTTP client: they start before and stop after everything that uses them.
    public let lifecycle: [any Service]

    /// - Parameters:
    ///   - http: a shared client the caller owns (tests); by default Services creates and shuts down its own.
    ///   - urlFetcher: replaces the guarded importer (tests allow one loopback server explicitly).
    ///   - clock: "now" for the job queue.
    public init(config: AppConfig, logger: Logger, http sharedHTTP: HTTPClient? = nil, urlFetcher: SafeURLFetcher? = nil) throws {
        try self.init(config: config, logger: logger, http: sharedHTTP, urlFetcher: urlFetcher, clock: SystemClock())
    }

    /// - resolver: how webhook endpoint host names resolve (tests answer by hand to show a name
    ///   that moves to a private address is refused at delivery).
    init(config: AppConfig, logger: Logger, http sharedHTTP: HTTPClient?, urlFetcher: SafeURLFetcher?, clock: any WallClock,
         resolver: any HostResolver = SystemHostResolver()) throws {
        self.config = config
        self.logger = logger
        self.clock = clock
        migrations = try config.migrations()
        db = PostgresClient(configuration: try config.postgresConfiguration(), backgroundLogger: logger)
        http = sharedHTTP ?? HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderTimeouts().httpClientConfiguration())
        credentials = CredentialCache(db: db, logger: logger)
        lifecycle = (sharedHTTP == nil ? [db, HTTPClientService(client: http)] : [db]) + [credentials]
        secrets = SecretBox(key: config.secretKey)
        catalog = ModelCatalog.standard(aimlModelID: config.aimlModelID)
        blobs = PostgresBlobStore(db: db, logger: logger)
        posters = PosterService(db: db, store: blobs, extractor: PosterExtractor(), logger: logger)
        video = VideoTools()
        events = GenerationEventHub(db: db, logger: logger)
        eventLog = GenerationEventRepository(db: db, logger: logger)
        clients = ProviderClientFactory(http: http, options: ProviderClientOptions(timeouts: ProviderTimeouts(connect: config.worker.providerConnectTimeout)), teamHosts: OutboundGuard(policy: config.teamProviderHosts), logger: logger)
        var fetch = SafeURLFetcher.Configuration()
        fetch.maxBytes = config.maxUploadBytes
        fetch.policy = config.outbound
        self.urlFetcher = urlFetcher ?? SafeURLFetcher(configuration: fetch)
        jobs = JobQueue(db: db, settings: config.jobs, clock: clock, logger: logger)

        audit = AuditRepository(db: db, secrets: secrets, logger: logger)
        auth = AuthRepository(db: db, logger: logger, bcryptCost: config.bcryptCost, credentials: credentials, signInLimits: config.signIn)
        teams = TeamRepository(db: db, audit: audit, auth: auth, logger: logger)
        apiKeys = APIKeyRepository(db: db, audit: audit, logger: logger, credentials: credentials, clock: clock)
        credits = CreditRepository(db: db, logger: logger)
        prices = PriceRepository(db: db, audit: audit, catalog: catalog, logger: logger)
        providerAccounts = ProviderAccountRepository(db: db, audit: audit, secrets: secrets, defaults: config.defaultAccounts, logger: logger)
        alerts = AlertRepository(db: db, audit: audit, logger: logger)
        spend = SpendRepository(db: db, logger: logger)
        campaigns = CampaignRepository(db: db, audit: audit, logger: logger)
        prompts = PromptRepository(db: db, audit: audit, logger: logger)
        promptLabels = PromptLabelRepository(db: db, audit: audit, logger: logger)
        assets = AssetRepository(db: db, audit: audit, logger: logger)
        seeds = SeedRepository(db: db, audit: audit, logger: logger)
        let webhookGuard = OutboundGuard(policy: config.webhookHosts, resolver: resolver)
        webhookOutbox = WebhookOutbox(jobs: jobs, logger: logger)
        webhookEndpoints = WebhookEndpointRepository(db: db, audit: audit, secrets: secrets, guardian: webhookGuard, clock: clock, logger: logger)
        webhookDeliveries = WebhookDeliveryRepository(db: db, audit: audit, jobs: jobs, schedule: WebhookRetrySchedule(), logger: logger)
        webhookSender = WebhookSender(guardian: webhookGuard, timeout: config.webhooks.timeout)
        webhookSlots = EndpointSlots(limit: config.webhooks.endpointConcurrency)
        generations = GenerationRepository(db: db, audit: audit, outbox: webhookOutbox, logger: logger, clock: clock,
                                          defaultAccountBudget: config.defaultAccountTeamBudgetUSD)
        storyboards = StoryboardRepository(db: db, audit: audit, events: StoryboardEvents(outbox: webhookOutbox, logger: logger), logger: logger)
        cuts = CutRepository(db: db, audit: audit, jobs: jobs, events: CutEvents(outbox: webhookOutbox, logger: logger), logger: logger)
        reviews = ReviewRepository(db: db, audit: audit, logger: logger)
        shareLinks = ShareLinkRepository(db: db, audit: audit, tokens: ShareTokens(secrets: secrets), logger: logger)
        submitUnknown = SubmitUnknownResolver(
            db: db, audit: audit, accounts: providerAccounts, catalog: catalog, http: http, historyURL: config.segmindHistoryURL,
            options: clients.options, policy: MatchPolicy(config: config), logger: logger)
        reconciliations = ReconciliationRepository(db: db, audit: audit, alerts: alerts, jobs: jobs, catalog: catalog, logger: logger)
    }
}

/// Runs `body` with the pool running, for one-shot commands (migrate, team create).
public func withServices<T: Sendable>(_ config: AppConfig, logger: Logger = Logger(label: "reelbase"),
                                      _ body: @escaping @Sendable (Services) async throws -> T) async throws -> T {
    let services = try Services(config: config, logger: logger)
    do {
        let value = try await services.db.whileRunning { try await body(services) }
        try? await services.http.shutdown()
        return value
    } catch {
        try? await services.http.shutdown()
        throw error
    }
}
