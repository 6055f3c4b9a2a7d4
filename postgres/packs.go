package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// SetTargets writes the targets of r's period, set by by at at; targets of
// the period not named stay as they are. Every key must name a market, a
// person with the dimension's title, or a customer (a distributor). This is
// the SLT's and SSG's entry of figures; the FSF split theirs with
// SplitTarget, whose sums are checked.
func (s *Store) SetTargets(ctx context.Context, r sales.TargetRequest, by string, at time.Time) ([]sales.Target, error) {
	if err := r.Validate().Err("invalid targets"); err != nil {
		return nil, err
	}
	period := r.PeriodName()
	op := "set targets of " + period
	var out []sales.Target
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var p sales.Problems
		for i, t := range r.Targets {
			known, err := targetKeyKnown(ctx, tx, t.Dimension, t.Key)
			if err != nil {
				return translate(op, err)
			}
			if !known {
				p.Add(fmt.Sprintf("targets[%d].key", i), "no %s %q", t.Dimension, t.Key)
			}
		}
		if err := p.Err("invalid targets"); err != nil {
			return err
		}
		for _, t := range r.Targets {
			if err := upsertTarget(ctx, tx, period, t, by, at); err != nil {
				return translate(op, err)
			}
		}
		var err error
		out, err = targets(ctx, tx, period, sales.Scope{All: true})
		return err
	})
	return out, err
}

// targetKeyKnown reports whether key names a market, a user with the
// dimension's title, or a customer.
func targetKeyKnown(ctx context.Context, q pgx.Tx, d sales.TargetDimension, key string) (bool, error) {
	var known bool
	err := q.QueryRow(ctx, `
		SELECT CASE WHEN $1 = 'market' THEN EXISTS (SELECT 1 FROM markets WHERE code = $2)
			WHEN $1 = 'distributor' THEN EXISTS (SELECT 1 FROM customers WHERE id = $2)
			ELSE EXISTS (SELECT 1 FROM users WHERE id = $2 AND title = upper($1)) END`,
		string(d), key).Scan(&known)
	return known, err
}

