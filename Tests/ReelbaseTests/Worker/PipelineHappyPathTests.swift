import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import ProviderSimulator
import Testing
@testable import Reelbase

@Suite struct PipelineHappyPathTests {
    @Test(arguments: [("segmind", "async", "veo-3.1-fast"), ("segmind", "sync", "veo-3.1"), ("aimlapi", "async", "veo-3.1-lite")])
    func aVideoIsArchivedWithItsCostAndCredits(provider: String, mode: String, model: String) async throws {
        var options = PipelineHarness.Options()
        options.provider = provider
        options.mode = mode
        try await PipelineHarness.run(options) { h in
            let seed = provider == "segmind" ? #", "seed": 7"# : ""  // AI/ML takes no seed
            let id = try await h.generate(#"{"provider": "\#(provider)", "model": "\#(model)", "prompt": "a lighthouse at dawn", "duration": 4\#(seed)}"#)
            let done = try await h.wait(id, for: ["succeeded", "failed", "submit_unknown"])
            #expect(done.status == .succeeded, "\(String(describing: done.error))")
            #expect((done.cost_usd ?? 0) > 0)
            if provider == "segmind" { #expect(done.credits_after != nil) }  // AI/ML reports usage, not a balance
            let video = try #require(done.video)
            #expect(video.content_type == "video/mp4")

            // The archived bytes are the simulator's MP4, whole, with the recorded SHA-256.
            let bytes = try await h.client.call("/api/v1/generations/\(id)/video", key: h.team.api_key)
            #expect(bytes.status == .ok)
            #expect(bytes.headers[.acceptRanges] == "bytes")
            let data = Data(buffer: bytes.body)
            #expect(Int64(data.count) == video.size_bytes)
            #expect(Data(SHA256.hash(data: data)).hex == video.sha256)
            #expect(data.count > 12 && String(decoding: data[4..<8], as: UTF8.self) == "ftyp")
            let part = try await h.client.call("/api/v1/generations/\(id)/video", key: h.team.api_key, headers: [.range: "bytes=0-99"])
            #expect(part.status == .partialContent)
            #expect(part.body.readableBytes == 100)

            // Money moved from reserved to spent, once, with a ledger row, a snapshot and an audit row.
            let (reserved, spent, ledger, snapshots) = try await h.sql { db, logger in
                let rows = try await db.query("""
                    SELECT t.reserved_usd, t.spent_usd, (SELECT count(*) FROM spend_ledger), (SELECT count(*) FROM credit_snapshots WHERE generation_id IS NOT NULL)
                    FROM teams t
                    """, logger: logger)
                return try await rows.decode((Decimal, Decimal, Int, Int).self).firstElement()!
            }
            #expect(reserved == 0)
            #expect(spent > 0)
            #expect(ledger == 1)
            #expect(snapshots >= 1)
            #expect(try await h.client.auditRows("action=generation.succeeded", key: h.team.api_key).count == 1)
            let transitions = (done.transitions ?? []).map(\.to)
            #expect(transitions.first == "queued")
            #expect(transitions.contains("submitting"))
            #expect(transitions.last == "succeeded")
            #expect(await h.simulator.stats().maxPerBody == 1)
        }
    }

    @Test func everyProblemInARequestIsReportedAtOnce() async throws {
        try await PipelineHarness.run { h in
            let bad = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key,
                                              json: #"{"model": "veo-3.1-fast", "prompt": "x", "duration": 5, "resolution": "4k", "aspect_ratio": "4:3", "first_frame_asset_id": "\#(UUID())"}"#)
            #expect(bad.status == .unprocessableContent)
            let details = try #require(try decode(AppError.Body.self, from: bad).error.details)
            #expect(Set(details.keys).isSuperset(of: ["duration", "resolution", "aspect_ratio", "first_frame_asset_id"]))
            #expect(details["duration"]?.string?.contains("4, 6 or 8") == true)
            let unknown = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key, json: #"{"model": "sora", "prompt": "x"}"#)
            #expect(unknown.status == .unprocessableContent)
            let count = try await h.sql { db, logger in
                try await db.query("SELECT count(*) FROM generations", logger: logger).decode(Int.self).firstElement()!
            }
            #expect(count == 0)
        }
    }
}
