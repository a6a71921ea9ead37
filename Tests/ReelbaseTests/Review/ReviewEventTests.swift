import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Reelbase

/// A client's verdict and comment go out on the team's event stream, to that team only.
@Suite struct ReviewEventTests {
    @Test func verdictsAndCommentsAreStreamedToTheTeam() async throws {
        try await ShareFixtures.withApp(.live) { client in
            let port = try #require(client.port)
            let team = try await ShareFixtures.team(client: client), other = try await ShareFixtures.team(client: client)
            let take = try await ShareFixtures.take(team, client: client)
            let link = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)"}"#, client: client)
            let ip = ShareFixtures.address()
            #expect(try await client.call(link.path + "/api/takes/\(take)/verdict", .post, key: nil,
                                          json: #"{"verdict": "needs_changes", "name": "Dana"}"#, headers: ip).status == .ok)
            #expect(try await client.call(link.path + "/api/takes/\(take)/comments", .post, key: nil,
                                          json: #"{"body": "Slower here", "at_seconds": 2.5, "name": "Dana"}"#, headers: ip).status == .created)

            let text = try await SSE.read(port: port, key: team.api_key, query: "?last_event_id=0") { $0.contains("event: take.comment") }
            let id = take.lowercased()
            #expect(text.contains("event: take.verdict"))
            #expect(text.contains(#""generation_id":"\#(id)""#))
            #expect(text.contains(#""verdict":"needs_changes""#) && text.contains(#""by":{"client":true,"name":"Dana"}"#), "\(text)")
            #expect(text.contains(#""at_seconds":2.5"#))
            let elsewhere = try await SSE.read(port: port, key: other.api_key, query: "?last_event_id=0") { $0.contains("stream open") }
            #expect(!elsewhere.contains(id))
        }
    }
}
