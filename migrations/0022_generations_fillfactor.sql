-- Issue #14: room on each page of `generations` for HOT updates. A take's row is updated
-- about six times on its way to `succeeded`; the updates that touch no indexed column (the
-- POST's start, the money, the poster) can stay on their page and skip all 18 indexes, but
-- only when the page has room: at the default fill of 100 % almost none did (541 of 3,000).
ALTER TABLE generations SET (fillfactor = 80);
