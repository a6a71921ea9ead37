-- A signed head per team's audit chain: the last row's seq and hash, HMAC-signed with the
-- service's key and updated in the same transaction as every append. Verify compares the
-- chain's tail with it, so rows removed from the END of a chain are noticed too (the chain
-- links alone only catch edits and removals in the middle).
CREATE TABLE audit_heads (
    team_id     uuid PRIMARY KEY REFERENCES teams (id),
    last_seq    bigint NOT NULL,
    last_hash   bytea NOT NULL,
    signature   bytea NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Chains written before heads existed: the service signs their current tail once (on the
-- team's next append or verify); after that a missing head is reported as tampering.
CREATE TABLE audit_heads_unsigned (
    team_id  uuid PRIMARY KEY REFERENCES teams (id)
);
INSERT INTO audit_heads_unsigned (team_id) SELECT DISTINCT team_id FROM audit_log;

-- Failed sign-ins are recorded without a proven actor.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check
    CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous'));
