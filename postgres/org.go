package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// frozenByMasterData is the reason recorded when the organisation data itself
// marks a customer frozen.
const frozenByMasterData = "frozen in the organisation data"

// SaveOrganisation writes users, markets, customers and SKUs in one
// transaction, inserting what is new and updating what changed. Saving the
// same organisation twice changes nothing. A customer frozen by OSB stays
// frozen: the organisation data may freeze, never unfreeze. The users it
// writes are real users, demo users it writes over included.
func (s *Store) SaveOrganisation(ctx context.Context, o sales.Organisation) error {
	const op = "save organisation"
	return s.inTx(ctx, op, func(tx pgx.Tx) error { return saveOrganisation(ctx, tx, op, o, false) })
}

// SaveDemoOrganisation writes the demo organisation as SaveOrganisation
// does, its users marked as demo users (users.demo). It refuses, writing
// nothing, a database marked production and one that holds a user the demo
// did not write: a database with real users holds real data, which the demo
// must never change. Loading it again changes nothing.
func (s *Store) SaveDemoOrganisation(ctx context.Context, o sales.Organisation) error {
	const op = "load the demo"
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		env, err := environment(ctx, tx)
		if err != nil {
			return err
		}
		if env == EnvProduction {
			return sales.Errorf(sales.ErrConflict, "%s: the database is marked production; the demo is loaded only into a development database", op)
		}
		real, err := collect(ctx, tx, op, `SELECT id FROM users WHERE NOT demo ORDER BY id LIMIT 3`, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if len(real) > 0 {
			return sales.Errorf(sales.ErrConflict, "%s: the database holds users the demo did not load (%s…): the demo is loaded only into a database of its own, never over real users",
				op, strings.Join(real, ", "))
		}
		return saveOrganisation(ctx, tx, op, o, true)
	})
}

// saveOrganisation writes o in tx; demo marks its users as demo users, and
// then never writes over a real one.
func saveOrganisation(ctx context.Context, tx pgx.Tx, op string, o sales.Organisation, demo bool) error {
	// users.market is checked at commit, so users may name markets written
	// after them; markets and managers refer to users.
	for _, u := range o.Users {
		tag, err := tx.Exec(ctx, `
			INSERT INTO users (id, name, role, title, market, email, demo)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
				title = excluded.title, market = excluded.market, email = excluded.email, demo = excluded.demo
			WHERE users.demo OR NOT excluded.demo`,
			u.ID, u.Name, string(u.Role), string(u.Title), u.Market, u.Email, demo)
		if err != nil {
			return translate(op+": user "+u.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return sales.Errorf(sales.ErrConflict, "%s: user %s is a real user; the demo never writes over one", op, u.ID)
		}
	}
	for _, u := range o.Users {
		if _, err := tx.Exec(ctx, `
			UPDATE users SET manager_id = NULLIF($2, '')
			WHERE id = $1 AND manager_id IS DISTINCT FROM NULLIF($2, '')`,
			u.ID, u.ManagerID); err != nil {
			return translate(op+": manager of "+u.ID, err)
		}
	}
	for _, m := range o.Markets {
		slt := m.SLT()
		first := ""
		if len(slt) > 0 {
			first = slt[0]
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO markets (code, name, mm_id, slt_owner_id)
			VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''))
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, mm_id = excluded.mm_id,
				slt_owner_id = excluded.slt_owner_id`,
			m.Code, m.Name, m.MMID, first); err != nil {
			return translate(op+": market "+m.Code, err)
		}
		if err := saveMarketOwners(ctx, tx, m, slt); err != nil {
			return translate(op+": owners of market "+m.Code, err)
		}
	}
	for _, c := range o.Customers {
		if err := saveCustomer(ctx, tx, c); err != nil {
			return translate(op+": customer "+c.ID, err)
		}
	}
	for _, k := range o.SKUs {
		if _, err := tx.Exec(ctx, `
			INSERT INTO skus (code, name, unit, list_price_fen, currency, quota_controlled, active, tax_rate_bp)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit,
				list_price_fen = excluded.list_price_fen, currency = excluded.currency,
				quota_controlled = excluded.quota_controlled, active = excluded.active,
				tax_rate_bp = excluded.tax_rate_bp`,
			k.Code, k.Name, orDefault(k.Unit, "case"), int64(k.ListPrice), currencyOrCNY(k.Currency),
			k.Quota, k.Active, int(k.TaxRate.Or())); err != nil {
			return translate(op+": SKU "+k.Code, err)
		}
	}
	return nil
}

// saveMarketOwners makes the market's SLT members and SSG duties what m
// says: those given are added, the others removed. slt is m.SLT().
func saveMarketOwners(ctx context.Context, tx pgx.Tx, m sales.Market, slt []string) error {
	if slt == nil {
		slt = []string{}
	}
	if _, err := tx.Exec(ctx, `
		DELETE FROM market_slt_members WHERE market = $1 AND NOT (user_id = ANY($2))`, m.Code, slt); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO market_slt_members (market, user_id) SELECT $1, unnest($2::text[])
		ON CONFLICT DO NOTHING`, m.Code, slt); err != nil {
		return err
	}
	users, duties := make([]string, len(m.SSG)), make([]string, len(m.SSG))
	for i, d := range m.SSG {
		if !d.Duty.Valid() {
			return sales.Errorf(sales.ErrInvalid, "market %s: SSG duty %q of %s is not one of settlement, visits, orders", m.Code, d.Duty, d.UserID)
		}
		users[i], duties[i] = d.UserID, string(d.Duty)
	}
	if _, err := tx.Exec(ctx, `
		DELETE FROM market_ssg WHERE market = $1
			AND (user_id, duty) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))`, m.Code, users, duties); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO market_ssg (market, user_id, duty) SELECT $1, u, d FROM unnest($2::text[], $3::text[]) AS x (u, d)
		ON CONFLICT DO NOTHING`, m.Code, users, duties)
	return err
}

func saveCustomer(ctx context.Context, tx pgx.Tx, c sales.Customer) error {
	reason := ""
	if c.Frozen {
		reason = frozenByMasterData
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO customers (id, name, market, kam_id, payment_terms_days, active, frozen, frozen_reason,
			frozen_at, credit_limit_fen, rating, currency, ship_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $7 THEN now() END, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, market = excluded.market,
			kam_id = excluded.kam_id, payment_terms_days = excluded.payment_terms_days,
			active = excluded.active, credit_limit_fen = excluded.credit_limit_fen,
			rating = excluded.rating, currency = excluded.currency, ship_to = excluded.ship_to,
			frozen = customers.frozen OR excluded.frozen,
			frozen_reason = CASE WHEN customers.frozen THEN customers.frozen_reason ELSE excluded.frozen_reason END,
			frozen_at = CASE WHEN customers.frozen THEN customers.frozen_at ELSE excluded.frozen_at END`,
		c.ID, c.Name, c.Market, c.KAMID, c.PaymentTermsDays, c.Active, c.Frozen, reason,
		int64(c.CreditLimit), orDefault(c.Rating, "C"), currencyOrCNY(c.Currency), c.ShipTo)
	return err
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func currencyOrCNY(c sales.Currency) string {
	return orDefault(string(c), string(sales.CNY))
}

