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
    let clients = ProviderClientFactory(http: http, logger: logger)
    let router = try buildRouter(config, db: db, migrations: migrations, clients: clients, logger: logger)

    var app = Application(
        router: router,
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
                        importFetcher: SafeURLFetcher? = nil) throws -> Router<AppContext> {
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
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RequestMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: FileMiddleware(config.publicPath, searchForIndexHtml: true))

    HealthController(db: db, migrations: migrations, registry: MetricsSetup.registry, logger: logger).addRoutes(to: router)

    let api = router.group("api/v1")
    let openAPI = OpenAPIDocument.build()
    api.get("openapi.json") { _, _ in openAPI }
    let sessions = SessionController(auth: auth, teams: teams, secureCookies: config.secureCookies)
    sessions.addPublicRoutes(to: api)

    let authed = router.group("api/v1").add(middleware: AuthMiddleware(auth: auth))
    sessions.addRoutes(to: authed)
    MeController(teams: teams, demoMode: config.demoMode).addRoutes(to: authed)
    MemberController(teams: teams).addRoutes(to: authed)
    APIKeyController(keys: keys).addRoutes(to: authed)
    AuditController(audit: audit).addRoutes(to: authed)
    ProviderAccountController(accounts: accounts, credits: credits, clients: clients, alerts: alerts).addRoutes(to: authed)
    PricingController(prices: prices, catalog: catalog).addRoutes(to: authed)
    CreditController(credits: credits).addRoutes(to: authed)
    addLibraryRoutes(to: authed, config: config, db: db, audit: audit, importFetcher: importFetcher, logger: logger)
    addGenerationRoutes(to: authed, config: config, db: db, audit: audit, accounts: accounts, prices: prices, catalog: catalog, logger: logger)
    SpendController(spend: SpendRepository(db: db, logger: logger)).addRoutes(to: authed)
    AlertController(alerts: alerts).addRoutes(to: authed)
    TeamController(teams: teams).addRoutes(to: authed)
    return router
}

extension JSONValue: ResponseEncodable {}

/// Prometheus registry behind swift-metrics; bootstrapped once per process.
public enum MetricsSetup {
    public static let registry = PrometheusCollectorRegistry()
    private static let once: Void = { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }()
    public static func bootstrap() { _ = once }
}
