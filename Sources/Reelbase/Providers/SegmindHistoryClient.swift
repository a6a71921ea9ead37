import AsyncHTTPClient
import Foundation
import Logging

/// Reads Segmind's request history (the provider's own books) the way the official SDK 1.3.0
/// does (`generations.history` and `generations.get`): `GET {historyURL}?page&per_page&from_date
/// &to_date&model_name&sort_by&sort_order` and `GET {historyURL}/{request_id}`, with the
/// account's `x-api-key`. Both are GETs: every failure is safe to retry.
///
/// The transport is injected, so every history call can go through whatever guard the caller
/// puts in front of outbound HTTP.
public struct SegmindHistoryClient: Sendable {
    /// `REQUEST_HISTORY_URL` in the SDK's `segmind/generations.py`.
    public static let defaultURL = "https://api.spotprod.segmind.com/inference-request/request-history"
    /// The history's own limits: 1–100 rows a page, a window of at most 31 days.
    static let perPage = 100
    static let windowDays = 30

    let transport: ProviderTransport
    /// More pages than this in one window means we cannot read it all: fail rather than guess.
    let maxPages: Int

    init(transport: ProviderTransport, maxPages: Int = 50) {
        self.transport = transport
        self.maxPages = maxPages
    }

    public init(
        http: HTTPClient, historyURL: String, apiKey: ProviderAPIKey, options: ProviderClientOptions = .init(),
        logger: Logger, maxPages: Int = 50
    ) {
        let endpoint = ProviderEndpoint(baseURL: historyURL, apiKey: apiKey)
        self.init(
            transport: ProviderTransport(http: http, api: .segmindV2, endpoint: endpoint, options: options, logger: logger),
            maxPages: maxPages)
    }

    /// Every request created between `from` and `to` (inclusive), every page read, one entry per
    /// request id (a request with several outputs is listed once per output), oldest first.
    /// `model` narrows the look-up to one slug. Rows without a readable timestamp are kept:
    /// they cannot be ruled out.
    public func requests(from: Date, to: Date, model: String? = nil) async throws(ProviderError) -> [SegmindHistoryEntry] {
        var seen = Set<String>()
        var entries: [SegmindHistoryEntry] = []
        for (firstDay, lastDay) in Self.days(from: from, to: to) {
            var page = 1
            while true {
                guard page <= maxPages else {
                    throw ProviderError(
                        kind: .transient, api: transport.api, httpStatus: nil,
                        message: "the request history has more than \(maxPages * Self.perPage) rows between \(firstDay) and \(lastDay); not all of it could be read")
                }
                let rows = try await self.page(page, from: firstDay, to: lastDay, model: model)
                for row in rows where !seen.contains(row.requestID) {
                    seen.insert(row.requestID)
                    if let model, let name = row.model, name.lowercased() != model.lowercased() { continue }
                    if let created = row.createdAt, created < from || created > to { continue }
                    entries.append(row)
                }
                if rows.count < Self.perPage { break }
                page += 1
            }
        }
        return entries.sorted { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
    }

    /// One page, oldest first (new requests land at the end, so paging does not skip any).
    func page(_ number: Int, from firstDay: String, to lastDay: String, model: String?) async throws(ProviderError) -> [SegmindHistoryEntry] {
        var query = [
            ("page", "\(number)"), ("per_page", "\(Self.perPage)"), ("from_date", firstDay), ("to_date", lastDay),
            ("sort_by", "model_created"), ("sort_order", "asc"),
        ]
        if let model { query.append(("model_name", model)) }
        let path = "?" + query.map { "\($0.0)=\(URLComponent.queryValue($0.1))" }.joined(separator: "&")
        let response = try await transport.send(.GET, path, call: .read)
        guard response.status == 200 else { throw transport.failure(response, call: .read, credits: nil) }
        do {
            return try JSONDecoder().decode(SegmindHistoryPage.self, from: response.body).rows
        } catch {
            throw transport.unusableBody("request history page is not a list of requests: \(error)", status: response.status, call: .read, credits: nil)
        }
    }

    /// One of the account's own requests, of any age; nil when the provider does not know it
    /// (or it has not reached the history yet).
    public func request(id: String) async throws(ProviderError) -> SegmindHistoryEntry? {
        let response = try await transport.send(.GET, "/" + URLComponent.pathSegment(id), call: .read)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw transport.failure(response, call: .read, credits: nil) }
        guard let entry = try? JSONDecoder().decode(SegmindHistoryEntry.self, from: response.body) else {
            throw transport.unusableBody("request history entry without a request_id", status: response.status, call: .read, credits: nil)
        }
        return entry
    }

    /// The UTC days from `from` to `to`, cut into windows the history accepts.
    static func days(from: Date, to: Date) -> [(String, String)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var windows: [(String, String)] = []
        var start = calendar.startOfDay(for: from)
        let last = calendar.startOfDay(for: max(from, to))
        while start <= last {
            let end = min(calendar.date(byAdding: .day, value: windowDays, to: start)!, last)
            windows.append((dayText(start, calendar), dayText(end, calendar)))
            start = calendar.date(byAdding: .day, value: 1, to: end)!
        }
        return windows
    }

    private static func dayText(_ date: Date, _ calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
