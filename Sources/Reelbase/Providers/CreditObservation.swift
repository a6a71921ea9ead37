import Foundation

/// What one provider response said about money: the balance left, what this call cost.
public struct CreditObservation: Sendable, Equatable {
    public enum Source: String, Sendable, Codable {
        /// `x-remaining-credits` / `x-cost` headers (Segmind).
        case responseHeaders = "response_headers"
        /// `metrics.remaining_credits` / `metrics.cost` in a Segmind v2 body.
        case responseMetrics = "response_metrics"
        /// `meta.usage` in an AI/ML body.
        case usage = "usage"
        /// `GET /v1/get-user-credits`.
        case balanceEndpoint = "balance_endpoint"
    }

    public var account: ProviderAccount
    /// Account balance after the call; nil when the response only reported a cost.
    public var remaining: Decimal?
    /// Cost of this call in USD, when reported.
    public var cost: Decimal?
    /// Provider credits consumed (AI/ML `credits_used`), when reported.
    public var creditsUsed: Decimal?
    public var source: Source
    public var observedAt: Date

    public init(
        account: ProviderAccount, remaining: Decimal?, cost: Decimal? = nil, creditsUsed: Decimal? = nil,
        source: Source, observedAt: Date = Date()
    ) {
        self.account = account
        self.remaining = remaining
        self.cost = cost
        self.creditsUsed = creditsUsed
        self.source = source
        self.observedAt = observedAt
    }

    /// Whether it says anything worth a snapshot row: a balance or a cost.
    var hasFigures: Bool { remaining != nil || cost != nil }

    /// Headers first, body second: each field comes from the first place that has it.
    static func combine(_ observations: CreditObservation?...) -> CreditObservation? {
        let present = observations.compactMap { $0 }
        guard var merged = present.first else { return nil }
        for other in present.dropFirst() {
            merged.remaining = merged.remaining ?? other.remaining
            merged.cost = merged.cost ?? other.cost
            merged.creditsUsed = merged.creditsUsed ?? other.creditsUsed
        }
        return merged
    }
}

/// A balance read from the provider's balance endpoint.
public struct AccountBalance: Sendable, Equatable {
    /// Paid credits (Segmind `credits`).
    public var credits: Decimal
    /// Free credits (Segmind `free-credits`), spent before paid ones.
    public var freeCredits: Decimal
    public var observation: CreditObservation

    public var total: Decimal { credits + freeCredits }

    public init(credits: Decimal, freeCredits: Decimal, observation: CreditObservation) {
        self.credits = credits
        self.freeCredits = freeCredits
        self.observation = observation
    }
}

/// Parses money from its text form: `Decimal(string:)` with a fixed locale, never via Double.
enum DecimalText {
    private static let posix = Locale(identifier: "en_US_POSIX")

    static func parse(_ text: String?) -> Decimal? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        guard let value = Decimal(string: trimmed, locale: posix), !value.isNaN else { return nil }
        // Decimal(string:) accepts a prefix ("1.5abc"); insist the whole string was a number.
        guard trimmed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" })
        else { return nil }
        return value
    }
}

/// A JSON money field sent either as a number or as a string. Foundation's JSONDecoder reads a
/// JSON number into `Decimal` from its digits, so neither path goes through Double.
struct FlexibleDecimal: Decodable, Sendable {
    let value: Decimal

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = DecimalText.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a decimal")
            }
            self.value = value
        } else {
            self.value = try container.decode(Decimal.self)
        }
    }
}

extension KeyedDecodingContainer {
    /// A money field that may be missing, null, a number or a string; garbage reads as nil.
    func decimalIfPresent(forKey key: Key) -> Decimal? {
        (try? decodeIfPresent(FlexibleDecimal.self, forKey: key))?.value
    }
}
