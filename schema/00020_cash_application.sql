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

-- +goose Down
DROP TABLE cash_applications;
DROP TABLE bank_receipts;
