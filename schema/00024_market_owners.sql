-- Who owns a market, as data (issue 17): the SLT members over it (a market
-- may have more than one; the Director oversees the whole country) and the
-- SSG's division of work by market (settlement and collection follow-up,
-- weekly visits, orders and shipments).
--
-- markets.slt_owner_id stays: it is the market's first SLT member, the one
-- who decides a held order first (My work lists the others' held orders as
-- backup); market_slt_members lists every member, the first included.
-- SaveOrganisation keeps both in step.

-- +goose Up
CREATE TABLE market_slt_members (
    market   text NOT NULL REFERENCES markets (code) ON DELETE CASCADE,
    user_id  text NOT NULL REFERENCES users (id),
    PRIMARY KEY (market, user_id)
);
CREATE INDEX market_slt_members_user_idx ON market_slt_members (user_id);

INSERT INTO market_slt_members (market, user_id)
SELECT code, slt_owner_id FROM markets WHERE slt_owner_id IS NOT NULL;

CREATE TABLE market_ssg (
    market   text NOT NULL REFERENCES markets (code) ON DELETE CASCADE,
    user_id  text NOT NULL REFERENCES users (id),
    duty     text NOT NULL CHECK (duty IN ('settlement', 'visits', 'orders')),
    PRIMARY KEY (market, duty, user_id)
);
CREATE INDEX market_ssg_user_idx ON market_ssg (user_id);

COMMENT ON TABLE market_ssg IS 'the SSG''s division of work: settlement (collection follow-ups and reminders), visits (the weekly customer calls), orders (orders and shipments; an order''s SSG steps)';

-- +goose Down
DROP TABLE market_ssg;
DROP TABLE market_slt_members;
