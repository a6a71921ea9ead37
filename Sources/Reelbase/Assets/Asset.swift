import Foundation
import Hummingbird

/// What an image is for in a generation.
enum AssetRole: String, Codable, Sendable, CaseIterable {
    case reference, first_frame, last_frame

    static func parse(_ raw: String?) throws -> AssetRole? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let role = AssetRole(rawValue: raw) else {
            throw AppError.validation("`role` must be one of reference, first_frame, last_frame.")
        }
        return role
    }
}

/// An image a team keeps for generations; its bytes live in the blob store.
struct Asset: ResponseEncodable, Decodable, Sendable {
    let id: UUID
    let kind: ImageFormat
    let content_type: String
    let size_bytes: Int64
    let width: Int
    let height: Int
    /// Hex SHA-256 of the bytes: the same bytes uploaded twice by one team are one asset.
    let sha256: String
    let role: AssetRole?
    let name: String?
    let tags: [String]
    let campaign_id: UUID?
    let source_url: String?
    let created_by: UUID?
    let created_at: Date
    let content_url: String
}

/// Caller-chosen fields of a new asset, already validated.
struct AssetMetadata: Sendable {
    var role: AssetRole?
    var name: String?
    var tags: [String] = []
    var campaign: UUID?
    var sourceURL: String?

    init(role: String?, name: String?, tags: [String]?, campaign: String?) throws {
        self.role = try AssetRole.parse(role)
        self.name = try name.flatMap { $0.isEmpty ? nil : try LibraryInput.name($0) }
        self.tags = try LibraryInput.tags(tags)
        if let campaign, !campaign.isEmpty {
            guard let id = UUID(uuidString: campaign) else { throw AppError.validation("`campaign_id` must be a UUID.") }
            self.campaign = id
        }
    }
}

struct ImportAsset: Decodable, Sendable {
    let url: String
    let role: String?
    let name: String?
    let tags: [String]?
    let campaign_id: String?
}

extension ImageFormat {
    /// Maps the inspector's verdict onto the API's errors: not an image is 415, a broken or
    /// oversized one is 422.
    static func problem(_ error: ImageInspectionError) -> AppError {
        switch error {
        case .notAnImage:
            AppError(.unsupportedMediaType, "unsupported_media_type", "The file is not a PNG, JPEG or WebP image (judged by its bytes, not its Content-Type).")
        case .unsupportedType(let type):
            AppError(.unsupportedMediaType, "unsupported_media_type", "\(type.uppercased()) images are not accepted; send PNG, JPEG or WebP.")
        case .tooManyPixels(let width, let height, let limit):
            AppError(.unprocessableContent, "too_many_pixels", "The image is \(width)×\(height) pixels, above the limit of \(limit) pixels.")
        case .truncated, .malformed:
            AppError(.unprocessableContent, "invalid_image", "The image is damaged: \(error.description).")
        }
    }
}
