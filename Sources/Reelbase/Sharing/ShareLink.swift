import Foundation
import Hummingbird

/// What a link covers.
enum ShareKind: String, Codable, Sendable, CaseIterable {
    /// One take.
    case take
    /// 2 to 4 takes side by side.
    case compare
    /// The takes of a campaign approved when the link was made.
    case campaign
    /// One ready storyboard cut: its video, its poster and the list of its takes (which it
    /// does not open: `generation_ids` stays empty).
    case cut
}

/// The cut a `cut` link covers: a storyboard of the link's team and the cut's number.
struct SharedCutTarget: Sendable, Equatable {
    let storyboard: UUID
    let number: Int
}

/// A share link as the team sees it (the token is only in `CreatedShareLink`, once).
struct ShareLink: Codable, Sendable {
    let id: UUID
    let kind: ShareKind
    let generation_ids: [UUID]
    let campaign_id: UUID?
    /// A `cut` link's storyboard and cut number (null for the other kinds).
    let storyboard_id: UUID?
    let cut_number: Int?
    let title: String?
    let has_password: Bool
    let expires_at: Date
    let revoked_at: Date?
    let created_by: UUID?
    let created_at: Date
    let views: Int64
    let last_viewed_at: Date?
    /// `active`, `expired` or `revoked`.
    let status: String
}

/// The answer to `POST /share-links`: the only time the token is shown.
struct CreatedShareLink: Encodable, Sendable {
    let link: ShareLink
    let token: String
    /// `/s/{token}`, and the absolute URL when `REELBASE_PUBLIC_URL` is set.
    let path: String
    let url: String?
}

/// `POST /share-links`.
struct ShareLinkInput: Decodable {
    let kind: ShareKind
    let generation_id: UUID?
    let generation_ids: [UUID]?
    let campaign_id: UUID?
    let storyboard_id: UUID?
    let cut_number: Int?
    let title: String?
    let expires_in_days: Int?
    let password: String?

    static let defaultDays = 7
    static let maxDays = 90
    static let maxTitle = 200
    static let passwordLength = 8...200

    /// The takes a take/compare link names, in order, checked for shape (not yet for the team).
    func takes() throws -> [UUID] {
        if kind != .cut, storyboard_id != nil || cut_number != nil {
            throw AppError.validation("Only a `cut` link names `storyboard_id` and `cut_number`.")
        }
        switch kind {
        case .take:
            guard let id = generation_id, generation_ids == nil else { throw AppError.validation("A `take` link names one `generation_id`.") }
            return [id]
        case .compare:
            guard let ids = generation_ids, generation_id == nil, (2...4).contains(ids.count), Set(ids).count == ids.count else {
                throw AppError.validation("A `compare` link names 2 to 4 different `generation_ids`.")
            }
            return ids
        case .campaign:
            guard campaign_id != nil, generation_id == nil, generation_ids == nil else {
                throw AppError.validation("A `campaign` link names a `campaign_id`; it covers the takes approved in it.")
            }
            return []
        case .cut:
            guard storyboard_id != nil, let number = cut_number, (1...1_000_000).contains(number), generation_id == nil, generation_ids == nil, campaign_id == nil else {
                throw AppError.validation("A `cut` link names a `storyboard_id` and a `cut_number` (1 or more); it covers that cut only.")
            }
            return []
        }
    }

    /// The cut a `cut` link names (after `takes()` checked its shape).
    var cut: SharedCutTarget? {
        guard kind == .cut, let storyboard_id, let cut_number else { return nil }
        return SharedCutTarget(storyboard: storyboard_id, number: cut_number)
    }

    func validatedTitle() throws -> String? {
        guard let title else { return nil }
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= Self.maxTitle else { throw AppError.validation("`title` is at most \(Self.maxTitle) characters.") }
        return trimmed.isEmpty ? nil : trimmed
    }

    func lifetimeDays() throws -> Int {
        let days = expires_in_days ?? Self.defaultDays
        guard (1...Self.maxDays).contains(days) else { throw AppError.validation("`expires_in_days` must be 1 to \(Self.maxDays).") }
        return days
    }

    func validatedPassword() throws -> String? {
        guard let password else { return nil }
        guard Self.passwordLength.contains(password.count) else {
            throw AppError.validation("`password` must be \(Self.passwordLength.lowerBound) to \(Self.passwordLength.upperBound) characters.")
        }
        return password
    }
}

/// A link opened by its token: what the public routes may show, and nothing else.
struct SharedAccess: Sendable {
    let link: UUID
    let team: UUID
    let kind: ShareKind
    let generationIDs: [UUID]
    let campaignID: UUID?
    let cut: SharedCutTarget?
    let title: String?
    let expiresAt: Date
    let passwordHash: String?

    func covers(_ generation: UUID) -> Bool { generationIDs.contains(generation) }
}

extension ShareLink: ResponseEncodable {}
extension CreatedShareLink: ResponseEncodable {}
