import Foundation
import Hummingbird
import NIOCore

/// `/assets`: images for generations. Uploads stream into the blob store (not through the
/// 1 MiB JSON limit); imports fetch an https URL through the SSRF guard.
struct AssetController {
    let assets: AssetRepository
    let intake: AssetIntake
    let store: any BlobStore
    let fetcher: SafeURLFetcher

    static let acceptedTypes: Set<String> = ["image/png", "image/jpeg", "image/webp"]

    func addRoutes(to gates: Gates) {
        gates.viewer.get("assets", use: list).get("assets/:id", use: show).get("assets/:id/content", use: content)
        gates.editor.post("assets", use: upload).post("assets/import", use: importURL).delete("assets/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Asset> {
        let identity = context.identity
        let limit = try request.pageLimit()
        let filter = AssetRepository.Filter(role: try AssetRole.parse(request.query("role")), tag: request.query("tag"),
                                            campaign: try request.queryUUID("campaign_id"))
        return Page(rows: try await assets.list(team: identity.teamID, filter: filter, after: try request.listCursor(), limit: limit), limit: limit)
    }

    /// The raw image as the body (metadata in the query string) or multipart field `file`.
    /// 201 for a new asset, 200 with the existing one when the team already has these bytes.
    @Sendable func upload(_ request: Request, context: EditorContext) async throws -> EditedResponse<Asset> {
        let identity = context.identity
        let limit = intake.maxBytes
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let isMultipart = mediaType == "multipart/form-data"
        // An honest Content-Length over the limit is refused before a byte is read.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit + (isMultipart ? MultipartFileBody<RequestBody>.fieldLimit : 0) {
            throw AssetIntake.tooLarge(limit)
        }
        let actor = AuditActor(identity, ip: context.clientIP)
        let outcome: AssetIntake.Outcome
        if isMultipart {
            guard let boundary = MultipartFileBody<RequestBody>.boundary(from: contentType) else {
                throw AppError.badRequest("multipart/form-data needs a boundary parameter.")
            }
            let fields = MultipartFields()
            let body = MultipartFileBody(source: request.body, boundary: boundary, fields: fields)
            outcome = try await intake.ingest(team: identity.teamID, body: body, metadata: {
                try AssetMetadata(role: fields.values["role"], name: fields.values["name"],
                                  tags: fields.values["tags"]?.split(separator: ",").map(String.init), campaign: fields.values["campaign_id"])
            }, createdBy: identity.userID, actor: actor)
        } else {
            guard Self.acceptedTypes.contains(mediaType) else {
                throw AppError(.unsupportedMediaType, "unsupported_media_type",
                               "Send the image as image/png, image/jpeg or image/webp, or as multipart/form-data field `file`.")
            }
            let metadata = try AssetMetadata(role: request.query("role"), name: request.query("name"),
                                             tags: request.query("tags")?.split(separator: ",").map(String.init), campaign: request.query("campaign_id"))
            outcome = try await intake.ingest(team: identity.teamID, body: request.body, metadata: { metadata },
                                              createdBy: identity.userID, actor: actor)
        }
        return EditedResponse(status: outcome.created ? .created : .ok, response: outcome.asset)
    }

    /// Fetches an https URL (never a private, loopback, link-local or metadata address, also
    /// after redirects) and keeps the image like an upload.
    @Sendable func importURL(_ request: Request, context: EditorContext) async throws -> EditedResponse<Asset> {
        let identity = context.identity
        let body = try await request.decode(as: ImportAsset.self, context: context)
        var metadata = try AssetMetadata(role: body.role, name: body.name, tags: body.tags, campaign: body.campaign_id)
        metadata.sourceURL = String(body.url.prefix(2000))
        let fetched: SafeURLFetcher.Response
        do {
            fetched = try await fetcher.fetch(body.url)
        } catch let error as URLFetchError {
            throw Self.problem(error)
        }
        let bytes = ByteBuffer(bytes: fetched.body)
        let outcome = try await intake.ingest(team: identity.teamID, body: ReplayedBody(head: [bytes], rest: NoMoreBytes?.none),
                                              metadata: { metadata }, createdBy: identity.userID, actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: outcome.created ? .created : .ok, response: outcome.asset)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Asset {
        let identity = context.identity
        guard let asset = try await assets.find(team: identity.teamID, id: try context.pathID("id", "asset")) else { throw AppError.notFound("asset") }
        return asset
    }

    /// The bytes, streamed from the blob store, with the type found at upload (never the sender's label).
    @Sendable func content(_ request: Request, context: ViewerContext) async throws -> Response {
        let identity = context.identity
        let id = try context.pathID("id", "asset")
        guard let asset = try await assets.find(team: identity.teamID, id: id),
              let blobID = try await assets.blobID(team: identity.teamID, asset: id),
              let blob = try await store.info(team: identity.teamID, id: blobID) else { throw AppError.notFound("asset") }
        return try await BlobResponse(store: store).response(team: identity.teamID, blob: blob, contentType: asset.content_type,
                                                            name: "asset-\(id.uuidString.lowercased())", request: request)
    }

    @Sendable func delete(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        let id = try context.pathID("id", "asset")
        guard let blob = try await assets.delete(team: identity.teamID, id: id, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("asset")
        }
        try await store.delete(team: identity.teamID, id: blob)
        return Response(status: .noContent)
    }

    static func problem(_ error: URLFetchError) -> AppError {
        switch error {
        case .tooLarge(let limit): AssetIntake.tooLarge(limit)
        case .timedOut: AppError(.gatewayTimeout, "fetch_timeout", "Fetching the URL took too long.")
        case .httpStatus, .transport: AppError(.badGateway, "fetch_failed", "Could not fetch the URL: \(error.description).")
        default: AppError(.unprocessableContent, "url_refused", "This URL cannot be imported: \(error.description).")
        }
    }
}
