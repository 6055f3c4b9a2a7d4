package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// SetTargets writes the targets of r's month, set by by at at; targets of the
// month not named stay as they are. Every key must name a market or a person
// with the dimension's title.
func (s *Store) SetTargets(ctx context.Context, r sales.TargetRequest, by string, at time.Time) ([]sales.Target, error) {
	if err := r.Validate().Err("invalid targets"); err != nil {
		return nil, err
	}
	op := "set targets of " + r.Month
	var out []sales.Target
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var p sales.Problems
		for i, t := range r.Targets {
			var known bool
			if err := tx.QueryRow(ctx, `
				SELECT CASE WHEN $1 = 'market' THEN EXISTS (SELECT 1 FROM markets WHERE code = $2)
					ELSE EXISTS (SELECT 1 FROM users WHERE id = $2 AND title = upper($1)) END`,
				string(t.Dimension), t.Key).Scan(&known); err != nil {
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
			cur := t.Currency
			if cur == "" {
				cur = sales.CNY
			}
			if _, err := tx.Exec(ctx, `
				INSERT INTO sales_targets (month, dimension, key, currency, sales_fen, collections_fen, set_by, set_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (month, dimension, key) DO UPDATE SET currency = excluded.currency,
					sales_fen = excluded.sales_fen, collections_fen = excluded.collections_fen,
					set_by = excluded.set_by, set_at = excluded.set_at`,
				r.Month, string(t.Dimension), t.Key, string(cur), int64(t.Sales), int64(t.Collections), by, at); err != nil {
				return translate(op, err)
			}
		}
		var err error
		out, err = targets(ctx, tx, r.Month, sales.Scope{All: true})
		return err
	})
	return out, err
}

// Targets returns the targets of month in scope, widest dimension first. A
// limited scope (the FSF) sees the targets of its people only, never a
// market's: like the report against target.
func (s *Store) Targets(ctx context.Context, month string, scope sales.Scope) ([]sales.Target, error) {
	if !sales.ValidMonth(month) {
		return nil, sales.Errorf(sales.ErrInvalid, "month %q must look like 2026-03", month)
	}
	return targets(ctx, s.pool, month, scope)
}

func targets(ctx context.Context, q querier, month string, scope sales.Scope) ([]sales.Target, error) {
	var where conditions
	where.add("month = $?", month)
	if !scope.All {
		where.clauses = append(where.clauses, "dimension <> 'market'")
		where.add("key = ANY($?)", nonNil(scope.KAMIDs))
	}
	return collect(ctx, q, "targets of "+month, `
		SELECT month, dimension, key, currency, sales_fen, collections_fen, set_by, set_at
		FROM sales_targets`+where.sql()+`
		ORDER BY array_position(ARRAY['market', 'mm', 'um', 'kam'], dimension), key`,
		func(r pgx.CollectableRow) (sales.Target, error) {
			var t sales.Target
			err := r.Scan(&t.Month, &t.Dimension, &t.Key, &t.Currency, &t.Sales, &t.Collections, &t.SetBy, &t.SetAt)
			return t, err
		}, where.args...)
}

// SetFocus replaces the SLT's focus items of month.
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
		if _, err := tx.Exec(ctx, `DELETE FROM focus_items WHERE month = $1`, month); err != nil {
			return translate(op, err)
		}
		for rank, text := range append([]string{r.Main}, r.Secondary...) {
			if _, err := tx.Exec(ctx, `
				INSERT INTO focus_items (month, rank, text, set_by, set_at) VALUES ($1, $2, $3, $4, $5)`,
				month, rank+1, text, by, at); err != nil {
				return translate(op, err)
			}
		}
		return nil
	})
	if err != nil {
		return sales.FocusItems{}, err
	}
	return s.Focus(ctx, month)
}

// Focus returns the focus items of month; not_found when the SLT has not set them.
func (s *Store) Focus(ctx context.Context, month string) (sales.FocusItems, error) {
	f := sales.FocusItems{Month: month, Secondary: []string{}}
	rows, err := s.pool.Query(ctx, `
		SELECT rank, text, set_by, set_at FROM focus_items WHERE month = $1 ORDER BY rank`, month)
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
