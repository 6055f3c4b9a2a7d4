-- Monthly customer statements (对账单, issue 16): generated on the 1st of
-- each month for every customer with activity in the month before, and kept
-- as generated. Generating again for a month keeps the first statement.

-- +goose Up
CREATE TABLE customer_statements (
    customer_id   text NOT NULL REFERENCES customers (id),
    month         text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    generated_at  timestamptz NOT NULL,
    statement     jsonb NOT NULL, -- sales.AccountStatement: entries, balances, ageing
    closing_fen   bigint NOT NULL,
    currency      char(3) NOT NULL,
    PRIMARY KEY (customer_id, month)
);
CREATE INDEX customer_statements_month_idx ON customer_statements (month);

-- +goose Down
DROP TABLE customer_statements;
