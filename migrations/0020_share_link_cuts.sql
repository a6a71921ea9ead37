-- Share links for a storyboard cut (issue #11): kind `cut`, targeting one cut by its storyboard
-- and number. A cut link lists no takes in `generation_ids` (empty), so the take routes under
-- /s/{token} never open for it; it reaches the cut's video and poster only. Deleting the
-- storyboard (and so its cuts) deletes its cut links.

ALTER TABLE storyboard_cuts ADD CONSTRAINT storyboard_cuts_team_key UNIQUE (team_id, storyboard_id, number);

ALTER TABLE share_links
    ADD COLUMN storyboard_id uuid,
    ADD COLUMN cut_number integer,
    ADD FOREIGN KEY (team_id, storyboard_id, cut_number) REFERENCES storyboard_cuts (team_id, storyboard_id, number) ON DELETE CASCADE;

ALTER TABLE share_links DROP CONSTRAINT share_links_kind_check;
ALTER TABLE share_links ADD CONSTRAINT share_links_kind_check CHECK (kind IN ('take', 'compare', 'campaign', 'cut'));
ALTER TABLE share_links DROP CONSTRAINT share_links_generation_ids_check;
ALTER TABLE share_links ADD CONSTRAINT share_links_generation_ids_check
    CHECK (cardinality(generation_ids) BETWEEN 1 AND 200 OR (kind = 'cut' AND cardinality(generation_ids) = 0));
ALTER TABLE share_links ADD CONSTRAINT share_links_cut_target_check
    CHECK ((kind = 'cut') = (storyboard_id IS NOT NULL) AND (storyboard_id IS NULL) = (cut_number IS NULL)
           AND (kind <> 'cut' OR cardinality(generation_ids) = 0));

CREATE INDEX share_links_cut_idx ON share_links (team_id, storyboard_id, cut_number) WHERE storyboard_id IS NOT NULL;
