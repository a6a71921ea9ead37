import Foundation
import Hummingbird

/// `GET /spend`: the team's booked costs grouped by team, campaign, person, model or day, as
/// JSON or CSV, with the drift between booked costs and the providers' reported balances.
/// Every role can read it.
struct SpendController {
    let spend: SpendRepository

    /// Ranges longer than this are refused: a report is a page, not an export of all time.
    static let maxRange: TimeInterval = 366 * 86_400

    func addRoutes(to gates: Gates) {
        gates.viewer.get("spend", use: report)
    }

    @Sendable func report(_ request: Request, context: ViewerContext) async throws -> Response {
        let identity = context.identity
        let grouping = try Self.grouping(request)
        let (since, until) = try Self.range(request)
        let rows = try await spend.grouped(team: identity.teamID, by: grouping, since: since, until: until)
        let report = SpendReport(
            group_by: grouping, since: since, until: until, rows: rows,
            total_usd: rows.reduce(0) { $0 + $1.spent_usd }, total_estimated_usd: rows.reduce(0) { $0 + $1.estimated_usd },
            total_generations: rows.reduce(0) { $0 + $1.generations },
            drift: try await spend.drift(team: identity.teamID, since: since, until: until))

        switch request.query("format")?.lowercased() ?? "json" {
        case "json":
            return try report.response(from: request, context: context)
        case "csv":
            var response = Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                    body: .init(byteBuffer: .init(string: report.csv)))
            response.headers[.contentDisposition] = "attachment; filename=\"\(report.csvFilename)\""
            return response
        default:
            throw AppError.badRequest("`format` must be json or csv.")
        }
    }

    static func grouping(_ request: Request) throws -> SpendGrouping {
        guard let raw = request.query("group_by") else { return .day }
        guard let grouping = SpendGrouping(rawValue: raw) else {
            throw AppError.badRequest("`group_by` must be one of \(SpendGrouping.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return grouping
    }

    /// `since` (default: 30 days before `until`) up to `until` (default: now), `until` exclusive.
    static func range(_ request: Request, now: Date = Date()) throws -> (Date, Date) {
        let until = try day(request, "until") ?? now
        let since = try day(request, "since") ?? until.addingTimeInterval(-30 * 86_400)
        guard since < until else { throw AppError.badRequest("`since` must be before `until`.") }
        guard until.timeIntervalSince(since) <= maxRange else { throw AppError.badRequest("The range may span at most 366 days.") }
        return (since, until)
    }

    /// An ISO-8601 time, or a bare `YYYY-MM-DD` read as that day's UTC midnight (what a date picker sends).
    static func day(_ request: Request, _ name: String) throws -> Date? {
        if let raw = request.query(name), raw.count == 10, let date = try? Date(raw + "T00:00:00Z", strategy: .iso8601) { return date }
        return try request.queryDate(name)
    }
}
