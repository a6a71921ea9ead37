-- Provider accounts (keys encrypted at rest), the editable price table, and credit snapshots.

CREATE TABLE provider_accounts (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id            uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    provider           text NOT NULL CHECK (provider IN ('segmind', 'aimlapi')),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    api_key_sealed     bytea NOT NULL,   -- AES-GCM under REELBASE_SECRET_KEY, bound to this row's id
    api_key_last4      text NOT NULL,
    base_url           text,             -- NULL: the provider's public API
    concurrency_limit  integer NOT NULL DEFAULT 4 CHECK (concurrency_limit BETWEEN 1 AND 100),
    mode               text NOT NULL DEFAULT 'async' CHECK (mode IN ('async', 'sync')),
    paused_until       timestamptz,      -- rate limit or credits: no submissions before this
    pause_reason       text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz       -- kept for history: generations point at it
);
CREATE INDEX provider_accounts_team_idx ON provider_accounts (team_id, created_at DESC) WHERE deleted_at IS NULL;

-- Prices per generation. team_id NULL rows are the instance defaults (seeded below from the
-- published ranges); a team that edits its table gets rows of its own, which win.
CREATE TABLE prices (
    id              bigserial PRIMARY KEY,
    team_id         uuid REFERENCES teams (id) ON DELETE CASCADE,
    model_id        text NOT NULL,
    resolution      text,
    generate_audio  boolean,
    unit            text NOT NULL CHECK (unit IN ('per_second', 'per_generation')),
    usd             numeric(12, 6) NOT NULL CHECK (usd >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prices_team_idx ON prices (team_id, model_id);

INSERT INTO prices (team_id, model_id, resolution, generate_audio, unit, usd) VALUES
    (NULL, 'segmind/veo-3',        NULL, false, 'per_second', 0.20),
    (NULL, 'segmind/veo-3',        NULL, true,  'per_second', 0.40),
    (NULL, 'segmind/veo-3.1',      NULL, false, 'per_second', 0.20),
    (NULL, 'segmind/veo-3.1',      NULL, true,  'per_second', 0.40),
    (NULL, 'segmind/veo-3.1-fast', NULL, false, 'per_second', 0.10),
    (NULL, 'segmind/veo-3.1-fast', NULL, true,  'per_second', 0.15),
    (NULL, 'segmind/veo-3.1-lite', NULL, false, 'per_second', 0.0625),
    (NULL, 'segmind/veo-3.1-lite', NULL, true,  'per_second', 0.125),
    (NULL, 'aimlapi/veo-3.1-lite', NULL, false, 'per_second', 0.0625),
    (NULL, 'aimlapi/veo-3.1-lite', NULL, true,  'per_second', 0.125);

-- Every balance a provider reported, per account (account_id NULL: the instance default account).
CREATE TABLE credit_snapshots (
    id             bigserial PRIMARY KEY,
    team_id        uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    account_id     uuid REFERENCES provider_accounts (id),
    provider       text NOT NULL,
    remaining      numeric(20, 6),
    cost           numeric(20, 6),
    source         text NOT NULL,
    generation_id  uuid,
    observed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_snapshots_team_idx ON credit_snapshots (team_id, account_id, observed_at DESC);
