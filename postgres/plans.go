package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// SplitTarget splits the target of r's parent among its children for r's
// period: the MM of a market splits the market's target among their UMs, a
// UM theirs among their KAMs, a KAM theirs among their distributors. Only
// the owner of the parent target splits it; the shares must add up to it.
// Children not named lose their target of the period. The answer is the
// split as it now stands.
func (s *Store) SplitTarget(ctx context.Context, r sales.SplitRequest, by sales.User, at time.Time) (sales.TargetSplit, error) {
	if err := r.Validate().Err("invalid split"); err != nil {
		return sales.TargetSplit{}, err
	}
	op := fmt.Sprintf("split the %s target of %s for %s", r.Dimension, r.Key, r.Period)
	var out sales.TargetSplit
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if err := checkSplitter(ctx, tx, r.Dimension, r.Key, by); err != nil {
			return err
		}
		parent, found, err := readTarget(ctx, tx, r.Period, r.Dimension, r.Key, true)
		if err != nil {
			return translate(op, err)
		}
		if !found {
			return sales.Problems{{Field: "key", Message: fmt.Sprintf(
				"%s %s has no target for %s to split: the level above sets it first", r.Dimension, r.Key, r.Period)}}.Err("invalid split")
		}
		children, err := splitChildren(ctx, tx, r.Dimension, r.Key)
		if err != nil {
			return translate(op, err)
		}
		var p sales.Problems
		keys := make([]string, len(r.Targets))
		for i, t := range r.Targets {
			keys[i] = t.Key
			if !slices.ContainsFunc(children, func(c sales.SplitChild) bool { return c.Key == t.Key }) {
				p.Add(fmt.Sprintf("targets[%d].key", i), "%s is not one of the %ss of %s %s", t.Key,
					r.Dimension.ChildDimension(), r.Dimension, r.Key)
			}
		}
		p = append(p, sales.CheckSplit(parent, r)...)
		if err := p.Err("invalid split"); err != nil {
			return err
		}
		child := r.Dimension.ChildDimension()
		for _, t := range r.Targets {
			e := sales.TargetEntry{Dimension: child, Key: t.Key, Currency: parent.Currency, Sales: t.Sales,
				Collections: t.Collections, Units: t.Units}
			if err := upsertTarget(ctx, tx, r.Period, e, by.ID, at); err != nil {
				return translate(op, err)
			}
		}
		var others []string
		for _, c := range children {
			if !slices.Contains(keys, c.Key) {
				others = append(others, c.Key)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sales_targets WHERE period = $1 AND dimension = $2 AND key = ANY($3)`,
			r.Period, string(child), nonNil(others)); err != nil {
			return translate(op, err)
		}
		out, err = splitView(ctx, tx, r.Period, r.Dimension, r.Key)
		return err
	})
	return out, err
}

// checkSplitter refuses anyone but the owner of a target: the market's MM,
// the UM or the KAM themselves.
func checkSplitter(ctx context.Context, tx pgx.Tx, d sales.TargetDimension, key string, by sales.User) error {
	switch d {
	case sales.ByMarket:
		var mm string
		err := tx.QueryRow(ctx, `SELECT coalesce(mm_id, '') FROM markets WHERE code = $1`, key).Scan(&mm)
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Problems{{Field: "key", Message: fmt.Sprintf("no market %q", key)}}.Err("invalid split")
		}
		if err != nil {
			return translate("read market "+key, err)
		}
		if mm != by.ID {
			return sales.Errorf(sales.ErrForbidden, "only the MM of market %s splits its target", key)
		}
	default:
		owner := map[sales.TargetDimension]sales.Title{sales.ByUM: sales.TitleUM, sales.ByKAM: sales.TitleKAM}[d]
		if key != by.ID || by.Role != sales.RoleFSF || by.Title != owner {
			return sales.Errorf(sales.ErrForbidden, "only %s splits their own %s target", key, d)
		}
	}
	return nil
}

// readTarget reads one target, locked for update when lock is set.
func readTarget(ctx context.Context, tx pgx.Tx, period string, d sales.TargetDimension, key string, lock bool) (sales.Target, bool, error) {
	sql := `SELECT period, dimension, key, currency, sales_fen, collections_fen, units, set_by, set_at
		FROM sales_targets WHERE period = $1 AND dimension = $2 AND key = $3`
	if lock {
		sql += ` FOR UPDATE`
	}
	var t sales.Target
	err := tx.QueryRow(ctx, sql, period, string(d), key).
		Scan(&t.Period, &t.Dimension, &t.Key, &t.Currency, &t.Sales, &t.Collections, &t.Units, &t.SetBy, &t.SetAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.Target{Period: period, Dimension: d, Key: key, Currency: sales.CNY}, false, nil
	}
	return t, err == nil, err
}

// splitChildren lists who a target of d is split among, with their names:
// the UMs under a market's MM (of that market, or of none), a UM's KAMs, a
// KAM's distributors.
func splitChildren(ctx context.Context, q querier, d sales.TargetDimension, key string) ([]sales.SplitChild, error) {
	var sql string
	switch d {
	case sales.ByMarket:
		sql = `SELECT u.id, u.name FROM users u JOIN markets m ON m.code = $1
			WHERE u.title = 'UM' AND u.manager_id = m.mm_id AND (u.market IS NULL OR u.market = m.code) ORDER BY u.id`
	case sales.ByUM:
		sql = `SELECT id, name FROM users WHERE title = 'KAM' AND manager_id = $1 ORDER BY id`
	case sales.ByKAM:
		sql = `SELECT id, name FROM customers WHERE kam_id = $1 ORDER BY id`
	default:
		return nil, nil
	}
	return collect(ctx, q, fmt.Sprintf("who the %s target of %s is split among", d, key), sql,
		func(r pgx.CollectableRow) (sales.SplitChild, error) {
			var c sales.SplitChild
			err := r.Scan(&c.Key, &c.Name)
			return c, err
		}, key)
}

// splitView reads a target with its children's.
func splitView(ctx context.Context, tx pgx.Tx, period string, d sales.TargetDimension, key string) (sales.TargetSplit, error) {
	op := fmt.Sprintf("the split of the %s target of %s for %s", d, key, period)
	parent, found, err := readTarget(ctx, tx, period, d, key, false)
	if err != nil {
		return sales.TargetSplit{}, translate(op, err)
	}
	v := sales.TargetSplit{Period: period, Parent: parent, ChildDimension: d.ChildDimension(), HasTarget: found,
		Children: []sales.SplitChild{}, Sum: sales.Figures{Currency: parent.Currency}}
	if err := tx.QueryRow(ctx, `
		SELECT coalesce(CASE WHEN $1 = 'market' THEN (SELECT name FROM markets WHERE code = $2)
			ELSE (SELECT name FROM users WHERE id = $2) END, $2)`, string(d), key).Scan(&v.ParentName); err != nil {
		return v, translate(op, err)
	}
	children, err := splitChildren(ctx, tx, d, key)
	if err != nil {
		return v, err
	}
	set, err := collect(ctx, tx, op, `
		SELECT key, currency, sales_fen, collections_fen, units FROM sales_targets
		WHERE period = $1 AND dimension = $2`,
		func(r pgx.CollectableRow) (sales.SplitChild, error) {
			var c sales.SplitChild
			err := r.Scan(&c.Key, &c.Figures.Currency, &c.Figures.Sales, &c.Figures.Collections, &c.Figures.Units)
			c.Set = true
			return c, err
		}, period, string(v.ChildDimension))
	if err != nil {
		return v, err
	}
	anySet := false
	for _, c := range children {
		c.Figures.Currency = parent.Currency
		for _, t := range set {
			if t.Key == c.Key {
				c.Figures, c.Set = t.Figures, true
				anySet = true
				v.Sum.Add(t.Figures)
			}
		}
		v.Children = append(v.Children, c)
	}
	v.State = sales.SplitStateOf(parent.Figures(), v.Sum, anySet)
	return v, nil
}

// TargetSplit returns the target of d and key for period with its
// children's targets and how far they add up.
func (s *Store) TargetSplit(ctx context.Context, period string, d sales.TargetDimension, key string) (sales.TargetSplit, error) {
	if !sales.ValidTargetPeriod(period) || d.ChildDimension() == "" {
		return sales.TargetSplit{}, sales.Errorf(sales.ErrInvalid, "a split is of a market's, a UM's or a KAM's target for a month, quarter or year")
	}
	var out sales.TargetSplit
	err := s.readTx(ctx, "read a split", func(tx pgx.Tx) error {
		var err error
		out, err = splitView(ctx, tx, period, d, key)
		return err
	})
	return out, err
}

// SplitsOf returns the targets u splits for period, with their children's:
// the markets of an MM, a UM's or a KAM's own target. Everyone else (the
// SLT, the SSG) sees every market's.
func (s *Store) SplitsOf(ctx context.Context, period string, u sales.User) ([]sales.TargetSplit, error) {
	if !sales.ValidTargetPeriod(period) {
		return nil, sales.Errorf(sales.ErrInvalid, "period %q must look like 2026-03, 2026-Q1 or 2026", period)
	}
	out := []sales.TargetSplit{}
	err := s.readTx(ctx, "read the splits of "+u.ID, func(tx pgx.Tx) error {
		var parents []sales.TargetSplit
		switch {
		case u.Role == sales.RoleFSF && u.Title == sales.TitleUM:
			parents = append(parents, sales.TargetSplit{Parent: sales.Target{Dimension: sales.ByUM, Key: u.ID}})
		case u.Role == sales.RoleFSF && u.Title == sales.TitleKAM:
			parents = append(parents, sales.TargetSplit{Parent: sales.Target{Dimension: sales.ByKAM, Key: u.ID}})
		default:
			where := ""
			args := []any{}
			if u.Role == sales.RoleFSF {
				where, args = " WHERE mm_id = $1", []any{u.ID}
			}
			codes, err := collect(ctx, tx, "markets", `SELECT code FROM markets`+where+` ORDER BY code`,
				pgx.RowTo[string], args...)
			if err != nil {
				return err
			}
			for _, c := range codes {
				parents = append(parents, sales.TargetSplit{Parent: sales.Target{Dimension: sales.ByMarket, Key: c}})
			}
		}
		for _, p := range parents {
			v, err := splitView(ctx, tx, period, p.Parent.Dimension, p.Parent.Key)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// MarketFocus returns the focus of each market that has one for month, by
// market.
func (s *Store) MarketFocus(ctx context.Context, month string) ([]sales.FocusItems, error) {
	return marketFocus(ctx, s.pool, month)
}

func marketFocus(ctx context.Context, q querier, month string) ([]sales.FocusItems, error) {
	type item struct {
		market, text, by string
		rank             int
		at               time.Time
	}
	items, err := collect(ctx, q, "focus of the markets for "+month, `
		SELECT market, rank, text, set_by, set_at FROM focus_items WHERE month = $1 AND market <> ''
		ORDER BY market, rank`,
		func(r pgx.CollectableRow) (item, error) {
			var i item
			err := r.Scan(&i.market, &i.rank, &i.text, &i.by, &i.at)
			return i, err
		}, month)
	if err != nil {
		return nil, err
	}
	out := []sales.FocusItems{}
	for _, i := range items {
		if len(out) == 0 || out[len(out)-1].Market != i.market {
			out = append(out, sales.FocusItems{Month: month, Market: i.market, Secondary: []string{}, SetBy: i.by, SetAt: i.at})
		}
		f := &out[len(out)-1]
		if i.rank == 1 {
			f.Main = i.text
		} else {
			f.Secondary = append(f.Secondary, i.text)
		}
	}
	return out, nil
}

const planColumns = `kind, period, text, saved_by, saved_at, version, coalesce(published_by, ''), published_at, figures`

func scanPlan(r pgx.Row) (sales.Plan, error) {
	var p sales.Plan
	var figures []byte
	if err := r.Scan(&p.Kind, &p.Period, &p.Text, &p.SavedBy, &p.SavedAt, &p.Version, &p.PublishedBy, &p.PublishedAt,
		&figures); err != nil {
		return p, err
	}
	if figures != nil {
		p.Figures = &sales.PlanFigures{}
		if err := json.Unmarshal(figures, p.Figures); err != nil {
			return p, fmt.Errorf("decode the figures of the %s plan %s: %w", p.Kind, p.Period, err)
		}
	}
	return p, nil
}

// SavePlan saves the text of the plan of kind for period as a draft; what
// was published stays as it was until the plan is published again.
func (s *Store) SavePlan(ctx context.Context, kind sales.PlanKind, period string, d sales.PlanDraft, by string, at time.Time) (sales.Plan, error) {
	if err := kind.CheckPeriod(period); err != nil {
		return sales.Plan{}, err
	}
	d.Normalize()
	if err := d.Validate().Err("invalid plan"); err != nil {
		return sales.Plan{}, err
	}
	p, err := scanPlan(s.pool.QueryRow(ctx, `
		INSERT INTO plans (kind, period, text, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (kind, period) DO UPDATE SET text = excluded.text, saved_by = excluded.saved_by,
			saved_at = excluded.saved_at
		RETURNING `+planColumns, string(kind), period, d.Text, by, at))
	if err != nil {
		return p, translate(fmt.Sprintf("save the %s plan %s", kind, period), err)
	}
	return p, nil
}

// Plan returns the plan of kind for period; not_found when nobody has saved
// or published it.
func (s *Store) Plan(ctx context.Context, kind sales.PlanKind, period string) (sales.Plan, error) {
	if err := kind.CheckPeriod(period); err != nil {
		return sales.Plan{}, err
	}
	p, err := scanPlan(s.pool.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE kind = $1 AND period = $2`,
		string(kind), period))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, sales.Errorf(sales.ErrNotFound, "there is no %s plan for %s yet", kind, period)
	}
	if err != nil {
		return p, fmt.Errorf("store: the %s plan %s: %w", kind, period, err)
	}
	return p, nil
}

