-- Signed webhooks out: a team's endpoints, the events it produced (the exact body that is
-- signed, so every retry sends the same bytes under the same id) and one delivery row per
-- (event, endpoint), written in the transaction that produced the event (an outbox).

CREATE TABLE webhook_endpoints (
    id             uuid PRIMARY KEY,
    team_id        uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    url            text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    description    text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    events         text[] NOT NULL CHECK (cardinality(events) > 0),
    active         boolean NOT NULL DEFAULT true,
    -- whsec_… sealed by SecretBox (AES-GCM), bound to the endpoint id; never returned after creation.
    secret_sealed  bytea NOT NULL,
    -- After a rotation the old secret also signs (a second v1 signature) until this time, so
    -- receivers can switch without dropping a delivery.
    previous_secret_sealed  bytea,
    previous_secret_until   timestamptz,
    created_by     uuid,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX webhook_endpoints_team_idx ON webhook_endpoints (team_id, created_at DESC, id DESC);
CREATE INDEX webhook_endpoints_active_idx ON webhook_endpoints (team_id) WHERE active;

CREATE TABLE webhook_events (
    id          uuid PRIMARY KEY,
    team_id     uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    type        text NOT NULL,
    body        text NOT NULL,  -- {"type","timestamp","data"} exactly as signed and sent
    created_at  timestamptz NOT NULL
);
CREATE INDEX webhook_events_team_idx ON webhook_events (team_id, created_at);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id          uuid NOT NULL,
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    state            text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    attempts         int NOT NULL DEFAULT 0,
    -- The deliver_webhook job allowed to make the next attempt; a redeliver replaces it, so a
    -- job scheduled before it changes nothing.
    job_token        uuid NOT NULL,
    next_attempt_at  timestamptz,
    last_attempt_at  timestamptz,
    last_status      int,
    last_latency_ms  int,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (team_id, endpoint_id, created_at DESC, id DESC);
