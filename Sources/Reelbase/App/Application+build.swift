import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ReelbaseCore
import ServiceLifecycle

/// The one composition root: every repository, controller and service is wired here.
public func buildApplication(_ config: AppConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let db = PostgresClient(configuration: try config.postgresConfiguration(), backgroundLogger: logger)
    let migrations = try Migrations(directory: config.migrationsPath)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderTimeouts().httpClientConfiguration())
    let clients = ProviderClientFactory(http: http, teamHosts: OutboundGuard(policy: config.teamProviderHosts), logger: logger)
    let router = try buildRouter(config, db: db, migrations: migrations, clients: clients, logger: logger)

    var app = Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.idleTimeoutSeconds)))),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "reelbase"),
        logger: logger
    )
    app.addServices(db, HTTPClientService(client: http))
    if config.applyMigrations {
        app.beforeServerStarts {
            try await migrations.apply(on: db, logger: logger)
        }
    }
    if config.runWorker { app.addServices(workerServices(db: db, config: config, clients: clients, logger: logger)) }
    return app
}

/// Every repository and controller, wired to one router.
public func buildRouter(_ config: AppConfig, db: PostgresClient, migrations: Migrations, clients: ProviderClientFactory, logger: Logger,
                        importFetcher: SafeURLFetcher? = nil, ledger: RouteLedger = RouteLedger()) throws -> Router<AppContext> {
    let secrets = SecretBox(key: config.secretKey)
    let catalog = ModelCatalog.standard(aimlModelID: config.aimlModelID)
    let audit = AuditRepository(db: db, secrets: secrets, logger: logger)
    let credits = CreditRepository(db: db, logger: logger)
    let prices = PriceRepository(db: db, audit: audit, catalog: catalog, logger: logger)
    let accounts = ProviderAccountRepository(db: db, audit: audit, secrets: secrets, defaults: config.defaultAccounts, logger: logger)
    let auth = AuthRepository(db: db, logger: logger, bcryptCost: config.bcryptCost)
    let teams = TeamRepository(db: db, audit: audit, auth: auth, logger: logger)
    let keys = APIKeyRepository(db: db, audit: audit, logger: logger)
    let alerts = AlertRepository(db: db, audit: audit, logger: logger)

    let router = Router(context: AppContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: config.servesHTTPS))
    router.add(middleware: RequestMiddleware(trustForwardedFor: config.trustForwardedFor))
    router.add(middleware: BodyDeadlineMiddleware(limit: .seconds(config.bodyDeadlineSeconds)))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: FileMiddleware(config.publicPath, searchForIndexHtml: true))

    HealthController(db: db, migrations: migrations, registry: MetricsSetup.registry, metricsToken: config.metricsToken, logger: logger)
        .addRoutes(to: Gate(group: router.group(), prefix: "", name: "public", ledger: ledger))

    let api = router.group("api/v1")
    let openAPI = OpenAPIDocument.build()
    let authed = router.group("api/v1").add(middleware: AuthMiddleware(auth: auth))
    let gates = Gates(publicGroup: api, authed: authed, prefix: "api/v1", ledger: ledger)
    gates.open.get("openapi.json") { _, _ in openAPI }
    SessionController(auth: auth, teams: teams, signIns: SignInAudit(audit: audit), secureCookies: config.secureCookies).addRoutes(to: gates)
    MeController(teams: teams, demoMode: config.demoMode).addRoutes(to: gates)
    MemberController(teams: teams).addRoutes(to: gates)
    APIKeyController(keys: keys).addRoutes(to: gates)
    AuditController(audit: audit).addRoutes(to: gates)
    ProviderAccountController(accounts: accounts, credits: credits, clients: clients, alerts: alerts).addRoutes(to: gates)
    PricingController(prices: prices, catalog: catalog).addRoutes(to: gates)
    CreditController(credits: credits).addRoutes(to: gates)
    addLibraryRoutes(to: gates, config: config, db: db, audit: audit, importFetcher: importFetcher, logger: logger)
    addGenerationRoutes(to: gates, config: config, db: db, audit: audit, accounts: accounts, prices: prices, catalog: catalog, logger: logger)
    SpendController(spend: SpendRepository(db: db, logger: logger)).addRoutes(to: gates)
    AlertController(alerts: alerts).addRoutes(to: gates)
    TeamController(teams: teams).addRoutes(to: gates)
    return router
}

extension JSONValue: ResponseEncodable {}

/// Prometheus registry behind swift-metrics; bootstrapped once per process.
public enum MetricsSetup {
    public static let registry = PrometheusCollectorRegistry()
    private static let once: Void = { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }()
    public static func bootstrap() { _ = once }
}
