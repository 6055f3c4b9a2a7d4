-- What the order projection needs beyond 00002: the invoice each shipment was
-- billed on, whether an invoice's due-date reminder went out, and an index for
-- the FSF's scoped order lists (newest first per KAM).

-- +goose Up
ALTER TABLE shipments ADD COLUMN invoice_no text NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN reminded boolean NOT NULL DEFAULT false;
CREATE INDEX orders_kam_idx ON orders (kam_id, order_no DESC);
CREATE INDEX escalations_customer_idx ON escalations (customer_id, at DESC);

-- +goose Down
DROP INDEX escalations_customer_idx;
DROP INDEX orders_kam_idx;
ALTER TABLE invoices DROP COLUMN reminded;
ALTER TABLE shipments DROP COLUMN invoice_no;
