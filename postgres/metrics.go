package postgres

import (
	"context"
	"fmt"
	"time"

	"osb/sales"
)

// Gauges is what the operations dashboard reads of the store at one moment:
// one query per family.
type Gauges struct {
	OpenOrders  []StepCount  // open orders (not remitted, rejected or cancelled) by stage and step
	LateOrders  []OwnerCount // open orders past their step's deadline, by the role owning the step
	Escalations []LevelCount // open orders by the escalation level they reached (1–5)
	Overdue     []BandAmount // unpaid invoices past due by ageing band
	Outbox      OutboxCounts
	Review      ReviewProgress
}

// StepCount is a number of orders at one step.
type StepCount struct {
	Stage, Step string
	Count       int64
}

// OwnerCount is a number of orders whose step a role owns.
type OwnerCount struct {
	Owner string
	Count int64
}

// LevelCount is a number of orders at one escalation level.
type LevelCount struct {
	Level int
	Count int64
}

// BandAmount is the open amount and number of overdue invoices in one
// ageing band: "1-30", "31-60", "61-90" or "90+" days past due.
type BandAmount struct {
	Band  string
	Fen   int64
	Count int64
}

// OutboxCounts are the notifications still to deliver and the dead letters.
type OutboxCounts struct {
	Pending, Dead int64
}

// ReviewProgress is the latest quarterly credit review's progress; Found is
// false when none ran yet.
type ReviewProgress struct {
	Found    bool
	Quarter  string
	Done     int64 // customers reviewed
	Total    int64 // active customers
	Finished bool
}

// OverdueBands are the bands of Gauges.Overdue, in order.
var OverdueBands = []string{"1-30", "31-60", "61-90", "90+"}

// Gauges reads the operations gauges as of now.
func (s *Store) Gauges(ctx context.Context, now time.Time) (Gauges, error) {
	var g Gauges
	var err error
	if g.OpenOrders, err = collectAll(ctx, s, "count open orders by step", `
		SELECT step, count(*) FROM orders
		WHERE closed_at IS NULL AND status NOT IN ('remitted', 'rejected', 'cancelled')
		GROUP BY step ORDER BY step`, func(step string, n int64) StepCount {
		return StepCount{Stage: string(sales.Step(step).Stage()), Step: step, Count: n}
	}); err != nil {
		return g, err
	}
	late, err := collectAll(ctx, s, "count late orders by step", `
		SELECT step, count(*) FROM orders
		WHERE closed_at IS NULL AND status NOT IN ('remitted', 'rejected', 'cancelled') AND next_deadline < $1
		GROUP BY step ORDER BY step`, func(step string, n int64) StepCount {
		return StepCount{Step: step, Count: n}
	}, now)
	if err != nil {
		return g, err
	}
	byOwner := map[string]int{}
	for _, l := range late {
		owner := "unknown"
		if info, ok := sales.Step(l.Step).Info(); ok {
			owner = string(info.Owner)
		}
		if i, ok := byOwner[owner]; ok {
			g.LateOrders[i].Count += l.Count
			continue
		}
		byOwner[owner] = len(g.LateOrders)
		g.LateOrders = append(g.LateOrders, OwnerCount{Owner: owner, Count: l.Count})
	}
	if g.Escalations, err = collectAll(ctx, s, "count escalated orders by level", `
		SELECT escalation_level::text, count(*) FROM orders
		WHERE closed_at IS NULL AND status NOT IN ('remitted', 'rejected', 'cancelled') AND escalation_level > 0
		GROUP BY escalation_level ORDER BY escalation_level`, func(level string, n int64) LevelCount {
		var l int
		_, _ = fmt.Sscan(level, &l)
		return LevelCount{Level: l, Count: n}
	}); err != nil {
		return g, err
	}
	rows, err := s.pool.Query(ctx, `
		SELECT CASE WHEN d <= 30 THEN '1-30' WHEN d <= 60 THEN '31-60' WHEN d <= 90 THEN '61-90' ELSE '90+' END AS band,
			sum(open_fen)::bigint, count(*)
		FROM (SELECT ceil(extract(epoch FROM $1::timestamptz - due_at) / 86400)::int AS d,
				amount_fen - paid_fen - credited_fen AS open_fen
			FROM invoices WHERE paid_at IS NULL AND due_at < $1 AND amount_fen > paid_fen + credited_fen) x
		GROUP BY band`, now)
	if err != nil {
		return g, fmt.Errorf("sum overdue receivables by band: %w", err)
	}
	bands := map[string]BandAmount{}
	for rows.Next() {
		var b BandAmount
		if err := rows.Scan(&b.Band, &b.Fen, &b.Count); err != nil {
			rows.Close()
			return g, fmt.Errorf("sum overdue receivables by band: %w", err)
		}
		bands[b.Band] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("sum overdue receivables by band: %w", err)
	}
	for _, band := range OverdueBands {
		b := bands[band]
		b.Band = band
		g.Overdue = append(g.Overdue, b)
	}
	if err := s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL), count(*) FILTER (WHERE dead_at IS NOT NULL)
		FROM notifications`).Scan(&g.Outbox.Pending, &g.Outbox.Dead); err != nil {
		return g, fmt.Errorf("count the outbox: %w", err)
	}
	rows, err = s.pool.Query(ctx, `
		SELECT r.quarter, r.customers_done, (SELECT count(*) FROM customers WHERE active), r.finished_at IS NOT NULL
		FROM credit_reviews r ORDER BY r.started_at DESC LIMIT 1`)
	if err != nil {
		return g, fmt.Errorf("read the latest credit review: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		r := &g.Review
		if err := rows.Scan(&r.Quarter, &r.Done, &r.Total, &r.Finished); err != nil {
			return g, fmt.Errorf("read the latest credit review: %w", err)
		}
		r.Found = true
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("read the latest credit review: %w", err)
	}
	return g, nil
}

// collectAll runs a query of (text, count) rows and makes each a T.
func collectAll[T any](ctx context.Context, s *Store, what, query string, row func(string, int64) T, args ...any) ([]T, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var key string
		var n int64
		if err := rows.Scan(&key, &n); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, row(key, n))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
