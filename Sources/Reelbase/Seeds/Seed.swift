import Foundation
import Hummingbird

/// A seed worth keeping, with what it worked well with; generations can link to it.
struct Seed: ResponseEncodable, Sendable {
    let id: UUID
    let value: Int64
    let note: String
    let prompt_version_id: UUID?
    let model: String?
    let campaign_id: UUID?
    let created_by: UUID?
    let created_at: Date
}

struct NewSeed: Decodable, Sendable {
    let value: Int64
    let note: String?
    let prompt_version_id: UUID?
    let model: String?
    let campaign_id: UUID?
}
