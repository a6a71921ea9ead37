-- Sign-in throttling per (email, client address): one row per pair, bumped by a single upsert
-- (no read-then-write race). A stranger's guesses fill the stranger's row, not the owner's.
DROP TABLE login_failures;
CREATE TABLE sign_in_throttle (
    email_key        text NOT NULL,            -- lower(email)
    ip               text NOT NULL,            -- client address; '' when unknown
    attempts         integer NOT NULL DEFAULT 0,
    blocked_until    timestamptz,
    last_refused     boolean NOT NULL DEFAULT false,  -- did the latest attempt arrive while blocked?
    last_success_at  timestamptz,              -- a known-good client for this account
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (email_key, ip)
);
CREATE INDEX sign_in_throttle_ip_idx ON sign_in_throttle (ip, updated_at);
CREATE INDEX sign_in_throttle_updated_idx ON sign_in_throttle (updated_at);

-- Adding a member answers the same whether or not the email has an account: the one-time
-- password goes to the membership (valid for that team, once), and the team shows the name the
-- owner typed, not the account's own.
ALTER TABLE memberships ADD COLUMN invite_hash text, ADD COLUMN invite_expires_at timestamptz, ADD COLUMN display_name text;
UPDATE memberships m SET display_name = u.name FROM users u WHERE u.id = m.user_id;

-- Blobs are written chunk by chunk in short statements and made visible (sha256 set) last;
-- uploads that died half-way are found by age and removed.
CREATE INDEX blobs_incomplete_idx ON blobs (created_at) WHERE sha256 IS NULL;
