-- An order whose writes to the store keep failing files a problem once
-- (source store_behind): its record is behind its workflow until a write
-- passes, and then the problem is resolved by itself.

-- +goose Up
ALTER TABLE problems DROP CONSTRAINT problems_source_check;
ALTER TABLE problems ADD CONSTRAINT problems_source_check
    CHECK (source IN ('escalation', 'dispute', 'stuck_step', 'manual', 'store_behind'));

-- +goose Down
DELETE FROM problems WHERE source = 'store_behind';
ALTER TABLE problems DROP CONSTRAINT problems_source_check;
ALTER TABLE problems ADD CONSTRAINT problems_source_check
    CHECK (source IN ('escalation', 'dispute', 'stuck_step', 'manual'));
