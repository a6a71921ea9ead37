-- Review of takes (a take is a generation) and share links for clients without an account.

-- The current rating and verdict of a take, and who gave each (a member, or a client's typed
-- name through a share link). History lives in the audit log; filters read this table
-- (GET /generations?verdict=&min_rating=), so each gets an index that starts with the team.
CREATE TABLE take_reviews (
    generation_id     uuid PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
    team_id           uuid NOT NULL REFERENCES teams (id),
    rating            smallint CHECK (rating BETWEEN 1 AND 5),
    rated_by_name     text,
    rated_by_user     uuid REFERENCES users (id) ON DELETE SET NULL,
    rated_at          timestamptz,
    verdict           text CHECK (verdict IN ('approved', 'rejected', 'needs_changes')),
    verdict_by_name   text,
    verdict_by_user   uuid REFERENCES users (id) ON DELETE SET NULL,
    verdict_via_link  uuid,
    verdict_at        timestamptz,
    FOREIGN KEY (team_id, generation_id) REFERENCES generations (team_id, id)
);
CREATE INDEX take_reviews_verdict_idx ON take_reviews (team_id, verdict, generation_id) WHERE verdict IS NOT NULL;
CREATE INDEX take_reviews_rating_idx ON take_reviews (team_id, rating, generation_id) WHERE rating IS NOT NULL;

-- What a link covers: `kind` plus its target. take/compare/campaign list the takes they show
-- (a campaign link freezes the takes approved when it was made); a storyboard cut will add
-- its own target columns and kind.
CREATE TABLE share_links (
    id              uuid PRIMARY KEY,
    team_id         uuid NOT NULL REFERENCES teams (id),
    kind            text NOT NULL CHECK (kind IN ('take', 'compare', 'campaign')),
    generation_ids  uuid[] NOT NULL CHECK (cardinality(generation_ids) BETWEEN 1 AND 200),
    campaign_id     uuid,
    title           text,
    -- SHA-256 of the whole token: the token itself is shown once and never stored.
    token_sha256    bytea NOT NULL,
    password_hash   text,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    views           int8 NOT NULL DEFAULT 0,
    last_viewed_at  timestamptz,
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, campaign_id) REFERENCES campaigns (team_id, id),
    CHECK (kind <> 'take' OR cardinality(generation_ids) = 1),
    CHECK (kind <> 'compare' OR cardinality(generation_ids) BETWEEN 2 AND 4),
    CHECK ((kind = 'campaign') = (campaign_id IS NOT NULL))
);
CREATE INDEX share_links_list_idx ON share_links (team_id, created_at DESC, id DESC);

ALTER TABLE take_reviews ADD FOREIGN KEY (team_id, verdict_via_link) REFERENCES share_links (team_id, id) ON DELETE SET NULL (verdict_via_link);

-- Comments pinned to a timecode of the take, by a member or by a client through a link.
CREATE TABLE take_comments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id         uuid NOT NULL REFERENCES teams (id),
    generation_id   uuid NOT NULL,
    at_seconds      numeric(9,3) NOT NULL CHECK (at_seconds >= 0),
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    author_name     text NOT NULL CHECK (length(author_name) BETWEEN 1 AND 80),
    author_user     uuid REFERENCES users (id) ON DELETE SET NULL,
    via_link        uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (team_id, generation_id) REFERENCES generations (team_id, id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, via_link) REFERENCES share_links (team_id, id) ON DELETE SET NULL (via_link)
);
CREATE INDEX take_comments_take_idx ON take_comments (team_id, generation_id, at_seconds, created_at);

-- Fixed one-minute windows of hits on the public share routes, per token and per address;
-- shared by every replica. Old windows are pruned by prune_expired_rows.
CREATE TABLE share_link_hits (
    bucket        text NOT NULL,
    window_start  timestamptz NOT NULL,
    hits          int NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

-- The event stream's `kind` and `data` columns (0014_storyboards) carry `take.verdict` and
-- `take.comment` too.

-- A client's decisions and comments through a link are audited with the link as the actor.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check
    CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous', 'share_link'));
