-- Bank statement import (issue 16): the statement files Finance uploads,
-- once each (by the file's SHA-256), and their lines. A matched line is
-- applied as a bank receipt by a workflow; the others wait in the queue
-- until Finance assigns or rejects them. A bank transaction (our account and
-- the bank's reference) is a live line at most once, whatever the files it
-- comes in: a line seen before is kept as a duplicate.

-- +goose Up
CREATE TABLE statement_imports (
    id             bigserial PRIMARY KEY,
    sha256         text NOT NULL UNIQUE,
    bank_account   text NOT NULL,
    file_name      text NOT NULL,
    uploaded_by    text NOT NULL,
    uploaded_role  text NOT NULL,
    uploaded_at    timestamptz NOT NULL,
    line_count     integer NOT NULL CHECK (line_count >= 0)
);
CREATE INDEX statement_imports_uploaded_idx ON statement_imports (uploaded_at DESC);

CREATE TABLE statement_lines (
    id             bigserial PRIMARY KEY,
    import_id      bigint NOT NULL REFERENCES statement_imports (id),
    line_no        integer NOT NULL CHECK (line_no > 0),
    bank_account   text NOT NULL,
    value_date     date NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    currency       char(3) NOT NULL,
    payer_name     text NOT NULL DEFAULT '',
    payer_account  text NOT NULL DEFAULT '',
    remittance     text NOT NULL DEFAULT '',
    reference      text NOT NULL,
    status         text NOT NULL CHECK (status IN ('matched', 'applied', 'queued', 'assigned', 'rejected', 'duplicate', 'skipped')),
    matched_by     text NOT NULL DEFAULT '' CHECK (matched_by IN ('', 'account', 'name', 'reference')),
    customer_id    text REFERENCES customers (id),
    invoice_nos    text[] NOT NULL DEFAULT '{}',
    receipt_id     bigint REFERENCES bank_receipts (id),
    note           text NOT NULL DEFAULT '',
    decided_by     text NOT NULL DEFAULT '',
    decided_at     timestamptz,
    UNIQUE (import_id, line_no),
    CHECK (status NOT IN ('applied', 'assigned') OR receipt_id IS NOT NULL),
    CHECK (status NOT IN ('matched', 'assigned') OR customer_id IS NOT NULL)
);
CREATE UNIQUE INDEX statement_lines_live_idx ON statement_lines (bank_account, reference) WHERE status NOT IN ('duplicate', 'skipped');
CREATE INDEX statement_lines_status_idx ON statement_lines (status, import_id, line_no);
CREATE INDEX statement_lines_payer_idx ON statement_lines (customer_id) WHERE status = 'assigned';

-- A statement's transactions are looked up among the receipts by reference,
-- our account compared by its letters and digits however it was typed.
CREATE INDEX bank_receipts_reference_idx ON bank_receipts (reference);

-- +goose Down
DROP INDEX bank_receipts_reference_idx;
DROP TABLE statement_lines;
DROP TABLE statement_imports;
