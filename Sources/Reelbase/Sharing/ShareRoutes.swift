import Foundation
import Hummingbird

/// Review and share links: the team's routes under `/api/v1`, the client's under `/s/{token}`
/// (a gate of its own: no session or API key is read there, the token is the only key).
func addReviewRoutes(to gates: Gates, share: Gate<AppContext>, services s: Services) {
    ReviewController(reviews: s.reviews).addRoutes(to: gates)
    ShareLinkController(links: s.shareLinks, auth: s.auth, publicBase: s.config.publicBase).addRoutes(to: gates)
    let page = try? String(contentsOfFile: s.config.publicPath + "/share.html", encoding: .utf8)
    PublicReviewController(links: s.shareLinks, reader: SharedReviewReader(db: s.db, reviews: s.reviews, logger: s.logger),
                           reviews: s.reviews, auth: s.auth, store: s.blobs, limiter: ShareRateLimiter(db: s.db, logger: s.logger),
                           publicBase: s.config.publicBase ?? "", secureCookies: s.config.secureCookies, page: page)
        .addRoutes(to: share)
}
