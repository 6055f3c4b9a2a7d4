-- OP4 reserves the amount of an order that passes the credit check, under a
-- per-customer lock and in the check's transaction, so that a second order of
-- the customer checked at the same time counts it. A reservation stops
-- counting once the order's own row is in orders (its unbilled amount counts
-- then), or after a day if that row never comes.

-- +goose Up
CREATE TABLE credit_reservations (
    order_no     text PRIMARY KEY,
    customer_id  text NOT NULL REFERENCES customers (id),
    amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
    reserved_at  timestamptz NOT NULL
);
CREATE INDEX credit_reservations_customer_idx ON credit_reservations (customer_id);

-- +goose Down
DROP TABLE credit_reservations;
