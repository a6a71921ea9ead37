/// Documentation of the foundation's routes: session, me, keys, members, audit.
enum FoundationOperations {
    static let role = Schema.oneOf(Role.allCases.map(\.rawValue))

    static let apiKey = Schema.record([
        "id": Schema.uuid, "name": Schema.string, "prefix": Schema.string, "role": role, "created_by": Schema.nullable(Schema.uuid),
        "created_at": Schema.dateTime, "last_used_at": Schema.nullable(Schema.dateTime), "revoked_at": Schema.nullable(Schema.dateTime),
        "budget_usd": Schema.nullable(Schema.usd), "budget_period": Schema.oneOf(BudgetPeriod.allCases.map(\.rawValue)),
        "allowed_models": Schema.nullable(Schema.array(Schema.string)), "default_campaign_id": Schema.nullable(Schema.uuid),
        "rate_limit_per_minute": Schema.nullable(Schema.integer), "period_used_usd": Schema.usd, "period_start": Schema.dateTime,
    ])
    /// A key's scope, at creation or in `PATCH /api-keys/{id}`; `null` clears a field.
    static let keyScope: [String: JSONValue] = [
        "budget_usd": ["anyOf": [Schema.money, ["type": "null"]]], "budget_period": Schema.oneOf(BudgetPeriod.allCases.map(\.rawValue)),
        "allowed_models": Schema.nullable(Schema.array(Schema.string(min: 1, max: 200), max: 50)),
        "default_campaign_id": Schema.nullable(Schema.uuid), "rate_limit_per_minute": Schema.nullable(Schema.integer(1...100_000)),
    ]
    static let member = Schema.record([
        "user_id": Schema.uuid, "email": Schema.string, "name": Schema.nullable(Schema.string), "role": role, "joined_at": Schema.dateTime,
    ])
    static let session = Schema.record([
        "user_id": Schema.uuid, "team_id": Schema.uuid, "team_name": Schema.string, "role": role, "csrf_token": Schema.string,
    ])
    static let me = Schema.record([
        "team": Schema.record(["id": Schema.uuid, "name": Schema.string]), "role": role,
        "user": Schema.nullable(Schema.record(["id": Schema.uuid, "email": Schema.string, "name": Schema.nullable(Schema.string)])),
        "api_key_id": Schema.nullable(Schema.uuid), "auth": Schema.oneOf(["session", "api_key"]), "demo_mode": Schema.boolean,
    ])
    static let auditEntry = Schema.record([
        "id": Schema.uuid, "seq": Schema.integer, "actor_type": Schema.string, "actor_id": Schema.nullable(Schema.uuid),
        "action": Schema.string, "target_type": Schema.string, "target_id": Schema.nullable(Schema.string),
        "details": Schema.anyValue, "ip": Schema.nullable(Schema.string), "created_at": Schema.dateTime,
    ])
    static let verification = Schema.record([
        "ok": Schema.boolean, "rows_checked": Schema.integer, "first_broken_seq": Schema.nullable(Schema.integer), "problem": Schema.nullable(Schema.string),
    ])

    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/session", "Sign in with email and password; sets the session cookie and returns the CSRF token", tag: "auth",
                     body: Schema.object(["email": Schema.string, "password": Schema.string, "team_id": Schema.uuid], required: ["email", "password"]),
                     returns: session, responses: [200: "Signed in", 401: "Wrong email or password", 422: "Email or password too long",
                                                   429: "Too many attempts from this address or against this account (Retry-After)"], isPublic: true),
        APIOperation("DELETE", "/api/v1/session", "Sign out", tag: "auth", responses: [204: "Signed out"]),
        APIOperation("GET", "/api/v1/me", "The caller: team, role, user or key, demo mode", tag: "auth", returns: me),
        APIOperation("GET", "/api/v1/api-keys", "List the team's API keys (never their secrets)", tag: "api-keys", returns: Schema.page(of: apiKey)),
        APIOperation("POST", "/api/v1/api-keys", "Create an API key; the secret is returned once", tag: "api-keys",
                     body: Schema.object(keyScope.merging(["name": Schema.text(200), "role": role]) { $1 }, required: ["name"]),
                     returns: Schema.record(["api_key": apiKey, "key": Schema.string]),
                     responses: [201: "Created", 403: "Owners only", 422: "Invalid name or scope"]),
        APIOperation("PATCH", "/api/v1/api-keys/{id}", "Change a key's scope: budget (USD per none/day/week/month UTC period), allowed models, default campaign, rate limit per minute (owners, audited)",
                     tag: "api-keys", body: Schema.object(keyScope), returns: apiKey,
                     responses: [200: "Changed", 403: "Owners only", 404: "No such key in this team", 422: "Invalid scope"]),
        APIOperation("DELETE", "/api/v1/api-keys/{id}", "Revoke an API key (owners)", tag: "api-keys", returns: apiKey,
                     responses: [200: "Revoked", 403: "Owners only", 404: "No such key in this team"]),
        APIOperation("GET", "/api/v1/members", "List the team's members", tag: "members", returns: Schema.page(of: member)),
        APIOperation("POST", "/api/v1/members", "Add a member (owners only). Same answer whether or not the email has an account: the one-time password opens this team once", tag: "members",
                     body: Schema.object(["email": Schema.string(min: 3, max: 254, pattern: "^[^@\\s]+@[^@\\s]+$"), "role": role, "name": Schema.string(max: 200),
                                          "password": Schema.string(min: 10, max: 200)], required: ["email", "role"]),
                     returns: Schema.record(["member": member, "generated_password": Schema.nullable(Schema.string)]),
                     responses: [201: "Added", 403: "Owners only", 409: "Already a member"]),
        APIOperation("PATCH", "/api/v1/members/{id}", "Change a member's role (owners, audited); the last owner cannot be demoted", tag: "members",
                     body: Schema.object(["role": role], required: ["role"]), returns: member,
                     responses: [200: "The member", 403: "Owners only", 404: "No such member", 409: "Last owner"]),
        APIOperation("DELETE", "/api/v1/members/{id}", "Remove a member (owners, audited): ends their sessions and revokes their keys in this team at once", tag: "members",
                     responses: [204: "Removed", 403: "Owners only", 404: "No such member", 409: "Last owner"]),
        APIOperation("GET", "/api/v1/audit", "The audit log, newest first", tag: "audit",
                     query: [.uuid("actor"), "action", "target_type", "target", .dateTime("since"), .dateTime("until")] + QueryParameter.page,
                     returns: Schema.page(of: auditEntry), responses: [200: "A page of audit rows", 400: "Bad filter, cursor or limit"]),
        APIOperation("GET", "/api/v1/audit/verify", "Check the audit chain: reports the first edited or removed row", tag: "audit", returns: verification),
        APIOperation("GET", "/api/v1/openapi.json", "This document", tag: "meta", returns: Schema.anyObject, isPublic: true),
    ]
}

enum HealthOperations {
    static let readiness = Schema.record(["status": Schema.string, "database": Schema.string, "pending_migrations": Schema.nullable(Schema.integer)])

    static let all: [APIOperation] = [
        APIOperation("GET", "/healthz", "The process is up", tag: "health", returns: Schema.record(["status": Schema.string]), isPublic: true),
        APIOperation("GET", "/readyz", "The database is reachable and migrations are applied", tag: "health", returns: readiness,
                     responses: [200: "Ready", 503: "Not ready (same body: what is wrong)"], bodies: [503: readiness], isPublic: true),
        APIOperation("GET", "/metrics", "Prometheus metrics: request counts and latencies by route and status (Bearer REELBASE_METRICS_TOKEN when set)", tag: "health",
                     produces: ["text/plain"], responses: [200: "OK", 401: "REELBASE_METRICS_TOKEN is set and the bearer token is missing or wrong"], isPublic: true),
    ]
}
