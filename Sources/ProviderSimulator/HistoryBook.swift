import Crypto
import Foundation

/// Segmind's request history: the provider's own books. Every Segmind request the simulator
/// accepted (v1 and v2, FAILED ones too; never AI/ML, which keeps no history) plus requests
/// "made outside Reelbase" through `POST /_sim/history`. A request lands in the history
/// `historyLagSeconds` after it was made: real histories lag.
struct HistoryBook: Sendable {
    private(set) var entries: [BookEntry] = []

    mutating func add(_ entry: BookEntry) { entries.append(entry) }

    /// The rows `query` selects, for `owner`, among the requests that have landed by `now`.
    func page(_ query: HistoryQuery, owner: SimUser, now: Date, lag: TimeInterval) -> HistoryPage {
        let rows = entries
            .filter { $0.owner == owner && $0.landed(at: now, lag: lag) && query.selects($0, at: now) }
            .sorted { query.orders($0, before: $1, at: now) }
            .flatMap { $0.rows(at: now) }
        let start = (query.page - 1) * query.perPage
        let slice = start < rows.count ? Array(rows[start..<min(start + query.perPage, rows.count)]) : []
        return HistoryPage(
            data: slice, page: query.page, per_page: query.perPage, total: rows.count,
            total_pages: (rows.count + query.perPage - 1) / query.perPage)
    }

    /// One of `owner`'s own requests, of any age, once it has landed.
    func entry(id: String, owner: SimUser, now: Date, lag: TimeInterval) -> BookEntry? {
        entries.first { $0.requestID == id && $0.owner == owner && $0.landed(at: now, lag: lag) }
    }
}

/// Who made a request. The simulator has no teams: each API key is one user, whose id is
/// derived from the key so it is stable across restarts and never reveals the key.
struct SimUser: Hashable, Sendable {
    let id: String

    init(apiKey: String) {
        let digest = Array(SHA256.hash(data: Data(apiKey.utf8)))
        let hex = digest.prefix(16).map { String(format: "%02x", $0) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        id = parts.joined(separator: "-")
    }

    /// What `user_email` must be to name this user.
    var email: String { "user-\(id.prefix(8))@sim.segmind.invalid" }
}

/// One request on the books. Its outcome follows the simulator clock, like `SimJob`.
struct BookEntry: Sendable {
    let requestID: String
    let owner: SimUser
    /// The Segmind slug, e.g. `veo-3.1-lite`.
    let model: String
    /// The inputs exactly as they arrived (a multipart form reads as an object of strings).
    let requestBody: [String: FieldValue]
    let createdAt: Date
    let completesAt: Date
    /// Set when the request ends FAILED (then it costs nothing).
    let failureMessage: String?
    let price: Decimal
    /// One URL per output once completed; a request with several outputs has several rows.
    let outputURLs: [String?]

    enum Status: String {
        case pending = "PENDING", completed = "COMPLETED", failed = "FAILED"
    }

    func status(at now: Date) -> Status {
        if now < completesAt { return .pending }
        return failureMessage == nil ? .completed : .failed
    }

    /// What the provider has deducted so far: the price once completed, else 0.
    func cost(at now: Date) -> Decimal { status(at: now) == .completed ? price : 0 }

    func landed(at now: Date, lag: TimeInterval) -> Bool {
        now >= createdAt.addingTimeInterval(lag)
    }

    func rows(at now: Date) -> [HistoryRow] {
        let status = status(at: now)
        let done = status != .pending
        return (outputURLs.isEmpty ? [nil] : outputURLs).map { url in
            HistoryRow(
                request_id: requestID, user_id: owner.id, model_name: model, model_status: status.rawValue,
                credits_deduction: cost(at: now), request_body: requestBody,
                generation_url: status == .completed ? url : nil,
                latency_ms: done ? Int((completesAt.timeIntervalSince(createdAt) * 1000).rounded()) : nil,
                created_at: HistoryDate.timestamp(createdAt), updated_at: HistoryDate.timestamp(done ? completesAt : createdAt),
                error: status == .failed ? failureMessage : nil)
        }
    }
}

/// One history row, with Segmind's field names. Absent values are sent as `null`.
struct HistoryRow: Codable, Sendable {
    var request_id: String
    var user_id: String
    var model_name: String
    var model_status: String
    var credits_deduction: Decimal
    var request_body: [String: FieldValue]
    var generation_url: String?
    var latency_ms: Int?
    var created_at: String
    var updated_at: String
    var error: String?

    enum CodingKeys: String, CodingKey {
        case request_id, user_id, model_name, model_status, credits_deduction, request_body
        case generation_url, latency_ms, created_at, updated_at, error
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(request_id, forKey: .request_id)
        try c.encode(user_id, forKey: .user_id)
        try c.encode(model_name, forKey: .model_name)
        try c.encode(model_status, forKey: .model_status)
        try c.encode(credits_deduction, forKey: .credits_deduction)
        try c.encode(request_body, forKey: .request_body)
        try c.encode(generation_url, forKey: .generation_url)
        try c.encode(latency_ms, forKey: .latency_ms)
        try c.encode(created_at, forKey: .created_at)
        try c.encode(updated_at, forKey: .updated_at)
        try c.encode(error, forKey: .error)
    }
}

/// A page of the history. The envelope's field names are not documented upstream (the SDK
/// only says "paginated dictionary"); clients should rely on `data` and the page size.
struct HistoryPage: Codable, Sendable {
    var data: [HistoryRow]
    var page: Int
    var per_page: Int
    var total: Int
    var total_pages: Int
}

/// What the history keeps about an accepted request besides its outcome.
struct BookSource: Sendable {
    let owner: SimUser
    let body: [String: FieldValue]
    /// The origin the client reached us at, for output URLs.
    let origin: String
}
