-- The generation pipeline: jobs and their state machine, attempts, idempotency keys, the
-- spend ledger, account pauses and alerts. Team budgets join campaign budgets.

ALTER TABLE teams
    ADD COLUMN budget_usd   numeric(14,4) CHECK (budget_usd >= 0),
    ADD COLUMN reserved_usd numeric(14,4) NOT NULL DEFAULT 0,
    ADD COLUMN spent_usd    numeric(14,4) NOT NULL DEFAULT 0;

CREATE TABLE generations (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id              uuid NOT NULL REFERENCES teams (id),
    campaign_id          uuid,
    created_by           uuid REFERENCES users (id) ON DELETE SET NULL,
    api_key_id           uuid REFERENCES api_keys (id) ON DELETE SET NULL,
    provider             text NOT NULL CHECK (provider IN ('segmind', 'aimlapi')),
    model_id             text NOT NULL,
    -- The account the job runs on: a provider_accounts id, or 'default:<provider>'.
    account_key          text NOT NULL,
    account_id           uuid REFERENCES provider_accounts (id),
    concurrency_limit    integer NOT NULL DEFAULT 4,
    prompt_text          text NOT NULL,
    negative_prompt      text,
    prompt_id            uuid,
    prompt_version_id    uuid,
    params               jsonb NOT NULL,
    seed                 bigint,
    seed_id              uuid,
    provider_seed        bigint,
    state                text NOT NULL DEFAULT 'queued' CHECK (state IN
        ('queued', 'submitting', 'submitted', 'succeeded', 'failed', 'expired', 'submit_unknown', 'cancelled', 'cancel_requested')),
    attempt              integer NOT NULL DEFAULT 0,
    max_attempts         integer NOT NULL DEFAULT 5,
    next_attempt_at      timestamptz NOT NULL DEFAULT now(),
    -- Fencing: every write after a claim names the token it was claimed with.
    lease_token          uuid,
    lease_expires_at     timestamptz,
    leased_by            text,
    provider_request_id  text,
    poll_count           integer NOT NULL DEFAULT 0,
    next_poll_at         timestamptz,
    estimated_cost_usd   numeric(12,6) NOT NULL,
    reserved_usd         numeric(12,6) NOT NULL DEFAULT 0,
    cost_usd             numeric(12,6),
    cost_is_estimate     boolean,
    credits_after        numeric(20,6),
    video_blob_id        uuid,
    video_sha256         text,
    video_size           bigint,
    video_content_type   text,
    error_kind           text,
    error_message        text,
    provider_status      integer,
    created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    submitted_at         timestamptz,
    finished_at          timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, campaign_id) REFERENCES campaigns (team_id, id),
    FOREIGN KEY (team_id, prompt_version_id) REFERENCES prompt_versions (team_id, id),
    FOREIGN KEY (team_id, seed_id) REFERENCES seeds (team_id, id)
);
CREATE INDEX generations_list_idx ON generations (team_id, created_at DESC, id DESC);
CREATE INDEX generations_queue_idx ON generations (next_attempt_at) WHERE state = 'queued';
CREATE INDEX generations_poll_idx ON generations (next_poll_at) WHERE state IN ('submitted', 'cancel_requested');
CREATE INDEX generations_inflight_idx ON generations (account_key) WHERE state IN ('submitting', 'submitted', 'cancel_requested');
CREATE INDEX generations_lease_idx ON generations (lease_expires_at) WHERE lease_token IS NOT NULL;

ALTER TABLE generation_assets
    ADD CONSTRAINT generation_assets_generation_fk FOREIGN KEY (generation_id) REFERENCES generations (id) ON DELETE CASCADE;

-- When each state was entered, written by the database so no code path can forget it.
CREATE TABLE generation_transitions (
    id             bigserial PRIMARY KEY,
    generation_id  uuid NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    from_state     text,
    to_state       text NOT NULL,
    at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX generation_transitions_idx ON generation_transitions (generation_id, id);

CREATE FUNCTION generations_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO generation_transitions (generation_id, from_state, to_state) VALUES (NEW.id, NULL, NEW.state);
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        INSERT INTO generation_transitions (generation_id, from_state, to_state) VALUES (NEW.id, OLD.state, NEW.state);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_transitions
    AFTER INSERT OR UPDATE OF state ON generations
    FOR EACH ROW EXECUTE FUNCTION generations_record_transition();

-- Every call to a provider for a job, with what came back.
CREATE TABLE generation_attempts (
    id             bigserial PRIMARY KEY,
    generation_id  uuid NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    attempt        integer NOT NULL,
    phase          text NOT NULL,  -- submit | poll | archive
    outcome        text NOT NULL,  -- accepted | completed | failed | error kind
    http_status    integer,
    message        text,
    at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX generation_attempts_idx ON generation_attempts (generation_id, id);

-- Idempotency-Key: the same key and body within 24 h returns the first response.
CREATE TABLE idempotency_keys (
    team_id        uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    key            text NOT NULL,
    request_sha256 text NOT NULL,
    status         integer NOT NULL,
    response       jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, key)
);

-- One row per billed (or estimated) generation: what reports add up.
CREATE TABLE spend_ledger (
    id             bigserial PRIMARY KEY,
    team_id        uuid NOT NULL REFERENCES teams (id),
    generation_id  uuid NOT NULL UNIQUE REFERENCES generations (id),
    campaign_id    uuid,
    user_id        uuid,
    provider       text NOT NULL,
    account_key    text NOT NULL,
    model_id       text NOT NULL,
    amount_usd     numeric(12,6) NOT NULL,
    is_estimate    boolean NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX spend_ledger_team_idx ON spend_ledger (team_id, created_at);

-- An account that must not be called until a time (429 reset, or no credits / bad key:
-- 'infinity' until a person acts). Shared by every replica.
CREATE TABLE provider_pauses (
    account_key   text PRIMARY KEY,
    paused_until  timestamptz NOT NULL,
    reason        text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id      uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    account_key  text,
    kind         text NOT NULL,
    message      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz
);
CREATE INDEX alerts_team_idx ON alerts (team_id, created_at DESC) WHERE resolved_at IS NULL;
-- One open alert per account and kind, however many jobs hit it.
CREATE UNIQUE INDEX alerts_open_idx ON alerts (team_id, account_key, kind) WHERE resolved_at IS NULL;
