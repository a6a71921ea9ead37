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
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.idleTimeoutSeconds)))),
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

/// Every controller, wired to one router. Each route goes through exactly one gate (public,
/// viewer, editor, owner); `ledger` records which, so a test can check none was missed.
public func buildRouter(_ services: Services, ledger: RouteLedger = RouteLedger()) -> Router<AppContext> {
    let s = services
    let router = Router(context: AppContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: s.config.servesHTTPS))
    router.add(middleware: RequestMiddleware(trustForwardedFor: s.config.trustForwardedFor))
    router.add(middleware: BodyDeadlineMiddleware(limit: .seconds(s.config.bodyDeadlineSeconds)))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: FileMiddleware(s.config.publicPath, searchForIndexHtml: true))

    HealthController(db: s.db, migrations: s.migrations, registry: MetricsSetup.registry, metricsToken: s.config.metricsToken, logger: s.logger)
        .addRoutes(to: Gate(group: router.group(), prefix: "", name: "public", ledger: ledger))

    let api = router.group("api/v1")
    let openAPI = OpenAPIDocument.build()
    let authed = router.group("api/v1").add(middleware: AuthMiddleware(auth: s.auth))
    let gates = Gates(publicGroup: api, authed: authed, prefix: "api/v1", ledger: ledger)
    gates.open.get("openapi.json") { _, _ in openAPI }
    SessionController(auth: s.auth, teams: s.teams, signIns: SignInAudit(audit: s.audit), secureCookies: s.config.secureCookies).addRoutes(to: gates)
    MeController(teams: s.teams, demoMode: s.config.demoMode).addRoutes(to: gates)
    MemberController(teams: s.teams).addRoutes(to: gates)
    APIKeyController(keys: s.apiKeys, catalog: s.catalog).addRoutes(to: gates)
    AuditController(audit: s.audit).addRoutes(to: gates)
    ProviderAccountController(accounts: s.providerAccounts, credits: s.credits, clients: s.clients, alerts: s.alerts).addRoutes(to: gates)
    PricingController(prices: s.prices, catalog: s.catalog).addRoutes(to: gates)
    CreditController(credits: s.credits).addRoutes(to: gates)
    addLibraryRoutes(to: gates, services: s)
    addGenerationRoutes(to: gates, services: s)
    addStoryboardRoutes(to: gates, services: s)
    SpendController(spend: s.spend).addRoutes(to: gates)
    AlertController(alerts: s.alerts).addRoutes(to: gates)
    ReconciliationController(runs: s.reconciliations, clock: s.clock, defaultAccount: s.config.defaultSegmind != nil).addRoutes(to: gates)
    TeamController(teams: s.teams).addRoutes(to: gates)
    addReviewRoutes(to: gates, share: Gate(group: router.group("s"), prefix: "s", name: "share link", ledger: ledger), services: s)
    addGatewayRoutes(to: router, services: s, ledger: ledger)
    WebhookEndpointController(endpoints: s.webhookEndpoints, deliveries: s.webhookDeliveries).addRoutes(to: gates)
    return router
}

extension JSONValue: ResponseEncodable {}

/// Prometheus registry behind swift-metrics; bootstrapped once per process.
public enum MetricsSetup {
    public static let registry = PrometheusCollectorRegistry()
    private static let once: Void = { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }()
    public static func bootstrap() { _ = once }
}
