import Foundation

/// The query `generations.history(...)` of the official SDK sends, validated the way the SDK
/// documents it: `page` ≥ 1, `per_page` 1–100, `from_date`/`to_date` as YYYY-MM-DD (UTC, both
/// inclusive, default the last 7 days, at most 31 days apart), `model_name` (substring),
/// `status` COMPLETED | FAILED | PENDING, `user_id` or `user_email` (one of them),
/// `sort_by` model_created | model_name | credits_deduction, `sort_order` desc | asc.
struct HistoryQuery: Sendable {
    enum SortKey: String, CaseIterable, Sendable {
        case modelCreated = "model_created"
        case modelName = "model_name"
        case creditsDeduction = "credits_deduction"
    }

    static let maxWindowDays = 31
    static let defaultWindowDays = 7

    var page = 1
    var perPage = 20
    /// Midnight UTC of the first and the last day in the window.
    var fromDay: Date
    var toDay: Date
    var modelName: String?
    var status: BookEntry.Status?
    var userID: String?
    var userEmail: String?
    var sortBy = SortKey.modelCreated
    var descending = true

    /// Every problem is reported as one 400 message, like Segmind's `{"error": "..."}`.
    static func parse(_ value: (String) -> String?, today: Date) -> Result<HistoryQuery, QueryError> {
        var problems: [String] = []
        func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
            guard let raw = value(key) else { return fallback }
            guard let number = Int(raw), range.contains(number) else {
                let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
                problems.append("\(key) must be a whole number \(bound)")
                return fallback
            }
            return number
        }
        func day(_ key: String) -> Date? {
            guard let raw = value(key) else { return nil }
            if let date = HistoryDate.day(raw) { return date }
            problems.append("\(key) must be a date as YYYY-MM-DD")
            return nil
        }
        let page = integer("page", default: 1, range: 1...Int.max)
        let perPage = integer("per_page", default: 20, range: 1...100)
        let todayStart = HistoryDate.startOfDay(today)
        let to = day("to_date") ?? todayStart
        let from = day("from_date") ?? to.addingTimeInterval(-Double(defaultWindowDays) * 86_400)
        if from > to {
            problems.append("from_date must not be after to_date")
        } else if to.timeIntervalSince(from) > Double(maxWindowDays) * 86_400 {
            problems.append("the date window may span at most \(maxWindowDays) days")
        }
        var query = HistoryQuery(page: page, perPage: perPage, fromDay: from, toDay: to)
        query.modelName = value("model_name")
        if let raw = value("status") {
            query.status = BookEntry.Status(rawValue: raw.uppercased())
            if query.status == nil { problems.append("status must be one of COMPLETED, FAILED, PENDING") }
        }
        query.userID = value("user_id")
        query.userEmail = value("user_email")
        if query.userID != nil && query.userEmail != nil { problems.append("pass user_id or user_email, not both") }
        if let raw = value("sort_by") {
            if let key = SortKey(rawValue: raw) { query.sortBy = key } else {
                problems.append("sort_by must be one of \(SortKey.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let raw = value("sort_order") {
            switch raw.lowercased() {
            case "desc": query.descending = true
            case "asc": query.descending = false
            default: problems.append("sort_order must be desc or asc")
            }
        }
        return problems.isEmpty ? .success(query) : .failure(QueryError(message: problems.joined(separator: "; ")))
    }

    struct QueryError: Error {
        let message: String
    }

    /// Whether `user_id` / `user_email` name someone other than `caller` (no teams in the simulator).
    func namesSomeoneElse(than caller: SimUser) -> Bool {
        if let userID, userID.lowercased() != caller.id { return true }
        if let userEmail, userEmail.lowercased() != caller.email { return true }
        return false
    }

    func selects(_ entry: BookEntry, at now: Date) -> Bool {
        let day = HistoryDate.startOfDay(entry.createdAt)
        guard day >= fromDay, day <= toDay else { return false }
        if let modelName, !modelName.isEmpty, !entry.model.localizedCaseInsensitiveContains(modelName) { return false }
        if let status, entry.status(at: now) != status { return false }
        return true
    }

    /// The sort key, then creation time and request id so pages never overlap.
    func orders(_ a: BookEntry, before b: BookEntry, at now: Date) -> Bool {
        func ascending(_ x: BookEntry, _ y: BookEntry) -> Bool {
            switch sortBy {
            case .modelName where x.model != y.model: return x.model < y.model
            case .creditsDeduction where x.cost(at: now) != y.cost(at: now): return x.cost(at: now) < y.cost(at: now)
            default:
                return x.createdAt != y.createdAt ? x.createdAt < y.createdAt : x.requestID < y.requestID
            }
        }
        return descending ? ascending(b, a) : ascending(a, b)
    }
}

/// Dates in the history: days as YYYY-MM-DD and timestamps as ISO 8601, both UTC.
enum HistoryDate {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
