import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

@Suite struct ServiceTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await TestEnv.withApp { client in
            #expect(try await client.call("/healthz", key: nil).status == .ok)
            let ready = try await client.call("/readyz", key: nil)
            #expect(ready.status == .ok)
            #expect(try decode(HealthController.Readiness.self, from: ready).pending_migrations == 0)
            _ = try await client.call("/api/v1/me", key: nil)
            let metrics = try await client.call("/metrics", key: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("hb_requests"))
            #expect(metrics.text.contains("/api/v1/me"))
            #expect(metrics.text.contains("401"))
        }
    }

    @Test func everyResponseCarriesARequestIDAndErrorsHaveOneShape() async throws {
        try await TestEnv.withApp { client in
            let echoed = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.requestID: "abc-123"])
            #expect(echoed.headers[.requestID] == "abc-123")
            let json = try decode(AppError.Body.self, from: echoed).error
            #expect(json.code == "unauthenticated")
            #expect(json.request_id == "abc-123")
            let generated = try await client.call("/healthz", key: nil)
            #expect((generated.headers[.requestID] ?? "").count >= 32)
            let unknown = try await client.call("/api/v1/no-such-thing", key: nil)
            #expect(unknown.status == .notFound || unknown.status == .unauthorized)
            #expect(unknown.errorCode != nil)
        }
    }

    @Test func badBodiesGetClearErrors() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let notJSON = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: "{nope")
            #expect(notJSON.status == .badRequest)
            let missing = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: "{}")
            #expect(missing.status == .badRequest)
            #expect(missing.text.contains("name"))
            let huge = String(repeating: "x", count: 2 << 20)
            let tooBig = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "\#(huge)"}"#)
            #expect(tooBig.status == .contentTooLarge)
            #expect(tooBig.errorCode == "payload_too_large")
            let form = try await client.execute(uri: "/api/v1/api-keys", method: .post,
                                                headers: [.authorization: "Bearer \(team.api_key)", .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "name=x"))
            #expect(form.status == .unsupportedMediaType)
        }
    }

    @Test func configurationNamesEveryBadVariable() {
        #expect {
            try AppConfig.fromEnvironment(["REELBASE_PORT": "eighty", "LOG_FORMAT": "xml", "REELBASE_SECRET_KEY": "c2hvcnQ="])
        } throws: { error in
            let text = String(describing: error)
            return ["DATABASE_URL", "REELBASE_PORT", "LOG_FORMAT", "REELBASE_SECRET_KEY"].allSatisfy(text.contains)
        }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["DATABASE_URL": "mysql://x@y/z", "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ="]) }
    }

    @Test func everyRouteIsInTheOpenAPIDocument() throws {
        let router = buildRouter(try Services(config: try TestEnv.config(), logger: TestEnv.logger, http: .shared))
        let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
        let routes = router.routes.map { route -> String in
            // Hummingbird spells captures `:id` or `{id}`; OpenAPI wants `{id}`.
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return "\(route.method) /\(path.drop(while: { $0 == "/" }))"
        }
        #expect(!routes.isEmpty)
        let undocumented = routes.filter { !documented.contains($0) }
        #expect(undocumented.isEmpty, "routes missing from openapi.json: \(undocumented)")
        let json = OpenAPIDocument.build()
        guard case .object(let root) = json, case .object(let paths)? = root["paths"] else { Issue.record("no paths"); return }
        #expect(root["openapi"] == "3.1.0")
        #expect(paths["/api/v1/api-keys/{id}"] != nil)
    }
}
