-- What a generation's paid POST carried, as canonical JSON (keys sorted; long strings such as
-- base64 images replaced by "sha256:<hex>"), written with post_started_at when the POST leaves.
-- Together they let the provider's request history settle a submit_unknown: the same model
-- and body, recorded around that moment. NULL for jobs posted before this column existed.
ALTER TABLE generations ADD COLUMN sent_request_body jsonb;
