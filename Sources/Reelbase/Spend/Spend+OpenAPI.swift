/// Documentation of the spend report.
enum SpendOperations {
    static let row = Schema.record([
        "key": Schema.string, "label": Schema.string, "generations": Schema.integer, "spent_usd": Schema.usd,
        "estimated_usd": Schema.usd, "reported_usd": Schema.usd,
    ])
    static let drift = Schema.record([
        "account_key": Schema.string, "label": Schema.string, "booked_usd": Schema.usd,
        "opening_balance": Schema.nullable(Schema.usd), "opening_at": Schema.nullable(Schema.dateTime),
        "closing_balance": Schema.nullable(Schema.usd), "closing_at": Schema.nullable(Schema.dateTime),
        "balance_fall": Schema.nullable(Schema.usd), "drift": Schema.nullable(Schema.usd), "snapshots": Schema.integer,
    ])
    static let report = Schema.record([
        "group_by": Schema.oneOf(SpendGrouping.allCases.map(\.rawValue)), "since": Schema.dateTime, "until": Schema.dateTime,
        "rows": Schema.array(row), "total_usd": Schema.usd, "total_estimated_usd": Schema.usd, "total_generations": Schema.integer,
        "drift": Schema.array(drift),
    ])
    /// A day (`2026-01-31`) or an ISO-8601 time.
    static let dayOrTime: JSONValue = ["anyOf": [["type": "string", "format": "date"], Schema.dateTime]]

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/spend", "Booked spend grouped by team, campaign, user, model, API key or UTC day (default day, last 30 days), with the drift between booked costs and the fall of reported balances; JSON or CSV (format=csv)",
                     tag: "spend", query: [.oneOf("group_by", SpendGrouping.allCases.map(\.rawValue)), .init("since", dayOrTime), .init("until", dayOrTime),
                                           .oneOf("format", ["json", "csv"])],
                     returns: report, produces: ["application/json", "text/csv"],
                     responses: [200: "The report (text/csv with format=csv)", 400: "Bad group_by, format or range"]),
    ]
}
