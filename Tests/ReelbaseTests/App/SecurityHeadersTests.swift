import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

/// Issue 8, "what we serve is what we say" and the metrics door: headers every browser
/// response carries, HSTS and Secure cookies only behind https, a token on `/metrics`.
@Suite struct SecurityHeadersTests {
    static func withApp<T>(_ adjust: (inout AppConfig) -> Void, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        MetricsSetup.bootstrap()
        var config = try TestEnv.config()
        adjust(&config)
        let app = try await buildApplication(config, logger: TestEnv.logger)
        return try await app.test(.router, body)
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await TestEnv.withApp { client in
            for (path, status) in [("/", HTTPResponse.Status.ok), ("/js/main.js", .ok), ("/healthz", .ok), ("/api/v1/me", .unauthorized),
                                   ("/api/v1/no-such-route", .notFound), ("/api/v1/openapi.json", .ok)] {
                let response = try await client.call(path, key: nil)
                #expect(response.status == status, "\(path)")
                let csp = try #require(response.headers[.contentSecurityPolicy], "\(path)")
                #expect(csp == SecurityHeadersMiddleware.contentSecurityPolicy)
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
                #expect(response.headers[.strictTransportSecurity] == nil, "no HSTS without an https public URL")
            }
        }
    }

    @Test func httpsPublicURLTurnsOnHSTSAndSecureCookies() async throws {
        let team = try await TestEnv.makeTeam()
        try await Self.withApp({ $0 = try! AppConfig.fromEnvironment(Self.env(["REELBASE_PUBLIC_URL": "https://reelbase.example.com"])) }) { client in
            let health = try await client.call("/healthz", key: nil)
            #expect(health.headers[.strictTransportSecurity]?.hasPrefix("max-age=") == true)
            let signIn = try await client.call("/api/v1/session", .post, key: nil,
                                               json: #"{"email": "\#(team.owner_email)", "password": "correct horse battery"}"#)
            #expect(signIn.status == .ok, "\(signIn.text)")
            let cookie = try #require(signIn.headers[.setCookie])
            #expect(cookie.lowercased().contains("secure"), "\(cookie)")
        }
    }

    @Test func metricsWantTheBearerTokenWhenOneIsSet() async throws {
        let token = "metrics-token-0123456789abcdef"
        try await Self.withApp({ $0.metricsToken = token }) { client in
            #expect(try await client.call("/metrics", key: nil).status == .unauthorized)
            #expect(try await client.call("/metrics", key: "metrics-token-0123456789abcdeX").status == .unauthorized)
            #expect(try await client.call("/metrics", key: nil, headers: [.authorization: "Basic \(token)"]).status == .unauthorized)
            let allowed = try await client.call("/metrics", key: token)
            #expect(allowed.status == .ok)
            #expect(allowed.text.contains("# TYPE"))
        }
        try await TestEnv.withApp { client in
            let open = try await client.call("/metrics", key: nil)
            #expect(open.status == .ok, "open when no token is configured")
        }
    }

    static func env(_ extra: [String: String]) -> [String: String] {
        var env = [
            "DATABASE_URL": TestEnv.databaseURL, "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ=",
            "REELBASE_BCRYPT_COST": "4", "REELBASE_DB_POOL_SIZE": "4",
            "REELBASE_MIGRATIONS": TestEnv.root + "/migrations", "REELBASE_PUBLIC": TestEnv.root + "/Public", "REELBASE_RUN_WORKER": "false",
        ]
        env.merge(extra) { $1 }
        return env
    }

    @Test func newVariablesAreValidatedAtStart() throws {
        let good = try AppConfig.fromEnvironment(Self.env([
            "REELBASE_PUBLIC_URL": "https://reelbase.example.com", "REELBASE_OUTBOUND_HTTP_HOSTS": "sim.internal:9090, 127.0.0.1",
            "REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS": "true", "REELBASE_METRICS_TOKEN": "0123456789abcdef0123",
        ]))
        #expect(good.servesHTTPS && good.secureCookies && good.allowPrivateProviderHosts)
        #expect(good.outbound.httpHosts == ["sim.internal:9090", "127.0.0.1"])
        #expect(!good.outbound.allowPrivateAddresses && good.teamProviderHosts.allowPrivateAddresses)
        let defaults = try AppConfig.fromEnvironment(Self.env([:]))
        #expect(!defaults.allowPrivateProviderHosts && defaults.outbound.httpHosts.isEmpty && defaults.metricsToken == nil && !defaults.servesHTTPS)

        do {
            _ = try AppConfig.fromEnvironment(Self.env([
                "REELBASE_PUBLIC_URL": "reelbase.example.com", "REELBASE_OUTBOUND_HTTP_HOSTS": "a b, c/d",
                "REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS": "maybe", "REELBASE_METRICS_TOKEN": "short",
            ]))
            Issue.record("bad values were accepted")
        } catch let invalid as AppConfig.Invalid {
            for name in ["REELBASE_PUBLIC_URL", "REELBASE_OUTBOUND_HTTP_HOSTS", "REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS", "REELBASE_METRICS_TOKEN"] {
                #expect(invalid.problems.contains { $0.hasPrefix(name) }, "\(name) not named: \(invalid.problems)")
            }
        }
    }
}
