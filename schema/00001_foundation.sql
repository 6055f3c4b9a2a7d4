-- Foundation: a key-value table for facts about the installation itself.

-- +goose Up
CREATE TABLE osb_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE osb_meta;
