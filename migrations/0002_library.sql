-- The library a team reuses across generations: campaigns with budgets, prompts with immutable
-- versions and labels, image assets stored as chunked blobs, and seeds worth keeping.
-- Every table carries team_id; references between library rows go through (team_id, id) so a
-- row can never point at another team's row, even by a bug in the application.

CREATE TABLE campaigns (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id       uuid NOT NULL REFERENCES teams (id),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description   text NOT NULL DEFAULT '',
    budget_usd    numeric(14,4) CHECK (budget_usd >= 0),
    -- Moved by the generation pipeline: reserved at enqueue, spent when a provider bills.
    reserved_usd  numeric(14,4) NOT NULL DEFAULT 0,
    spent_usd     numeric(14,4) NOT NULL DEFAULT 0,
    tags          text[] NOT NULL DEFAULT '{}',
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    archived_at   timestamptz,
    UNIQUE (team_id, id)
);
CREATE INDEX campaigns_list_idx ON campaigns (team_id, created_at DESC, id DESC);

CREATE TABLE prompts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id         uuid NOT NULL REFERENCES teams (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    campaign_id     uuid,
    latest_version  integer NOT NULL DEFAULT 1,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, campaign_id) REFERENCES campaigns (team_id, id)
);
CREATE INDEX prompts_list_idx ON prompts (team_id, created_at DESC, id DESC);

CREATE TABLE prompt_versions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id          uuid NOT NULL,
    prompt_id        uuid NOT NULL,
    version          integer NOT NULL CHECK (version >= 1),
    text             text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    negative_prompt  text,
    default_params   jsonb NOT NULL DEFAULT '{}',
    note             text,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    search           tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    UNIQUE (prompt_id, version),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, prompt_id) REFERENCES prompts (team_id, id)
);
CREATE INDEX prompt_versions_search_idx ON prompt_versions USING gin (search);

-- Immutable: a version, once written, is what generations and seeds refer to forever.
CREATE FUNCTION prompt_versions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'prompt_versions are immutable: % is not allowed; append a new version', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER prompt_versions_no_update_delete
    BEFORE UPDATE OR DELETE ON prompt_versions
    FOR EACH ROW EXECUTE FUNCTION prompt_versions_are_immutable();

CREATE TRIGGER prompt_versions_no_truncate
    BEFORE TRUNCATE ON prompt_versions
    FOR EACH STATEMENT EXECUTE FUNCTION prompt_versions_are_immutable();

-- Named pointers (production, staging, ...) at one version; every move is audited.
CREATE TABLE prompt_labels (
    team_id     uuid NOT NULL,
    prompt_id   uuid NOT NULL,
    name        text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    version     integer NOT NULL,
    updated_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (prompt_id, name),
    FOREIGN KEY (team_id, prompt_id) REFERENCES prompts (team_id, id),
    FOREIGN KEY (prompt_id, version) REFERENCES prompt_versions (prompt_id, version)
);

-- Content-agnostic byte storage (images now, videos later), cut into ~256 KiB chunks so
-- uploads and range reads never hold a whole file in memory.
CREATE TABLE blobs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id       uuid NOT NULL REFERENCES teams (id),
    sha256        bytea,           -- NULL while the upload is still being written
    size          bigint NOT NULL DEFAULT 0,
    content_type  text NOT NULL,
    chunk_size    integer NOT NULL CHECK (chunk_size > 0),
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, id)
);

CREATE TABLE blob_chunks (
    team_id  uuid NOT NULL,
    blob_id  uuid NOT NULL,
    index    integer NOT NULL CHECK (index >= 0),
    bytes    bytea NOT NULL,
    PRIMARY KEY (blob_id, index),
    FOREIGN KEY (team_id, blob_id) REFERENCES blobs (team_id, id) ON DELETE CASCADE
);
-- Uncompressed out-of-line storage: images and videos do not compress, and substring() on an
-- uncompressed value reads only the pages a range needs.
ALTER TABLE blob_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;

CREATE TABLE assets (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id      uuid NOT NULL REFERENCES teams (id),
    blob_id      uuid NOT NULL,
    sha256       bytea NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('png', 'jpeg', 'webp')),
    size_bytes   bigint NOT NULL,
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    role         text CHECK (role IN ('reference', 'first_frame', 'last_frame')),
    name         text CHECK (length(name) <= 200),
    tags         text[] NOT NULL DEFAULT '{}',
    campaign_id  uuid,
    source_url   text,
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, sha256),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, blob_id) REFERENCES blobs (team_id, id),
    FOREIGN KEY (team_id, campaign_id) REFERENCES campaigns (team_id, id)
);
CREATE INDEX assets_list_idx ON assets (team_id, created_at DESC, id DESC);
CREATE INDEX assets_tags_idx ON assets USING gin (tags);

-- Which assets a generation uses. Migration 0004 adds the generation_id foreign key to
-- generations; ON DELETE RESTRICT here is what makes DELETE /assets/{id} answer 409 while a
-- generation still uses the asset (SQLSTATE 23503).
CREATE TABLE generation_assets (
    generation_id  uuid NOT NULL,
    asset_id       uuid NOT NULL REFERENCES assets (id) ON DELETE RESTRICT,
    role           text
);
CREATE INDEX generation_assets_generation_idx ON generation_assets (generation_id);
CREATE INDEX generation_assets_asset_idx ON generation_assets (asset_id);

-- Seeds worth keeping ("keepers"), with what they worked well with.
CREATE TABLE seeds (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id            uuid NOT NULL REFERENCES teams (id),
    value              bigint NOT NULL CHECK (value BETWEEN 0 AND 4294967295),
    note               text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    prompt_version_id  uuid,
    model              text CHECK (length(model) BETWEEN 1 AND 100),
    campaign_id        uuid,
    created_by         uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, prompt_version_id) REFERENCES prompt_versions (team_id, id),
    FOREIGN KEY (team_id, campaign_id) REFERENCES campaigns (team_id, id)
);
CREATE INDEX seeds_list_idx ON seeds (team_id, created_at DESC, id DESC);
