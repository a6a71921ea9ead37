import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The one composition root. `Services` (Services.swift) builds every repository once; this
/// file wires them to routes and background services.
public func buildApplication(_ config: AppConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let services = try Services(config: config, logger: logger)
    var app = Application(
        router: buildRouter(services),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "reelbase"),
        logger: logger
    )
    app.addServices(services.lifecycle)
    if config.applyMigrations {
        app.beforeServerStarts {
            try await services.migrations.apply(on: services.db, logger: logger)
        }
    }
    if !FileManager.default.fileExists(atPath: config.publicPath + "/index.html") {
        logger.warning("dashboard files not found; set REELBASE_PUBLIC to the Public/ folder (the API works without them)",
                       metadata: ["path": "\(config.publicPath)"])
    }
    if config.runWorker { app.addServices(workerServices(services)) }
    return app
}

/// Every controller, wired to one router.
public func buildRouter(_ services: Services) -> Router<AppContext> {
    let s = services
    let router = Router(context: AppContext.self)
    router.add(middleware: RequestMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: FileMiddleware(s.config.publicPath, searchForIndexHtml: true))

    HealthController(db: s.db, migrations: s.migrations, registry: MetricsSetup.registry, logger: s.logger).addRoutes(to: router)

    let api = router.group("api/v1")
    let openAPI = OpenAPIDocument.build()
    api.get("openapi.json") { _, _ in openAPI }
    let sessions = SessionController(auth: s.auth, teams: s.teams, secureCookies: s.config.secureCookies)
    sessions.addPublicRoutes(to: api)

    let authed = router.group("api/v1").add(middleware: AuthMiddleware(auth: s.auth))
    sessions.addRoutes(to: authed)
    MeController(teams: s.teams, demoMode: s.config.demoMode).addRoutes(to: authed)
    MemberController(teams: s.teams).addRoutes(to: authed)
    APIKeyController(keys: s.apiKeys).addRoutes(to: authed)
    AuditController(audit: s.audit).addRoutes(to: authed)
    ProviderAccountController(accounts: s.providerAccounts, credits: s.credits, clients: s.clients, alerts: s.alerts).addRoutes(to: authed)
    PricingController(prices: s.prices, catalog: s.catalog).addRoutes(to: authed)
    CreditController(credits: s.credits).addRoutes(to: authed)
    addLibraryRoutes(to: authed, services: s)
    addGenerationRoutes(to: authed, services: s)
    SpendController(spend: s.spend).addRoutes(to: authed)
    AlertController(alerts: s.alerts).addRoutes(to: authed)
    TeamController(teams: s.teams).addRoutes(to: authed)
    return router
}

extension JSONValue: ResponseEncodable {}

/// Prometheus registry behind swift-metrics; bootstrapped once per process.
public enum MetricsSetup {
    public static let registry = PrometheusCollectorRegistry()
    private static let once: Void = { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }()
    public static func bootstrap() { _ = once }
}