const userColumns = `u.id, u.name, u.role, u.title, coalesce(u.market, ''), coalesce(u.manager_id, ''), u.email`

func scanUser(row pgx.Row) (sales.User, error) {
	var u sales.User
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Title, &u.Market, &u.ManagerID, &u.Email)
	return u, err
}

// User returns the user with id.
func (s *Store) User(ctx context.Context, id string) (sales.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.User{}, sales.Errorf(sales.ErrNotFound, "no user %q", id)
	}
	if err != nil {
		return sales.User{}, fmt.Errorf("store: user %s: %w", id, err)
	}
	return u, nil
}

// Reports returns the ids of everyone below managerID, directly or not,
// sorted by id.
func (s *Store) Reports(ctx context.Context, managerID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE below (id) AS (
			SELECT id FROM users WHERE manager_id = $1
			UNION
			SELECT u.id FROM users u JOIN below b ON u.manager_id = b.id
		)
		SELECT id FROM below WHERE id <> $1 ORDER BY id`, managerID)
	if err != nil {
		return nil, fmt.Errorf("store: reports of %s: %w", managerID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store: reports of %s: %w", managerID, err)
	}
	return ids, nil
}

const customerColumns = `id, name, market, kam_id, payment_terms_days, active, frozen, credit_limit_fen,
	rating, currency, ship_to`

func scanCustomer(row pgx.Row) (sales.Customer, error) {
	var c sales.Customer
	err := row.Scan(&c.ID, &c.Name, &c.Market, &c.KAMID, &c.PaymentTermsDays, &c.Active, &c.Frozen,
		&c.CreditLimit, &c.Rating, &c.Currency, &c.ShipTo)
	return c, err
}

// Customer returns the customer with id.
func (s *Store) Customer(ctx context.Context, id string) (sales.Customer, error) {
	c, err := scanCustomer(s.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.Customer{}, sales.Errorf(sales.ErrNotFound, "no customer %q", id)
	}
	if err != nil {
		return sales.Customer{}, fmt.Errorf("store: customer %s: %w", id, err)
	}
	return c, nil
}

// Customers returns the customers scope allows, sorted by id.
func (s *Store) Customers(ctx context.Context, scope sales.Scope) ([]sales.Customer, error) {
	var where conditions
	if !scope.All {
		where.add("kam_id = ANY($?)", scope.KAMIDs)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+customerColumns+` FROM customers`+where.sql()+` ORDER BY id`, where.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list customers: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.Customer, error) { return scanCustomer(r) })
	if err != nil {
		return nil, fmt.Errorf("store: list customers: %w", err)
	}
	return out, nil
}

// SKUs returns the SKUs with the given codes, or every SKU when codes is
// empty. Unknown codes are absent from the map.
func (s *Store) SKUs(ctx context.Context, codes []string) (map[string]sales.SKU, error) {
	var where conditions
	if len(codes) > 0 {
		where.add("code = ANY($?)", codes)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT code, name, unit, list_price_fen, currency, quota_controlled, active, tax_rate_bp
		FROM skus`+where.sql(), where.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list SKUs: %w", err)
	}
	defer rows.Close()
	out := make(map[string]sales.SKU)
	for rows.Next() {
		var k sales.SKU
		if err := rows.Scan(&k.Code, &k.Name, &k.Unit, &k.ListPrice, &k.Currency, &k.Quota, &k.Active, &k.TaxRate); err != nil {
			return nil, fmt.Errorf("store: list SKUs: %w", err)
		}
		out[k.Code] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list SKUs: %w", err)
	}
	return out, nil
}

