import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// `GET /events` over a real socket: team-scoped, live, and resumable with Last-Event-ID.
@Suite struct EventStreamTests {
    @Test func aTeamSeesOnlyItsOwnChangesLiveAndResumesWhereItLeftOff() async throws {
        let a = try await TestEnv.makeTeam(), b = try await TestEnv.makeTeam()
        MetricsSetup.bootstrap()
        let app = try await buildApplication(TestEnv.allowingSimulator(try TestEnv.config()), logger: TestEnv.logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            for team in [a, b] { try await addAccount(client, team) }
            let genA = try await generate(client, a), genB = try await generate(client, b)

            // From the start of the log: each team gets its own take's `queued` event, never the other's.
            let fromStartA = try await SSE.read(port: port, key: a.api_key, query: "?last_event_id=0") { $0.contains(genA) }
            let fromStartB = try await SSE.read(port: port, key: b.api_key, query: "?last_event_id=0") { $0.contains(genB) }
            #expect(fromStartA.contains("event: generation") && fromStartA.contains(#""status":"queued""#))
            #expect(!fromStartA.contains(genB))
            #expect(!fromStartB.contains(genA))

            // Live: a stream opened now receives a change made after it opened, and nothing of team B.
            let opened = AsyncStream.makeStream(of: Void.self)
            async let live = SSE.read(port: port, key: a.api_key, opened: opened.continuation) { $0.contains(#""status":"cancelled""#) }
            var iterator = opened.stream.makeAsyncIterator()
            _ = await iterator.next()
            _ = try await generate(client, b)
            let cancel = try await client.call("/api/v1/generations/\(genA)/cancel", .post, key: a.api_key)
            #expect(cancel.status == .ok, "\(cancel.text)")
            let liveText = try await live
            #expect(liveText.contains(genA))
            #expect(!liveText.contains(#""status":"queued""#), "a stream without Last-Event-ID starts from now")

            // Resume: with the first event's id, exactly the later ones come back.
            let firstID = try #require(SSE.ids(fromStartA).first)
            let resumed = try await SSE.read(port: port, key: a.api_key, headers: ["Last-Event-ID": "\(firstID)"]) { $0.contains(#""status":"cancelled""#) }
            let resumedIDs = SSE.ids(resumed)
            #expect(!resumedIDs.isEmpty && resumedIDs.allSatisfy { $0 > firstID })
            #expect(!resumed.contains(genB))

            // A nonsense Last-Event-ID is a clear 400; no key is a 401.
            let bad = try await client.call("/api/v1/events", key: a.api_key, headers: [HTTPField.Name("Last-Event-ID")!: "yesterday"])
            #expect(bad.status == .badRequest)
            #expect(try await client.call("/api/v1/events", key: nil).status == .unauthorized)
        }
    }

    /// The periodic job prunes events past the retention; a client resuming from a pruned id is
    /// told so first, then gets every event still kept, and one resuming from a kept id is not.
    @Test func eventsPastTheRetentionArePrunedAndResumingFromOneSaysSo() async throws {
        try await withScratchDatabase(migrated: true) { scratch in
            let config = TestEnv.allowingSimulator(try TestEnv.config(databaseURL: scratch.url))
            let team = try await TestEnv.makeTeam("Retention", config: config)
            MetricsSetup.bootstrap()
            let app = try await buildApplication(config, logger: TestEnv.logger)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                try await addAccount(client, team)
                let old = try await generate(client, team), recent = try await generate(client, team)
                _ = try await SSE.read(port: port, key: team.api_key, query: "?last_event_id=0") { $0.contains(recent) }

                // The first take's events are eight days old when the housekeeping job runs.
                let (oldIDs, recentIDs, kept) = try await withDatabase(config) { db, logger in
                    func ids(_ query: PostgresQuery) async throws -> [Int64] {
                        try await db.query(query, logger: logger).decode(Int64.self).reduce(into: []) { $0.append($1) }
                    }
                    let oldIDs = try await ids("SELECT id FROM generation_events WHERE generation_id = \(UUID(uuidString: old)!) ORDER BY id")
                    let recentIDs = try await ids("SELECT id FROM generation_events WHERE generation_id = \(UUID(uuidString: recent)!) ORDER BY id")
                    try await db.query("UPDATE generation_events SET at = now() - interval '8 days' WHERE id = ANY(\(oldIDs))", logger: logger)
                    let context = JobContext(id: UUID(), team: nil, attempt: 1, leaseToken: UUID(), now: Date(), logger: logger)
                    try await PruneExpiredRows(db: db, logger: logger).run(.init(), context: context)
                    return (oldIDs, recentIDs, try await ids("SELECT id FROM generation_events ORDER BY id"))
                }
                let lastOld = try #require(oldIDs.last)
                #expect(!recentIDs.isEmpty && kept == recentIDs, "the old events are gone, the recent ones kept")

                let fromPruned = try await SSE.read(port: port, key: team.api_key, headers: ["Last-Event-ID": "\(lastOld)"]) { $0.contains(recent) }
                let gap = try #require(fromPruned.range(of: "event: gap\n"), "resuming from a pruned id says so")
                #expect(fromPruned.contains(#""last_event_id":\#(lastOld)"#) && fromPruned.contains(#""retention_days":7"#))
                #expect(gap.upperBound < fromPruned.range(of: "event: generation")!.lowerBound, "before any event")
                #expect(SSE.ids(fromPruned) == recentIDs, "then every event still kept")
                #expect(!fromPruned.contains(old))

                let cancel = try await client.call("/api/v1/generations/\(recent)/cancel", .post, key: team.api_key)
                #expect(cancel.status == .ok, "\(cancel.text)")
                let fromKept = try await SSE.read(port: port, key: team.api_key, headers: ["Last-Event-ID": "\(recentIDs.last!)"]) { $0.contains(#""status":"cancelled""#) }
                #expect(!fromKept.contains("event: gap"), "nothing after a kept id was pruned")
            }
        }
    }

    private func addAccount(_ client: some TestClientProtocol, _ team: TestTeam) async throws {
        // Never contacted: this app runs no worker, so takes stay queued until cancelled.
        let response = try await client.call("/api/v1/provider-accounts", .post, key: team.api_key, json: """
            {"provider": "segmind", "name": "idle", "api_key": "idle-key-0001", "base_url": "http://127.0.0.1:9", "mode": "async"}
            """)
        #expect(response.status == .created, "\(response.text)")
    }

    private func generate(_ client: some TestClientProtocol, _ team: TestTeam) async throws -> String {
        let response = try await client.call("/api/v1/generations", .post, key: team.api_key,
                                             json: #"{"model": "veo-3.1-fast", "prompt": "a paper boat in the rain", "duration": 4}"#)
        #expect(response.status == .accepted, "\(response.text)")
        return try decode(Identified.self, from: response).id
    }
}

/// Reads a server-sent event stream until `done` holds for what arrived (bounded by a timeout).
enum SSE {
    static func read(port: Int, key: String, query: String = "", headers: [String: String] = [:], opened: AsyncStream<Void>.Continuation? = nil,
                     timeout: Duration = .seconds(15), until done: @escaping @Sendable (String) -> Bool) async throws -> String {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/events\(query)")
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let prepared = request
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                let response = try await HTTPClient.shared.execute(prepared, timeout: .seconds(Int64(timeout.components.seconds) + 5))
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
                var text = ""
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    if text.contains(": stream open") { opened?.yield() }
                    if done(text) { return text }
                }
                return text
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let text = try await group.next() ?? nil else { throw CancellationError() }
            return text
        }
    }

    /// The `id:` of every event in `text`, in order.
    static func ids(_ text: String) -> [Int64] {
        text.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int64($0.dropFirst(4)) : nil }
    }
}
