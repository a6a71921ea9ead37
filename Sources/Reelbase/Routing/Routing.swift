import Foundation
import ReelbaseCore

/// Where a `provider: "auto"` generation went and why: every provider weighed, the one chosen,
/// and each move to another provider after a submit that was definitely not billed. Stored in
/// `generations.routing` and shown as `routing` in the generation's JSON.
struct Routing: Codable, Sendable, Equatable {
    var mode = "auto"
    /// The provider the generation runs on now.
    var chosen: String
    var reason: String
    var candidates: [Candidate]
    var moves: [Move] = []

    struct Candidate: Codable, Sendable, Equatable {
        let provider: String
        let model: String
        let eligible: Bool
        /// Why it can or cannot take this generation.
        let reason: String
        let estimate_usd: Decimal?
        let account_key: String?
        let account_id: UUID?
        let concurrency_limit: Int?
        /// The parameters as this provider's model takes them (defaults differ per provider).
        let params: GenerationParameters?
    }

    struct Move: Codable, Sendable, Equatable {
        let from: String
        let to: String
        /// The error that made the first provider refuse without billing.
        let reason: String
        let at: Date
    }

    /// The next eligible provider not tried yet, cheapest first.
    var alternate: Candidate? {
        let tried = Set([chosen] + moves.map(\.from))
        return candidates.filter { $0.eligible && !tried.contains($0.provider) }
            .min { ($0.estimate_usd ?? .greatestFiniteMagnitude) < ($1.estimate_usd ?? .greatestFiniteMagnitude) }
    }

    var jsonText: String { String(decoding: (try? JSONEncoder.api.encode(self)) ?? Data("null".utf8), as: UTF8.self) }
}

/// One provider's answer to "can you take this generation, and for how much?".
struct RouteOption: Sendable {
    let model: ModelSpec
    let params: GenerationParameters
    let credentials: ProviderCredentials?
    let problems: [String]
    let estimate: Decimal?

    var accountKey: String? { credentials.map(ProviderCredentials.accountKey) }
    var eligible: Bool { problems.isEmpty && credentials != nil && estimate != nil }
}

extension ProviderCredentials {
    /// How generations and pauses name an account: its id, or `default:<provider>`.
    static func accountKey(_ credentials: ProviderCredentials) -> String {
        credentials.accountID.map { $0.uuidString.lowercased() } ?? "default:\(credentials.provider.rawValue)"
    }
}

/// Chooses among the providers that serve a model: the cheapest eligible option for these
/// parameters. Pure; the planner gathers the options (validation, accounts, pauses, prices).
enum ProviderRouter {
    static func choose(_ options: [RouteOption]) -> (RouteOption, Routing)? {
        let eligible = options.filter(\.eligible).enumerated()
            .min { ($0.element.estimate!, $0.offset) < ($1.element.estimate!, $1.offset) }?.element
        guard let chosen = eligible else { return nil }
        let others = options.filter { $0.model.id != chosen.model.id }
        let reason: String
        if others.isEmpty {
            reason = "the only provider serving this model"
        } else if others.allSatisfy({ !$0.eligible }) {
            reason = "the only provider that can take it: " + others.map { "\($0.model.provider.rawValue): \(describe($0))" }.joined(separator: "; ")
        } else {
            reason = "the cheapest for these parameters: $\(chosen.estimate!) against "
                + others.filter(\.eligible).map { "$\($0.estimate!) at \($0.model.provider.rawValue)" }.joined(separator: ", ")
        }
        let candidates = options.map { option in
            Routing.Candidate(provider: option.model.provider.rawValue, model: option.model.id, eligible: option.eligible,
                              reason: describe(option), estimate_usd: option.estimate, account_key: option.accountKey,
                              account_id: option.credentials?.accountID, concurrency_limit: option.credentials?.concurrencyLimit,
                              params: option.eligible ? option.params : nil)
        }
        return (chosen, Routing(chosen: chosen.model.provider.rawValue, reason: reason, candidates: candidates))
    }

    static func describe(_ option: RouteOption) -> String {
        if option.eligible { return "can take it for $\(option.estimate!)" }
        if !option.problems.isEmpty { return option.problems.joined(separator: "; ") }
        if option.credentials == nil { return "no account" }
        return "no price for these parameters"
    }
}

/// Documentation of a generation's `routing`.
enum RoutingOperations {
    static let routing = Schema.record([
        "mode": Schema.oneOf(["auto"]), "chosen": Schema.string, "reason": Schema.string,
        "candidates": Schema.array(Schema.record([
            "provider": Schema.string, "model": Schema.string, "eligible": Schema.boolean, "reason": Schema.string,
            "estimate_usd": Schema.nullable(Schema.usd), "account_key": Schema.nullable(Schema.string), "account_id": Schema.nullable(Schema.uuid),
            "concurrency_limit": Schema.nullable(Schema.integer), "params": Schema.nullable(Schema.anyObject),
        ])),
        "moves": Schema.array(Schema.record(["from": Schema.string, "to": Schema.string, "reason": Schema.string, "at": Schema.dateTime])),
    ])
}
