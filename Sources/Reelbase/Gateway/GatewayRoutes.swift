import Foundation
import Hummingbird

/// The Segmind-compatible endpoints at the root (`/v1/{slug}`, `/v2/...`), behind their own
/// door: `x-api-key` and Segmind's error shape (`GatewayMiddleware`).
func addGatewayRoutes(to router: Router<AppContext>, services s: Services, ledger: RouteLedger) {
    let group = router.group().add(middleware: GatewayMiddleware(auth: s.auth))
    GatewayController(
        generations: s.generations, planner: s.generationPlanner, keys: s.apiKeys, images: GatewayImages(intake: s.assetIntake, fetcher: s.urlFetcher),
        store: s.blobs, catalog: s.catalog, publicURL: s.config.publicURL, maxWait: TimeInterval(s.config.gatewayMaxWaitSeconds),
        // Images may come inline (base64 or form files): room for a few of them.
        bodyLimit: min(s.config.maxUploadBytes * 4, 256 << 20)
    ).addRoutes(to: Gate(group: group, prefix: "", name: "gateway", ledger: ledger))
}
