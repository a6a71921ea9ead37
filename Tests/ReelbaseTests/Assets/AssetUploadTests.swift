import Foundation
import HummingbirdTesting
import NIOCore
import Testing
@testable import Reelbase

@Suite struct AssetUploadTests {
    @Test func sameBytesTwiceGiveTheSameAsset() async throws {
        let team = try await TestEnv.makeTeam()
        let png = Library.uniquePNG()
        try await TestEnv.withApp { client in
            let first = try await Library.upload(png, query: "?role=first_frame&name=Opening&tags=hero,dusk", key: team.api_key, client: client)
            #expect(first.status == .created)
            let asset = try decode(Asset.self, from: first)
            #expect(asset.kind.rawValue == "png")
            #expect(asset.width == 4 && asset.height == 3)
            #expect(asset.role?.rawValue == "first_frame")
            #expect(asset.tags == ["hero", "dusk"])
            let again = try await Library.upload(png, as: "image/webp", key: team.api_key, client: client)
            #expect(again.status == .ok)
            #expect(again.id == first.id)
        }
        #expect(try await Library.count("SELECT count(*) FROM assets WHERE team_id = '\(team.team_id)'") == 1)
        #expect(try await Library.count("SELECT count(*) FROM blobs WHERE team_id = '\(team.team_id)'") == 1)
    }

    @Test func fiftyMegabytesGet413AndStoreNothing() async throws {
        let team = try await TestEnv.makeTeam()
        let big = ImageFixtures.png4x3 + [UInt8](repeating: 0x41, count: 50 * 1024 * 1024)
        try await TestEnv.withApp { client in
            // Refused from the Content-Length header alone, and by counting when there is none.
            let declared = try await Library.upload(big, key: team.api_key, client: client, headers: [.contentLength: "\(big.count)"])
            #expect(declared.status == .contentTooLarge)
            #expect(declared.errorCode == "payload_too_large")
            let counted = try await Library.upload(big, key: team.api_key, client: client)
            #expect(counted.status == .contentTooLarge)
            let (type, body) = Library.multipart(big)
            let form = try await client.execute(uri: "/api/v1/assets", method: .post,
                                                headers: [.authorization: "Bearer \(team.api_key)", .contentType: type], body: body)
            #expect(form.status == .contentTooLarge)
        }
        #expect(try await Library.count("SELECT count(*) FROM assets WHERE team_id = '\(team.team_id)'") == 0)
        #expect(try await Library.count("SELECT count(*) FROM blobs WHERE team_id = '\(team.team_id)'") == 0)
        #expect(try await Library.count("SELECT count(*) FROM blob_chunks WHERE team_id = '\(team.team_id)'") == 0)
    }

    @Test func theBytesDecideTheType() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let mislabelled = try await Library.upload(ImageFixtures.png4x3, as: "image/jpeg", key: team.api_key, client: client)
            #expect(mislabelled.status == .created)
            #expect(try decode(Asset.self, from: mislabelled).kind.rawValue == "png")
            let id = try #require(mislabelled.id)
            let content = try await client.call("/api/v1/assets/\(id)/content", key: team.api_key)
            #expect(content.headers[.contentType] == "image/png")
            #expect(Array(content.body.readableBytesView) == ImageFixtures.png4x3)

