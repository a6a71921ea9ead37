-- Read paths that stay fast at a million rows, and an exact daily spend rollup.
--
-- Lists are ordered newest first by (created_at, id); each documented filter gets an index
-- that starts with the team and the filtered column and keeps that order, so a filtered page
-- is a short index range instead of a scan. Partial indexes skip rows without the value.
-- Insert costs are measured by `make bench` (Benchmarks/bench_reads.py).

-- GET /generations
CREATE INDEX generations_campaign_list_idx ON generations (team_id, campaign_id, created_at DESC, id DESC) WHERE campaign_id IS NOT NULL;
CREATE INDEX generations_state_list_idx ON generations (team_id, state, created_at DESC, id DESC);
CREATE INDEX generations_model_list_idx ON generations (team_id, model_id, created_at DESC, id DESC);
CREATE INDEX generations_prompt_list_idx ON generations (team_id, prompt_id, created_at DESC, id DESC) WHERE prompt_id IS NOT NULL;
CREATE INDEX generations_seed_idx ON generations (team_id, seed) WHERE seed IS NOT NULL;
CREATE INDEX generations_provider_seed_idx ON generations (team_id, provider_seed) WHERE provider_seed IS NOT NULL;
CREATE INDEX generations_seed_id_list_idx ON generations (team_id, seed_id, created_at DESC, id DESC) WHERE seed_id IS NOT NULL;
-- The claim looks at one account's queue at a time (Worker/WorkQueue.swift).
CREATE INDEX generations_account_queue_idx ON generations (account_key, next_attempt_at) WHERE state = 'queued';

-- GET /assets, /seeds, /prompts
CREATE INDEX assets_campaign_list_idx ON assets (team_id, campaign_id, created_at DESC, id DESC) WHERE campaign_id IS NOT NULL;
CREATE INDEX assets_role_list_idx ON assets (team_id, role, created_at DESC, id DESC) WHERE role IS NOT NULL;
CREATE INDEX seeds_version_list_idx ON seeds (team_id, prompt_version_id, created_at DESC, id DESC) WHERE prompt_version_id IS NOT NULL;
CREATE INDEX seeds_model_list_idx ON seeds (team_id, model, created_at DESC, id DESC) WHERE model IS NOT NULL;
CREATE INDEX seeds_campaign_list_idx ON seeds (team_id, campaign_id, created_at DESC, id DESC) WHERE campaign_id IS NOT NULL;
CREATE INDEX prompts_campaign_list_idx ON prompts (team_id, campaign_id, created_at DESC, id DESC) WHERE campaign_id IS NOT NULL;
CREATE INDEX prompts_name_search_idx ON prompts USING gin (to_tsvector('english', name));
CREATE INDEX prompt_versions_prompt_idx ON prompt_versions (team_id, prompt_id);

-- GET /audit (seq order within a team)
CREATE INDEX audit_log_action_idx ON audit_log (team_id, action, seq DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (team_id, actor_id, seq DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_target_seq_idx ON audit_log (team_id, target_type, target_id, seq DESC);
CREATE INDEX audit_log_time_idx ON audit_log (team_id, created_at);

-- GET /credits (id order within a team, optionally one account)
CREATE INDEX credit_snapshots_list_idx ON credit_snapshots (team_id, account_id, id DESC);
CREATE INDEX credit_snapshots_team_list_idx ON credit_snapshots (team_id, id DESC);

-- Spend per team, UTC day, campaign, person, API key, provider account and model. A trigger on
-- the ledger keeps it in the transaction that writes each ledger row, whichever code path books
-- it, so reports read a few thousand rows instead of the whole ledger and still add up to it
-- exactly (Spend/SpendRepository.swift).
CREATE TABLE spend_daily (
    team_id        uuid NOT NULL REFERENCES teams (id),
    day            date NOT NULL,
    campaign_id    uuid,
    user_id        uuid,
    api_key_id     uuid,
    provider       text NOT NULL,
    account_key    text NOT NULL,
    model_id       text NOT NULL,
    amount_usd     numeric NOT NULL,
    estimated_usd  numeric NOT NULL,
    generations    bigint NOT NULL,
    CONSTRAINT spend_daily_key UNIQUE NULLS NOT DISTINCT (team_id, day, campaign_id, user_id, api_key_id, provider, account_key, model_id)
);

CREATE FUNCTION spend_daily_follow_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key uuid;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT api_key_id INTO key FROM generations WHERE id = OLD.generation_id;
        UPDATE spend_daily d SET amount_usd = d.amount_usd - OLD.amount_usd,
            estimated_usd = d.estimated_usd - CASE WHEN OLD.is_estimate THEN OLD.amount_usd ELSE 0 END,
            generations = d.generations - 1
        WHERE d.team_id = OLD.team_id AND d.day = (OLD.created_at AT TIME ZONE 'UTC')::date
          AND d.campaign_id IS NOT DISTINCT FROM OLD.campaign_id AND d.user_id IS NOT DISTINCT FROM OLD.user_id
          AND d.api_key_id IS NOT DISTINCT FROM key AND d.provider = OLD.provider AND d.account_key = OLD.account_key
          AND d.model_id = OLD.model_id;
        DELETE FROM spend_daily d WHERE d.team_id = OLD.team_id AND d.day = (OLD.created_at AT TIME ZONE 'UTC')::date AND d.generations = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT api_key_id INTO key FROM generations WHERE id = NEW.generation_id;
        INSERT INTO spend_daily AS d (team_id, day, campaign_id, user_id, api_key_id, provider, account_key, model_id,
                                      amount_usd, estimated_usd, generations)
        VALUES (NEW.team_id, (NEW.created_at AT TIME ZONE 'UTC')::date, NEW.campaign_id, NEW.user_id, key, NEW.provider,
                NEW.account_key, NEW.model_id, NEW.amount_usd, CASE WHEN NEW.is_estimate THEN NEW.amount_usd ELSE 0 END, 1)
        ON CONFLICT ON CONSTRAINT spend_daily_key DO UPDATE SET amount_usd = d.amount_usd + excluded.amount_usd,
            estimated_usd = d.estimated_usd + excluded.estimated_usd, generations = d.generations + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER spend_ledger_rollup
    AFTER INSERT OR UPDATE OR DELETE ON spend_ledger
    FOR EACH ROW EXECUTE FUNCTION spend_daily_follow_ledger();

INSERT INTO spend_daily (team_id, day, campaign_id, user_id, api_key_id, provider, account_key, model_id, amount_usd, estimated_usd, generations)
SELECT l.team_id, (l.created_at AT TIME ZONE 'UTC')::date, l.campaign_id, l.user_id, g.api_key_id, l.provider, l.account_key, l.model_id,
       sum(l.amount_usd), sum(CASE WHEN l.is_estimate THEN l.amount_usd ELSE 0 END), count(*)
FROM spend_ledger l LEFT JOIN generations g ON g.id = l.generation_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
