package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

const popItemColumns = `code, name, unit, unit_cost_fen, currency, active`

func scanPOPItem(r pgx.CollectableRow) (sales.POPItem, error) {
	var i sales.POPItem
	err := r.Scan(&i.Code, &i.Name, &i.Unit, &i.UnitCost, &i.Currency, &i.Active)
	return i, err
}

// ListPOPItems returns every POP item, by code.
func (s *Store) ListPOPItems(ctx context.Context) ([]sales.POPItem, error) {
	items, err := collect(ctx, s.pool, "list POP items", `SELECT `+popItemColumns+` FROM pop_items ORDER BY code`, scanPOPItem)
	if items == nil && err == nil {
		items = []sales.POPItem{}
	}
	return items, err
}

// POPItems returns the POP items with the given codes; unknown codes are
// absent from the map.
func (s *Store) POPItems(ctx context.Context, codes []string) (map[string]sales.POPItem, error) {
	return popItems(ctx, s.pool, codes)
}

func popItems(ctx context.Context, q querier, codes []string) (map[string]sales.POPItem, error) {
	list, err := collect(ctx, q, "read POP items", `SELECT `+popItemColumns+` FROM pop_items WHERE code = ANY($1)`, scanPOPItem, nonNil(codes))
	if err != nil {
		return nil, err
	}
	out := make(map[string]sales.POPItem, len(list))
	for _, i := range list {
		out[i.Code] = i
	}
	return out, nil
}

// SavePOPItem inserts or updates a POP item.
func (s *Store) SavePOPItem(ctx context.Context, i sales.POPItem) error {
	if err := i.Validate().Err("invalid POP item"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO pop_items (code, name, unit, unit_cost_fen, currency, active)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit,
			unit_cost_fen = excluded.unit_cost_fen, currency = excluded.currency, active = excluded.active`,
		i.Code, i.Name, i.Unit, int64(i.UnitCost), string(i.Currency), i.Active)
	return translateOrNil("save POP item "+i.Code, err)
}

// SetPOPBudget sets a market's POP budget for a month; it may not fall below
// what the month already used.
func (s *Store) SetPOPBudget(ctx context.Context, month, market string, budget sales.Fen, by string, at time.Time) (sales.POPBudget, error) {
	op := fmt.Sprintf("set POP budget of %s for %s", market, month)
	var out sales.POPBudget
	if !sales.ValidPeriod(month) {
		return out, sales.Errorf(sales.ErrInvalid, "%q is not a month like 2026-11", month)
	}
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, `SELECT EXISTS (SELECT 1 FROM markets WHERE code = $1)`, market, "no market %q", market); err != nil {
			return err
		}
		b, err := lockBudget(ctx, tx, month, market)
		if err != nil {
			return err
		}
		if why := sales.CheckBudgetChange(budget, b.Used); why != "" {
			var p sales.Problems
			p.Add("budget_fen", "%s", why)
			return p.Err("the POP budget cannot be set")
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO pop_budgets (month, market, budget_fen, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (month, market) DO UPDATE SET budget_fen = excluded.budget_fen,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			month, market, int64(budget), by, at); err != nil {
			return translate(op, err)
		}
		b.Budget = budget
		out = b
		return nil
	})
	return out, err
}

// lockBudget reads a market's budget for a month and what is used of it,
// holding the budget's row until the transaction ends (a missing budget is
// zero, and nothing is locked).
func lockBudget(ctx context.Context, tx pgx.Tx, month, market string) (sales.POPBudget, error) {
	b := sales.POPBudget{Month: month, Market: market, Currency: sales.CNY}
	err := tx.QueryRow(ctx, `SELECT budget_fen, currency FROM pop_budgets WHERE month = $1 AND market = $2 FOR UPDATE`,
		month, market).Scan(&b.Budget, &b.Currency)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return b, fmt.Errorf("store: POP budget of %s for %s: %w", market, month, err)
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(sum(cost_fen), 0)::bigint FROM pop_usage WHERE month = $1 AND market = $2`,
		month, market).Scan(&b.Used); err != nil {
		return b, fmt.Errorf("store: POP used by %s in %s: %w", market, month, err)
	}
	return b, nil
}

