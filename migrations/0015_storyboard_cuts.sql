-- Cuts (issue #11): a storyboard's chosen takes joined in shot order into one video, numbered
-- 1, 2, … per storyboard. `generation_ids` keeps the takes the cut used, in order, so choosing
-- other takes later makes a new cut and never changes this one. The `render_cut` job fills in
-- the video, its poster and what ffprobe measured.

CREATE TABLE storyboard_cuts (
    team_id           uuid NOT NULL,
    storyboard_id     uuid NOT NULL,
    number            integer NOT NULL CHECK (number >= 1),
    state             text NOT NULL DEFAULT 'rendering' CHECK (state IN ('rendering', 'ready', 'failed')),
    generation_ids    uuid[] NOT NULL CHECK (cardinality(generation_ids) >= 1),
    video_blob_id     uuid,
    poster_blob_id    uuid,
    duration_seconds  double precision,
    width             integer,
    height            integer,
    has_audio         boolean,
    error             text,
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (storyboard_id, number),
    FOREIGN KEY (team_id, storyboard_id) REFERENCES storyboards (team_id, id) ON DELETE CASCADE,
    CHECK (state <> 'ready' OR video_blob_id IS NOT NULL)
);
