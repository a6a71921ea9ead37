import Foundation

/// A generation in `submit_unknown`: its POST left, and nobody knows whether the provider got it.
public struct UnknownSubmit: Sendable, Equatable {
    /// The provider-side model (a Segmind slug).
    public var model: String
    /// What the POST carried.
    public var sentBody: SentRequestBody
    /// When the POST started to leave (`generations.post_started_at`).
    public var postedAt: Date

    public init(model: String, sentBody: SentRequestBody, postedAt: Date) {
        self.model = model
        self.sentBody = sentBody
        self.postedAt = postedAt
    }
}

/// How far around the POST to look, and how long the history may take to show a request.
public struct MatchPolicy: Sendable, Equatable {
    /// How late a request may appear in the history. Conservative: a requeue after too short a
    /// wait could pay twice.
    public var historyLag: TimeInterval
    /// The longest a POST can be on the wire before the provider records it (the client's deadline).
    public var submitTimeout: TimeInterval
    /// Disagreement between our clock and the provider's.
    public var clockSkew: TimeInterval

    public init(historyLag: TimeInterval = 900, submitTimeout: TimeInterval = 300, clockSkew: TimeInterval = 120) {
        self.historyLag = historyLag
        self.submitTimeout = submitTimeout
        self.clockSkew = clockSkew
    }

    /// Where the provider's record of this POST must lie if it exists.
    public func window(for submit: UnknownSubmit) -> DateInterval {
        DateInterval(start: submit.postedAt.addingTimeInterval(-clockSkew), end: submit.postedAt.addingTimeInterval(submitTimeout + clockSkew))
    }

    /// From then on, a request missing from the history was never recorded.
    public func settledAt(for submit: UnknownSubmit) -> Date {
        window(for: submit).end.addingTimeInterval(historyLag)
    }
}

/// What the history said, or why it could not say.
public enum HistoryLookup: Sendable, Equatable {
    /// Every request in the window (all pages read).
    case entries([SegmindHistoryEntry])
    case unreachable(reason: String)
}

/// What to do with the generation.
public enum MatchDecision: Sendable, Equatable {
    /// Exactly one unclaimed request with this model and body: it is ours.
    case adopt(SegmindHistoryEntry)
    /// The window is safely past the history's lag and nothing matches: never recorded,
    /// so never billed. Submit it again.
    case requeue
    /// Nothing matches yet, but the history may still be lagging: look again at `at`.
    case lookAgain(at: Date)
    /// The history cannot settle it; a person decides, with these candidates as evidence.
    case needsPerson(reason: String, candidates: [SegmindHistoryEntry])

    /// One short line for logs (candidates' bodies can hold whole images).
    public var summary: String {
        switch self {
        case .adopt(let entry): "adopt \(entry.requestID)"
        case .requeue: "requeue"
        case .lookAgain(let at): "look again at \(at.iso8601WithFraction)"
        case .needsPerson(let reason, let candidates): "needs a person (\(candidates.count) candidates): \(reason)"
        }
    }
}

/// Decides a `submit_unknown` generation from the provider's own books. Pure: no I/O, no clock.
public enum SubmitUnknownMatcher {
    /// - Parameters:
    ///   - claimed: request ids some generation on this account already owns.
    ///   - now: when the look-up started (a requeue needs the whole window to have settled by then).
    public static func decide(
        _ submit: UnknownSubmit, lookup: HistoryLookup, claimed: Set<String>, now: Date, policy: MatchPolicy
    ) -> MatchDecision {
        let entries: [SegmindHistoryEntry]
        switch lookup {
        case .unreachable(let reason):
            return .needsPerson(reason: "the provider's request history could not be read: \(reason)", candidates: [])
        case .entries(let list):
            entries = list
        }
        let window = policy.window(for: submit)
        var seen = Set<String>()
        let open = entries.filter { entry in
            guard seen.insert(entry.requestID).inserted, !claimed.contains(entry.requestID) else { return false }
            // A row without a model or a time cannot be ruled out.
            let sameModel = entry.model.map { $0.lowercased() == submit.model.lowercased() } ?? true
            let inWindow = entry.createdAt.map(window.contains) ?? true
            return sameModel && inWindow
        }
        let matches = open.filter { submit.sentBody.matches($0.requestBody) }
        switch matches.count {
        case 1:
            return .adopt(matches[0])
        case 2...:
            return .needsPerson(
                reason: "\(matches.count) requests in the provider's history have this model and body; which one is this generation cannot be told",
                candidates: matches)
        default:
            break
        }
        let settled = policy.settledAt(for: submit)
        let lookalikes = open.filter { submit.sentBody.sharesPrompt(with: $0.requestBody) }
        if !lookalikes.isEmpty {
            // A batch shares its prompt: another job's request (say, one still in submit_unknown
            // itself) looks like ours until that job claims it. Decide once the window has settled.
            guard now >= settled else { return .lookAgain(at: settled) }
            return .needsPerson(
                reason: "no request has this exact body, but \(lookalikes.count) with the same prompt and model differ elsewhere",
                candidates: lookalikes)
        }
        return now >= settled ? .requeue : .lookAgain(at: settled)
    }
}
