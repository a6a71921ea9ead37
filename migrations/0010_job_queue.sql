-- The general job queue: background work that is not a paid provider call (pruning, poster
-- frames, webhook deliveries, reconciliation). Generations keep their own money-aware queue.
-- A job is claimed with FOR UPDATE SKIP LOCKED and the claim is committed before the work runs;
-- every later write names the lease token, so a worker that lost its lease changes nothing.
CREATE TABLE jobs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind             text NOT NULL,
    -- NULL for instance-wide housekeeping; a team's job disappears with the team.
    team_id          uuid REFERENCES teams (id) ON DELETE CASCADE,
    payload          jsonb NOT NULL,
    state            text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     integer NOT NULL CHECK (max_attempts > 0),
    run_at           timestamptz NOT NULL,
    lease_token      uuid,
    lease_expires_at timestamptz,
    leased_by        text,
    last_error       text,
    -- At most one job per (kind, dedupe_key): periodic jobs use one key per period.
    dedupe_key       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    CHECK ((state = 'running') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX jobs_due_idx ON jobs (run_at, created_at) WHERE state = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE state = 'succeeded';
CREATE UNIQUE INDEX jobs_dedupe_idx ON jobs (kind, dedupe_key) WHERE dedupe_key IS NOT NULL;
