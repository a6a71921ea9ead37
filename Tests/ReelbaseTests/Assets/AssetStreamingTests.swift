import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Reelbase

/// Through a real HTTP server, so bodies arrive as many network buffers (the multipart parser
/// and the chunk writer see every kind of split).
@Suite struct AssetStreamingTests {
    @Test func largeUploadsStreamThroughALiveServer() async throws {
        let team = try await TestEnv.makeTeam()
        MetricsSetup.bootstrap()
        let app = try await buildApplication(try TestEnv.config(), logger: TestEnv.logger)
        let raw = Library.uniquePNG(padding: 1_500_000), form = Library.uniquePNG(padding: 900_000)
        try await app.test(.live) { client in
            let stored = try await Library.upload(raw, as: "image/webp", key: team.api_key, client: client)
            #expect(stored.status == .created)
            let rawID = try #require(stored.id)
            let (type, body) = Library.multipart(form, fields: ["role": "reference", "name": "big one"])
            let multipart = try await client.execute(uri: "/api/v1/assets", method: .post,
                                                     headers: [.authorization: "Bearer \(team.api_key)", .contentType: type], body: body)
            #expect(multipart.status == .created)
            #expect(try decode(Asset.self, from: multipart).name == "big one")
            let formID = try #require(multipart.id)
            for (id, bytes) in [(rawID, raw), (formID, form)] {
                let content = try await client.call("/api/v1/assets/\(id)/content", key: team.api_key)
                #expect(content.headers[.contentType] == "image/png")
                #expect(Array(content.body.readableBytesView) == bytes)
            }
        }
        #expect(try await Library.count("SELECT count(*) FROM blob_chunks WHERE team_id = '\(team.team_id)'") == 6 + 4)
    }
}
