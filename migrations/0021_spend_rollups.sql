-- Issue #14: two more rollups beside spend_daily, so a report over a year reads a few thousand
-- rows at a million ledger rows. spend_daily keeps a row per day for every campaign × person ×
-- key × model: about 145,000 rows for a year of 1,000,000 generations over 100 campaigns, and
-- a report read it twice (its groups, then the drift), 110–130 ms.
--   spend_monthly: the same key by UTC month. A report grouped by campaign, person, key or
--     model reads whole months here, the days of the partial months from spend_daily, and the
--     partial days at either end from the ledger.
--   spend_daily_accounts: a day's total per provider account, a handful of rows a day. Reports
--     by day or for the whole team, and the drift every report carries, need no more.
-- The ledger's trigger keeps all three in the transaction that books (or corrects) each ledger
-- row, so every range still adds up to the ledger exactly (Spend/SpendRepository.swift).
CREATE TABLE spend_monthly (
    team_id        uuid NOT NULL REFERENCES teams (id),
    month          date NOT NULL,
    campaign_id    uuid,
    user_id        uuid,
    api_key_id     uuid,
    provider       text NOT NULL,
    account_key    text NOT NULL,
    model_id       text NOT NULL,
    amount_usd     numeric NOT NULL,
    estimated_usd  numeric NOT NULL,
    generations    bigint NOT NULL,
    CONSTRAINT spend_monthly_key UNIQUE NULLS NOT DISTINCT (team_id, month, campaign_id, user_id, api_key_id, provider, account_key, model_id)
);

CREATE TABLE spend_daily_accounts (
    team_id        uuid NOT NULL REFERENCES teams (id),
    day            date NOT NULL,
    provider       text NOT NULL,
    account_key    text NOT NULL,
    amount_usd     numeric NOT NULL,
    estimated_usd  numeric NOT NULL,
    generations    bigint NOT NULL,
    PRIMARY KEY (team_id, day, provider, account_key)
);

CREATE OR REPLACE FUNCTION spend_daily_follow_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key uuid;
    booked_day date;
    booked_month date;
    estimated_part numeric;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT api_key_id INTO key FROM generations WHERE id = OLD.generation_id;
        booked_day := (OLD.created_at AT TIME ZONE 'UTC')::date;
        booked_month := date_trunc('month', booked_day)::date;
        estimated_part := CASE WHEN OLD.is_estimate THEN OLD.amount_usd ELSE 0 END;
        UPDATE spend_daily d SET amount_usd = d.amount_usd - OLD.amount_usd, estimated_usd = d.estimated_usd - estimated_part,
            generations = d.generations - 1
        WHERE d.team_id = OLD.team_id AND d.day = booked_day
          AND d.campaign_id IS NOT DISTINCT FROM OLD.campaign_id AND d.user_id IS NOT DISTINCT FROM OLD.user_id
          AND d.api_key_id IS NOT DISTINCT FROM key AND d.provider = OLD.provider AND d.account_key = OLD.account_key
          AND d.model_id = OLD.model_id;
        DELETE FROM spend_daily d WHERE d.team_id = OLD.team_id AND d.day = booked_day AND d.generations = 0;
        UPDATE spend_monthly m SET amount_usd = m.amount_usd - OLD.amount_usd, estimated_usd = m.estimated_usd - estimated_part,
            generations = m.generations - 1
        WHERE m.team_id = OLD.team_id AND m.month = booked_month
          AND m.campaign_id IS NOT DISTINCT FROM OLD.campaign_id AND m.user_id IS NOT DISTINCT FROM OLD.user_id
          AND m.api_key_id IS NOT DISTINCT FROM key AND m.provider = OLD.provider AND m.account_key = OLD.account_key
          AND m.model_id = OLD.model_id;
        DELETE FROM spend_monthly m WHERE m.team_id = OLD.team_id AND m.month = booked_month AND m.generations = 0;
        UPDATE spend_daily_accounts a SET amount_usd = a.amount_usd - OLD.amount_usd, estimated_usd = a.estimated_usd - estimated_part,
            generations = a.generations - 1
        WHERE a.team_id = OLD.team_id AND a.day = booked_day AND a.provider = OLD.provider AND a.account_key = OLD.account_key;
        DELETE FROM spend_daily_accounts a WHERE a.team_id = OLD.team_id AND a.day = booked_day AND a.generations = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT api_key_id INTO key FROM generations WHERE id = NEW.generation_id;
        booked_day := (NEW.created_at AT TIME ZONE 'UTC')::date;
        booked_month := date_trunc('month', booked_day)::date;
        estimated_part := CASE WHEN NEW.is_estimate THEN NEW.amount_usd ELSE 0 END;
        INSERT INTO spend_daily AS d (team_id, day, campaign_id, user_id, api_key_id, provider, account_key, model_id,
                                      amount_usd, estimated_usd, generations)
        VALUES (NEW.team_id, booked_day, NEW.campaign_id, NEW.user_id, key, NEW.provider, NEW.account_key, NEW.model_id, NEW.amount_usd, estimated_part, 1)
        ON CONFLICT ON CONSTRAINT spend_daily_key DO UPDATE SET amount_usd = d.amount_usd + excluded.amount_usd,
            estimated_usd = d.estimated_usd + excluded.estimated_usd, generations = d.generations + 1;
        INSERT INTO spend_monthly AS m (team_id, month, campaign_id, user_id, api_key_id, provider, account_key, model_id,
                                        amount_usd, estimated_usd, generations)
        VALUES (NEW.team_id, booked_month, NEW.campaign_id, NEW.user_id, key, NEW.provider, NEW.account_key, NEW.model_id, NEW.amount_usd, estimated_part, 1)
        ON CONFLICT ON CONSTRAINT spend_monthly_key DO UPDATE SET amount_usd = m.amount_usd + excluded.amount_usd,
            estimated_usd = m.estimated_usd + excluded.estimated_usd, generations = m.generations + 1;
        INSERT INTO spend_daily_accounts AS a (team_id, day, provider, account_key, amount_usd, estimated_usd, generations)
        VALUES (NEW.team_id, booked_day, NEW.provider, NEW.account_key, NEW.amount_usd, estimated_part, 1)
        ON CONFLICT (team_id, day, provider, account_key) DO UPDATE SET amount_usd = a.amount_usd + excluded.amount_usd,
            estimated_usd = a.estimated_usd + excluded.estimated_usd, generations = a.generations + 1;
    END IF;
    RETURN NULL;
END;
$$;

INSERT INTO spend_monthly (team_id, month, campaign_id, user_id, api_key_id, provider, account_key, model_id, amount_usd, estimated_usd, generations)
SELECT team_id, date_trunc('month', day)::date, campaign_id, user_id, api_key_id, provider, account_key, model_id,
       sum(amount_usd), sum(estimated_usd), sum(generations)
FROM spend_daily GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO spend_daily_accounts (team_id, day, provider, account_key, amount_usd, estimated_usd, generations)
SELECT team_id, day, provider, account_key, sum(amount_usd), sum(estimated_usd), sum(generations)
FROM spend_daily GROUP BY 1, 2, 3, 4;
