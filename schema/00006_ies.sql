-- The information system (IES): the OSB problem log numbered per month, sales
-- targets, the SLT's monthly focus, stored meeting packs, and the indexes the
-- reports read through.

-- +goose Up
-- One row per month: the last problem number given. It is incremented in the
-- transaction that files the problem, so numbers have no gaps and two filings
-- never get the same one.
CREATE TABLE problem_counters (
    month  text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    last   integer NOT NULL CHECK (last >= 0)
);

CREATE TABLE problems (
    id           bigserial PRIMARY KEY,
    number       text NOT NULL UNIQUE,
    month        text NOT NULL REFERENCES problem_counters (month),
    seq          integer NOT NULL CHECK (seq > 0),
    department   text NOT NULL CHECK (department IN ('sales', 'finance', 'logistics')),
    source       text NOT NULL CHECK (source IN ('escalation', 'dispute', 'stuck_step', 'manual')),
    title        text NOT NULL CHECK (title <> ''),
    detail       text NOT NULL DEFAULT '',
    order_no     text REFERENCES orders (order_no),
    customer_id  text REFERENCES customers (id),
    invoice_no   text,
    step         text,
    level        integer NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 5),
    owner        text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved')),
    resolution   text NOT NULL DEFAULT '',
    -- what an automatic filing is about (order/kind/ref); NULL for people's
    dedupe_key   text UNIQUE,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    resolved_at  timestamptz,
    resolved_by  text NOT NULL DEFAULT '',
    UNIQUE (month, seq),
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CHECK (status <> 'resolved' OR resolution <> '')
);
CREATE INDEX problems_open_idx ON problems (department, created_at) WHERE status <> 'resolved';
CREATE INDEX problems_order_open_idx ON problems (order_no) WHERE status <> 'resolved';
CREATE INDEX problems_resolved_idx ON problems (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX problems_created_idx ON problems (created_at);
CREATE INDEX problems_customer_idx ON problems (customer_id, created_at DESC);

-- Monthly sales and collections targets of markets and of the FSF.
CREATE TABLE sales_targets (
    month            text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    dimension        text NOT NULL CHECK (dimension IN ('market', 'mm', 'um', 'kam')),
    key              text NOT NULL CHECK (key <> ''),
    currency         char(3) NOT NULL DEFAULT 'CNY',
    sales_fen        bigint NOT NULL CHECK (sales_fen >= 0),
    collections_fen  bigint NOT NULL CHECK (collections_fen >= 0),
    set_by           text NOT NULL,
    set_at           timestamptz NOT NULL,
    PRIMARY KEY (month, dimension, key)
);

-- The SLT's focus for a month: rank 1 is the main item, 2 and 3 secondary.
CREATE TABLE focus_items (
    month   text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    rank    smallint NOT NULL CHECK (rank BETWEEN 1 AND 3),
    text    text NOT NULL CHECK (text <> ''),
    set_by  text NOT NULL,
    set_at  timestamptz NOT NULL,
    PRIMARY KEY (month, rank)
);

-- One meeting pack per kind and month: generating it again replaces it.
CREATE TABLE meeting_packs (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('slt', 'ssg')),
    month         text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    generated_at  timestamptz NOT NULL,
    workflow_id   text NOT NULL DEFAULT '',
    run_id        text NOT NULL DEFAULT '',
    content       jsonb NOT NULL,
    xlsx          bytea NOT NULL,
    UNIQUE (kind, month)
);

-- What the reports read by period: invoices and receipts by date, shipments
-- by date, payments made after an as-of date, open orders by customer, and
-- the few cancelled or rejected orders every report leaves out.
CREATE INDEX invoices_issued_idx ON invoices (issued_at);
CREATE INDEX invoices_customer_issued_idx ON invoices (customer_id, issued_at);
CREATE INDEX invoices_paid_idx ON invoices (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX receipts_received_idx ON receipts (received_at);
CREATE INDEX receipts_customer_received_idx ON receipts (customer_id, received_at);
CREATE INDEX shipments_issued_idx ON shipments (issued_at);
CREATE INDEX orders_open_customer_idx ON orders (customer_id) WHERE closed_at IS NULL;
CREATE INDEX orders_void_idx ON orders (order_no) WHERE status IN ('cancelled', 'rejected');

-- +goose Down
DROP INDEX orders_void_idx;
DROP INDEX orders_open_customer_idx;
DROP INDEX shipments_issued_idx;
DROP INDEX receipts_customer_received_idx;
DROP INDEX receipts_received_idx;
DROP INDEX invoices_paid_idx;
DROP INDEX invoices_customer_issued_idx;
DROP INDEX invoices_issued_idx;
DROP TABLE meeting_packs;
DROP TABLE focus_items;
DROP TABLE sales_targets;
DROP TABLE problems;
DROP TABLE problem_counters;
