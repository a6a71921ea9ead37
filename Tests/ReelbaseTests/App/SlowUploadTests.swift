import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing
@testable import Reelbase

/// Through a real server with a pool of 4 connections (TestEnv sets REELBASE_DB_POOL_SIZE=4):
/// uploads that send a little and then stall must not hold any of them.
@Suite struct SlowUploadTests {
    @Test func twentyStalledUploadsDoNotStopTheService() async throws {
        let team = try await TestEnv.makeTeam()
        MetricsSetup.bootstrap()
        let app = try await buildApplication(try TestEnv.config(), logger: TestEnv.logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // A real PNG start, then padding past the sniffed bytes, of a body claiming 2 MB.
            let sent = Library.uniquePNG(padding: 100_000)
            let head = "POST /api/v1/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(team.api_key)\r\n"
                + "Content-Type: image/png\r\nContent-Length: 2000000\r\n\r\n"
            var stalled: [any Channel] = []
            for _ in 0..<20 {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
                var buffer = channel.allocator.buffer(string: head)
                buffer.writeBytes(sent)
                try await channel.writeAndFlush(buffer)
                stalled.append(channel)
            }
            try await Task.sleep(for: .milliseconds(500))  // let every upload reach the store and wait there

            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok, "\(String(buffer: ready.body))")
            for _ in 0..<8 {
                #expect(try await client.call("/api/v1/me", key: team.api_key).status == .ok)
                #expect(try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "still here"}"#).status == .created)
            }
            for channel in stalled { try? await channel.close() }
        }
        // Nothing half-written became visible.
        #expect(try await Library.count("SELECT count(*) FROM assets WHERE team_id = '\(team.team_id)'") == 0)
    }

    /// The server closes a connection that stops sending mid-body once the idle timeout passes.
    @Test func aStalledBodyIsCutOffByTheIdleTimeout() async throws {
        let team = try await TestEnv.makeTeam()
        MetricsSetup.bootstrap()
        var config = try TestEnv.config()
        config.idleTimeoutSeconds = 1
        let app = try await buildApplication(config, logger: TestEnv.logger)
        try await app.test(.live) { client in
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: try #require(client.port)).get()
            var buffer = channel.allocator.buffer(string: "POST /api/v1/assets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer \(team.api_key)\r\nContent-Type: image/png\r\nContent-Length: 500000\r\n\r\n")
            buffer.writeBytes(Library.uniquePNG(padding: 1000))
            try await channel.writeAndFlush(buffer)
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await channel.closeFuture.get(); return true }
                group.addTask { try await Task.sleep(for: .seconds(10)); return false }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            #expect(closed)
        }
    }
}
