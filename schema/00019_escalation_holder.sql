-- My work lists the escalations whose rung a person holds now: the last of
-- an escalation's recipients (the customer's KAM is copied on every rung).

-- +goose Up
CREATE INDEX escalations_holder_idx ON escalations ((recipients[cardinality(recipients)]), at);

-- +goose Down
DROP INDEX escalations_holder_idx;
