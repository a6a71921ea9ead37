/// Documentation of `/reconciliations`.
enum ReconciliationOperations {
    static let kinds = ReconciliationKind.allCases.map(\.rawValue)

    static let line = Schema.record([
        "kind": Schema.oneOf(kinds), "request_id": Schema.nullable(Schema.string), "generation_id": Schema.nullable(Schema.uuid),
        "model": Schema.nullable(Schema.string), "provider_status": Schema.nullable(Schema.string),
        "ledger_usd": Schema.nullable(Schema.usd), "provider_usd": Schema.nullable(Schema.usd), "requested_at": Schema.nullable(Schema.dateTime),
    ])

    static func run(withLines: Bool) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": Schema.uuid, "account_key": Schema.string, "account_id": Schema.nullable(Schema.uuid),
            "from": Schema.dateTime, "to": Schema.dateTime, "state": Schema.oneOf(["queued", "running", "succeeded", "failed"]),
            "trigger": Schema.oneOf(["schedule", "request"]), "error": Schema.nullable(Schema.string),
            "totals": Schema.record([
                "matched": Schema.integer, "cost_mismatch": Schema.integer, "not_booked": Schema.integer, "unknown_to_provider": Schema.integer,
                "ledger_usd": Schema.usd, "provider_usd": Schema.usd,
            ]),
            "created_at": Schema.dateTime, "finished_at": Schema.nullable(Schema.dateTime),
        ]
        if withLines { fields["lines"] = Schema.array(line) }
        return Schema.record(fields)
    }

    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/reconciliations",
                     "Reconcile the spend ledger with Segmind's request history (owners): one run per account, the last 24 hours unless from/to say otherwise (at most 31 days)",
                     tag: "reconciliations",
                     body: Schema.object(["account": Schema.uuid, "from": Schema.dateTime, "to": Schema.dateTime]),
                     returns: Schema.record(["runs": Schema.array(run(withLines: false))]),
                     responses: [202: "Queued", 400: "Malformed body", 403: "Owners only", 404: "No such Segmind account in this team",
                                 422: "Empty or too long window, or no Segmind account"]),
        APIOperation("GET", "/api/v1/reconciliations", "Reconciliation runs, newest first", tag: "reconciliations",
                     query: [.uuid("account")] + QueryParameter.page, returns: Schema.page(of: run(withLines: false)),
                     responses: [200: "A page of runs", 400: "Bad cursor, limit or account"]),
        APIOperation("GET", "/api/v1/reconciliations/{id}", "One run with its lines (discrepancies first) and totals", tag: "reconciliations",
                     returns: run(withLines: true), responses: [200: "The run", 404: "No such run in this team"]),
    ]
}
