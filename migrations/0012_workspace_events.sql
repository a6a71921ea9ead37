-- The producer's workspace: a poster frame per archived video, and a per-team event log of
-- generation changes that GET /api/v1/events streams (resumable by its id).

ALTER TABLE generations ADD COLUMN poster_blob_id uuid;

CREATE TABLE generation_events (
    id             bigserial PRIMARY KEY,
    team_id        uuid NOT NULL,
    generation_id  uuid NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    campaign_id    uuid,
    status         text NOT NULL,
    has_poster     boolean NOT NULL,
    at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX generation_events_team_idx ON generation_events (team_id, id);

-- Written by the database so no code path (API, worker, rescuer, psql) can forget it. The
-- notify carries only the team id: listeners read the rows themselves, scoped by team.
CREATE FUNCTION generations_record_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state
       OR NEW.poster_blob_id IS DISTINCT FROM OLD.poster_blob_id OR NEW.cost_usd IS DISTINCT FROM OLD.cost_usd THEN
        INSERT INTO generation_events (team_id, generation_id, campaign_id, status, has_poster)
            VALUES (NEW.team_id, NEW.id, NEW.campaign_id, NEW.state, NEW.poster_blob_id IS NOT NULL);
        PERFORM pg_notify('reelbase_generation_events', NEW.team_id::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_events
    AFTER INSERT OR UPDATE OF state, poster_blob_id, cost_usd ON generations
    FOR EACH ROW EXECUTE FUNCTION generations_record_event();
