package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// SetMarketQuota sets a market's allocations for a period, in one
// transaction: every SKU must be quota-controlled and no allocation may fall
// below what the market already gave its customers. Nothing is written unless
// every allocation is allowed; the answer names each refused one.
func (s *Store) SetMarketQuota(ctx context.Context, period, market string, q sales.QuotaAllocations, by string, at time.Time) error {
	op := fmt.Sprintf("set quota of %s for %s", market, period)
	if !sales.ValidPeriod(period) {
		return sales.Errorf(sales.ErrInvalid, "%q is not a period like 2026-11", period)
	}
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, `SELECT EXISTS (SELECT 1 FROM markets WHERE code = $1)`, market, "no market %q", market); err != nil {
			return err
		}
		skus, err := quotaSKUs(ctx, tx, q)
		if err != nil {
			return err
		}
		p := q.Validate(skus)
		for i, a := range q.Allocations {
			if len(p) > 0 {
				break
			}
			var toCustomers int64
			// Lock the market's row first: customers' allocations lock it too.
			if _, err := tx.Exec(ctx, `SELECT 1 FROM quota_markets WHERE period = $1 AND sku = $2 AND market = $3 FOR UPDATE`,
				period, a.SKU, market); err != nil {
				return translate(op, err)
			}
			if err := tx.QueryRow(ctx, `
				SELECT coalesce(sum(quantity), 0)::bigint FROM quota_customers
				WHERE period = $1 AND sku = $2 AND market = $3`, period, a.SKU, market).Scan(&toCustomers); err != nil {
				return translate(op, err)
			}
			if why := sales.CheckMarketAllocation(a.SKU, a.Quantity, toCustomers); why != "" {
				p.Add(fmt.Sprintf("allocations[%d].quantity", i), "%s", why)
			}
		}
		if err := p.Err("the market's allocations cannot be set"); err != nil {
			return err
		}
		for _, a := range q.Allocations {
			if _, err := tx.Exec(ctx, `
				INSERT INTO quota_markets (period, sku, market, quantity, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (period, sku, market) DO UPDATE SET quantity = excluded.quantity,
					updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				period, a.SKU, market, a.Quantity, by, at); err != nil {
				return translate(op, err)
			}
		}
		return nil
	})
}

// SetCustomerQuota sets a customer's allocations for a period, in one
// transaction: the customers of its market never hold more than the market,
// and no allocation falls below what the customer has consumed.
func (s *Store) SetCustomerQuota(ctx context.Context, period, customerID string, q sales.QuotaAllocations, by string, at time.Time) error {
	op := fmt.Sprintf("set quota of %s for %s", customerID, period)
	if !sales.ValidPeriod(period) {
		return sales.Errorf(sales.ErrInvalid, "%q is not a period like 2026-11", period)
	}
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		var market string
		err := tx.QueryRow(ctx, `SELECT market FROM customers WHERE id = $1`, customerID).Scan(&market)
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
		}
		if err != nil {
			return translate(op, err)
		}
		skus, err := quotaSKUs(ctx, tx, q)
		if err != nil {
			return err
		}
		p := q.Validate(skus)
		for i, a := range q.Allocations {
			if len(p) > 0 {
				break
			}
			f := fmt.Sprintf("allocations[%d].quantity", i)
			var marketQty, others, consumed int64
			err := tx.QueryRow(ctx, `
				SELECT quantity FROM quota_markets WHERE period = $1 AND sku = $2 AND market = $3 FOR UPDATE`,
				period, a.SKU, market).Scan(&marketQty)
			if errors.Is(err, pgx.ErrNoRows) {
				p.Add(f, "market %s has no allocation of %s for %s: allocate to the market first", market, a.SKU, period)
				continue
			}
			if err != nil {
				return translate(op, err)
			}
			if err := tx.QueryRow(ctx, `
				SELECT coalesce((SELECT sum(quantity) FROM quota_customers
					WHERE period = $1 AND sku = $2 AND market = $3 AND customer_id <> $4), 0)::bigint,
					coalesce((SELECT sum(quantity) FROM quota_moves
					WHERE period = $1 AND sku = $2 AND customer_id = $4), 0)::bigint`,
				period, a.SKU, market, customerID).Scan(&others, &consumed); err != nil {
				return translate(op, err)
			}
			if why := sales.CheckCustomerAllocation(a.SKU, a.Quantity, marketQty, others, consumed); why != "" {
				p.Add(f, "%s", why)
			}
		}
		if err := p.Err("the customer's allocations cannot be set"); err != nil {
			return err
		}
		for _, a := range q.Allocations {
			if _, err := tx.Exec(ctx, `
				INSERT INTO quota_customers (period, sku, customer_id, market, quantity, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (period, sku, customer_id) DO UPDATE SET market = excluded.market,
					quantity = excluded.quantity, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				period, a.SKU, customerID, market, a.Quantity, by, at); err != nil {
				return translate(op, err)
			}
		}
		return nil
	})
}

