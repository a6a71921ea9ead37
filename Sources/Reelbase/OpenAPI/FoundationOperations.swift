/// Documentation of the foundation's routes: session, me, keys, members, audit.
enum FoundationOperations {
    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/session", "Sign in with email and password; sets the session cookie and returns the CSRF token", tag: "auth",
                     body: Schema.object(["email": Schema.string, "password": Schema.string, "team_id": Schema.uuid], required: ["email", "password"]),
                     responses: [200: "Signed in", 401: "Wrong email or password", 422: "Email or password too long",
                                 429: "Too many attempts from this address or against this account (Retry-After)"], isPublic: true),
        APIOperation("DELETE", "/api/v1/session", "Sign out", tag: "auth", responses: [204: "Signed out"]),
        APIOperation("GET", "/api/v1/me", "The caller: team, role, user or key, demo mode", tag: "auth"),
        APIOperation("GET", "/api/v1/api-keys", "List the team's API keys (never their secrets)", tag: "api-keys"),
        APIOperation("POST", "/api/v1/api-keys", "Create an API key; the secret is returned once", tag: "api-keys",
                     body: Schema.object(["name": Schema.string, "role": Schema.oneOf(["owner", "editor", "viewer"])], required: ["name"]),
                     responses: [201: "Created", 403: "Owners only", 422: "Invalid name"]),
        APIOperation("DELETE", "/api/v1/api-keys/{id}", "Revoke an API key (owners)", tag: "api-keys", responses: [200: "Revoked", 403: "Owners only", 404: "No such key in this team"]),
        APIOperation("GET", "/api/v1/members", "List the team's members", tag: "members"),
        APIOperation("POST", "/api/v1/members", "Add a member (owners only). Same answer whether or not the email has an account: the one-time password opens this team once", tag: "members",
                     body: Schema.object(["email": Schema.string, "role": Schema.oneOf(["owner", "editor", "viewer"]), "name": Schema.string, "password": Schema.string], required: ["email", "role"]),
                     responses: [201: "Added", 403: "Owners only", 409: "Already a member", 422: "Invalid fields"]),
        APIOperation("PATCH", "/api/v1/members/{id}", "Change a member's role (owners, audited); the last owner cannot be demoted", tag: "members",
                     body: Schema.object(["role": Schema.oneOf(["owner", "editor", "viewer"])], required: ["role"]),
                     responses: [200: "The member", 403: "Owners only", 404: "No such member", 409: "Last owner"]),
        APIOperation("DELETE", "/api/v1/members/{id}", "Remove a member (owners, audited): ends their sessions and revokes their keys in this team at once", tag: "members",
                     responses: [204: "Removed", 403: "Owners only", 404: "No such member", 409: "Last owner"]),
        APIOperation("GET", "/api/v1/audit", "The audit log, newest first", tag: "audit",
                     query: ["actor", "action", "target_type", "target", "since", "until", "cursor", "limit"]),
        APIOperation("GET", "/api/v1/audit/verify", "Check the audit chain: reports the first edited or removed row", tag: "audit"),
        APIOperation("GET", "/api/v1/openapi.json", "This document", tag: "meta", isPublic: true),
    ]
}

enum HealthOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/healthz", "The process is up", tag: "health", isPublic: true),
        APIOperation("GET", "/readyz", "The database is reachable and migrations are applied", tag: "health", responses: [200: "Ready", 503: "Not ready"], isPublic: true),
        APIOperation("GET", "/metrics", "Prometheus metrics: request counts and latencies by route and status (Bearer REELBASE_METRICS_TOKEN when set)", tag: "health",
                     responses: [200: "OK", 401: "REELBASE_METRICS_TOKEN is set and the bearer token is missing or wrong"], isPublic: true),
    ]
}
