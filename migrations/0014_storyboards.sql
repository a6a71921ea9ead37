-- Storyboards (issue #11): a campaign's ordered shots, each made as 1 to 4 takes (generations).
-- `generate` reserves the whole storyboard up front: the part not yet turned into generations
-- is the storyboard's `reserved_usd` (also counted in the team's and campaign's reserved_usd);
-- each shot moves its share onto its generations when it starts.

CREATE TABLE storyboards (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id          uuid NOT NULL REFERENCES teams (id),
    campaign_id      uuid NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'paused', 'finished')),
    error_shot_id    uuid,
    error_message    text,
    -- A running storyboard waiting for a person to choose this shot's take (it has several and
    -- the next shot continues from it).
    waiting_shot_id  uuid,
    reserved_usd     numeric(18,6) NOT NULL DEFAULT 0 CHECK (reserved_usd >= 0),
    -- Who pressed generate (or resume): the generations the job creates are theirs.
    started_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    started_api_key  uuid REFERENCES api_keys (id) ON DELETE SET NULL,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, campaign_id) REFERENCES campaigns (team_id, id)
);
CREATE INDEX storyboards_list_idx ON storyboards (team_id, campaign_id, created_at DESC, id DESC);

CREATE TABLE storyboard_shots (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id               uuid NOT NULL,
    storyboard_id         uuid NOT NULL,
    position              integer NOT NULL CHECK (position >= 0),
    -- {text} | {prompt_id, version?, label?, variables?} | {prompt_version_id, variables?}
    prompt                jsonb NOT NULL,
    model                 text NOT NULL,
    provider              text,
    -- What POST /generations takes besides the prompt, model and images (duration, seed, ...).
    parameters            jsonb NOT NULL DEFAULT '{}',
    first_frame_asset_id  uuid,
    last_frame_asset_id   uuid,
    reference_asset_ids   uuid[] NOT NULL DEFAULT '{}',
    takes                 integer NOT NULL CHECK (takes BETWEEN 1 AND 4),
    continuity            boolean NOT NULL DEFAULT false,
    -- Each generate (and each resume of this shot) starts a new round; its takes are the shot's current ones.
    round                 integer NOT NULL DEFAULT 0,
    chosen_generation_id  uuid REFERENCES generations (id),
    -- The first frame continuity gave the current round (the last frame of the previous chosen take).
    continuity_asset_id   uuid,
    created_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, storyboard_id) REFERENCES storyboards (team_id, id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, first_frame_asset_id) REFERENCES assets (team_id, id),
    FOREIGN KEY (team_id, last_frame_asset_id) REFERENCES assets (team_id, id),
    FOREIGN KEY (team_id, continuity_asset_id) REFERENCES assets (team_id, id)
);
CREATE INDEX storyboard_shots_order_idx ON storyboard_shots (storyboard_id, position);

-- The generations a shot made. (shot, round, take_index) is the idempotency key of a take:
-- a retried advance job finds the row and never makes the same take twice.
CREATE TABLE storyboard_shot_takes (
    shot_id        uuid NOT NULL REFERENCES storyboard_shots (id) ON DELETE CASCADE,
    round          integer NOT NULL,
    take_index     integer NOT NULL CHECK (take_index BETWEEN 0 AND 3),
    generation_id  uuid NOT NULL UNIQUE REFERENCES generations (id),
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (shot_id, round, take_index)
);

-- Where a frame asset came from: the take whose last frame it is (an asset is deduplicated by
-- its bytes, so one asset may be the last frame of several identical takes).
CREATE TABLE asset_frame_sources (
    team_id        uuid NOT NULL,
    asset_id       uuid NOT NULL,
    generation_id  uuid NOT NULL REFERENCES generations (id),
    frame          text NOT NULL CHECK (frame IN ('last')),
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (asset_id, generation_id, frame),
    FOREIGN KEY (team_id, asset_id) REFERENCES assets (team_id, id) ON DELETE CASCADE
);

-- The event stream carries more than generation changes from now on: `kind` names the event
-- (`generation` for the trigger's rows) and `data` holds what a page needs for the others.
ALTER TABLE generation_events ALTER COLUMN generation_id DROP NOT NULL;
ALTER TABLE generation_events ALTER COLUMN status DROP NOT NULL;
ALTER TABLE generation_events ALTER COLUMN has_poster DROP NOT NULL;
ALTER TABLE generation_events ADD COLUMN kind text NOT NULL DEFAULT 'generation';
ALTER TABLE generation_events ADD COLUMN data jsonb;
