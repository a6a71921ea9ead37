-- Marks the moment a worker is about to send a job's POST. A worker that dies before this
-- point certainly sent nothing, so the rescuer can queue the job again instead of parking
-- it in submit_unknown for a person.
ALTER TABLE generations ADD COLUMN post_started_at timestamptz;
