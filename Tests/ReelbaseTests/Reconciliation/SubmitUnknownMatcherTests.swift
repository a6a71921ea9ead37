import Foundation
import Testing

@testable import Reelbase

/// The decision for a `submit_unknown` job, from the provider's history: every branch.
@Suite struct SubmitUnknownMatcherTests {
    static let posted = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = MatchPolicy(historyLag: 600, submitTimeout: 30, clockSkew: 60)
    static let body: [String: JSONValue] = ["prompt": "a kite over the sea", "duration": 4, "resolution": "720p", "generate_audio": false]
    static let submit = UnknownSubmit(model: "veo-3.1-fast", sentBody: SentRequestBody(fields: body), postedAt: posted)
    /// Well past the window (posted + 30 + 60) and the lag (600).
    static let settled = posted.addingTimeInterval(30 + 60 + 600)

    func entry(
        _ id: String, model: String? = "veo-3.1-fast", body: [String: JSONValue] = Self.body, at offset: TimeInterval? = 1,
        status: String = "COMPLETED"
    ) -> SegmindHistoryEntry {
        SegmindHistoryEntry(
            requestID: id, model: model, status: status, cost: status == "COMPLETED" ? Decimal(string: "0.4") : 0,
            requestBody: .object(body), createdAt: offset.map { Self.posted.addingTimeInterval($0) })
    }

    func decide(_ entries: [SegmindHistoryEntry], claimed: Set<String> = [], now: Date = Self.settled) -> MatchDecision {
        SubmitUnknownMatcher.decide(Self.submit, lookup: .entries(entries), claimed: claimed, now: now, policy: Self.policy)
    }

    @Test func exactlyOneUnclaimedMatchIsAdoptedEvenBeforeTheLagHasPassed() {
        let ours = entry("r-ours")
        let others = [
            entry("r-other-model", model: "veo-3.1"),
            entry("r-other-body", body: Self.body.merging(["prompt": "a different kite"]) { $1 }),
            entry("r-too-early", at: -61), entry("r-too-late", at: 91),
        ]
        #expect(decide(others + [ours]) == .adopt(ours))
        #expect(decide([ours], now: Self.posted.addingTimeInterval(5)) == .adopt(ours))
        // A request with several outputs is listed once per output: still one request.
        #expect(decide([ours, ours]) == .adopt(ours))
        // A FAILED match is ours too (the caller books it as failed, not billed).
        let failed = entry("r-failed", status: "FAILED")
        #expect(decide([failed]) == .adopt(failed))
    }

    @Test func bodiesCompareAsCanonicalJSONOnTheFieldsSent() {
        // Key order, 4 vs 4.0 and fields only the provider adds do not matter; a changed value does.
        let recorded: JSONValue = .object(["generate_audio": false, "resolution": "720p", "duration": .number(4.0), "prompt": "a kite over the sea", "fps": 24])
        #expect(Self.submit.sentBody.matches(recorded))
        #expect(!Self.submit.sentBody.matches(.object(Self.body.merging(["duration": 6]) { $1 })))
        #expect(!Self.submit.sentBody.matches(.object(Self.body.filter { $0.key != "resolution" })))
        #expect(!Self.submit.sentBody.matches(nil))
        // Images are stored and compared by digest: the same data URI matches, another does not.
        let image = "data:image/png;base64," + String(repeating: "iVBORw0KGgo", count: 100)
        let sent = SentRequestBody(fields: Self.body.merging(["image": .string(image)]) { $1 })
        #expect(sent.jsonText.contains("sha256:") && !sent.jsonText.contains("base64"))
        #expect(sent.matches(.object(Self.body.merging(["image": .string(image)]) { $1 })))
        #expect(!sent.matches(.object(Self.body.merging(["image": .string(image + "AA")]) { $1 })))
        // What is stored reads back as the same body.
        #expect(SentRequestBody(sentJSON: Data(sent.jsonText.utf8)) == sent)
    }

