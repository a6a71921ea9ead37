import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Synchronization
import Testing
@testable import Reelbase

/// A fake AI/ML API on loopback: accepts a generation, then says it completed with `videoURL`
/// (built from its own port once known) and serves `/files/v.mp4` as `fileType`.
final class FakeAimlProvider: Sendable {
    let server: LoopbackServer
    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    private init(server: LoopbackServer) { self.server = server }

    static func start(videoURL: @escaping @Sendable (_ ownPort: Int) -> String, fileType: String = "video/mp4",
                      file: String = "not really a video") async throws -> FakeAimlProvider {
        let port = Mutex(0)
        let server = try await LoopbackServer.start { path in
            if path == "/v2/video/generations" { return .answer(200, contentType: "application/json", body: #"{"id": "gen-1", "status": "queued"}"#) }
            if path.hasPrefix("/v2/video/generations?") {
                let url = videoURL(port.withLock { $0 })
                return .answer(200, contentType: "application/json", body: #"{"id": "gen-1", "status": "completed", "video": {"url": "\#(url)"}}"#)
            }
            if path == "/files/v.mp4" { return .answer(200, contentType: fileType, body: file) }
            return .status(404)
        }
        port.withLock { $0 = server.port }
        return FakeAimlProvider(server: server)
    }
}

/// Issue 8, the provider boundary: a team cannot aim the server (or a stored key) anywhere
/// the outbound policy forbids, and nothing a provider hands back is archived from there.
@Suite struct ProviderBoundaryTests {
    static let create = #"{"provider": "segmind", "name": "x", "api_key": "sk-canary-key-000001", "base_url": "URL"}"#

    @Test func aPrivateBaseURLIsRefusedAndNothingConnects() async throws {
        let canary = try await LoopbackServer.start { _ in .answer(200, contentType: "application/json", body: #"{"credits": 1}"#) }
        defer { Task { await canary.stop() } }
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            for url in ["http://169.254.169.254/", "https://169.254.169.254/latest", "http://127.0.0.1:\(canary.port)",
                        "https://127.0.0.1:\(canary.port)", "https://localhost:\(canary.port)/v1", "https://[::1]:\(canary.port)",
                        "https://10.0.0.7", "http+unix://%2Fvar%2Frun%2Fdocker.sock/v1", "https://2130706433:\(canary.port)"] {
                let response = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                     json: Self.create.replacingOccurrences(of: "URL", with: url))
                #expect(response.status == .unprocessableContent, "\(url): \(response.text)")
                let details = try decode(AppError.Body.self, from: response).error.details
                #expect(details?["base_url"] != nil, "\(url)")
            }
            let listed = try await client.rows(ProviderAccountRecord.self, "/api/v1/provider-accounts", key: team.api_key)
            #expect(listed.isEmpty, "nothing half-written")
        }
        #expect(canary.connections == 0)
    }

    @Test func aStoredURLIsCheckedAgainAtCallTime() async throws {
        let canary = try await LoopbackServer.start { _ in .answer(200, contentType: "application/json", body: #"{"credits": 1}"#) }
        defer { Task { await canary.stop() } }
        let team = try await TestEnv.makeTeam()
        // Admitted while the operator allowed private hosts (or while DNS said something else)...
        let id: String = try await TestEnv.withApp(allowingSimulator: true) { client in
            let created = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                json: Self.create.replacingOccurrences(of: "URL", with: "http://127.0.0.1:\(canary.port)"))
            #expect(created.status == .created, "\(created.text)")
            return try decode(Identified.self, from: created).id
        }
        // ...and refused on the next call once the policy says no.
        try await TestEnv.withApp { client in
            let check = try await client.call("/api/v1/provider-accounts/\(id)/check", .post, key: team.api_key)
            #expect(check.status == .unprocessableContent, "\(check.text)")
        }
        #expect(canary.connections == 0)
    }

    @Test func theWorkerChecksTheStoredURLBeforeEverySubmit() async throws {
        let canary = try await LoopbackServer.start { _ in .answer(200, contentType: "application/json", body: #"{"id": "x", "status": "queued"}"#) }
        defer { Task { await canary.stop() } }
        var options = PipelineHarness.Options()
        options.provider = "aimlapi"
        try await PipelineHarness.run(options) { h in
            // The stored URL changed under the policy (as DNS can): plain http to a host the operator did not list.
            try await h.sql { db, logger in
                try await db.query("UPDATE provider_accounts SET base_url = \("http://localhost:\(canary.port)")", logger: logger)
            }
            let id = try await h.generate(#"{"provider": "aimlapi", "model": "veo-3.1-lite", "prompt": "a lighthouse", "duration": 4}"#)
            let done = try await h.wait(id, for: ["succeeded", "failed", "submit_unknown"])
            #expect(done.status == .failed)
            let error = done.error
            #expect(error?.kind == "invalid_request")
            #expect(error?.message?.contains("outbound policy") == true, "\(String(describing: error))")
        }
        #expect(canary.connections == 0)
    }

    @Test func checkNeverEchoesTheUpstreamBody() async throws {
        let upstream = try await LoopbackServer.start { _ in
            .answer(500, contentType: "text/html", body: "<html>internal-admin-panel token=hunter2-upstream</html>")
        }
        defer { Task { await upstream.stop() } }
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let created = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                json: Self.create.replacingOccurrences(of: "URL", with: "http://127.0.0.1:\(upstream.port)"))
            let id = try decode(Identified.self, from: created).id
            let check = try await client.call("/api/v1/provider-accounts/\(id)/check", .post, key: team.api_key)
            #expect(check.status == .badGateway)
            #expect(!check.text.contains("hunter2") && !check.text.contains("internal-admin-panel"), "\(check.text)")
        }
        #expect(upstream.connections >= 1, "the call itself was allowed")
    }

    @Test func aStoredKeyCannotBeRedirectedWithoutBeingReentered() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp(allowingSimulator: true) { client in
            let created = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key,
                                                json: Self.create.replacingOccurrences(of: "URL", with: "http://127.0.0.1:9/"))
            let id = try decode(Identified.self, from: created).id
            for body in [#"{"base_url": "http://127.0.0.1:10/"}"#, #"{"base_url": null}"#, #"{"base_url": "http://127.0.0.1:10/", "name": "n"}"#] {
                let moved = try await client.call("/api/v1/provider-accounts/\(id)", .patch, key: team.api_key, json: body)
                #expect(moved.status == .unprocessableContent, "\(body)")
                let details = try decode(AppError.Body.self, from: moved).error.details
                #expect(details?["api_key"] != nil, "the 422 names the missing field")
            }
            let still = try decode(ProviderAccountRecord.self, from: try await client.call("/api/v1/provider-accounts/\(id)", key: team.api_key))
            #expect(still.base_url == "http://127.0.0.1:9/")

            let rekeyed = try await client.call("/api/v1/provider-accounts/\(id)", .patch, key: team.api_key,
                                                json: #"{"base_url": "http://127.0.0.1:10/", "api_key": "sk-second-key-000002"}"#)
            #expect(rekeyed.status == .ok, "\(rekeyed.text)")
            let audit = try await client.call("/api/v1/audit?target_type=provider_account", key: team.api_key)
            #expect(!audit.text.contains("sk-second-key") && !audit.text.contains("sk-canary-key"))
            let rows = try decode(Listed<AuditEntry>.self, from: audit).data
            let update = try #require(rows.first { $0.action == "provider_account.updated" })
            let change = update.details["base_url"]
            #expect(change?["from"]?.string == "http://127.0.0.1:9/")
            #expect(change?["to"]?.string == "http://127.0.0.1:10/")
        }
    }

    /// One AI/ML generation through a team account on `provider`, run to a final state.
    static func generate(against provider: FakeAimlProvider,
                         _ body: @Sendable (PipelineHarness, String, Generation) async throws -> Void) async throws {
        var options = PipelineHarness.Options()
        options.provider = "aimlapi"
        options.baseURL = provider.baseURL
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate(#"{"provider": "aimlapi", "model": "veo-3.1-lite", "prompt": "a lighthouse", "duration": 4}"#)
            try await body(h, id, try await h.wait(id, for: ["succeeded", "failed", "submit_unknown"]))
        }
    }

    @Test(arguments: ["http://127.0.0.1:CANARY/v.mp4", "https://127.0.0.1:CANARY/v.mp4", "http+unix://%2Fvar%2Frun%2Fdocker.sock/v.mp4",
                      "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"])
    func aVideoURLOutsideThePolicyFailsTheJob(_ template: String) async throws {
        let canary = try await LoopbackServer.start { _ in .ok(contentType: "video/mp4", body: Array("canary bytes".utf8)) }
        defer { Task { await canary.stop() } }
        let videoURL = template.replacingOccurrences(of: "CANARY", with: "\(canary.port)")
        let provider = try await FakeAimlProvider.start(videoURL: { _ in videoURL })
        defer { Task { await provider.server.stop() } }
        try await Self.generate(against: provider) { h, id, done in
            #expect(done.status == .failed, "\(videoURL): \(done)")
            #expect(done.error?.kind == "video_url_refused", "\(String(describing: done.error))")
            let video = try await h.client.call("/api/v1/generations/\(id)/video", key: h.team.api_key)
            #expect(video.status == .notFound)
            let blobs = try await h.sql { db, logger in
                try await db.query("SELECT count(*) FROM blobs", logger: logger).decode(Int.self).firstElement()
            }
            #expect(blobs == 0, "nothing archived")
        }
        #expect(canary.connections == 0)
    }

    @Test func anArchivedHTMLAnswerIsServedAsBytesThatCannotRun() async throws {
        let page = "<html><script>fetch('/api/v1/api-keys')</script></html>"
        let provider = try await FakeAimlProvider.start(videoURL: { port in "http://127.0.0.1:\(port)/files/v.mp4" }, fileType: "text/html", file: page)
        defer { Task { await provider.server.stop() } }
        try await Self.generate(against: provider) { h, id, done in
            #expect(done.status == .succeeded, "\(String(describing: done.error))")
            #expect(done.video?.content_type == "application/octet-stream")
            let video = try await h.client.call("/api/v1/generations/\(id)/video", key: h.team.api_key)
            #expect(video.status == .ok)
            #expect(video.headers[.contentType] == "application/octet-stream")
            #expect(video.headers[.contentSecurityPolicy] == "sandbox")
            #expect(video.headers[.xContentTypeOptions] == "nosniff")
            #expect(video.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"generation-") == true)
            #expect(String(buffer: video.body) == page)
        }
    }
}
