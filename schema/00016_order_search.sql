-- Indexes for the order list's searches (ListOrders): by the beginning of an
-- order number, by a client's reference, by SKU (orders with a line of it), by
-- waybill; and by status and by step in the list's order (newest first), which
-- My work reads for the SLT (held) and Logistics (their steps). An invoice
-- number is its table's key and creation dates have orders_created_idx
-- already. The rows searched are the ones ApplyOrderChanges writes (orders,
-- order_lines, shipments): nothing else to keep up to date.

-- +goose Up
-- text_pattern_ops: LIKE 'SO-2026-0001%' uses it whatever the database's collation.
CREATE INDEX orders_no_prefix_idx ON orders (order_no text_pattern_ops);
CREATE INDEX orders_client_ref_idx ON orders (client_ref) WHERE client_ref <> '';
CREATE INDEX order_lines_sku_idx ON order_lines (sku, order_no);
CREATE INDEX shipments_waybill_idx ON shipments (waybill) WHERE waybill <> '';
CREATE INDEX orders_status_no_idx ON orders (status, order_no_key(order_no));
CREATE INDEX orders_step_no_idx ON orders (step, order_no_key(order_no));

-- +goose Down
DROP INDEX orders_step_no_idx;
DROP INDEX orders_status_no_idx;
DROP INDEX shipments_waybill_idx;
DROP INDEX order_lines_sku_idx;
DROP INDEX orders_client_ref_idx;
DROP INDEX orders_no_prefix_idx;
