import Foundation
import NIOCore

/// Images sent to the gateway become the team's assets like any upload: URLs are fetched
/// through the outbound guard, base64 and form files are decoded, and the same bytes twice are
/// one asset (`AssetIntake` deduplicates by SHA-256).
struct GatewayImages: Sendable {
    let intake: AssetIntake
    let fetcher: SafeURLFetcher

    /// The asset ids per role, in the order given. A refused or unreadable image names its field.
    func store(_ images: [(field: String, role: SegmindParameters.ImageRole, source: SegmindParameters.ImageSource)],
               identity: Identity, actor: AuditActor) async throws -> [(SegmindParameters.ImageRole, UUID)] {
        var stored: [(SegmindParameters.ImageRole, UUID)] = []
        for image in images {
            let bytes: [UInt8]
            var metadata = try AssetMetadata(role: image.role.rawValue, name: nil, tags: ["gateway"], campaign: nil)
            switch image.source {
            case .bytes(let data):
                bytes = data
            case .url(let url):
                do {
                    bytes = try await fetcher.fetch(url).body
                } catch let error as URLFetchError {
                    throw AppError.validation("An image could not be used.", details: [image.field: .string(AssetController.problem(error).message)])
                }
                metadata.sourceURL = String(url.prefix(2000))
            }
            do {
                let outcome = try await intake.ingest(team: identity.teamID, body: ReplayedBody(head: [ByteBuffer(bytes: bytes)], rest: NoMoreBytes?.none),
                                                      metadata: { metadata }, createdBy: identity.userID, actor: actor)
                stored.append((image.role, outcome.asset.id))
            } catch let error as AppError where error.status.code < 500 {
                throw AppError.validation("An image could not be used.", details: [image.field: .string(error.message)])
            }
        }
        return stored
    }
}
