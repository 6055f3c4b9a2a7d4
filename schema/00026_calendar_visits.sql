-- The PRC working calendar as data (issue 17): each year's public holidays
-- and make-up working days (调休) on weekends; every other Monday–Friday is a
-- working day. A year is loaded (replaced) whole, by whom and when is kept.
--
-- The weekly visit (call) log of the SSG and the KAMs: who contacted which
-- customer on which Beijing date, how, what was said and what follows.

-- +goose Up
CREATE TABLE calendar_years (
    year      integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    loaded_by text NOT NULL DEFAULT '',
    loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name text NOT NULL CHECK (name <> ''),
    -- A make-up working day only replaces a weekend day.
    CHECK (kind = 'holiday' OR extract(isodow FROM day) IN (6, 7))
);

COMMENT ON TABLE calendar_days IS 'exceptions to the Monday–Friday week: holidays, and make-up working days (调休) on weekends';

CREATE TABLE visits (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   text NOT NULL REFERENCES customers (id),
    market        text NOT NULL,           -- the customer's market when the visit was logged
    day           date NOT NULL,           -- Beijing date of the visit or call
    kind          text NOT NULL CHECK (kind IN ('visit', 'call', 'video', 'other')),
    notes         text NOT NULL DEFAULT '',
    follow_up     text NOT NULL DEFAULT '',
    follow_up_due date,
    by_user       text NOT NULL REFERENCES users (id),
    logged_at     timestamptz NOT NULL DEFAULT now(),
    request_key   text NOT NULL DEFAULT '' -- the client's Idempotency-Key: a retried request logs once
);
CREATE INDEX visits_day_idx ON visits (day);
CREATE INDEX visits_customer_idx ON visits (customer_id, day);
CREATE INDEX visits_by_idx ON visits (by_user, day);
CREATE UNIQUE INDEX visits_request_key_idx ON visits (by_user, request_key) WHERE request_key <> '';

-- +goose Down
DROP TABLE visits;
DROP TABLE calendar_days;
DROP TABLE calendar_years;
