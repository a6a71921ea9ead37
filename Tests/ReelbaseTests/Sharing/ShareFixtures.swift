import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// Takes with a video, share links and the client's side of them, for the review and sharing tests.
enum ShareFixtures {
    /// An app whose client address comes from `X-Forwarded-For`, so each test counts against its
    /// own rate-limit buckets.
    static func withApp<T>(_ mode: TestingSetup = .router, configure: (inout AppConfig) -> Void = { _ in },
                           _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        MetricsSetup.bootstrap()
        var config = TestEnv.allowingSimulator(try TestEnv.config())
        config.trustForwardedFor = true
        configure(&config)
        let app = try await buildApplication(config, logger: TestEnv.logger)
        return try await app.test(mode, body)
    }

    /// A fresh documentation address per test (192.0.2.0/24 is never a real client).
    static func address() -> HTTPFields {
        [HTTPField.Name("X-Forwarded-For")!: "198.51.100.\(Int.random(in: 1...254)), 192.0.2.\(Int.random(in: 1...254))"]
    }

    /// A team with a provider account that is never contacted (no worker runs in these tests).
    static func team(client: some TestClientProtocol) async throws -> TestTeam {
        let team = try await TestEnv.makeTeam()
        let response = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key, json: """
            {"provider": "segmind", "name": "idle", "api_key": "idle-key-0001", "base_url": "http://127.0.0.1:9", "mode": "async"}
            """)
        #expect(response.status == .created, "\(response.text)")
        return team
    }

    /// An 8-second take, finished with an archived video (the worker's result, written directly).
    static func take(_ team: TestTeam, client: some TestClientProtocol, campaign: String? = nil) async throws -> String {
        let campaignField = campaign.map { #", "campaign_id": "\#($0)""# } ?? ""
        let response = try await client.call("/api/v1/generations", .post, key: team.api_key,
                                             json: #"{"model": "veo-3.1-fast", "prompt": "a lighthouse at dusk", "duration": 8\#(campaignField)}"#)
        #expect(response.status == .accepted, "\(response.text)")
        let id = try decode(Identified.self, from: response).id
        try await TestEnv.withAdmin { db, logger in
            let store = PostgresBlobStore(db: db, logger: logger)
            let blob = try await store.put(team: team.team_id, contentType: "video/mp4", maxBytes: 1 << 20,
                                           from: [ByteBuffer(string: "video bytes of take \(id)")].async)
            try await db.query("""
                UPDATE generations SET state = 'succeeded', video_blob_id = \(blob.id), video_size = \(blob.size), finished_at = now(),
                       cost_usd = estimated_cost_usd WHERE id = \(UUID(uuidString: id)!)
                """, logger: logger)
        }
        return id
    }

    static func campaign(_ team: TestTeam, client: some TestClientProtocol) async throws -> String {
        let response = try await client.call("/api/v1/campaigns", .post, key: team.api_key, json: #"{"name": "launch \#(UUID().uuidString.prefix(6))"}"#)
        #expect(response.status == .created, "\(response.text)")
        return try decode(Identified.self, from: response).id
    }

    struct Created: Decodable {
        let link: ShareLink
        let token: String
        let path: String
        let url: String?
    }

    static func share(_ team: TestTeam, _ json: String, client: some TestClientProtocol) async throws -> Created {
        let response = try await client.call("/api/v1/share-links", .post, key: team.api_key, json: json)
        #expect(response.status == .created, "\(response.text)")
        return try decode(Created.self, from: response)
    }

    /// The shared review as the client's page reads it.
    struct Shared: Decodable {
        struct Take: Decodable { let id: UUID; let position: Int; let video_url: String; let review: TakeReview }
        let kind: ShareKind
        let locked: Bool
        let takes: [Take]
    }

    static func count(_ query: PostgresQuery) async throws -> Int {
        try await TestEnv.withAdmin { db, logger in try await db.query(query, logger: logger).decode(Int.self).firstElement() ?? -1 }
    }
}

