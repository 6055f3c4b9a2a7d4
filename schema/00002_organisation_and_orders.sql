-- The organisation, the catalog and every order's projection: the workflow is
-- the truth while an order is open; these tables are what lists and reports read.

-- +goose Up
CREATE TABLE users (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('ssg', 'fsf', 'finance', 'logistics', 'slt', 'admin')),
    title       text NOT NULL,
    market      text,
    manager_id  text REFERENCES users (id),
    email       text NOT NULL DEFAULT ''
);

CREATE TABLE markets (
    code          text PRIMARY KEY,
    name          text NOT NULL,
    mm_id         text REFERENCES users (id),
    slt_owner_id  text REFERENCES users (id)
);

ALTER TABLE users ADD CONSTRAINT users_market_fk FOREIGN KEY (market) REFERENCES markets (code) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE api_tokens (
    token_hash  bytea PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id),
    label       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE customers (
    id                  text PRIMARY KEY,
    name                text NOT NULL,
    market              text NOT NULL REFERENCES markets (code),
    kam_id              text NOT NULL REFERENCES users (id),
    payment_terms_days  integer NOT NULL DEFAULT 30 CHECK (payment_terms_days >= 0),
    active              boolean NOT NULL DEFAULT true,
    frozen              boolean NOT NULL DEFAULT false,
    frozen_reason       text NOT NULL DEFAULT '',
    frozen_at           timestamptz,
    credit_limit_fen    bigint NOT NULL DEFAULT 0 CHECK (credit_limit_fen >= 0),
    rating              text NOT NULL DEFAULT 'C',
    currency            char(3) NOT NULL DEFAULT 'CNY',
    ship_to             text NOT NULL DEFAULT ''
);
CREATE INDEX customers_market_idx ON customers (market);
CREATE INDEX customers_kam_idx ON customers (kam_id);

CREATE TABLE skus (
    code              text PRIMARY KEY,
    name              text NOT NULL,
    unit              text NOT NULL DEFAULT 'case',
    list_price_fen    bigint NOT NULL CHECK (list_price_fen > 0),
    currency          char(3) NOT NULL DEFAULT 'CNY',
    quota_controlled  boolean NOT NULL DEFAULT false,
    active            boolean NOT NULL DEFAULT true
);

CREATE SEQUENCE order_no_seq;

-- A client's order reference is idempotent: the same reference twice is the same order.
CREATE TABLE order_refs (
    customer_id  text NOT NULL REFERENCES customers (id),
    client_ref   text NOT NULL,
    order_no     text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, client_ref)
);

CREATE TABLE orders (
    order_no          text PRIMARY KEY,
    customer_id       text NOT NULL REFERENCES customers (id),
    market            text NOT NULL,
    kam_id            text NOT NULL,
    client_ref        text NOT NULL DEFAULT '',
    currency          char(3) NOT NULL,
    total_fen         bigint NOT NULL CHECK (total_fen >= 0),
    status            text NOT NULL,
    step              text NOT NULL,
    escalation_level  integer NOT NULL DEFAULT 0,
    unbilled_fen      bigint NOT NULL DEFAULT 0,
    outstanding_fen   bigint NOT NULL DEFAULT 0,
    next_deadline     timestamptz,
    requested_date    date,
    hold_reason       text NOT NULL DEFAULT '',
    created_by        text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    closed_at         timestamptz,
    version           bigint NOT NULL DEFAULT 0
);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC);
CREATE INDEX orders_market_status_idx ON orders (market, status);
CREATE INDEX orders_step_idx ON orders (step) WHERE closed_at IS NULL;
CREATE INDEX orders_created_idx ON orders (created_at DESC);

CREATE TABLE order_lines (
    order_no        text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    line_no         integer NOT NULL,
    sku             text NOT NULL REFERENCES skus (code),
    quantity        bigint NOT NULL CHECK (quantity >= 0),
    unit_price_fen  bigint NOT NULL CHECK (unit_price_fen > 0),
    shipped         bigint NOT NULL DEFAULT 0 CHECK (shipped >= 0),
    PRIMARY KEY (order_no, line_no)
);