// ListPlans returns the plans of a year (2026): the annual plan, then the
// quarters', then the months'.
func (s *Store) ListPlans(ctx context.Context, year string) ([]sales.Plan, error) {
	if sales.PeriodKindOf(year) != sales.PeriodYear {
		return nil, sales.Errorf(sales.ErrInvalid, "year %q must look like 2026", year)
	}
	return collect(ctx, s.pool, "plans of "+year, `
		SELECT `+planColumns+` FROM plans WHERE left(period, 4) = $1
		ORDER BY array_position(ARRAY['annual', 'quarterly', 'monthly'], kind), period`,
		func(r pgx.CollectableRow) (sales.Plan, error) { return scanPlan(r) }, year)
}

// PublishPlan publishes the plan of kind for period as it stands: each
// market's target of the period and, for a month, each market's focus (and
// the department's), with the plan's text, are frozen in the plan, and the
// SSG and each market's FSF are told in the same transaction. Publishing
// the same content again changes nothing and tells nobody; a changed one is
// the next version and tells everyone again. At least one market must have
// a target.
func (s *Store) PublishPlan(ctx context.Context, kind sales.PlanKind, period string, by string, at time.Time) (sales.Publication, error) {
	if err := kind.CheckPeriod(period); err != nil {
		return sales.Publication{}, err
	}
	op := fmt.Sprintf("publish the %s plan %s", kind, period)
	var out sales.Publication
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO plans (kind, period, saved_by, saved_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (kind, period) DO NOTHING`, string(kind), period, by, at); err != nil {
			return translate(op, err)
		}
		plan, err := scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE kind = $1 AND period = $2 FOR UPDATE`,
			string(kind), period))
		if err != nil {
			return translate(op, err)
		}
		figures, err := planFigures(ctx, tx, kind, period, plan.Text)
		if err != nil {
			return translate(op, err)
		}
		if !slices.ContainsFunc(figures.Markets, func(m sales.PlanMarket) bool { return m.Target != nil }) {
			return sales.Problems{{Field: "targets", Message: fmt.Sprintf(
				"no market has a target for %s: set the markets' targets before publishing", period)}}.Err("nothing to publish")
		}
		content, err := jsonText(figures, "{}")
		if err != nil {
			return err
		}
		var same bool
		if err := tx.QueryRow(ctx, `SELECT coalesce(figures = $3::jsonb, false) FROM plans WHERE kind = $1 AND period = $2`,
			string(kind), period, content).Scan(&same); err != nil {
			return translate(op, err)
		}
		out.Notifications = []sales.Notification{}
		if same {
			out.Plan = plan
			return nil
		}
		plan, err = scanPlan(tx.QueryRow(ctx, `
			UPDATE plans SET version = version + 1, figures = $3::jsonb, published_by = $4, published_at = $5
			WHERE kind = $1 AND period = $2 RETURNING `+planColumns, string(kind), period, content, by, at))
		if err != nil {
			return translate(op, err)
		}
		out.Plan, out.Changed = plan, true
		out.Notifications = sales.PlanNotifications(plan, at)
		return writeNotifications(ctx, tx, out.Notifications)
	})
	return out, err
}

