-- Plans and targets (issue 17): targets of a month, a quarter or a year, in
-- money and in units, for markets, the FSF and distributors; the SLT's focus
-- per market; the annual, quarterly and monthly plans with what each
-- publication froze.

-- +goose Up
-- sales_targets.month becomes the period: 2026-03, 2026-Q1 or 2026.
ALTER TABLE sales_targets RENAME COLUMN month TO period;
ALTER TABLE sales_targets DROP CONSTRAINT sales_targets_month_check;
ALTER TABLE sales_targets ADD CONSTRAINT sales_targets_period_check
    CHECK (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$');
ALTER TABLE sales_targets DROP CONSTRAINT sales_targets_dimension_check;
ALTER TABLE sales_targets ADD CONSTRAINT sales_targets_dimension_check
    CHECK (dimension IN ('market', 'mm', 'um', 'kam', 'distributor'));
-- Units: the quantity to ship, counted over every SKU.
ALTER TABLE sales_targets ADD COLUMN units bigint NOT NULL DEFAULT 0 CHECK (units >= 0);

-- The focus of a month per market; '' is the whole department's (the SLT
-- meeting pack reads it).
ALTER TABLE focus_items ADD COLUMN market text NOT NULL DEFAULT '';
ALTER TABLE focus_items DROP CONSTRAINT focus_items_pkey;
ALTER TABLE focus_items ADD PRIMARY KEY (month, market, rank);

-- One plan per kind and period: its text, the draft's author, and the last
-- publication with the figures it froze (market targets, and for a month
-- each market's focus). version counts publications whose content changed.
CREATE TABLE plans (
    kind          text NOT NULL CHECK (kind IN ('annual', 'quarterly', 'monthly')),
    period        text NOT NULL,
    text          text NOT NULL DEFAULT '',
    saved_by      text NOT NULL,
    saved_at      timestamptz NOT NULL,
    version       integer NOT NULL DEFAULT 0 CHECK (version >= 0),
    figures       jsonb,
    published_by  text,
    published_at  timestamptz,
    PRIMARY KEY (kind, period),
    CHECK ((kind = 'annual' AND period ~ '^[0-9]{4}$')
        OR (kind = 'quarterly' AND period ~ '^[0-9]{4}-Q[1-4]$')
        OR (kind = 'monthly' AND period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')),
    CHECK ((version = 0) = (published_at IS NULL)),
    CHECK ((published_at IS NULL) = (figures IS NULL))
);

-- +goose Down
DROP TABLE plans;
DELETE FROM focus_items WHERE market <> '';
ALTER TABLE focus_items DROP CONSTRAINT focus_items_pkey;
ALTER TABLE focus_items ADD PRIMARY KEY (month, rank);
ALTER TABLE focus_items DROP COLUMN market;
DELETE FROM sales_targets WHERE dimension = 'distributor' OR period !~ '^[0-9]{4}-(0[1-9]|1[0-2])$';
ALTER TABLE sales_targets DROP COLUMN units;
ALTER TABLE sales_targets DROP CONSTRAINT sales_targets_dimension_check;
ALTER TABLE sales_targets ADD CONSTRAINT sales_targets_dimension_check
    CHECK (dimension IN ('market', 'mm', 'um', 'kam'));
ALTER TABLE sales_targets DROP CONSTRAINT sales_targets_period_check;
ALTER TABLE sales_targets ADD CONSTRAINT sales_targets_month_check
    CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$');
ALTER TABLE sales_targets RENAME COLUMN period TO month;
