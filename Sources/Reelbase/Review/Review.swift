import Foundation
import Hummingbird

/// A client's or a member's decision on a take.
enum Verdict: String, Codable, Sendable, CaseIterable {
    case approved, rejected, needs_changes
}

/// Who reviewed: a member (named from their account) or a client through a share link (the
/// name they typed, marked as a client's).
struct Reviewer: Sendable {
    let name: String
    let user: UUID?
    let link: UUID?

    static func client(_ name: String, link: UUID) -> Reviewer { Reviewer(name: name, user: nil, link: link) }
}

/// A person as a review shows them.
struct ReviewAuthor: Codable, Sendable, Equatable {
    let name: String
    /// Typed by a client through a share link, not a member's account.
    let client: Bool
}

struct TakeComment: Codable, Sendable {
    let id: UUID
    let generation_id: UUID
    let at_seconds: Double
    let body: String
    let author: ReviewAuthor
    let created_at: Date
}

/// The review of one take: its current rating and verdict, and every comment by timecode.
struct TakeReview: Codable, Sendable {
    let generation_id: UUID
    /// The take's length as asked for (what a comment's timecode must stay within).
    let duration_seconds: Double
    var rating: Int?
    var rated_by: ReviewAuthor?
    var rated_at: Date?
    var verdict: Verdict?
    var verdict_by: ReviewAuthor?
    var verdict_at: Date?
    var comments: [TakeComment]
}

/// `PUT /generations/{id}/review`: either or both; `null` clears.
struct ReviewInput: Decodable {
    let rating: Int??
    let verdict: Verdict??

    enum CodingKeys: String, CodingKey { case rating, verdict }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rating = c.contains(.rating) ? .some(try c.decodeIfPresent(Int.self, forKey: .rating)) : nil
        verdict = c.contains(.verdict) ? .some(try c.decodeIfPresent(Verdict.self, forKey: .verdict)) : nil
    }

    func validated() throws -> Self {
        guard rating != nil || verdict != nil else { throw AppError.validation("Send `rating` (1 to 5, or null) and/or `verdict`.") }
        if case .some(.some(let value)) = rating, !(1...5).contains(value) { throw AppError.validation("`rating` must be 1 to 5.") }
        return self
    }
}

/// `POST /generations/{id}/comments` (a member) and the share page's comment (a client, with `name`).
struct CommentInput: Decodable {
    let body: String
    let at_seconds: Double
    let name: String?

    static let maxBody = 2000
    static let maxName = 80

    /// The trimmed text, or a 422 naming what is wrong.
    func text() throws -> String {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.maxBody).contains(text.count) else { throw AppError.validation("`body` must be 1 to \(Self.maxBody) characters.") }
        guard at_seconds.isFinite, at_seconds >= 0 else { throw AppError.validation("`at_seconds` must be a time in the video, 0 or more.") }
        return text
    }

    /// A client's typed name (required through a share link).
    static func clientName(_ raw: String?) throws -> String {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...maxName).contains(name.count), !name.contains(where: { $0.isNewline }) else {
            throw AppError.validation("Type your name (1 to \(maxName) characters) so the team knows who said it.")
        }
        return name
    }
}

extension TakeReview: ResponseEncodable {}
extension TakeComment: ResponseEncodable {}
