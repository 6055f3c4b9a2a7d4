-- Quota (配额), POP material (助销物料) and returns (退货).
--
-- Quota: per period (a month, Beijing time) and quota-controlled SKU, allocated
-- to markets and then to customers; the customers of a market never hold more
-- than the market (checked by the store under a lock of the market's row).
-- Orders consume at OP6 and give back on cancel, rejection and return: a
-- keyed ledger, so writing a move twice counts it once.
--
-- POP: items with a unit cost, a budget per market and month, and a keyed
-- usage ledger (orders at OP6, stand-alone requests at once; releases
-- negative).
--
-- Returns and credit notes: the projection of what the order workflows
-- decided, written with the order's changes.

-- +goose Up
CREATE TABLE quota_markets (
    period      text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    sku         text NOT NULL REFERENCES skus (code),
    market      text NOT NULL REFERENCES markets (code),
    quantity    bigint NOT NULL CHECK (quantity >= 0),
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (period, sku, market)
);

CREATE TABLE quota_customers (
    period       text NOT NULL,
    sku          text NOT NULL,
    customer_id  text NOT NULL REFERENCES customers (id),
    market       text NOT NULL,
    quantity     bigint NOT NULL CHECK (quantity >= 0),
    updated_by   text NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (period, sku, customer_id),
    FOREIGN KEY (period, sku, market) REFERENCES quota_markets (period, sku, market)
);
CREATE INDEX quota_customers_market_idx ON quota_customers (period, sku, market);

CREATE TABLE quota_moves (
    move_key     text PRIMARY KEY, -- order/line/why
    period       text NOT NULL,
    sku          text NOT NULL,
    customer_id  text NOT NULL,
    order_no     text NOT NULL,
    line_no      integer NOT NULL,
    quantity     bigint NOT NULL CHECK (quantity <> 0), -- consumed > 0, given back < 0
    at           timestamptz NOT NULL
);
CREATE INDEX quota_moves_customer_idx ON quota_moves (period, sku, customer_id);
CREATE INDEX quota_moves_line_idx ON quota_moves (order_no, line_no);

CREATE TABLE pop_items (
    code           text PRIMARY KEY,
    name           text NOT NULL,
    unit           text NOT NULL,
    unit_cost_fen  bigint NOT NULL CHECK (unit_cost_fen > 0),
    currency       char(3) NOT NULL DEFAULT 'CNY',
    active         boolean NOT NULL DEFAULT true
);

CREATE TABLE pop_budgets (
    month       text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    market      text NOT NULL REFERENCES markets (code),
    budget_fen  bigint NOT NULL CHECK (budget_fen >= 0),
    currency    char(3) NOT NULL DEFAULT 'CNY',
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (month, market)
);

CREATE SEQUENCE pop_request_seq;

-- Stand-alone POP requests; material ordered with goods is on its order.
CREATE TABLE pop_requests (
    request_no    text PRIMARY KEY, -- PR-2026-000001
    month         text NOT NULL,
    market        text NOT NULL,
    customer_id   text NOT NULL REFERENCES customers (id),
    items         jsonb NOT NULL,
    cost_fen      bigint NOT NULL CHECK (cost_fen >= 0),
    note          text NOT NULL DEFAULT '',
    requested_by  text NOT NULL,
    requested_at  timestamptz NOT NULL
);

CREATE TABLE pop_usage (
    usage_key    text PRIMARY KEY,
    month        text NOT NULL,
    market       text NOT NULL,
    customer_id  text NOT NULL REFERENCES customers (id),
    order_no     text NOT NULL DEFAULT '',
    request_no   text NOT NULL DEFAULT '',
    item         text NOT NULL REFERENCES pop_items (code),
    quantity     bigint NOT NULL,
    cost_fen     bigint NOT NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX pop_usage_budget_idx ON pop_usage (month, market);
CREATE INDEX pop_usage_customer_idx ON pop_usage (customer_id, month);
CREATE INDEX pop_usage_order_idx ON pop_usage (order_no) WHERE order_no <> '';

-- POP material shipped with the goods (shown on the shipment, never billed).
ALTER TABLE shipments ADD COLUMN pop jsonb NOT NULL DEFAULT '[]';

CREATE TABLE returns (
    return_no         text PRIMARY KEY, -- RT-2026-000042-1
    order_no          text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    customer_id       text NOT NULL,
    source            text NOT NULL CHECK (source IN ('request', 'shortage')),
    shipment_no       text NOT NULL DEFAULT '', -- the shipment found short
    reason            text NOT NULL,
    status            text NOT NULL CHECK (status IN ('requested', 'approved', 'received', 'rejected')),
    lines             jsonb NOT NULL,
    value_fen         bigint NOT NULL CHECK (value_fen >= 0),
    approver_level    integer NOT NULL,
    escalation_level  integer NOT NULL DEFAULT 0,
    requested_by      text NOT NULL,
    requested_at      timestamptz NOT NULL,
    decided_by        text NOT NULL DEFAULT '',
    decided_at        timestamptz,
    decision_note     text NOT NULL DEFAULT '',
    received          jsonb NOT NULL DEFAULT '[]',
    received_by       text NOT NULL DEFAULT '',
    received_at       timestamptz,
    credit_note_no    text NOT NULL DEFAULT '',
    updated_at        timestamptz NOT NULL
);
CREATE INDEX returns_order_idx ON returns (order_no);
CREATE INDEX returns_open_idx ON returns (status) WHERE status IN ('requested', 'approved');

CREATE TABLE credit_notes (
    credit_note_no  text PRIMARY KEY, -- CN-2026-000042-1
    order_no        text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    return_no       text NOT NULL REFERENCES returns (return_no),
    customer_id     text NOT NULL,
    currency        char(3) NOT NULL,
    lines           jsonb NOT NULL,
    amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
    refund_fen      bigint NOT NULL CHECK (refund_fen >= 0 AND refund_fen <= amount_fen),
    allocations     jsonb NOT NULL,
    issued_at       timestamptz NOT NULL
);
CREATE INDEX credit_notes_customer_idx ON credit_notes (customer_id, issued_at);
CREATE INDEX credit_notes_order_idx ON credit_notes (order_no);

-- +goose Down
DROP TABLE credit_notes;
DROP TABLE returns;
ALTER TABLE shipments DROP COLUMN pop;
DROP TABLE pop_usage;
DROP TABLE pop_requests;
DROP SEQUENCE pop_request_seq;
DROP TABLE pop_budgets;
DROP TABLE pop_items;
DROP TABLE quota_moves;
DROP TABLE quota_customers;
DROP TABLE quota_markets;
