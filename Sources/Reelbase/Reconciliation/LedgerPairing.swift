import Foundation

/// One generation booked on the spend ledger for the account being reconciled.
public struct BookedRequest: Sendable, Equatable {
    public var generationID: UUID
    /// nil for a sync (v1) submit: the provider answered with the video, not an id.
    public var requestID: String?
    /// The provider-side model (a Segmind slug).
    public var model: String
    public var amount: Decimal
    public var sentBody: SentRequestBody?
    public var at: Date?
    /// Whose booking it is (the default account's ledger holds every team's).
    public var teamID: UUID?

    public init(generationID: UUID, requestID: String?, model: String, amount: Decimal, sentBody: SentRequestBody? = nil, at: Date? = nil,
                teamID: UUID? = nil) {
        self.teamID = teamID
        self.generationID = generationID
        self.requestID = requestID
        self.model = model
        self.amount = amount
        self.sentBody = sentBody
        self.at = at
    }
}

/// How one request stands between the two books.
public enum ReconciliationKind: String, Sendable, Codable, CaseIterable {
    /// On both, at the same cost.
    case matched
    /// On both, at different costs.
    case costMismatch = "cost_mismatch"
    /// Billed by the provider, on nobody's books (e.g. the same key used outside Reelbase).
    case notBooked = "not_booked"
    /// Booked by Reelbase, unknown to the provider.
    case unknownToProvider = "unknown_to_provider"

    /// Every kind but `matched` is a discrepancy a person should see.
    public var isMismatch: Bool { self != .matched }
}

/// One paired (or unpaired) request.
public struct ReconciliationLine: Sendable, Equatable {
    public var kind: ReconciliationKind
    public var requestID: String?
    public var generationID: UUID?
    public var model: String?
    public var providerStatus: String?
    public var ledgerUSD: Decimal?
    public var providerUSD: Decimal?
    public var requestedAt: Date?
}

/// Pairs the ledger with the provider's history. Pure: the caller has read both books, looked
/// up by id every booked request the window's history lacks, and knows which request ids a
/// generation owns without having booked them yet (in flight, or failed and not billed).
public enum LedgerPairing {
    public static func pair(ledger: [BookedRequest], history: [SegmindHistoryEntry], ownedUnbooked: Set<String>) -> [ReconciliationLine] {
        var pool: [String: SegmindHistoryEntry] = [:]
        var order: [String] = []
        for entry in history where pool[entry.requestID] == nil {
            pool[entry.requestID] = entry
            order.append(entry.requestID)
        }
        var lines: [ReconciliationLine] = []
        var withoutID: [BookedRequest] = []
        for booked in ledger {
            guard let id = booked.requestID else { withoutID.append(booked); continue }
            if let entry = pool.removeValue(forKey: id) {
                lines.append(compare(booked, entry))
            } else {
                lines.append(line(.unknownToProvider, booked: booked, entry: nil))
            }
        }
        // A sync submit has no id: its request is the unpaired one with its model and body.
        for booked in withoutID {
            let found = order.first { id in
                guard let entry = pool[id] else { return false }
                let sameModel = entry.model.map { $0.lowercased() == booked.model.lowercased() } ?? true
                return sameModel && (booked.sentBody?.matches(entry.requestBody) ?? false)
            }
            if let id = found, let entry = pool.removeValue(forKey: id) {
                lines.append(compare(booked, entry))
            } else {
                lines.append(line(.unknownToProvider, booked: booked, entry: nil))
            }
        }
        for id in order {
            guard let entry = pool[id], !ownedUnbooked.contains(id), billed(entry) else { continue }
            lines.append(line(.notBooked, booked: nil, entry: entry))
        }
        return lines
    }

    /// What the provider charged for it: a cost above zero, or a completed request whose cost
    /// the history does not show (it cannot be ruled out).
    static func billed(_ entry: SegmindHistoryEntry) -> Bool {
        if let cost = entry.cost { return cost > 0 }
        return entry.isCompleted
    }

    private static func compare(_ booked: BookedRequest, _ entry: SegmindHistoryEntry) -> ReconciliationLine {
        let same = entry.cost.map { abs($0 - booked.amount) < Decimal(string: "0.000001")! } ?? false
        return line(same ? .matched : .costMismatch, booked: booked, entry: entry)
    }

    private static func line(_ kind: ReconciliationKind, booked: BookedRequest?, entry: SegmindHistoryEntry?) -> ReconciliationLine {
        ReconciliationLine(
            kind: kind, requestID: entry?.requestID ?? booked?.requestID, generationID: booked?.generationID,
            model: entry?.model ?? booked?.model, providerStatus: entry?.status, ledgerUSD: booked?.amount, providerUSD: entry?.cost,
            requestedAt: entry?.createdAt ?? booked?.at)
    }
}
