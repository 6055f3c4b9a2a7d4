-- Escalations of credit adjustments: a proposal that waits too long for the
-- SLT climbs its decision ladder like a held order, and each rung it reaches
-- is an escalation of its own, listed beside the orders' (/v1/escalations).
-- An escalation is of an order or of an adjustment.

-- +goose Up
ALTER TABLE escalations ALTER COLUMN order_no DROP NOT NULL;
ALTER TABLE escalations ADD COLUMN adjustment_id text REFERENCES credit_adjustments (id) ON DELETE CASCADE;
ALTER TABLE escalations ADD CONSTRAINT escalations_subject_check
    CHECK ((order_no IS NULL) <> (adjustment_id IS NULL));
CREATE INDEX escalations_adjustment_idx ON escalations (adjustment_id, at) WHERE adjustment_id IS NOT NULL;

-- +goose Down
DELETE FROM escalations WHERE order_no IS NULL;
DROP INDEX escalations_adjustment_idx;
ALTER TABLE escalations DROP CONSTRAINT escalations_subject_check;
ALTER TABLE escalations DROP COLUMN adjustment_id;
ALTER TABLE escalations ALTER COLUMN order_no SET NOT NULL;
