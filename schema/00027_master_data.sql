-- Master data kept by people (issue 17): users who are active or not and the
-- markets they cover besides their own; each customer's shipment information
-- (客户储运信息维护表) with the versions kept per month; price lists and
-- customer prices with effective dates, and the price changes waiting for the
-- SLT; the history of a customer's KAM; and the audit trail of every change.

-- +goose Up
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;

-- The markets a user covers besides users.market, their own.
CREATE TABLE user_markets (
    user_id  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    market   text NOT NULL REFERENCES markets (code),
    PRIMARY KEY (user_id, market)
);

-- A deactivated user gets no token and no console session: deactivating
-- revokes what they had in the same transaction, this refuses new ones.
-- +goose StatementBegin
CREATE FUNCTION refuse_inactive_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND NOT active) THEN
        RAISE EXCEPTION 'user % is deactivated', NEW.user_id USING ERRCODE = '23514', CONSTRAINT = 'user_active';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER api_tokens_user_active BEFORE INSERT ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION refuse_inactive_user();
CREATE TRIGGER console_sessions_user_active BEFORE INSERT ON console_sessions
    FOR EACH ROW EXECUTE FUNCTION refuse_inactive_user();

-- A customer's ship-to addresses; one is the default (customers.ship_to
-- holds its address, as before, for the documents and reports).
CREATE TABLE customer_ship_to (
    customer_id      text NOT NULL REFERENCES customers (id),
    code             text NOT NULL CHECK (code <> ''),
    address          text NOT NULL CHECK (address <> ''),
    consignee        text NOT NULL DEFAULT '',
    phone            text NOT NULL DEFAULT '',
    unloading_notes  text NOT NULL DEFAULT '',
    carrier          text NOT NULL DEFAULT '',
    is_default       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (customer_id, code)
);
CREATE UNIQUE INDEX customer_ship_to_one_default ON customer_ship_to (customer_id) WHERE is_default;
INSERT INTO customer_ship_to (customer_id, code, address, is_default)
SELECT id, '1', ship_to, true FROM customers WHERE ship_to <> '';

-- The shipment information as it was when a month's version was kept.
CREATE TABLE shipment_info_versions (
    month      text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    kept_at    timestamptz NOT NULL,
    kept_by    text NOT NULL,
    addresses  integer NOT NULL DEFAULT 0
);
CREATE TABLE shipment_info_month_rows (
    month            text NOT NULL REFERENCES shipment_info_versions (month) ON DELETE CASCADE,
    customer_id      text NOT NULL,
    code             text NOT NULL,
    address          text NOT NULL,
    consignee        text NOT NULL,
    phone            text NOT NULL,
    unloading_notes  text NOT NULL,
    carrier          text NOT NULL,
    is_default       boolean NOT NULL,
    PRIMARY KEY (month, customer_id, code)
);

-- Price lists: the price in force on a day is the entry with the latest
-- effective_from on or before it, unless it ended; a customer's own price
-- in force beats it; with neither, skus.list_price_fen.
CREATE TABLE price_list_entries (
    sku             text NOT NULL REFERENCES skus (code),
    effective_from  date NOT NULL,
    effective_to    date CHECK (effective_to >= effective_from),
    price_fen       bigint NOT NULL CHECK (price_fen > 0),
    currency        char(3) NOT NULL DEFAULT 'CNY',
    PRIMARY KEY (sku, effective_from)
);
CREATE TABLE customer_prices (
    customer_id     text NOT NULL REFERENCES customers (id),
    sku             text NOT NULL REFERENCES skus (code),
    effective_from  date NOT NULL,
    effective_to    date CHECK (effective_to >= effective_from),
    price_fen       bigint NOT NULL CHECK (price_fen > 0),
    currency        char(3) NOT NULL DEFAULT 'CNY',
    PRIMARY KEY (customer_id, sku, effective_from)
);

-- A price lower than the one in force by more than the discount authority
-- waits here for an SLT member other than its maker.
CREATE TABLE price_changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id     text NOT NULL DEFAULT '', -- '' = the price list
    sku             text NOT NULL REFERENCES skus (code),
    effective_from  date NOT NULL,
    effective_to    date CHECK (effective_to >= effective_from),
    price_fen       bigint NOT NULL CHECK (price_fen > 0),
    currency        char(3) NOT NULL DEFAULT 'CNY',
    in_force_fen    bigint NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by    text NOT NULL,
    requested_at    timestamptz NOT NULL,
    decided_by      text NOT NULL DEFAULT '',
    decided_at      timestamptz,
    reason          text NOT NULL DEFAULT '',
    CHECK (status = 'pending' OR decided_at IS NOT NULL)
);
CREATE INDEX price_changes_pending_idx ON price_changes (requested_at) WHERE status = 'pending';

-- Who was a customer's KAM before: one row per change.
CREATE TABLE customer_kam_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change_id    text NOT NULL UNIQUE,
    customer_id  text NOT NULL REFERENCES customers (id),
    from_kam     text NOT NULL,
    to_kam       text NOT NULL,
    reason       text NOT NULL DEFAULT '',
    changed_by   text NOT NULL,
    changed_at   timestamptz NOT NULL
);
CREATE INDEX customer_kam_history_customer_idx ON customer_kam_history (customer_id, id DESC);

-- The audit trail: every change to master data, written in the
-- transaction of the change.
CREATE TABLE audit_log (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity   text NOT NULL,
    key      text NOT NULL,
    action   text NOT NULL,
    actor    text NOT NULL,
    at       timestamptz NOT NULL,
    before   jsonb,
    after    jsonb
);
CREATE INDEX audit_log_record_idx ON audit_log (entity, key, id DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE customer_kam_history;
DROP TABLE price_changes;
DROP TABLE customer_prices;
DROP TABLE price_list_entries;
DROP TABLE shipment_info_month_rows;
DROP TABLE shipment_info_versions;
DROP TABLE customer_ship_to;
DROP TRIGGER console_sessions_user_active ON console_sessions;
DROP TRIGGER api_tokens_user_active ON api_tokens;
DROP FUNCTION refuse_inactive_user();
DROP TABLE user_markets;
ALTER TABLE users DROP COLUMN active;
