import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Reelbase

/// Links and the media they show are absolute from REELBASE_PUBLIC_URL, never from the request.
@Suite struct SharePublicURLTests {
    @Test func theLinkAndItsMediaUseThePublicURL() async throws {
        try await ShareFixtures.withApp(configure: { $0.publicURL = URL(string: "https://review.example.com/") }) { client in
            let team = try await ShareFixtures.team(client: client)
            let take = try await ShareFixtures.take(team, client: client)
            let link = try await ShareFixtures.share(team, #"{"kind": "take", "generation_id": "\#(take)"}"#, client: client)
            #expect(link.url == "https://review.example.com/s/\(link.token)")
            let shared = try await client.call(link.path + "/api/link", key: nil,
                                               headers: ShareFixtures.address().merging([HTTPField.Name("X-Forwarded-Host")!: "evil.example.net"]))
            let review = try decode(ShareFixtures.Shared.self, from: shared)
            #expect(review.takes.first?.video_url == "https://review.example.com/s/\(link.token)/api/takes/\(take.lowercased())/video")
            #expect(!shared.text.contains("evil.example.net"))
        }
    }
}