// quotaSKUs reads the SKUs an allocation names.
func quotaSKUs(ctx context.Context, tx pgx.Tx, q sales.QuotaAllocations) (map[string]sales.SKU, error) {
	codes := make([]string, 0, len(q.Allocations))
	for _, a := range q.Allocations {
		codes = append(codes, a.SKU)
	}
	list, err := collect(ctx, tx, "read SKUs", `SELECT code, quota_controlled, active FROM skus WHERE code = ANY($1)`,
		func(r pgx.CollectableRow) (sales.SKU, error) {
			var k sales.SKU
			err := r.Scan(&k.Code, &k.Quota, &k.Active)
			return k, err
		}, codes)
	if err != nil {
		return nil, err
	}
	out := make(map[string]sales.SKU, len(list))
	for _, k := range list {
		out[k.Code] = k
	}
	return out, nil
}

// mustExist returns not_found (with format and args) unless query, with one
// argument, answers true.
func mustExist(ctx context.Context, tx pgx.Tx, query string, arg any, format string, args ...any) error {
	var ok bool
	if err := tx.QueryRow(ctx, query, arg).Scan(&ok); err != nil {
		return fmt.Errorf("store: %s: %w", fmt.Sprintf(format, args...), err)
	}
	if !ok {
		return sales.Errorf(sales.ErrNotFound, format, args...)
	}
	return nil
}

// CustomerQuota returns a customer's allocation and consumption of each of
// skus for a period; an SKU without an allocation has nothing allocated.
func (s *Store) CustomerQuota(ctx context.Context, customerID, period string, skus []string) ([]sales.CustomerQuota, error) {
	return collect(ctx, s.pool, "read quota of "+customerID, `
		SELECT $2::text, c.id, c.market, k.code,
			coalesce((SELECT q.quantity FROM quota_customers q
				WHERE q.period = $2 AND q.sku = k.code AND q.customer_id = c.id), 0)::bigint,
			coalesce((SELECT sum(m.quantity) FROM quota_moves m
				WHERE m.period = $2 AND m.sku = k.code AND m.customer_id = c.id), 0)::bigint
		FROM customers c CROSS JOIN skus k
		WHERE c.id = $1 AND k.code = ANY($3)
		ORDER BY k.code`, scanCustomerQuota, customerID, period, nonNil(skus))
}

// TakeQuota is OP3's check and consumption in one step, so that two orders
// cannot both be confirmed on the same units: under a lock of the customer's
// allocations for the period, it returns what the customer has left of each
// SKU of moves apart from this order's own moves (a retry sees the same),
// and records every move when all of them fit together (taken), none when
// one does not.
func (s *Store) TakeQuota(ctx context.Context, customerID, period string, moves []sales.QuotaMove) (left map[string]int64, taken bool, err error) {
	if len(moves) == 0 {
		return map[string]int64{}, true, nil
	}
	err = s.takeQuota(ctx, customerID, period, moves, func(tx pgx.Tx, have map[string]int64) error {
		left, taken = maps.Clone(have), true
		need := map[string]int64{}
		for _, m := range moves {
			need[m.SKU] += m.Quantity
			if need[m.SKU] > have[m.SKU] {
				taken = false
			}
		}
		if !taken {
			return nil
		}
		return writeQuotaMoves(ctx, tx, moves)
	})
	return left, taken, err
}

// TakeQuotaUpTo consumes of each move what the customer has left, in order,
// under the same lock as TakeQuota: the SLT's "confirm the part within
// quota" with the figures of the moment. It returns the moves as recorded
// (cut, and none for a line with nothing left).
func (s *Store) TakeQuotaUpTo(ctx context.Context, customerID, period string, moves []sales.QuotaMove) (taken []sales.QuotaMove, err error) {
	err = s.takeQuota(ctx, customerID, period, moves, func(tx pgx.Tx, left map[string]int64) error {
		taken = nil
		for _, m := range moves {
			if n := min(m.Quantity, left[m.SKU]); n > 0 {
				left[m.SKU] -= n
				m.Quantity = n
				taken = append(taken, m)
			}
		}
		return writeQuotaMoves(ctx, tx, taken)
	})
	return taken, err
}

