-- Money truth (issue 13): reconciliation runs against the provider's books, and where an
-- `auto` generation was routed and why.

-- One reconciliation of one team's Segmind account over a time window.
CREATE TABLE reconciliation_runs (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id               uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- A provider_accounts id (as text), or 'default:segmind'.
    account_key           text NOT NULL,
    account_id            uuid REFERENCES provider_accounts (id),
    window_start          timestamptz NOT NULL,
    window_end            timestamptz NOT NULL CHECK (window_end > window_start),
    state                 text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    -- 'schedule' (the daily run) or 'request' (POST /reconciliations).
    trigger               text NOT NULL CHECK (trigger IN ('schedule', 'request')),
    error                 text,
    matched               integer NOT NULL DEFAULT 0,
    cost_mismatch         integer NOT NULL DEFAULT 0,
    not_booked            integer NOT NULL DEFAULT 0,
    unknown_to_provider   integer NOT NULL DEFAULT 0,
    ledger_usd            numeric(18,6) NOT NULL DEFAULT 0,
    provider_usd          numeric(18,6) NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at           timestamptz,
    UNIQUE (team_id, id)
);
CREATE INDEX reconciliation_runs_list_idx ON reconciliation_runs (team_id, created_at DESC, id DESC);
CREATE INDEX reconciliation_runs_account_idx ON reconciliation_runs (team_id, account_key, created_at DESC);

-- Every request id either side knows, paired.
CREATE TABLE reconciliation_lines (
    id              bigserial PRIMARY KEY,
    run_id          uuid NOT NULL,
    team_id         uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('matched', 'cost_mismatch', 'not_booked', 'unknown_to_provider')),
    request_id      text,
    generation_id   uuid,
    model           text,
    provider_status text,
    ledger_usd      numeric(18,6),
    provider_usd    numeric,
    requested_at    timestamptz,
    FOREIGN KEY (team_id, run_id) REFERENCES reconciliation_runs (team_id, id) ON DELETE CASCADE
);
CREATE INDEX reconciliation_lines_run_idx ON reconciliation_lines (run_id, id);

-- provider "auto": the candidates weighed, the one chosen, and every move to another provider.
ALTER TABLE generations ADD COLUMN routing jsonb;

-- Fair claims: each team's queue on an account, in claim order (Worker/WorkQueue.swift).
CREATE INDEX generations_fair_claim_idx ON generations (account_key, team_id, next_attempt_at, created_at)
    WHERE state = 'queued';
