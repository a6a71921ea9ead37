import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/s/{token}`: the read-only review page for a client without an account, and its small API.
/// The token is the only key: every route opens the link first and answers one and the same
/// 404 for a made-up, tampered, expired or revoked token; a take outside the link is just as
/// unknown. Nothing here reads the session or an API key, and no `/api/v1` route reads a token.
struct PublicReviewController {
    let links: ShareLinkRepository
    let reader: SharedReviewReader
    let reviews: ReviewRepository
    let auth: AuthRepository
    let store: any BlobStore
    let limiter: ShareRateLimiter
    /// `REELBASE_PUBLIC_URL` without a trailing slash ("" when unset: URLs stay relative).
    let publicBase: String
    let secureCookies: Bool
    /// Public/share.html, read once.
    let page: String?

    static let unlockCookie = "reelbase_share"
    static let gone = AppError(.notFound, "not_found", "This link does not exist or is no longer shared.")
    static let locked = AppError(.unauthorized, "password_required", "This link needs its password.")

    func addRoutes(to gate: Gate<AppContext>) {
        gate.get(":token", use: show)
        gate.get(":token/api/link", use: link).post(":token/api/unlock", use: unlock)
        gate.get(":token/api/takes/:id/video", use: video).get(":token/api/takes/:id/poster", use: poster)
        gate.post(":token/api/takes/:id/verdict", use: verdict).post(":token/api/takes/:id/comments", use: comment)
        gate.get(":token/api/cut/video", use: cutVideo).get(":token/api/cut/poster", use: cutPoster)
    }

    /// The link behind the path's token, counted against its limits; the one 404 otherwise.
    private func open(_ context: AppContext, _ action: ShareRateLimiter.Action) async throws -> SharedAccess {
        guard let token = context.parameters.get("token"), let access = try await links.open(token: token) else { throw Self.gone }
        try await limiter.admit(action, link: access.link, ip: context.clientIP)
        return access
    }

    /// Whether this browser may see the takes: no password, or the unlock cookie for it.
    private func unlocked(_ access: SharedAccess, _ request: Request) -> Bool {
        guard let hash = access.passwordHash else { return true }
        guard let cookie = request.cookies[Self.unlockCookie]?.value else { return false }
        return links.tokens.isValidUnlock(cookie, link: access.link, passwordHash: hash, now: Date())
    }

    /// A covered take of an unlocked link, or the errors a client should see.
    private func take(_ request: Request, _ context: AppContext, _ action: ShareRateLimiter.Action) async throws -> (SharedAccess, UUID) {
        let access = try await open(context, action)
        guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw), access.covers(id) else { throw Self.gone }
        guard unlocked(access, request) else { throw Self.locked }
        return (access, id)
    }

    @Sendable func show(_ request: Request, context: AppContext) async throws -> Response {
        let access = try await open(context, .view)
        try await links.recordView(access, ip: context.clientIP)
        guard let page else { throw AppError(.serviceUnavailable, "page_missing", "The review page's files are not installed (REELBASE_PUBLIC).") }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                               HTTPField.Name("X-Robots-Tag")!: "noindex, nofollow"],
                        body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    @Sendable func link(_ request: Request, context: AppContext) async throws -> Response {
        let access = try await open(context, .view)
        let base = publicBase + "/s/" + (context.parameters.get("token") ?? "")
        let review = try await reader.review(access, locked: !unlocked(access, request), base: base)
        var response = try GenerationController.json(review, status: .ok)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct UnlockInput: Decodable { let password: String }

    @Sendable func unlock(_ request: Request, context: AppContext) async throws -> Response {
        let access = try await open(context, .unlock)
        let input = try await request.decode(as: UnlockInput.self, context: context)
        guard let hash = access.passwordHash else { return Response(status: .noContent) }
        guard input.password.count <= ShareLinkInput.passwordLength.upperBound, try await auth.verify(input.password, hash: hash) else {
            throw AppError(.forbidden, "wrong_password", "That is not this link's password.")
        }
        // Valid for a day at most, and never past the link itself.
        let until = Int64(min(access.expiresAt.timeIntervalSince1970, Date().timeIntervalSince1970 + 86_400))
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: Self.unlockCookie, value: links.tokens.unlockProof(link: access.link, passwordHash: hash, until: until),
                                  maxAge: Int(until - Int64(Date().timeIntervalSince1970)), path: "/s/\(context.parameters.get("token") ?? "")",
                                  secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func video(_ request: Request, context: AppContext) async throws -> Response {
        try await media(request, context, poster: false)
    }

    @Sendable func poster(_ request: Request, context: AppContext) async throws -> Response {
        try await media(request, context, poster: true)
    }

    /// A `cut` link's video, with ranges; every other link answers the one 404.
    @Sendable func cutVideo(_ request: Request, context: AppContext) async throws -> Response {
        try await cutMedia(request, context, poster: false)
    }

    @Sendable func cutPoster(_ request: Request, context: AppContext) async throws -> Response {
        try await cutMedia(request, context, poster: true)
    }

    private func media(_ request: Request, _ context: AppContext, poster: Bool) async throws -> Response {
        let (access, id) = try await take(request, context, .view)
        return try await send(try await reader.blob(access, take: id, poster: poster), of: access, name: "take", poster: poster, request)
    }

    private func cutMedia(_ request: Request, _ context: AppContext, poster: Bool) async throws -> Response {
        let access = try await open(context, .view)
        guard access.cut != nil else { throw Self.gone }
        guard unlocked(access, request) else { throw Self.locked }
        return try await send(try await reader.cutBlob(access, poster: poster), of: access, name: "cut", poster: poster, request)
    }

    private func send(_ blobID: UUID?, of access: SharedAccess, name: String, poster: Bool, _ request: Request) async throws -> Response {
        guard let blobID, let blob = try await store.info(team: access.team, id: blobID) else { throw AppError.notFound(poster ? "poster" : "video") }
        return try await BlobResponse(store: store).response(team: access.team, blob: blob, contentType: blob.contentType,
                                                            name: "\(name)-\(poster ? "poster" : "video")", request: request,
                                                            cacheControl: "private, max-age=300")
    }

    struct VerdictInput: Decodable { let verdict: Verdict; let name: String }

    @Sendable func verdict(_ request: Request, context: AppContext) async throws -> TakeReview {
        let (access, id) = try await take(request, context, .decide)
        let input = try await request.decode(as: VerdictInput.self, context: context)
        let reviewer = Reviewer.client(try CommentInput.clientName(input.name), link: access.link)
        _ = try await reviews.update(team: access.team, generation: id, rating: nil, verdict: .some(input.verdict), by: reviewer,
                                     actor: ShareLinkRepository.actor(access, ip: context.clientIP)).value()
        guard let review = try await reviews.review(team: access.team, generation: id) else { throw Self.gone }
        return review
    }

    @Sendable func comment(_ request: Request, context: AppContext) async throws -> EditedResponse<TakeComment> {
        let (access, id) = try await take(request, context, .decide)
        let input = try await request.decode(as: CommentInput.self, context: context)
        let reviewer = Reviewer.client(try CommentInput.clientName(input.name), link: access.link)
        let comment = try await reviews.addComment(team: access.team, generation: id, body: try input.text(), at: input.at_seconds,
                                                   by: reviewer, actor: ShareLinkRepository.actor(access, ip: context.clientIP)).value()
        return EditedResponse(status: .created, response: comment)
    }
}
