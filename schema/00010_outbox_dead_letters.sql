-- A notification the webhook keeps refusing is not tried for ever: after the
-- dispatcher's maximum number of attempts it becomes a dead letter (dead_at),
-- leaves the pending outbox and waits for Finance, SSG or admin to list it and
-- send it back (attempts start again from zero).

-- +goose Up
ALTER TABLE notifications ADD COLUMN dead_at timestamptz;
ALTER TABLE notifications ADD CONSTRAINT notifications_dead_undelivered
    CHECK (dead_at IS NULL OR delivered_at IS NULL);
DROP INDEX notifications_pending_idx;
CREATE INDEX notifications_pending_idx ON notifications (next_attempt_at)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX notifications_dead_idx ON notifications (dead_at DESC, id DESC) WHERE dead_at IS NOT NULL;

-- +goose Down
DROP INDEX notifications_dead_idx;
DROP INDEX notifications_pending_idx;
CREATE INDEX notifications_pending_idx ON notifications (next_attempt_at) WHERE delivered_at IS NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_dead_undelivered;
ALTER TABLE notifications DROP COLUMN dead_at;