            let text = try await Library.upload(Array("hello, I am not a picture\n".utf8), key: team.api_key, client: client)
            #expect(text.status == .unsupportedMediaType)
            let gif = try await Library.upload(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20), as: "image/webp", key: team.api_key, client: client)
            #expect(gif.status == .unsupportedMediaType)
            let bomb = try await Library.upload(Library.pngHeader(width: 100_000, height: 100_000), key: team.api_key, client: client)
            #expect(bomb.status == .unprocessableContent)
            #expect(bomb.errorCode == "too_many_pixels")
            let truncated = try await Library.upload(Array(ImageFixtures.png4x3.prefix(12)), key: team.api_key, client: client)
            #expect(truncated.status == .unprocessableContent)
            #expect(try await Library.upload(ImageFixtures.png4x3, as: "text/plain", key: team.api_key, client: client).status == .unsupportedMediaType)
            #expect(try await Library.upload(Library.uniquePNG(), query: "?role=poster", key: team.api_key, client: client).status == .unprocessableContent)

            for (bytes, kind, size) in [(ImageFixtures.jpeg3x2, "jpeg", [3, 2]), (ImageFixtures.webpLossless9x6, "webp", [9, 6])] {
                let stored = try decode(Asset.self, from: try await Library.upload(bytes, as: "image/png", key: team.api_key, client: client))
                #expect(stored.kind.rawValue == kind)
                #expect([stored.width, stored.height] == size)
            }
        }
        #expect(try await Library.count("SELECT count(*) FROM blobs WHERE team_id = '\(team.team_id)'") == 3)
    }

    @Test func multipartUploadWithFields() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let campaign = try #require(try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "c"}"#).id)
            let (type, body) = Library.multipart(ImageFixtures.webpExtended11x13, fields: ["role": "reference", "tags": "a,b", "campaign_id": campaign])
            let stored = try await client.execute(uri: "/api/v1/assets", method: .post, headers: [.authorization: "Bearer \(team.api_key)", .contentType: type], body: body)
            #expect(stored.status == .created)
            let json = try decode(Asset.self, from: stored)
            #expect(json.kind.rawValue == "webp")
            #expect(json.width == 11 && json.height == 13)
            #expect(json.role?.rawValue == "reference")
            #expect(json.campaign_id?.uuidString == campaign)
            #expect(try await client.rows(Asset.self, "/api/v1/assets?campaign_id=\(campaign)&role=reference&tag=b", key: team.api_key).count == 1)
            #expect(try await client.rows(Asset.self, "/api/v1/assets?role=first_frame", key: team.api_key).isEmpty)
            let counts = try decode(Campaign.self, from: try await client.call("/api/v1/campaigns/\(campaign)", key: team.api_key)).counts
            #expect(counts.prompts == 0 && counts.assets == 1 && counts.seeds == 0)

            let noFile = ByteBuffer(string: "--rb-test-boundary\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nreference\r\n--rb-test-boundary--\r\n")
            let missing = try await client.execute(uri: "/api/v1/assets", method: .post, headers: [.authorization: "Bearer \(team.api_key)", .contentType: type], body: noFile)
            #expect(missing.status == .badRequest)
        }
    }

    @Test func contentHasETagCacheControlAndRanges() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let id = try #require(try await Library.upload(ImageFixtures.png4x3, key: team.api_key, client: client).id)
            let content = try await client.call("/api/v1/assets/\(id)/content", key: team.api_key)
            let etag = try #require(content.headers[.eTag])
            #expect(content.headers[.cacheControl]?.contains("immutable") == true)
            let cached = try await client.call("/api/v1/assets/\(id)/content", key: team.api_key, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            let part = try await client.call("/api/v1/assets/\(id)/content", key: team.api_key, headers: [.range: "bytes=1-3"])
            #expect(part.status == .partialContent)
            #expect(String(buffer: part.body) == "PNG")
            #expect(part.headers[.contentRange] == "bytes 1-3/\(ImageFixtures.png4x3.count)")
            let outside = try await client.call("/api/v1/assets/\(id)/content", key: team.api_key, headers: [.range: "bytes=9999-"])
            #expect(outside.status == .rangeNotSatisfiable)

            // Several 256 KiB chunks: whole, and a range that straddles a chunk boundary.
            let big = Library.uniquePNG(padding: 700_000)
            let bigID = try #require(try await Library.upload(big, key: team.api_key, client: client).id)
            let whole = try await client.call("/api/v1/assets/\(bigID)/content", key: team.api_key)
            #expect(Array(whole.body.readableBytesView) == big)
            let straddle = try await client.call("/api/v1/assets/\(bigID)/content", key: team.api_key, headers: [.range: "bytes=262000-262500"])
            #expect(Array(straddle.body.readableBytesView) == Array(big[262_000...262_500]))
        }
    }

    @Test func deleteIsRefusedWhileAGenerationUsesTheAsset() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let id = try #require(try await Library.upload(Library.uniquePNG(), key: team.api_key, client: client).id)
            // A usage row without a real generation: FK checks on this insert are skipped (replica
            // role, this transaction only), so the test does not depend on the generations schema.
            try await Library.exec("INSERT INTO generation_assets (generation_id, asset_id, role) VALUES (gen_random_uuid(), '\(id)', 'first_frame')",
                                   withoutForeignKeyChecks: true)
            let refused = try await client.call("/api/v1/assets/\(id)", .delete, key: team.api_key)
            #expect(refused.status == .conflict)
            #expect(try await client.call("/api/v1/assets/\(id)", key: team.api_key).status == .ok)
            try await Library.exec("DELETE FROM generation_assets WHERE asset_id = '\(id)'")
            let viewer = try await Library.key("viewer", team: team, client: client)
            #expect(try await client.call("/api/v1/assets/\(id)", .delete, key: viewer).status == .forbidden)
            #expect(try await client.call("/api/v1/assets/\(id)", .delete, key: team.api_key).status == .noContent)
            #expect(try await client.call("/api/v1/assets/\(id)", key: team.api_key).status == .notFound)
            #expect(try await client.auditRows("action=asset.deleted", key: team.api_key).count == 1)
        }
        #expect(try await Library.count("SELECT count(*) FROM blobs WHERE team_id = '\(team.team_id)'") == 0)
    }
}
