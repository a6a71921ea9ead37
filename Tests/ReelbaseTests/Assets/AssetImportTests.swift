import Foundation
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct AssetImportTests {
    /// Every SSRF spelling the guard knows, sent through POST /assets/import with the service's
    /// real (https-only) fetcher: each is refused and the loopback listener sees no connection.
    @Test func everyPrivateSpellingIsRefusedWithoutAConnection() async throws {
        let team = try await TestEnv.makeTeam()
        let listener = try await LoopbackServer.start { _ in .ok(contentType: "image/png", body: ImageFixtures.png4x3) }
        defer { Task { await listener.stop() } }
        let hosts = SafeURLFetcherTests.refusedHosts.map(\.host) + ["[::ffff:10.0.0.1]", "[fe80::1]", "100.100.100.200", "168.63.129.16"]
        try await TestEnv.withApp { client in
            for host in hosts {
                for scheme in ["https", "http"] {
                    let response = try await client.call("/api/v1/assets/import", .post, key: team.api_key,
                                                         json: #"{"url": "\#(scheme)://\#(host):\#(listener.port)/a.png", "role": "reference"}"#)
                    #expect(response.status == .unprocessableContent, "\(scheme)://\(host)")
                    #expect(response.errorCode == "url_refused", "\(scheme)://\(host)")
                }
            }
            for url in ["ftp://example.com/a.png", "file:///etc/passwd", "not a url", "https://user:pw@example.com/a.png"] {
                let response = try await client.call("/api/v1/assets/import", .post, key: team.api_key, json: #"{"url": "\#(url)"}"#)
                #expect(response.status == .unprocessableContent, "\(url)")
            }
        }
        #expect(listener.connections == 0)
        #expect(try await Library.count("SELECT count(*) FROM assets WHERE team_id = '\(team.team_id)'") == 0)
    }

    @Test func redirectsToPrivateAddressesAreRefused() async throws {
        let team = try await TestEnv.makeTeam()
        let inside = try await LoopbackServer.start { _ in .ok(contentType: "image/png", body: ImageFixtures.png4x3) }
        let port = inside.port
        let outside = try await LoopbackServer.start { path in
            switch path {
            case "/decimal": .redirect("http://2130706433:\(port)/a.png")
            case "/octal": .redirect("http://0177.0.0.1:\(port)/a.png", status: 307)
            case "/mapped": .redirect("http://[::ffff:127.0.0.1]:\(port)/a.png", status: 301)
            case "/metadata": .redirect("http://169.254.169.254/latest/meta-data/")
            default: .redirect("http://localhost:\(port)/a.png", status: 308)
            }
        }
        defer { Task { await inside.stop(); await outside.stop() } }
        // The first hop (a stand-in for a public server) is allowed explicitly; redirect targets are not.
        let fetcher = testFetcher(exempt: ["127.0.0.1:\(outside.port)"])
        try await Library.withApp(fetcher: fetcher) { client in
            for path in ["/decimal", "/octal", "/mapped", "/metadata", "/name"] {
                let response = try await client.call("/api/v1/assets/import", .post, key: team.api_key,
                                                     json: #"{"url": "http://127.0.0.1:\#(outside.port)\#(path)"}"#)
                #expect(response.status == .unprocessableContent, "\(path)")
                #expect(response.errorCode == "url_refused", "\(path)")
            }
        }
        #expect(inside.connections == 0)
        #expect(outside.connections == 5)
    }

    @Test func importKeepsTheImageLikeAnUpload() async throws {
        let team = try await TestEnv.makeTeam()
        let server = try await LoopbackServer.start { path in
            switch path {
            case "/a.png": .ok(contentType: "image/jpeg", body: ImageFixtures.png4x3)
            case "/text": .ok(contentType: "image/png", body: Array("<html>nope</html>".utf8))
            case "/huge": .stream(chunks: 64, size: 64 * 1024)
            default: .status(404)
            }
        }
        defer { Task { await server.stop() } }
        let fetcher = testFetcher(exempt: ["127.0.0.1:\(server.port)"]) { $0.maxBytes = 1024 * 1024 }
        try await Library.withApp(fetcher: fetcher) { client in
            let url = "http://127.0.0.1:\(server.port)/a.png"
            let imported = try await client.call("/api/v1/assets/import", .post, key: team.api_key, json: #"{"url": "\#(url)", "role": "last_frame"}"#)
            #expect(imported.status == .created)
            let asset = try decode(Asset.self, from: imported)
            #expect(asset.kind.rawValue == "png")
            #expect(asset.role?.rawValue == "last_frame")
            #expect(asset.source_url == url)
            let uploaded = try await Library.upload(ImageFixtures.png4x3, key: team.api_key, client: client)
            #expect(uploaded.status == .ok)
            #expect(uploaded.id == imported.id)
            let text = try await client.call("/api/v1/assets/import", .post, key: team.api_key, json: #"{"url": "http://127.0.0.1:\#(server.port)/text"}"#)
            #expect(text.status == .unsupportedMediaType)
            let huge = try await client.call("/api/v1/assets/import", .post, key: team.api_key, json: #"{"url": "http://127.0.0.1:\#(server.port)/huge"}"#)
            #expect(huge.status == .contentTooLarge)
            let gone = try await client.call("/api/v1/assets/import", .post, key: team.api_key, json: #"{"url": "http://127.0.0.1:\#(server.port)/gone"}"#)
            #expect(gone.status == .badGateway)
        }
    }
}