CREATE TABLE shipments (
    shipment_no    text PRIMARY KEY,
    order_no       text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    customer_id    text NOT NULL,
    carrier        text NOT NULL DEFAULT '',
    waybill        text NOT NULL DEFAULT '',
    lines          jsonb NOT NULL,
    issued_at      timestamptz NOT NULL,
    delivered_at   timestamptz,
    damaged        boolean NOT NULL DEFAULT false,
    shortages      jsonb NOT NULL DEFAULT '[]',
    delivery_note  text NOT NULL DEFAULT ''
);
CREATE INDEX shipments_customer_idx ON shipments (customer_id, issued_at DESC);

CREATE TABLE invoices (
    invoice_no     text PRIMARY KEY,
    order_no       text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    customer_id    text NOT NULL,
    shipment_no    text NOT NULL,
    currency       char(3) NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen >= 0),
    paid_fen       bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    credited_fen   bigint NOT NULL DEFAULT 0 CHECK (credited_fen >= 0),
    issued_at      timestamptz NOT NULL,
    due_at         timestamptz NOT NULL,
    acknowledged   boolean NOT NULL DEFAULT false,
    disputed       boolean NOT NULL DEFAULT false,
    dispute        text NOT NULL DEFAULT '',
    dunning_level  integer NOT NULL DEFAULT 0,
    paid_at        timestamptz,
    CHECK (paid_fen + credited_fen <= amount_fen)
);
CREATE INDEX invoices_customer_open_idx ON invoices (customer_id, due_at) WHERE paid_at IS NULL;

CREATE TABLE receipts (
    order_no      text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    reference     text NOT NULL,
    customer_id   text NOT NULL,
    amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
    currency      char(3) NOT NULL,
    received_at   timestamptz NOT NULL,
    confirmed_by  text NOT NULL,
    allocations   jsonb NOT NULL,
    excess_fen    bigint NOT NULL DEFAULT 0 CHECK (excess_fen >= 0),
    PRIMARY KEY (order_no, reference)
);

-- Customer credit balance: overpayments in, uses out; keyed so nothing counts twice.
CREATE TABLE customer_credit (
    source_key   text PRIMARY KEY,
    customer_id  text NOT NULL REFERENCES customers (id),
    amount_fen   bigint NOT NULL,
    currency     char(3) NOT NULL,
    note         text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL
);
CREATE INDEX customer_credit_customer_idx ON customer_credit (customer_id);

-- One audit event per step and action of an order, in workflow order.
CREATE TABLE order_events (
    order_no  text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    seq       integer NOT NULL,
    at        timestamptz NOT NULL,
    step      text NOT NULL,
    kind      text NOT NULL,
    actor     text NOT NULL,
    detail    jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (order_no, seq)
);

CREATE TABLE escalations (
    id           bigserial PRIMARY KEY,
    dedupe_key   text NOT NULL UNIQUE,
    order_no     text NOT NULL REFERENCES orders (order_no) ON DELETE CASCADE,
    customer_id  text NOT NULL,
    market       text NOT NULL,
    kind         text NOT NULL,
    subject      text NOT NULL,
    level        integer NOT NULL CHECK (level BETWEEN 1 AND 5),
    recipients   text[] NOT NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX escalations_order_idx ON escalations (order_no, at);
CREATE INDEX escalations_at_idx ON escalations (at DESC);

-- The outbox: one notification per recipient, delivered to the webhook at least
-- once with its dedupe key, never created twice for the same event.
CREATE TABLE notifications (
    id               bigserial PRIMARY KEY,
    dedupe_key       text NOT NULL UNIQUE,
    order_no         text,
    recipient_id     text NOT NULL,
    kind             text NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    delivered_at     timestamptz,
    last_error       text NOT NULL DEFAULT ''
);
CREATE INDEX notifications_pending_idx ON notifications (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC);

-- +goose Down
DROP TABLE notifications;
DROP TABLE escalations;
DROP TABLE order_events;
DROP TABLE customer_credit;
DROP TABLE receipts;
DROP TABLE invoices;
DROP TABLE shipments;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE order_refs;
DROP SEQUENCE order_no_seq;
DROP TABLE skus;
DROP TABLE customers;
DROP TABLE api_tokens;
ALTER TABLE users DROP CONSTRAINT users_market_fk;
DROP TABLE markets;
DROP TABLE users;