// RequestPOP records a stand-alone POP request, checked against the market's
// budget at once: over budget it is refused (conflict) with the figures.
// Logistics is told what to ship.
func (s *Store) RequestPOP(ctx context.Context, req sales.POPStandalone, by string, at time.Time) (sales.POPRecord, error) {
	op := "request POP material for " + req.CustomerID
	rec := sales.POPRecord{CustomerID: req.CustomerID, Month: req.Month, Items: req.Items, Note: req.Note, RequestedBy: by, RequestedAt: at}
	if rec.Month == "" {
		rec.Month = sales.PeriodOf(at)
	}
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var err error
		if rec.Market, err = customerMarket(ctx, tx, req.CustomerID); err != nil {
			return err
		}
		items, err := popItems(ctx, tx, itemCodes(req.Items))
		if err != nil {
			return err
		}
		if err := sales.ValidatePOP("items", req.Items, items).Err("invalid POP request"); err != nil {
			return err
		}
		b, err := lockBudget(ctx, tx, rec.Month, rec.Market)
		if err != nil {
			return err
		}
		rec.Cost, rec.Currency = sales.POPCost(req.Items, items), b.Currency
		if why := b.OverBudget(rec.Cost); why != "" {
			return sales.Errorf(sales.ErrConflict, "POP request refused: %s", why)
		}
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT nextval('pop_request_seq')`).Scan(&seq); err != nil {
			return translate(op, err)
		}
		rec.RequestNo = fmt.Sprintf("PR-%s-%06d", rec.Month[:4], seq)
		body, err := jsonText(req.Items, "[]")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO pop_requests (request_no, month, market, customer_id, items, cost_fen, note, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			rec.RequestNo, rec.Month, rec.Market, rec.CustomerID, body, int64(rec.Cost), rec.Note, by, at); err != nil {
			return translate(op, err)
		}
		if err := insertPOPUsage(ctx, tx, usageOf(rec.RequestNo, "", rec.Month, rec.Market, rec.CustomerID, req.Items, items, at)); err != nil {
			return err
		}
		b.Used += rec.Cost
		rec.Budget = b
		return writeNotifications(ctx, tx, []sales.Notification{{
			Key: "pop/" + rec.RequestNo, RecipientID: "dept:logistics", Kind: "pop_dispatch",
			Subject: fmt.Sprintf("POP request %s for %s", rec.RequestNo, rec.CustomerID),
			Body:    "Ship: " + popList(req.Items) + ". " + rec.Note, At: at,
		}})
	})
	if err != nil {
		return sales.POPRecord{}, err
	}
	return rec, nil
}

// ReservePOP reserves the POP material of an order against its market's
// budget for month (OP6). It is idempotent: an order reserved before answers
// with that reservation. Over budget, unknown items or a missing budget are a
// refusal with the reason, not an error.
func (s *Store) ReservePOP(ctx context.Context, orderNo, customerID, month string, req []sales.POPRequest, at time.Time) (sales.POPReservation, error) {
	op := "reserve POP material of " + orderNo
	var res sales.POPReservation
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		market, err := customerMarket(ctx, tx, customerID)
		if err != nil {
			return err
		}
		b, err := lockBudget(ctx, tx, month, market)
		if err != nil {
			return err
		}
		done, err := collect(ctx, tx, op, `
			SELECT usage_key, month, market, customer_id, order_no, request_no, item, quantity, cost_fen, at
			FROM pop_usage WHERE order_no = $1 AND quantity > 0 ORDER BY usage_key`, scanPOPUsage, orderNo)
		if err != nil {
			return err
		}
		if len(done) > 0 {
			res = sales.POPReservation{Reserved: true, Usage: done}
			for _, u := range done {
				res.Cost += u.Cost
			}
			return nil
		}
		items, err := popItems(ctx, tx, itemCodes(req))
		if err != nil {
			return err
		}
		if p := sales.ValidatePOP("pop", req, items); len(p) > 0 {
			res.Reason = p.Err("POP material refused").Error()
			return nil
		}
		res.Cost = sales.POPCost(req, items)
		if why := b.OverBudget(res.Cost); why != "" {
			res.Reason = why
			return nil
		}
		res.Usage = usageOf("", orderNo, month, market, customerID, req, items, at)
		res.Reserved = true
		return insertPOPUsage(ctx, tx, res.Usage)
	})
	if err != nil {
		return sales.POPReservation{}, err
	}
	return res, nil
}

// usageOf is the budget usage of POP lines, keyed by request or order and item.
func usageOf(requestNo, orderNo, month, market, customerID string, lines []sales.POPRequest, items map[string]sales.POPItem, at time.Time) []sales.POPUsage {
	owner := requestNo
	if owner == "" {
		owner = orderNo
	}
	out := make([]sales.POPUsage, len(lines))
	for i, l := range lines {
		out[i] = sales.POPUsage{
			Key: owner + "/pop/" + l.Item, Month: month, Market: market, CustomerID: customerID, OrderNo: orderNo,
			RequestNo: requestNo, Item: l.Item, Quantity: l.Quantity, Cost: sales.Fen(l.Quantity) * items[l.Item].UnitCost, At: at,
		}
	}
	return out
}

// insertPOPUsage records budget usage; one already recorded under its key is
// left as it is.
func insertPOPUsage(ctx context.Context, tx pgx.Tx, usage []sales.POPUsage) error {
	for _, u := range usage {
		if _, err := tx.Exec(ctx, `
			INSERT INTO pop_usage (usage_key, month, market, customer_id, order_no, request_no, item, quantity, cost_fen, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (usage_key) DO NOTHING`,
			u.Key, u.Month, u.Market, u.CustomerID, u.OrderNo, u.RequestNo, u.Item, u.Quantity, int64(u.Cost), u.At); err != nil {
			return translate("write POP usage "+u.Key, err)
		}
	}
	return nil
}

func scanPOPUsage(r pgx.CollectableRow) (sales.POPUsage, error) {
	var u sales.POPUsage
	err := r.Scan(&u.Key, &u.Month, &u.Market, &u.CustomerID, &u.OrderNo, &u.RequestNo, &u.Item, &u.Quantity, &u.Cost, &u.At)
	return u, err
}

// POPUsage returns a customer's POP material by month and item (month ""
// = every month), with its market's budgets for those months.
func (s *Store) POPUsage(ctx context.Context, customerID, month string) (sales.POPUsageReport, error) {
	op := "read POP usage of " + customerID
	out := sales.POPUsageReport{CustomerID: customerID, Rows: []sales.POPUsageRow{}, Budgets: []sales.POPBudget{}}
	err := s.readTx(ctx, op, func(tx pgx.Tx) error {
		var err error
		if out.Market, err = customerMarket(ctx, tx, customerID); err != nil {
			return err
		}
		var where conditions
		where.add("u.customer_id = $?", customerID)
		if month != "" {
			where.add("u.month = $?", month)
		}
		rows, err := collect(ctx, tx, op, `
			SELECT u.month, u.item, i.name, sum(u.quantity)::bigint, sum(u.cost_fen)::bigint
			FROM pop_usage u JOIN pop_items i ON i.code = u.item`+where.sql()+`
			GROUP BY u.month, u.item, i.name
			HAVING sum(u.quantity) <> 0
			ORDER BY u.month DESC, u.item`,
			func(r pgx.CollectableRow) (sales.POPUsageRow, error) {
				var row sales.POPUsageRow
				err := r.Scan(&row.Month, &row.Item, &row.Name, &row.Quantity, &row.Cost)
				return row, err
			}, where.args...)
		if err != nil {
			return err
		}
		months := []string{}
		for _, row := range rows {
			out.Rows = append(out.Rows, row)
			out.Total += row.Cost
			if len(months) == 0 || months[len(months)-1] != row.Month {
				months = append(months, row.Month)
			}
		}
		if month != "" && len(months) == 0 {
			months = append(months, month)
		}
		budgets, err := collect(ctx, tx, op, `
			SELECT m.month, $1::text, coalesce(b.budget_fen, 0)::bigint, coalesce(b.currency, 'CNY'),
				coalesce((SELECT sum(u.cost_fen) FROM pop_usage u WHERE u.month = m.month AND u.market = $1), 0)::bigint
			FROM unnest($2::text[]) AS m(month)
			LEFT JOIN pop_budgets b ON b.month = m.month AND b.market = $1
			ORDER BY m.month DESC`,
			func(r pgx.CollectableRow) (sales.POPBudget, error) {
				var b sales.POPBudget
				err := r.Scan(&b.Month, &b.Market, &b.Budget, &b.Currency, &b.Used)
				return b, err
			}, out.Market, months)
		if err != nil {
			return err
		}
		out.Budgets = append(out.Budgets, budgets...)
		return nil
	})
	if err != nil {
		return sales.POPUsageReport{}, err
	}
	return out, nil
}

// customerMarket returns the market of a customer.
func customerMarket(ctx context.Context, tx pgx.Tx, customerID string) (string, error) {
	var market string
	err := tx.QueryRow(ctx, `SELECT market FROM customers WHERE id = $1`, customerID).Scan(&market)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
	}
	if err != nil {
		return "", fmt.Errorf("store: market of %s: %w", customerID, err)
	}
	return market, nil
}

func itemCodes(lines []sales.POPRequest) []string {
	codes := make([]string, len(lines))
	for i, l := range lines {
		codes[i] = l.Item
	}
	return codes
}

func popList(lines []sales.POPRequest) string {
	s := ""
	for i, l := range lines {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s×%d", l.Item, l.Quantity)
	}
	return s
}
