-- Access: bearer tokens have an id (to be listed and revoked by), expire and
-- record their last use; the demo's users are marked, so a demo load never
-- writes over a real user; and a database can be marked as production.
--
-- Tokens issued before this migration expire 90 days after it. A user is a
-- demo user when it holds its public demo token ('demo-' || id, see
-- demo.Tokens): only the demo ever saved those.

-- +goose Up
ALTER TABLE api_tokens
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN last_used_at timestamptz;
UPDATE api_tokens SET expires_at = greatest(now(), created_at) + interval '90 days';
ALTER TABLE api_tokens
    ALTER COLUMN expires_at SET NOT NULL,
    ADD CONSTRAINT api_tokens_expire_after_creation CHECK (expires_at > created_at);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

ALTER TABLE users ADD COLUMN demo boolean NOT NULL DEFAULT false;
UPDATE users u SET demo = true
WHERE EXISTS (SELECT 1 FROM api_tokens t
              WHERE t.user_id = u.id AND t.token_hash = sha256(convert_to('demo-' || u.id, 'UTF8')));

-- Settings of the database itself; 'environment' = 'production' marks a
-- production database (osb mark-production).
CREATE TABLE osb_settings (
    key     text PRIMARY KEY,
    value   text NOT NULL,
    set_by  text NOT NULL DEFAULT '',
    set_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (key <> 'environment' OR value IN ('development', 'production'))
);

-- +goose Down
DROP TABLE osb_settings;
ALTER TABLE users DROP COLUMN demo;
DROP INDEX api_tokens_user_idx;
ALTER TABLE api_tokens
    DROP CONSTRAINT api_tokens_expire_after_creation,
    DROP COLUMN last_used_at,
    DROP COLUMN expires_at,
    DROP COLUMN id;
