-- The input from which a return request starts a remitted order's workflow
-- again (code version 2 of the order workflow): written with the remitted
-- order's snapshot, read by the API when the run is closed, or no longer kept
-- by Temporal (namespace retention), while the return window is open.

-- +goose Up
ALTER TABLE orders ADD COLUMN resume jsonb;

-- +goose Down
ALTER TABLE orders DROP COLUMN resume;