// takeQuota runs take in a transaction holding the lock of the customer's
// quota for the period, with what the customer has left of each SKU of
// moves apart from the order's own moves. The moves must be consumptions of
// one order of this customer and period.
func (s *Store) takeQuota(ctx context.Context, customerID, period string, moves []sales.QuotaMove,
	take func(tx pgx.Tx, left map[string]int64) error) error {
	op := "take quota of " + customerID + " for " + period
	if len(moves) == 0 {
		return nil
	}
	var skus []string
	for _, m := range moves {
		if m.CustomerID != customerID || m.Period != period || m.OrderNo != moves[0].OrderNo || m.Quantity <= 0 {
			return sales.Errorf(sales.ErrInvalid, "%s: move %s is not a consumption of one order of this customer and period", op, m.Key)
		}
		if !slices.Contains(skus, m.SKU) {
			skus = append(skus, m.SKU)
		}
	}
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('quota/' || $1 || '/' || $2))`, customerID, period); err != nil {
			return translate(op, err)
		}
		left := map[string]int64{}
		rows, err := tx.Query(ctx, `
			SELECT k.sku, coalesce(q.quantity, 0) - coalesce((SELECT sum(m.quantity) FROM quota_moves m
				WHERE m.period = $1 AND m.sku = k.sku AND m.customer_id = $2 AND m.order_no <> $4), 0)
			FROM unnest($3::text[]) AS k (sku)
			LEFT JOIN quota_customers q ON q.period = $1 AND q.customer_id = $2 AND q.sku = k.sku`,
			period, customerID, skus, moves[0].OrderNo)
		if err != nil {
			return translate(op, err)
		}
		var sku string
		var n int64
		if _, err := pgx.ForEachRow(rows, []any{&sku, &n}, func() error { left[sku] = n; return nil }); err != nil {
			return translate(op, err)
		}
		return take(tx, left)
	})
}

func scanCustomerQuota(r pgx.CollectableRow) (sales.CustomerQuota, error) {
	var q sales.CustomerQuota
	err := r.Scan(&q.Period, &q.CustomerID, &q.Market, &q.SKU, &q.Allocated, &q.Consumed)
	return q, err
}

// QuotaReport returns a period's allocations: every market's, and the
// customers' that scope allows (customers with consumption but no allocation
// are listed too: the SLT allowed them over quota).
func (s *Store) QuotaReport(ctx context.Context, period string, scope sales.Scope) (sales.QuotaReport, error) {
	op := "read quota report of " + period
	out := sales.QuotaReport{Period: period}
	if !sales.ValidPeriod(period) {
		return out, sales.Errorf(sales.ErrInvalid, "%q is not a period like 2026-11", period)
	}
	err := s.readTx(ctx, op, func(tx pgx.Tx) error {
		var err error
		out.Markets, err = collect(ctx, tx, op, `
			SELECT m.period, m.market, m.sku, m.quantity,
				coalesce((SELECT sum(c.quantity) FROM quota_customers c
					WHERE c.period = m.period AND c.sku = m.sku AND c.market = m.market), 0)::bigint,
				coalesce((SELECT sum(v.quantity) FROM quota_moves v JOIN customers cu ON cu.id = v.customer_id
					WHERE v.period = m.period AND v.sku = m.sku AND cu.market = m.market), 0)::bigint
			FROM quota_markets m WHERE m.period = $1 ORDER BY m.market, m.sku`,
			func(r pgx.CollectableRow) (sales.MarketQuota, error) {
				var q sales.MarketQuota
				err := r.Scan(&q.Period, &q.Market, &q.SKU, &q.Allocated, &q.ToCustomers, &q.Consumed)
				return q, err
			}, period)
		if err != nil {
			return err
		}
		var where conditions
		where.add("x.period = $?", period)
		if !scope.All {
			where.add("cu.kam_id = ANY($?)", nonNil(scope.KAMIDs))
		}
		out.Customers, err = collect(ctx, tx, op, `
			WITH x AS (
				SELECT period, sku, customer_id FROM quota_customers WHERE period = $1
				UNION
				SELECT period, sku, customer_id FROM quota_moves WHERE period = $1
			)
			SELECT x.period, x.customer_id, cu.market, x.sku,
				coalesce((SELECT q.quantity FROM quota_customers q
					WHERE q.period = x.period AND q.sku = x.sku AND q.customer_id = x.customer_id), 0)::bigint,
				coalesce((SELECT sum(m.quantity) FROM quota_moves m
					WHERE m.period = x.period AND m.sku = x.sku AND m.customer_id = x.customer_id), 0)::bigint
			FROM x JOIN customers cu ON cu.id = x.customer_id`+where.sql()+`
			ORDER BY x.customer_id, x.sku`, scanCustomerQuota, where.args...)
		return err
	})
	if err != nil {
		return sales.QuotaReport{}, err
	}
	if out.Markets == nil {
		out.Markets = []sales.MarketQuota{}
	}
	if out.Customers == nil {
		out.Customers = []sales.CustomerQuota{}
	}
	return out, nil
}

// writeQuotaMoves records consumption and give-backs; a move already recorded
// under its key is left as it is. An order line's consumption never goes
// below zero: a give-back beyond it refuses the whole write.
func writeQuotaMoves(ctx context.Context, tx pgx.Tx, moves []sales.QuotaMove) error {
	for _, m := range moves {
		op := "write quota move " + m.Key
		if _, err := tx.Exec(ctx, `
			INSERT INTO quota_moves (move_key, period, sku, customer_id, order_no, line_no, quantity, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (move_key) DO NOTHING`,
			m.Key, m.Period, m.SKU, m.CustomerID, m.OrderNo, m.LineNo, m.Quantity, m.At); err != nil {
			return translate(op, err)
		}
		var net int64
		if err := tx.QueryRow(ctx, `
			SELECT coalesce(sum(quantity), 0)::bigint FROM quota_moves WHERE order_no = $1 AND line_no = $2`,
			m.OrderNo, m.LineNo).Scan(&net); err != nil {
			return translate(op, err)
		}
		if net < 0 {
			return sales.Errorf(sales.ErrInvalid, "%s: line %d of %s would give back %d more than it consumed", op, m.LineNo, m.OrderNo, -net)
		}
	}
	return nil
}
