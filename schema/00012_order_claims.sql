-- What names an order request, so the same request twice is the same order
-- and a different request under the same name is refused: a customer's
-- client_ref, or a user's Idempotency-Key. The body's hash tells the two
-- apart. Replaces order_refs (client_ref only, without the body).

-- +goose Up
CREATE TABLE order_claims (
    kind          text NOT NULL CHECK (kind IN ('client_ref', 'idempotency_key')),
    scope         text NOT NULL,  -- the customer (client_ref) or the user (Idempotency-Key)
    key           text NOT NULL,
    request_hash  text NOT NULL DEFAULT '',  -- '' for claims from before: taken as the same request
    order_no      text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, scope, key)
);
CREATE INDEX order_claims_order_no ON order_claims (order_no);
INSERT INTO order_claims (kind, scope, key, order_no, created_at)
    SELECT 'client_ref', customer_id, client_ref, order_no, created_at FROM order_refs;
DROP TABLE order_refs;

-- +goose Down
CREATE TABLE order_refs (
    customer_id  text NOT NULL REFERENCES customers (id),
    client_ref   text NOT NULL,
    order_no     text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, client_ref)
);
INSERT INTO order_refs (customer_id, client_ref, order_no, created_at)
    SELECT scope, key, order_no, created_at FROM order_claims WHERE kind = 'client_ref';
DROP TABLE order_claims;
