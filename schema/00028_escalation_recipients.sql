-- My work lists an escalation to every recipient who holds its rung (since
-- release 1.2 a rung may have several holders: a step's owners, a market's
-- SLT members), found by containment in the recipients array.

-- +goose Up
CREATE INDEX escalations_recipients_idx ON escalations USING gin (recipients);

-- +goose Down
DROP INDEX escalations_recipients_idx;
