-- Indexes for the order list's searches (ListOrders): by the beginning of an
-- order number, by a client's reference, by SKU (orders with a line of it) and
-- by waybill. An invoice number is its table's key and creation dates have
-- orders_created_idx already. The rows searched are the ones ApplyOrderChanges
-- writes (orders, order_lines, shipments): nothing else to keep up to date.

-- +goose Up
-- text_pattern_ops: LIKE 'SO-2026-0001%' uses it whatever the database's collation.
CREATE INDEX orders_no_prefix_idx ON orders (order_no text_pattern_ops);
CREATE INDEX orders_client_ref_idx ON orders (client_ref) WHERE client_ref <> '';
CREATE INDEX order_lines_sku_idx ON order_lines (sku, order_no);
CREATE INDEX shipments_waybill_idx ON shipments (waybill) WHERE waybill <> '';

-- +goose Down
DROP INDEX shipments_waybill_idx;
DROP INDEX order_lines_sku_idx;
DROP INDEX orders_client_ref_idx;
DROP INDEX orders_no_prefix_idx;
