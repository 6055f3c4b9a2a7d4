package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// LogVisit records a visit by by at at; the customer's market is kept with
// it. key is the client's Idempotency-Key: a request sent again with the
// same key returns the visit it logged (created false) and logs nothing. The
// input is validated by the caller (VisitInput.Validate).
func (s *Store) LogVisit(ctx context.Context, in sales.VisitInput, by sales.Actor, key string, at time.Time) (sales.Visit, bool, error) {
	var id int64
	created := false
	err := s.inTx(ctx, "log a visit", func(tx pgx.Tx) error {
		if key != "" {
			err := tx.QueryRow(ctx, `SELECT id FROM visits WHERE by_user = $1 AND request_key = $2`, by.UserID, key).Scan(&id)
			if err == nil {
				return nil
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return translate("log a visit", err)
			}
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO visits (customer_id, market, day, kind, notes, follow_up, follow_up_due, by_user, logged_at, request_key)
			SELECT c.id, c.market, $2::date, $3, $4, $5, $6::date, $7, $8, $9 FROM customers c WHERE c.id = $1
			ON CONFLICT (by_user, request_key) WHERE request_key <> '' DO NOTHING
			RETURNING id`,
			in.CustomerID, in.Date, string(in.Kind), in.Notes, in.FollowUp, dateOrNil(in.FollowUpDue), by.UserID, at, key).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows) && key != "":
			// A request with the same key won the race: return its visit.
			if err := tx.QueryRow(ctx, `SELECT id FROM visits WHERE by_user = $1 AND request_key = $2`, by.UserID, key).Scan(&id); err == nil {
				return nil
			}
			return sales.Errorf(sales.ErrNotFound, "there is no customer %q", in.CustomerID)
		case errors.Is(err, pgx.ErrNoRows):
			return sales.Errorf(sales.ErrNotFound, "there is no customer %q", in.CustomerID)
		case err != nil:
			return translate("log a visit", err)
		}
		created = true
		return nil
	})
	if err != nil {
		return sales.Visit{}, false, err
	}
	list, err := s.listVisits(ctx, "read the visit logged", "v.id = $1", id)
	if err != nil {
		return sales.Visit{}, false, err
	}
	if len(list) != 1 {
		return sales.Visit{}, false, fmt.Errorf("store: visit %d is not there after logging it", id)
	}
	return list[0], created, nil
}

const visitColumns = `v.id, v.customer_id, c.name, v.market, to_char(v.day, 'YYYY-MM-DD'), v.kind, v.notes, v.follow_up,
	coalesce(to_char(v.follow_up_due, 'YYYY-MM-DD'), ''), v.by_user, u.name, v.logged_at`

func scanVisit(r pgx.CollectableRow) (sales.Visit, error) {
	var v sales.Visit
	err := r.Scan(&v.ID, &v.CustomerID, &v.CustomerName, &v.Market, &v.Date, &v.Kind, &v.Notes, &v.FollowUp,
		&v.FollowUpDue, &v.By, &v.ByName, &v.LoggedAt)
	return v, err
}

func (s *Store) listVisits(ctx context.Context, op, where string, args ...any) ([]sales.Visit, error) {
	return collect(ctx, s.pool, op, `
		SELECT `+visitColumns+` FROM visits v JOIN customers c ON c.id = v.customer_id JOIN users u ON u.id = v.by_user
		WHERE `+where+` ORDER BY v.day DESC, v.id DESC`, scanVisit, args...)
}

// Visits returns the visits f selects, newest first; the FSF's scope follows
// each customer's KAM now.
func (s *Store) Visits(ctx context.Context, f sales.VisitFilter) ([]sales.Visit, error) {
	var where conditions
	if f.From != "" {
		where.add("v.day >= $?::date", f.From)
	}
	if f.To != "" {
		where.add("v.day <= $?::date", f.To)
	}
	if f.CustomerID != "" {
		where.add("v.customer_id = $?", f.CustomerID)
	}
	if f.By != "" {
		where.add("v.by_user = $?", f.By)
	}
	if !f.Scope.All {
		where.add("c.kam_id = ANY($?)", nonNil(f.Scope.KAMIDs))
	}
	limit := where.arg(pageSize(f.Limit))
	list, err := collect(ctx, s.pool, "list visits", `
		SELECT `+visitColumns+` FROM visits v JOIN customers c ON c.id = v.customer_id JOIN users u ON u.id = v.by_user`+
		where.sql()+` ORDER BY v.day DESC, v.id DESC LIMIT `+limit, scanVisit, where.args...)
	if list == nil && err == nil {
		list = []sales.Visit{}
	}
	return list, err
}

// VisitReport compares the visits of p with the weekly rhythm: the KAMs owe
// their active customers visits, the SSG members holding a market's visits
// duty its active customers calls. The FSF's scope keeps their customers
// and their KAMs only.
func (s *Store) VisitReport(ctx context.Context, p sales.Period, policy sales.VisitPolicy, scope sales.Scope) (sales.VisitReport, error) {
	var r sales.VisitReport
	err := s.readTx(ctx, "the visit report", func(tx pgx.Tx) error {
		type owed struct {
			market, kam, customer string
		}
		rows, err := tx.Query(ctx, `
			SELECT market, kam_id, id FROM customers
			WHERE active AND ($1 OR kam_id = ANY($2)) ORDER BY market, id`, scope.All, nonNil(scope.KAMIDs))
		if err != nil {
			return translate("the visit report: customers", err)
		}
		customers, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (owed, error) {
			var o owed
			err := r.Scan(&o.market, &o.kam, &o.customer)
			return o, err
		})
		if err != nil {
			return translate("the visit report: customers", err)
		}
		markets := map[string][]string{}
		kamDuties := map[[2]string]*sales.VisitDuty{}
		var order [][2]string
		for _, c := range customers {
			markets[c.market] = append(markets[c.market], c.customer)
			k := [2]string{c.kam, c.market}
			if kamDuties[k] == nil {
				kamDuties[k] = &sales.VisitDuty{UserID: c.kam, Market: c.market}
				order = append(order, k)
			}
			kamDuties[k].Customers = append(kamDuties[k].Customers, c.customer)
		}
		rows, err = tx.Query(ctx, `SELECT id, name, role FROM users`)
		if err != nil {
			return translate("the visit report: users", err)
		}
		type person struct {
			name string
			role sales.Role
		}
		people := map[string]person{}
		var id, name string
		var role sales.Role
		if _, err := pgx.ForEachRow(rows, []any{&id, &name, &role}, func() error {
			people[id] = person{name, role}
			return nil
		}); err != nil {
			return translate("the visit report: users", err)
		}
		var duties []sales.VisitDuty
		for _, k := range order {
			d := kamDuties[k]
			d.Name, d.Role = people[d.UserID].name, people[d.UserID].role
			duties = append(duties, *d)
		}
		if scope.All {
			rows, err = tx.Query(ctx, `SELECT market, user_id FROM market_ssg WHERE duty = $1 ORDER BY market, user_id`, string(sales.DutyVisits))
			if err != nil {
				return translate("the visit report: the SSG's duties", err)
			}
			var market, user string
			if _, err := pgx.ForEachRow(rows, []any{&market, &user}, func() error {
				duties = append(duties, sales.VisitDuty{UserID: user, Name: people[user].name, Role: people[user].role,
					Market: market, Customers: markets[market]})
				return nil
			}); err != nil {
				return translate("the visit report: the SSG's duties", err)
			}
		}
		rows, err = tx.Query(ctx, `
			SELECT `+visitColumns+` FROM visits v JOIN customers c ON c.id = v.customer_id JOIN users u ON u.id = v.by_user
			WHERE v.day >= $1::date AND v.day < $2::date AND ($3 OR c.kam_id = ANY($4))
			ORDER BY v.day, v.id`,
			p.From.In(sales.Beijing).Format(time.DateOnly), p.To.In(sales.Beijing).Format(time.DateOnly), scope.All, nonNil(scope.KAMIDs))
		if err != nil {
			return translate("the visit report: visits", err)
		}
		visits, err := pgx.CollectRows(rows, scanVisit)
		if err != nil {
			return translate("the visit report: visits", err)
		}
		r = sales.BuildVisitReport(p, policy, duties, markets, visits)
		return nil
	})
	return r, err
}
