import Foundation
import Testing

@testable import Reelbase

/// Pairing the ledger with the provider's history, without I/O.
@Suite struct LedgerPairingTests {
    func entry(_ id: String, cost: String?, status: String = "COMPLETED", prompt: String = "p", model: String = "veo-3.1-fast") -> SegmindHistoryEntry {
        SegmindHistoryEntry(requestID: id, model: model, status: status, cost: cost.flatMap { Decimal(string: $0) },
                            requestBody: ["prompt": .string(prompt), "duration": 4], createdAt: Date())
    }

    func booked(_ id: String?, _ amount: String, prompt: String = "p") -> BookedRequest {
        BookedRequest(generationID: UUID(), requestID: id, model: "veo-3.1-fast", amount: Decimal(string: amount)!,
                      sentBody: SentRequestBody(fields: ["prompt": .string(prompt), "duration": 4]))
    }

    func kinds(_ lines: [ReconciliationLine]) -> [String: ReconciliationKind] {
        Dictionary(uniqueKeysWithValues: lines.map { ($0.requestID ?? "?", $0.kind) })
    }

    @Test func pairsByRequestIDAndNamesEveryKindOfDiscrepancy() {
        let lines = LedgerPairing.pair(
            ledger: [booked("a", "0.4"), booked("b", "0.4"), booked("ghost", "0.4")],
            history: [entry("a", cost: "0.4"), entry("b", cost: "0.6"), entry("outside", cost: "0.25")], ownedUnbooked: [])
        #expect(kinds(lines) == ["a": .matched, "b": .costMismatch, "ghost": .unknownToProvider, "outside": .notBooked])
        let outside = lines.first { $0.requestID == "outside" }
        #expect(outside?.generationID == nil && outside?.providerUSD == Decimal(string: "0.25") && outside?.ledgerUSD == nil)
    }

    @Test func unbilledAndOwnedRequestsAreNotCalledUnbooked() {
        let lines = LedgerPairing.pair(
            ledger: [],
            history: [entry("failed", cost: "0", status: "FAILED"), entry("running", cost: "0.4"), entry("no-cost", cost: nil),
                      entry("pending", cost: nil, status: "PENDING")],
            ownedUnbooked: ["running"])
        #expect(kinds(lines) == ["no-cost": .notBooked], "a completed request without a cost cannot be ruled out")
    }

    @Test func aSyncSubmitWithoutAnIDIsPairedByItsBody() {
        let lines = LedgerPairing.pair(
            ledger: [booked(nil, "0.4", prompt: "kite")],
            history: [entry("other", cost: "0.4", prompt: "boat"), entry("mine", cost: "0.4", prompt: "kite")], ownedUnbooked: [])
        #expect(kinds(lines) == ["mine": .matched, "other": .notBooked])
        #expect(lines.first { $0.requestID == "mine" }?.generationID != nil)
    }

    @Test func aCostTheHistoryDoesNotShowIsNotCalledAMatch() {
        let lines = LedgerPairing.pair(ledger: [booked("a", "0.4")], history: [entry("a", cost: nil)], ownedUnbooked: [])
        #expect(lines.map(\.kind) == [.costMismatch])
    }
}
