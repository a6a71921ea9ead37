import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Reelbase

/// The gateway speaks Segmind: its key header, its error shape and codes, its v2 shapes, and a
/// request that is another team's is not there at all.
@Suite struct GatewayDoorTests {
    @Test func errorsComeInSegmindsShapeAndCodes() async throws {
        try await Gateway.withApp { client, team in
            let wrong = try await Gateway.submit(client, key: "rb_notakey_000000000000000000000000000000000000")
            #expect(wrong.status == .unauthorized)
            #expect(try JSONDecoder().decode(Gateway.SegmindError.self, from: Data(buffer: wrong.body)).error.contains("x-api-key"))
            #expect(try await client.execute(uri: "/v2/veo-3.1-lite", method: .post, headers: [:], body: nil).status == .unauthorized)

            let unknown = try await Gateway.submit(client, key: team.api_key, slug: "sora-2")
            #expect(unknown.status == .notFound)
            #expect(try JSONDecoder().decode(Gateway.SegmindError.self, from: Data(buffer: unknown.body)).error.contains("veo-3.1-lite"))

            let bad = try await Gateway.submit(client, key: team.api_key, json: #"{"prompt": "x", "duration": 5, "resolution": "4k", "temperature": 1}"#)
            #expect(bad.status == .badRequest)
            let message = try JSONDecoder().decode(Gateway.SegmindError.self, from: Data(buffer: bad.body)).error
            for field in ["duration", "resolution", "temperature"] { #expect(message.contains(field), "\(field) in \(message)") }
            #expect(try await Library.count("SELECT count(*)::int8 FROM generations WHERE team_id = '\(team.team_id)'") == 0)

            let viewer = try await Library.key("viewer", team: team, client: client)
            #expect(try await Gateway.submit(client, key: viewer).status == .forbidden)

            let limited = try await Gateway.key(#""rate_limit_per_minute": 2"#, team: team, client: client)
            try await MinuteWindow.startEarly()
            #expect(try await Gateway.submit(client, key: limited.key).status == .ok)
            #expect(try await Gateway.submit(client, key: limited.key).status == .ok)
            let third = try await Gateway.submit(client, key: limited.key)
            #expect(third.status == .tooManyRequests)
            #expect(third.headers[.rateLimitReset] != nil)
        }
    }

    @Test func v2AnswersAbsoluteURLsAndStatusesAndHidesOtherTeamsRequests() async throws {
        try await Gateway.withApp(publicURL: URL(string: "https://reelbase.test:8443/")) { client, team in
            let submitted = try await Gateway.submit(client, key: team.api_key)
            #expect(submitted.status == .ok, "\(submitted.text)")
            let body = try JSONDecoder().decode(Gateway.Submitted.self, from: Data(buffer: submitted.body))
            #expect(body.status == "QUEUED")
            #expect(body.status_url == "https://reelbase.test:8443/v2/requests/\(body.request_id)/status")
            #expect(body.response_url == "https://reelbase.test:8443/v2/requests/\(body.request_id)")
            #expect(submitted.headers[.requestID] == body.request_id)

            let status = try await Gateway.get(client, "/v2/requests/\(body.request_id)/status", key: team.api_key)
            #expect(status.status == .ok)
            #expect(status.text.contains("\"QUEUED\""))
            let result = try await Gateway.get(client, "/v2/requests/\(body.request_id)", key: team.api_key)
            #expect(result.text.contains("\"output\":null"), "\(result.text)")

            // The generation is an ordinary one: listed, marked as the gateway's, with its key.
            let listed = try await client.call("/api/v1/generations/\(body.request_id)", key: team.api_key)
            #expect(listed.status == .ok)
            #expect(listed.text.contains("\"source\":\"gateway\""))
            let viaGateway = try await client.call("/api/v1/generations?source=gateway", key: team.api_key)
            #expect(viaGateway.text.contains(body.request_id.uppercased()) || viaGateway.text.contains(body.request_id))
            let viaAPI = try await client.call("/api/v1/generations?source=api", key: team.api_key)
            #expect(viaAPI.status == .ok && !viaAPI.text.lowercased().contains(body.request_id))

            let other = try await TestEnv.makeTeam()
            #expect(try await Gateway.get(client, "/v2/requests/\(body.request_id)/status", key: other.api_key).status == .notFound)
            #expect(try await Gateway.get(client, "/v2/requests/\(UUID().uuidString)", key: team.api_key).status == .notFound)

            // A cancelled request is FAILED, served as 422 with the FAILED body.
            #expect(try await client.call("/api/v1/generations/\(body.request_id)/cancel", .post, key: team.api_key).status == .ok)
            let failed = try await Gateway.get(client, "/v2/requests/\(body.request_id)/status", key: team.api_key)
            #expect(failed.status == .unprocessableContent)
            #expect(failed.text.contains("\"FAILED\""))

            // After its retention a request answers like an unknown one (the generation stays in the workspace).
            _ = try await Library.count("WITH u AS (UPDATE generations SET created_at = now() - interval '25 hours' WHERE id = '\(body.request_id)' RETURNING 1) SELECT count(*)::int8 FROM u")
            #expect(try await Gateway.get(client, "/v2/requests/\(body.request_id)", key: team.api_key).status == .notFound)
            #expect(try await client.call("/api/v1/generations/\(body.request_id)", key: team.api_key).status == .ok)
        }
    }

    @Test func base64AndMultipartImagesBecomeOneDeduplicatedAsset() async throws {
        try await Gateway.withApp { client, team in
            let png = ImageFixtures.png4x3
            let json = #"{"prompt": "the same frame", "duration": 4, "generate_audio": false, "image": "data:image/png;base64,\#(Data(png).base64EncodedString())"}"#
            #expect(try await Gateway.submit(client, key: team.api_key, json: json).status == .ok)
            var form = ByteBuffer()
            let boundary = "reelbase-test-boundary"
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nthe same frame\r\n")
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n4\r\n")
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"f.png\"\r\nContent-Type: image/png\r\n\r\n")
            form.writeBytes(png)
            form.writeString("\r\n--\(boundary)--\r\n")
            let multipart = try await client.execute(uri: "/v2/veo-3.1-lite", method: .post,
                                                     headers: [.xAPIKey: team.api_key, .contentType: "multipart/form-data; boundary=\(boundary)"], body: form)
            #expect(multipart.status == .ok, "\(multipart.text)")
            #expect(try await Library.count("SELECT count(*)::int8 FROM assets WHERE team_id = '\(team.team_id)'") == 1)
            #expect(try await Library.count("""
                SELECT count(DISTINCT ga.asset_id)::int8 FROM generation_assets ga JOIN generations g ON g.id = ga.generation_id
                WHERE g.team_id = '\(team.team_id)' AND ga.role = 'first_frame'
                """) == 1)
            let refused = try await Gateway.submit(client, key: team.api_key, json: #"{"prompt": "x", "image": "https://169.254.169.254/latest/meta-data"}"#)
            #expect(refused.status == .badRequest, "\(refused.text)")
            #expect(refused.text.contains("image"))
        }
    }
}