// upsertTarget writes one target of period.
func upsertTarget(ctx context.Context, tx pgx.Tx, period string, t sales.TargetEntry, by string, at time.Time) error {
	cur := t.Currency
	if cur == "" {
		cur = sales.CNY
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO sales_targets (period, dimension, key, currency, sales_fen, collections_fen, units, set_by, set_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (period, dimension, key) DO UPDATE SET currency = excluded.currency,
			sales_fen = excluded.sales_fen, collections_fen = excluded.collections_fen, units = excluded.units,
			set_by = excluded.set_by, set_at = excluded.set_at`,
		period, string(t.Dimension), t.Key, string(cur), int64(t.Sales), int64(t.Collections), t.Units, by, at)
	return err
}

// Targets returns the targets of a period (a month, quarter or year) in
// scope, widest dimension first. A limited scope (the FSF) sees the targets
// of its people and their distributors only, never a market's: like the
// report against target.
func (s *Store) Targets(ctx context.Context, period string, scope sales.Scope) ([]sales.Target, error) {
	if !sales.ValidTargetPeriod(period) {
		return nil, sales.Errorf(sales.ErrInvalid, "period %q must look like 2026-03, 2026-Q1 or 2026", period)
	}
	return targets(ctx, s.pool, period, scope)
}

func targets(ctx context.Context, q querier, period string, scope sales.Scope) ([]sales.Target, error) {
	var where conditions
	where.add("period = $?", period)
	if !scope.All {
		kams := where.arg(nonNil(scope.KAMIDs))
		where.clauses = append(where.clauses, "dimension <> 'market'", `CASE WHEN dimension = 'distributor'
			THEN EXISTS (SELECT 1 FROM customers c WHERE c.id = key AND c.kam_id = ANY(`+kams+`))
			ELSE key = ANY(`+kams+`) END`)
	}
	return collect(ctx, q, "targets of "+period, `
		SELECT period, dimension, key, currency, sales_fen, collections_fen, units, set_by, set_at
		FROM sales_targets`+where.sql()+`
		ORDER BY array_position(ARRAY['market', 'mm', 'um', 'kam', 'distributor'], dimension), key`,
		func(r pgx.CollectableRow) (sales.Target, error) {
			var t sales.Target
			err := r.Scan(&t.Period, &t.Dimension, &t.Key, &t.Currency, &t.Sales, &t.Collections, &t.Units, &t.SetBy, &t.SetAt)
			return t, err
		}, where.args...)
}

// SetFocus replaces the SLT's focus items of month: a market's when
// r.Market is set, otherwise the whole department's.
func (s *Store) SetFocus(ctx context.Context, month string, r sales.FocusRequest, by string, at time.Time) (sales.FocusItems, error) {
	r.Normalize()
	p := r.Validate()
	if !sales.ValidMonth(month) {
		p.Add("month", "must be a month like 2026-03")
	}
	if err := p.Err("invalid focus"); err != nil {
		return sales.FocusItems{}, err
	}
	op := "set focus of " + month
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if r.Market != "" {
			known, err := targetKeyKnown(ctx, tx, sales.ByMarket, r.Market)
			if err != nil {
				return translate(op, err)
			}
			if !known {
				return sales.Problems{{Field: "market", Message: fmt.Sprintf("no market %q", r.Market)}}.Err("invalid focus")
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM focus_items WHERE month = $1 AND market = $2`, month, r.Market); err != nil {
			return translate(op, err)
		}
		for rank, text := range append([]string{r.Main}, r.Secondary...) {
			if _, err := tx.Exec(ctx, `
				INSERT INTO focus_items (month, market, rank, text, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				month, r.Market, rank+1, text, by, at); err != nil {
				return translate(op, err)
			}
		}
		return nil
	})
	if err != nil {
		return sales.FocusItems{}, err
	}
	if r.Market != "" {
		list, err := s.MarketFocus(ctx, month)
		for _, f := range list {
			if f.Market == r.Market {
				return f, err
			}
		}
		return sales.FocusItems{}, err
	}
	return s.Focus(ctx, month)
}

// Focus returns the whole department's focus items of month; not_found when
// the SLT has not set them. MarketFocus returns the markets'.
func (s *Store) Focus(ctx context.Context, month string) (sales.FocusItems, error) {
	f := sales.FocusItems{Month: month, Secondary: []string{}}
	rows, err := s.pool.Query(ctx, `
		SELECT rank, text, set_by, set_at FROM focus_items WHERE month = $1 AND market = '' ORDER BY rank`, month)
	if err != nil {
		return f, fmt.Errorf("store: focus of %s: %w", month, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var rank int
		var text string
		if err := rows.Scan(&rank, &text, &f.SetBy, &f.SetAt); err != nil {
			return f, fmt.Errorf("store: focus of %s: %w", month, err)
		}
		if rank == 1 {
			f.Main = text
		} else {
			f.Secondary = append(f.Secondary, text)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("store: focus of %s: %w", month, err)
	}
	if n == 0 {
		return f, sales.Errorf(sales.ErrNotFound, "the SLT has set no focus for %s", month)
	}
	return f, nil
}

// SavePack stores a meeting pack with its workbook, replacing the pack of the
// same kind and month, and returns it as listed.
func (s *Store) SavePack(ctx context.Context, p sales.MeetingPack, workflowID, runID string, xlsx []byte) (sales.PackRecord, error) {
	op := fmt.Sprintf("save %s pack of %s", p.Kind, p.Month)
	content, err := jsonText(p, "{}")
	if err != nil {
		return sales.PackRecord{}, err
	}
	var rec sales.PackRecord
	err = s.pool.QueryRow(ctx, `
		INSERT INTO meeting_packs (kind, month, generated_at, workflow_id, run_id, content, xlsx)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (kind, month) DO UPDATE SET generated_at = excluded.generated_at,
			workflow_id = excluded.workflow_id, run_id = excluded.run_id, content = excluded.content,
			xlsx = excluded.xlsx
		RETURNING `+packColumns,
		string(p.Kind), p.Month, p.GeneratedAt, workflowID, runID, content, xlsx).
		Scan(&rec.ID, &rec.Kind, &rec.Month, &rec.GeneratedAt, &rec.WorkflowID, &rec.RunID, &rec.XLSXBytes)
	if err != nil {
		return rec, translate(op, err)
	}
	return rec, nil
}

const packColumns = `id, kind, month, generated_at, workflow_id, run_id, octet_length(xlsx)`

// ListPacks returns the stored packs f selects, newest month first, without
// their content.
func (s *Store) ListPacks(ctx context.Context, f sales.PackFilter) ([]sales.PackRecord, error) {
	var where conditions
	if f.Kind != "" {
		where.add("kind = $?", string(f.Kind))
	}
	if f.Month != "" {
		where.add("month = $?", f.Month)
	}
	limit := where.arg(pageSize(f.Limit))
	return collect(ctx, s.pool, "list packs", `
		SELECT `+packColumns+` FROM meeting_packs`+where.sql()+`
		ORDER BY month DESC, kind LIMIT `+limit,
		func(r pgx.CollectableRow) (sales.PackRecord, error) {
			var rec sales.PackRecord
			err := r.Scan(&rec.ID, &rec.Kind, &rec.Month, &rec.GeneratedAt, &rec.WorkflowID, &rec.RunID, &rec.XLSXBytes)
			return rec, err
		}, where.args...)
}

// Pack returns a stored pack with its content.
func (s *Store) Pack(ctx context.Context, id int64) (sales.PackRecord, error) {
	var rec sales.PackRecord
	err := s.pool.QueryRow(ctx, `SELECT `+packColumns+`, content FROM meeting_packs WHERE id = $1`, id).
		Scan(&rec.ID, &rec.Kind, &rec.Month, &rec.GeneratedAt, &rec.WorkflowID, &rec.RunID, &rec.XLSXBytes, &rec.Content)
	if errors.Is(err, pgx.ErrNoRows) {
		return rec, sales.Errorf(sales.ErrNotFound, "no meeting pack %d", id)
	}
	if err != nil {
		return rec, fmt.Errorf("store: read pack %d: %w", id, err)
	}
	return rec, nil
}

// PackWorkbook returns a stored pack's XLSX workbook with its record.
func (s *Store) PackWorkbook(ctx context.Context, id int64) (sales.PackRecord, []byte, error) {
	var rec sales.PackRecord
	var xlsx []byte
	err := s.pool.QueryRow(ctx, `SELECT `+packColumns+`, xlsx FROM meeting_packs WHERE id = $1`, id).
		Scan(&rec.ID, &rec.Kind, &rec.Month, &rec.GeneratedAt, &rec.WorkflowID, &rec.RunID, &rec.XLSXBytes, &xlsx)
	if errors.Is(err, pgx.ErrNoRows) {
		return rec, nil, sales.Errorf(sales.ErrNotFound, "no meeting pack %d", id)
	}
	if err != nil {
		return rec, nil, fmt.Errorf("store: read workbook of pack %d: %w", id, err)
	}
	return rec, xlsx, nil
}
