-- The resolve_submit_unknown sweep looks for submit_unknown jobs whose next look is due
-- (next_attempt_at: "look again at" while submit_unknown). Few rows; keep the look cheap
-- however large generations grows.
CREATE INDEX generations_unknown_due_idx ON generations (next_attempt_at) WHERE state = 'submit_unknown';
