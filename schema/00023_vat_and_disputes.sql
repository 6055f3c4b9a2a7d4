-- VAT (issue 16): each SKU's rate (list prices include it, 13% by default);
-- each invoice's lines with net, tax and gross, the official VAT invoice
-- number (发票号) and date Finance records; whether a dispute pauses its
-- dunning; receipts' value dates and keys.

-- +goose Up
ALTER TABLE skus ADD COLUMN tax_rate_bp integer NOT NULL DEFAULT 1300 CHECK (tax_rate_bp BETWEEN 0 AND 10000);
ALTER TABLE invoices
    ADD COLUMN lines            jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN net_fen          bigint NOT NULL DEFAULT 0,
    ADD COLUMN tax_fen          bigint NOT NULL DEFAULT 0,
    ADD COLUMN vat_invoice_no   text NOT NULL DEFAULT '',
    ADD COLUMN vat_invoice_date date,
    ADD COLUMN vat_due          timestamptz,
    ADD COLUMN dunning_paused   boolean NOT NULL DEFAULT false,
    ADD COLUMN extension        jsonb;
CREATE INDEX invoices_extension_idx ON invoices (invoice_no) WHERE extension IS NOT NULL;
CREATE INDEX invoices_vat_missing_idx ON invoices (vat_due) WHERE vat_invoice_no = '' AND vat_due IS NOT NULL;
ALTER TABLE receipts
    ADD COLUMN receipt_key text NOT NULL DEFAULT '',
    ADD COLUMN value_date  date;
-- Credit notes for a price or quantity difference: no goods come back.
ALTER TABLE returns DROP CONSTRAINT returns_source_check;
ALTER TABLE returns ADD CONSTRAINT returns_source_check CHECK (source IN ('request', 'shortage', 'price', 'quantity'));
ALTER TABLE returns ADD COLUMN invoice_no text NOT NULL DEFAULT '';
ALTER TABLE credit_notes
    ADD COLUMN invoice_no text NOT NULL DEFAULT '',
    ADD COLUMN kind       text NOT NULL DEFAULT 'request',
    ADD COLUMN net_fen    bigint NOT NULL DEFAULT 0,
    ADD COLUMN tax_fen    bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE credit_notes DROP COLUMN tax_fen, DROP COLUMN net_fen, DROP COLUMN kind, DROP COLUMN invoice_no;
ALTER TABLE returns DROP COLUMN invoice_no;
ALTER TABLE returns DROP CONSTRAINT returns_source_check;
ALTER TABLE returns ADD CONSTRAINT returns_source_check CHECK (source IN ('request', 'shortage'));
ALTER TABLE receipts DROP COLUMN value_date, DROP COLUMN receipt_key;
DROP INDEX invoices_vat_missing_idx;
DROP INDEX invoices_extension_idx;
ALTER TABLE invoices DROP COLUMN extension, DROP COLUMN dunning_paused, DROP COLUMN vat_due, DROP COLUMN vat_invoice_date,
    DROP COLUMN vat_invoice_no, DROP COLUMN tax_fen, DROP COLUMN net_fen, DROP COLUMN lines;
ALTER TABLE skus DROP COLUMN tax_rate_bp;
