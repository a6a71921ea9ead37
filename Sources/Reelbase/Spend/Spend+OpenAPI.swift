/// Documentation of the spend report.
enum SpendOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/spend", "Booked spend grouped by team, campaign, user, model or UTC day (default day, last 30 days), with the drift between booked costs and the fall of reported balances; JSON or CSV (format=csv)",
                     tag: "spend", query: ["group_by", "since", "until", "format"],
                     responses: [200: "The report (text/csv with format=csv)", 400: "Bad group_by, format or range"]),
    ]
}
