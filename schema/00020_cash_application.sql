-- Cash application (回款, issue 16): a customer's bank transfers, recorded
-- once per bank account and bank reference for ever, applied to invoices of
-- any of the customer's orders; what is not applied is the customer's
-- unapplied cash, kept in customer_credit (keyed, so nothing counts twice).

-- +goose Up
CREATE TABLE bank_receipts (
    id             bigserial PRIMARY KEY,
    customer_id    text NOT NULL REFERENCES customers (id),
    bank_account   text NOT NULL,
    reference      text NOT NULL,
    value_date     date NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    currency       char(3) NOT NULL,
    payer_name     text NOT NULL DEFAULT '',
    payer_account  text NOT NULL DEFAULT '',
    remittance     text NOT NULL DEFAULT '',
    source         text NOT NULL,
    status         text NOT NULL DEFAULT 'applying' CHECK (status IN ('applying', 'applied')),
    unapplied_fen  bigint NOT NULL DEFAULT 0 CHECK (unapplied_fen >= 0),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    UNIQUE (bank_account, reference)
);
CREATE INDEX bank_receipts_customer_idx ON bank_receipts (customer_id, value_date DESC);

-- Money applied to one invoice: a share of a receipt or of unapplied cash.
CREATE TABLE cash_applications (
    key          text PRIMARY KEY,
    receipt_id   bigint REFERENCES bank_receipts (id),
    customer_id  text NOT NULL REFERENCES customers (id),
    order_no     text NOT NULL,
    invoice_no   text NOT NULL,
    amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
    currency     char(3) NOT NULL,
    value_date   date NOT NULL,
    applied_at   timestamptz NOT NULL,
    applied_by   text NOT NULL
);
CREATE INDEX cash_applications_customer_idx ON cash_applications (customer_id, value_date);
CREATE INDEX cash_applications_invoice_idx ON cash_applications (invoice_no);
CREATE INDEX cash_applications_receipt_idx ON cash_applications (receipt_id);

-- Unapplied cash applied later to named invoices: the amount is reserved in
-- customer_credit when Finance asks (unapplied/<id>, negative), what the
-- invoices did not take comes back once applied (unapplied/<id>/returned).
CREATE TABLE unapplied_applications (
    id            bigserial PRIMARY KEY,
    customer_id   text NOT NULL REFERENCES customers (id),
    amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
    currency      char(3) NOT NULL,
    invoice_nos   text[] NOT NULL,
    value_date    date NOT NULL,
    status        text NOT NULL DEFAULT 'applying' CHECK (status IN ('applying', 'applied')),
    applied_fen   bigint NOT NULL DEFAULT 0 CHECK (applied_fen >= 0 AND applied_fen <= amount_fen),
    requested_by  text NOT NULL,
    requested_at  timestamptz NOT NULL
);
CREATE INDEX unapplied_applications_customer_idx ON unapplied_applications (customer_id, requested_at DESC);

-- Refunds of unapplied cash: reserved in customer_credit when requested
-- (refund/<id>, negative), given back when rejected (refund/<id>/rejected).
CREATE TABLE refunds (
    id              bigserial PRIMARY KEY,
    customer_id     text NOT NULL REFERENCES customers (id),
    amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
    currency        char(3) NOT NULL,
    bank_account    text NOT NULL,
    reason          text NOT NULL,
    status          text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'refunded', 'rejected')),
    needs_decision  boolean NOT NULL,
    escalation_level integer NOT NULL DEFAULT 0,
    requested_by    text NOT NULL,
    requested_at    timestamptz NOT NULL,
    decided_by      text NOT NULL DEFAULT '',
    decided_at      timestamptz,
    decision_note   text NOT NULL DEFAULT ''
);
CREATE INDEX refunds_customer_idx ON refunds (customer_id, requested_at DESC);
CREATE INDEX refunds_waiting_idx ON refunds (requested_at) WHERE status = 'requested';
CREATE INDEX bank_receipts_applying_idx ON bank_receipts (recorded_at) WHERE status = 'applying';
CREATE INDEX customer_credit_customer_at_idx ON customer_credit (customer_id, at DESC);

-- +goose Down
DROP INDEX customer_credit_customer_at_idx;
DROP TABLE refunds;
DROP TABLE unapplied_applications;
DROP TABLE cash_applications;
DROP TABLE bank_receipts;