    @Test func aClaimedMatchBelongsToAnotherGenerationSoNoMatchAfterTheWindowRequeues() {
        let theirs = entry("r-theirs")
        #expect(decide([theirs], claimed: ["r-theirs"]) == .requeue)
        #expect(decide([]) == .requeue)
        #expect(decide([entry("r-other-model", model: "veo-3")]) == .requeue)
    }

    @Test func noMatchBeforeTheWindowHasSettledMeansLookAgainLater() {
        let early = Self.posted.addingTimeInterval(120)
        #expect(decide([], now: early) == .lookAgain(at: Self.settled))
        #expect(decide([], now: Self.settled.addingTimeInterval(-1)) == .lookAgain(at: Self.settled))
    }

    @Test func severalIdenticalUnclaimedMatchesStayForAPersonWithTheCandidates() {
        let first = entry("r-1")
        let second = entry("r-2", at: 20)
        guard case .needsPerson(let reason, let candidates) = decide([first, second, entry("r-3")], claimed: ["r-3"]) else {
            Issue.record("expected a person to decide")
            return
        }
        #expect(candidates == [first, second])
        #expect(reason.contains("2 requests"))
    }

    @Test func anUnreachableHistoryKeepsTheJobSafe() {
        let decision = SubmitUnknownMatcher.decide(
            Self.submit, lookup: .unreachable(reason: "HTTP 502"), claimed: [], now: Self.settled, policy: Self.policy)
        #expect(decision == .needsPerson(reason: "the provider's request history could not be read: HTTP 502", candidates: []))
    }

    @Test func aRowThatCannotBeRuledOutIsNeverTreatedAsAbsent() {
        // Same prompt and model but another body (the provider may rewrite an image as a URL): a person looks.
        let rewritten = entry("r-rewritten", body: Self.body.merging(["image": "https://cdn.segmind.com/in.png"]) { $1 }.merging(["duration": "4"]) { $1 })
        guard case .needsPerson(_, let candidates) = decide([rewritten]) else {
            Issue.record("a look-alike must not be requeued")
            return
        }
        #expect(candidates == [rewritten])
        // Before the window has settled it may still be claimed by the job it belongs to (a batch shares its prompt).
        #expect(decide([rewritten], now: Self.settled.addingTimeInterval(-1)) == .lookAgain(at: Self.settled))
        #expect(decide([rewritten], claimed: ["r-rewritten"]) == .requeue)
        // No timestamp or no model: it could be in the window, so a matching body is adopted.
        let undated = entry("r-undated", model: nil, at: nil)
        #expect(decide([undated]) == .adopt(undated))
    }

    @Test func theWindowFollowsThePolicy() {
        let window = Self.policy.window(for: Self.submit)
        #expect(window.start == Self.posted.addingTimeInterval(-60))
        #expect(window.end == Self.posted.addingTimeInterval(90))
        #expect(Self.policy.settledAt(for: Self.submit) == Self.settled)
    }

    @Test func theServicePolicyComesFromTheEnvironment() throws {
        let config = try AppConfig.fromEnvironment([
            "DATABASE_URL": "postgres://reelbase@127.0.0.1:5432/reelbase",
            "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ=",
            "REELBASE_SEGMIND_HISTORY_LAG_SECONDS": "1200",
            "REELBASE_SUBMIT_UNKNOWN_SETTLE_SECONDS": "15",
        ])
        #expect(config.submitUnknownSettleSeconds == 15)
        #expect(config.segmindHistoryURL == "https://api.spotprod.segmind.com/inference-request/request-history")
        let policy = MatchPolicy(config: config)
        #expect(policy.historyLag == 1200)
        #expect(policy.submitTimeout == 30)  // the async (v2) deadline; the resolver widens it for v1 accounts
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment([
                "DATABASE_URL": "postgres://reelbase@127.0.0.1:5432/reelbase",
                "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ=",
                "REELBASE_SEGMIND_HISTORY_LAG_SECONDS": "-5",
            ])
        }
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment([
                "DATABASE_URL": "postgres://reelbase@127.0.0.1:5432/reelbase",
                "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ=",
                "REELBASE_SUBMIT_UNKNOWN_SETTLE_SECONDS": "soon",
            ])
        }
    }
}
