-- Indexes for the lookups every order read and list makes (an order's
-- shipments, invoices and notifications; the notifications newest first), and
-- order numbers in their true order past sequence 999,999: as text,
-- SO-2026-1000000 sorts before SO-2026-999999.

-- +goose Up
CREATE INDEX shipments_order_idx ON shipments (order_no);
CREATE INDEX invoices_order_idx ON invoices (order_no);
CREATE INDEX notifications_order_idx ON notifications (order_no, created_at, id);
CREATE INDEX notifications_created_idx ON notifications (created_at, id);

-- order_no_key is the sort key of an order number SO-<year>-<sequence>: by
-- year, then by sequence as a number (the sequence left-padded to 20 digits).
-- Numbers are only ever compared and paged through it.
CREATE FUNCTION order_no_key(order_no text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN left(order_no, 8) || lpad(substr(order_no, 9), 20, '0');
CREATE INDEX orders_no_key_idx ON orders (order_no_key(order_no));
DROP INDEX orders_kam_idx;
CREATE INDEX orders_kam_idx ON orders (kam_id, order_no_key(order_no));

-- +goose Down
DROP INDEX orders_kam_idx;
CREATE INDEX orders_kam_idx ON orders (kam_id, order_no DESC);
DROP INDEX orders_no_key_idx;
DROP FUNCTION order_no_key(text);
DROP INDEX notifications_created_idx;
DROP INDEX notifications_order_idx;
DROP INDEX invoices_order_idx;
DROP INDEX shipments_order_idx;
