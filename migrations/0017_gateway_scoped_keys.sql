-- Scoped API keys (issue 12): a key may carry its own budget over a UTC period, an allow-list of
-- models, a default campaign for gateway calls, and a rate limit per minute.
ALTER TABLE api_keys
    ADD COLUMN budget_usd            numeric(18,6) CHECK (budget_usd >= 0),
    ADD COLUMN budget_period         text NOT NULL DEFAULT 'none' CHECK (budget_period IN ('none', 'day', 'week', 'month')),
    ADD COLUMN allowed_models        text[],
    ADD COLUMN default_campaign_id   uuid REFERENCES campaigns (id) ON DELETE SET NULL,
    ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute BETWEEN 1 AND 100000);

-- Where a generation came from (the Segmind-compatible gateway or the API/dashboard), and the
-- time it was charged to its key: the key's period usage sums reserved + cost over the rows
-- charged since the period began (times from the app's clock, so tests can set them).
ALTER TABLE generations
    ADD COLUMN source        text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'gateway')),
    ADD COLUMN key_charged_at timestamptz;
CREATE INDEX generations_key_usage_idx ON generations (api_key_id, key_charged_at) WHERE api_key_id IS NOT NULL;

-- Calls per key per minute (fixed windows), shared by every replica.
CREATE TABLE api_key_rate_windows (
    api_key_id   uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    calls        integer NOT NULL,
    PRIMARY KEY (api_key_id, window_start)
);
