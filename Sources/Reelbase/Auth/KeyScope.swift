import Foundation
import ReelbaseCore

/// How often a key's budget starts again: never, or at the start of each UTC day, ISO week
/// (Monday) or month.
public enum BudgetPeriod: String, Codable, Sendable, CaseIterable {
    case none, day, week, month

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// When the period holding `date` began (the epoch for `none`: everything counts).
    public func start(of date: Date) -> Date {
        let calendar = Self.utc
        switch self {
        case .none: return Date(timeIntervalSince1970: 0)
        case .day: return calendar.startOfDay(for: date)
        case .week: return calendar.dateInterval(of: .weekOfYear, for: date)!.start
        case .month: return calendar.dateInterval(of: .month, for: date)!.start
        }
    }
}

/// What a key may do beyond its role: its own budget, the models it may run, the campaign its
/// gateway calls land in, and how many generation requests it may make per minute.
struct KeyScope: Codable, Sendable, Equatable {
    var budget_usd: Decimal?
    var budget_period: BudgetPeriod = .none
    /// Catalog ids (`segmind/veo-3.1-lite`); nil allows every model.
    var allowed_models: [String]?
    var default_campaign_id: UUID?
    var rate_limit_per_minute: Int?

    static let unlimited = KeyScope()

    func allows(model: String) -> Bool { allowed_models.map { $0.contains(model) } ?? true }
}

/// The scope fields of a create or `PATCH /api-keys/{id}` body. Absent fields stay as they are;
/// `null` clears one.
struct KeyScopeInput: Decodable, Sendable {
    var budget_usd: Patch<USDAmount>
    var budget_period: BudgetPeriod?
    var allowed_models: Patch<[String]>
    var default_campaign_id: Patch<UUID>
    var rate_limit_per_minute: Patch<Int>

    enum Patch<Value: Decodable & Sendable>: Sendable {
        case keep, clear, set(Value)
    }

    private enum CodingKeys: String, CodingKey {
        case budget_usd, budget_period, allowed_models, default_campaign_id, rate_limit_per_minute
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func patch<V: Decodable & Sendable>(_ key: CodingKeys) throws -> Patch<V> {
            guard c.contains(key) else { return .keep }
            return try c.decodeNil(forKey: key) ? .clear : .set(c.decode(V.self, forKey: key))
        }
        budget_usd = try patch(.budget_usd)
        budget_period = try c.decodeIfPresent(BudgetPeriod.self, forKey: .budget_period)
        allowed_models = try patch(.allowed_models)
        default_campaign_id = try patch(.default_campaign_id)
        rate_limit_per_minute = try patch(.rate_limit_per_minute)
    }

    var isEmpty: Bool {
        if case .keep = budget_usd, budget_period == nil, case .keep = allowed_models, case .keep = default_campaign_id,
           case .keep = rate_limit_per_minute { return true }
        return false
    }

    /// `scope` with these changes, every problem named at once. Model names may be Segmind slugs
    /// (`veo-3.1-lite`) or catalog ids; they are stored as catalog ids.
    func applied(to scope: KeyScope, catalog: ModelCatalog) throws -> KeyScope {
        var result = scope
        var problems: [String: JSONValue] = [:]
        switch budget_usd { case .keep: break; case .clear: result.budget_usd = nil; case .set(let money): result.budget_usd = money.value }
        if let budget_period { result.budget_period = budget_period }
        switch allowed_models {
        case .keep: break
        case .clear: result.allowed_models = nil
        case .set(let names):
            let ids = names.map { $0.contains("/") ? $0 : "segmind/\($0)" }
            let unknown = ids.filter { catalog.model(id: $0) == nil }
            if names.count > 50 { problems["allowed_models"] = "at most 50 models" }
            else if !unknown.isEmpty {
                problems["allowed_models"] = .string("unknown models: \(unknown.joined(separator: ", ")); use \(catalog.models.map(\.id).joined(separator: ", "))")
            }
            result.allowed_models = Array(Set(ids)).sorted()
        }
        switch default_campaign_id { case .keep: break; case .clear: result.default_campaign_id = nil; case .set(let id): result.default_campaign_id = id }
        switch rate_limit_per_minute {
        case .keep: break
        case .clear: result.rate_limit_per_minute = nil
        case .set(let limit):
            if !(1...100_000).contains(limit) { problems["rate_limit_per_minute"] = "must be 1 to 100000" }
            result.rate_limit_per_minute = limit
        }
        guard problems.isEmpty else { throw AppError.validation("The key's scope is not valid.", details: problems) }
        return result
    }
}