// planFigures gathers what a publication freezes, with whom each market's
// part is told: the market's SSG (all of the SSG for a market without
// one) and FSF.
func planFigures(ctx context.Context, tx pgx.Tx, kind sales.PlanKind, period, text string) (sales.PlanFigures, error) {
	f := sales.PlanFigures{Text: text, Markets: []sales.PlanMarket{}}
	markets, err := collect(ctx, tx, "markets and their targets", `
		SELECT m.code, m.name, t.currency, t.sales_fen, t.collections_fen, t.units,
			array(SELECT id FROM (
				SELECT s.user_id AS id FROM market_ssg s WHERE s.market = m.code
				UNION
				SELECT u.id FROM users u WHERE u.role = 'ssg'
					AND NOT EXISTS (SELECT 1 FROM market_ssg s WHERE s.market = m.code)
				UNION
				SELECT u.id FROM users u WHERE u.role = 'fsf' AND (u.market = m.code OR u.id = m.mm_id)) r
				ORDER BY id)
		FROM markets m
		LEFT JOIN sales_targets t ON t.period = $1 AND t.dimension = 'market' AND t.key = m.code
		ORDER BY m.code`,
		func(r pgx.CollectableRow) (sales.PlanMarket, error) {
			var m sales.PlanMarket
			var cur *string
			var sl, coll, units *int64
			err := r.Scan(&m.Market, &m.Name, &cur, &sl, &coll, &units, &m.Notify)
			if cur != nil {
				m.Target = &sales.Figures{Currency: sales.Currency(*cur), Sales: sales.Fen(*sl),
					Collections: sales.Fen(*coll), Units: *units}
			}
			return m, err
		}, period)
	if err != nil {
		return f, err
	}
	if kind == sales.PlanMonthly {
		focus, err := marketFocus(ctx, tx, period)
		if err != nil {
			return f, err
		}
		for i := range markets {
			for _, x := range focus {
				if x.Market == markets[i].Market {
					x := x
					x.SetBy, x.SetAt = "", time.Time{}
					markets[i].Focus = &x
				}
			}
		}
		dept, err := collect(ctx, tx, "the department's focus", `
			SELECT text FROM focus_items WHERE month = $1 AND market = '' ORDER BY rank`, pgx.RowTo[string], period)
		if err != nil {
			return f, err
		}
		if len(dept) > 0 {
			f.Focus = &sales.FocusItems{Month: period, Main: dept[0], Secondary: append([]string{}, dept[1:]...)}
		}
	}
	f.Markets = markets
	return f, nil
}

// PlanPreview is what publishing the plan of kind for period now would
// freeze, with whom each market's part would be told; nothing is written.
func (s *Store) PlanPreview(ctx context.Context, kind sales.PlanKind, period string) (sales.PlanFigures, error) {
	if err := kind.CheckPeriod(period); err != nil {
		return sales.PlanFigures{}, err
	}
	var out sales.PlanFigures
	err := s.readTx(ctx, fmt.Sprintf("preview the %s plan %s", kind, period), func(tx pgx.Tx) error {
		var text string
		err := tx.QueryRow(ctx, `SELECT text FROM plans WHERE kind = $1 AND period = $2`, string(kind), period).Scan(&text)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: the text of the %s plan %s: %w", kind, period, err)
		}
		out, err = planFigures(ctx, tx, kind, period, text)
		return err
	})
	return out, err
}