// Ladder resolves a customer's escalation chain: its KAM, the KAM's manager
// (UM), the UM's manager or else the market's MM, the SLT members over the
// market (the first as SLT), and the GM; and the owners of the order's
// steps: the Logistics and Finance desks (every user of the role) and the
// market's SSG members for orders and for settlement. A vacant rung is "";
// a deactivated user holds no rung (an escalation falls through to the next
// one up) and owns no step. An open order keeps the ladder it resolved until
// it is refreshed (a KAM change refreshes it).
func (s *Store) Ladder(ctx context.Context, customerID string) (sales.Ladder, error) {
	var l sales.Ladder
	err := s.pool.QueryRow(ctx, `
		SELECT c.kam_id, coalesce(CASE WHEN um.active THEN um.id END, ''),
			coalesce(CASE WHEN umm.active THEN umm.id END, CASE WHEN mm.active THEN mm.id END, ''),
			coalesce(CASE WHEN slt.active THEN slt.id END, ''),
			coalesce((SELECT id FROM users WHERE title = $2 AND active ORDER BY id LIMIT 1), ''),
			array(SELECT s.user_id FROM market_slt_members s JOIN users u ON u.id = s.user_id AND u.active
				WHERE s.market = c.market ORDER BY s.user_id IS DISTINCT FROM m.slt_owner_id, s.user_id),
			array(SELECT id FROM users WHERE role = $3 AND active ORDER BY id),
			array(SELECT id FROM users WHERE role = $4 AND active ORDER BY id),
			array(SELECT g.user_id FROM market_ssg g JOIN users u ON u.id = g.user_id AND u.active
				WHERE g.market = c.market AND g.duty = $5 ORDER BY g.user_id),
			array(SELECT g.user_id FROM market_ssg g JOIN users u ON u.id = g.user_id AND u.active
				WHERE g.market = c.market AND g.duty = $6 ORDER BY g.user_id)
		FROM customers c
		LEFT JOIN users kam ON kam.id = c.kam_id
		LEFT JOIN users um ON um.id = kam.manager_id
		LEFT JOIN users umm ON umm.id = um.manager_id
		LEFT JOIN markets m ON m.code = c.market
		LEFT JOIN users mm ON mm.id = m.mm_id
		LEFT JOIN users slt ON slt.id = m.slt_owner_id
		WHERE c.id = $1`, customerID, string(sales.TitleGM), string(sales.RoleLogistics), string(sales.RoleFinance),
		string(sales.DutyOrders), string(sales.DutySettlement)).
		Scan(&l.KAM, &l.UM, &l.MM, &l.SLT, &l.GM, &l.SLTs, &l.Logistics, &l.Finance, &l.SSGOrders, &l.SSGSettlement)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.Ladder{}, sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
	}
	if err != nil {
		return sales.Ladder{}, fmt.Errorf("store: ladder of %s: %w", customerID, err)
	}
	if l.SLT == "" && len(l.SLTs) > 0 {
		l.SLT = l.SLTs[0]
	}
	return l, nil
}

// finalStatuses are the statuses that end an order's cycle.
var finalStatuses = []string{string(sales.StatusRemitted), string(sales.StatusRejected), string(sales.StatusCancelled)}

// CustomerCreditBalance returns a customer's credit balance: overpayments in,
// uses out.
func (s *Store) CustomerCreditBalance(ctx context.Context, customerID string) (sales.Fen, error) {
	var balance int64
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce((SELECT sum(amount_fen) FROM customer_credit WHERE customer_id = c.id), 0)::bigint
		FROM customers c WHERE c.id = $1`, customerID).Scan(&balance)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
	}
	if err != nil {
		return 0, fmt.Errorf("store: credit balance of %s: %w", customerID, err)
	}
	return sales.Fen(balance), nil
}
