-- Credit management (CMR): quarterly reviews, every change of a customer's
-- limit or rating with its inputs, manual adjustments (maker–checker), and
-- who froze a customer, so that paying lifts only a dunning freeze.

-- +goose Up
ALTER TABLE customers
    ADD COLUMN credit_base_fen bigint CHECK (credit_base_fen >= 0),
    ADD COLUMN frozen_by text NOT NULL DEFAULT ''
        CHECK (frozen_by IN ('', 'dunning', 'slt', 'master_data')),
    ADD COLUMN frozen_level integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN customers.credit_base_fen IS 'limit before manual adjustments; NULL until the first review or adjustment (then credit_limit_fen is the base)';
COMMENT ON COLUMN customers.frozen_level IS 'dunning rung of the open invoices when the dunning ladder froze the customer';
UPDATE customers SET frozen_by = CASE WHEN frozen_reason = 'frozen in the organisation data' THEN 'master_data' ELSE 'dunning' END
WHERE frozen;

CREATE TABLE credit_reviews (
    id              text PRIMARY KEY, -- the workflow id
    quarter         text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
    as_of           timestamptz NOT NULL,
    started_by      text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    customers_done  integer NOT NULL DEFAULT 0 CHECK (customers_done >= 0),
    changed         integer NOT NULL DEFAULT 0 CHECK (changed >= 0),
    last_customer   text NOT NULL DEFAULT ''
);
CREATE INDEX credit_reviews_quarter_idx ON credit_reviews (quarter);
CREATE INDEX credit_reviews_started_idx ON credit_reviews (started_at DESC);

CREATE SEQUENCE credit_adjustment_seq;

CREATE TABLE credit_adjustments (
    id                text PRIMARY KEY, -- CA-2026-000001
    customer_id       text NOT NULL REFERENCES customers (id),
    amount_fen        bigint NOT NULL CHECK (amount_fen <> 0),
    currency          char(3) NOT NULL DEFAULT 'CNY',
    reason            text NOT NULL CHECK (reason <> ''),
    proposed_by       text NOT NULL,
    proposed_at       timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL CHECK (expires_at > proposed_at),
    status            text NOT NULL DEFAULT 'proposed'
                          CHECK (status IN ('proposed', 'approved', 'rejected', 'expired')),
    escalation_level  integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 5),
    decided_by        text,
    decided_at        timestamptz,
    decision_note     text NOT NULL DEFAULT '',
    ended_at          timestamptz,
    -- maker–checker: nobody decides their own proposal
    CHECK (decided_by IS NULL OR decided_by <> proposed_by),
    CHECK ((status IN ('approved', 'rejected')) <= (decided_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK ((status = 'proposed') <= (decided_by IS NULL AND ended_at IS NULL))
);
CREATE INDEX credit_adjustments_customer_idx ON credit_adjustments (customer_id, status);
CREATE INDEX credit_adjustments_status_idx ON credit_adjustments (status, proposed_at DESC);

-- One row per change of a customer's limit, rating or freeze; the dedupe key
-- (review/<review>/<customer>, adjustment/<id>/approved, …) makes every
-- write idempotent.
CREATE TABLE credit_history (
    id             bigserial PRIMARY KEY,
    dedupe_key     text NOT NULL UNIQUE,
    customer_id    text NOT NULL REFERENCES customers (id),
    kind           text NOT NULL CHECK (kind IN ('review', 'adjustment', 'adjustment_expired', 'freeze', 'unfreeze')),
    review_id      text REFERENCES credit_reviews (id),
    adjustment_id  text REFERENCES credit_adjustments (id),
    old_rating     text NOT NULL,
    new_rating     text NOT NULL,
    old_limit_fen  bigint NOT NULL,
    new_limit_fen  bigint NOT NULL,
    inputs         jsonb NOT NULL DEFAULT '{}',
    note           text NOT NULL DEFAULT '',
    actor          text NOT NULL,
    at             timestamptz NOT NULL,
    CHECK ((kind = 'review') = (review_id IS NOT NULL)),
    CHECK ((kind IN ('adjustment', 'adjustment_expired')) = (adjustment_id IS NOT NULL))
);
CREATE INDEX credit_history_customer_idx ON credit_history (customer_id, at DESC, id DESC);
CREATE INDEX credit_history_review_idx ON credit_history (review_id) WHERE review_id IS NOT NULL;

-- +goose Down
DROP TABLE credit_history;
DROP TABLE credit_adjustments;
DROP SEQUENCE credit_adjustment_seq;
DROP TABLE credit_reviews;
ALTER TABLE customers DROP COLUMN frozen_level, DROP COLUMN frozen_by, DROP COLUMN credit_base_fen;
