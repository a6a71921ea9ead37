import Foundation
import Hummingbird

/// A body of work with an optional budget; prompts, assets, seeds (and later generations) belong to it.
struct Campaign: ResponseEncodable, Decodable, Sendable {
    struct Counts: Codable, Sendable {
        let prompts: Int
        let assets: Int
        let seeds: Int
    }

    let id: UUID
    let name: String
    let description: String
    let budget_usd: Decimal?
    let reserved_usd: Decimal
    let spent_usd: Decimal
    let tags: [String]
    let counts: Counts
    let created_at: Date
    let updated_at: Date
    let archived_at: Date?
}

struct NewCampaign: Decodable, Sendable {
    let name: String
    let description: String?
    let budget_usd: USD?
    let tags: [String]?
}

/// PATCH body: absent fields stay, `budget_usd: null` removes the budget.
struct CampaignChanges: Decodable, Sendable {
    var name: String?
    var description: String?
    var budget_usd: Patch<USD> = .absent
    var tags: [String]?

    enum CodingKeys: String, CodingKey { case name, description, budget_usd, tags }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        budget_usd = try container.patch(USD.self, forKey: .budget_usd)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
    }
}
