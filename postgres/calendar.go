package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// Calendar returns the working calendar of the years fromYear to toYear: the
// exceptions of those of them that are loaded, by date, and which are.
func (s *Store) Calendar(ctx context.Context, fromYear, toYear int) (sales.Calendar, error) {
	if fromYear > toYear {
		return sales.Calendar{}, sales.Errorf(sales.ErrInvalid, "calendar: year %d is after %d", fromYear, toYear)
	}
	c := sales.Calendar{Days: []sales.CalendarDay{}, Years: []int{}}
	err := s.readTx(ctx, "read the calendar", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT year FROM calendar_years WHERE year BETWEEN $1 AND $2 ORDER BY year`, fromYear, toYear)
		if err != nil {
			return translate("read the calendar's years", err)
		}
		years, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return translate("read the calendar's years", err)
		}
		c.Years = append(c.Years, years...)
		rows, err = tx.Query(ctx, `
			SELECT to_char(day, 'YYYY-MM-DD'), kind, name FROM calendar_days
			WHERE day >= make_date($1, 1, 1) AND day < make_date($2 + 1, 1, 1)
			ORDER BY day`, fromYear, toYear)
		if err != nil {
			return translate("read the calendar", err)
		}
		days, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.CalendarDay, error) {
			var d sales.CalendarDay
			err := r.Scan(&d.Date, &d.Kind, &d.Name)
			return d, err
		})
		if err != nil {
			return translate("read the calendar", err)
		}
		c.Days = append(c.Days, days...)
		return nil
	})
	if err != nil {
		return sales.Calendar{}, err
	}
	return c, nil
}

// CalendarYears returns the loaded years, by whom and when, in order.
func (s *Store) CalendarYears(ctx context.Context) ([]sales.CalendarYear, error) {
	rows, err := s.pool.Query(ctx, `SELECT year, loaded_by, loaded_at FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, translate("list the calendar's years", err)
	}
	years, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.CalendarYear, error) {
		var y sales.CalendarYear
		err := r.Scan(&y.Year, &y.LoadedBy, &y.LoadedAt)
		return y, err
	})
	if err != nil {
		return nil, translate("list the calendar's years", err)
	}
	return years, nil
}

// EntityCalendarYear is the audit trail's entity of a calendar year (key:
// the year): each load records the days before and after.
const EntityCalendarYear = "calendar_year"

// SaveCalendarYear replaces year's exceptions with days, all or nothing, and
// records who loaded the year and when, in the audit trail too. An empty days loads a year without
// exceptions.
func (s *Store) SaveCalendarYear(ctx context.Context, year int, days []sales.CalendarDay, by string, at time.Time) error {
	if err := sales.ValidateCalendarYear(year, days).Err(fmt.Sprintf("the calendar of %d is not valid", year)); err != nil {
		return err
	}
	op := fmt.Sprintf("save the calendar of %d", year)
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		var loaded bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM calendar_years WHERE year = $1 FOR UPDATE)`, year).Scan(&loaded); err != nil {
			return translate(op, err)
		}
		rows, err := tx.Query(ctx, `
			SELECT to_char(day, 'YYYY-MM-DD'), kind, name FROM calendar_days
			WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`, year)
		if err != nil {
			return translate(op, err)
		}
		before, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.CalendarDay, error) {
			var d sales.CalendarDay
			err := r.Scan(&d.Date, &d.Kind, &d.Name)
			return d, err
		})
		if err != nil {
			return translate(op, err)
		}
		after := slices.Clone(days)
		sales.SortCalendarDays(after)
		action, was := sales.AuditUpdate, any(before)
		if !loaded {
			action, was = sales.AuditCreate, nil
		}
		if err := audit(ctx, tx, EntityCalendarYear, strconv.Itoa(year), action, sales.Actor{UserID: by}, at, was, nonNilDays(after)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO calendar_years (year, loaded_by, loaded_at) VALUES ($1, $2, $3)
			ON CONFLICT (year) DO UPDATE SET loaded_by = excluded.loaded_by, loaded_at = excluded.loaded_at`,
			year, by, at); err != nil {
			return translate(op, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM calendar_days WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)`, year); err != nil {
			return translate(op, err)
		}
		dates := make([]string, len(days))
		kinds := make([]string, len(days))
		names := make([]string, len(days))
		for i, d := range days {
			dates[i], kinds[i], names[i] = d.Date, string(d.Kind), d.Name
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO calendar_days (day, kind, name)
			SELECT d::date, k, n FROM unnest($1::text[], $2::text[], $3::text[]) AS t (d, k, n)`,
			dates, kinds, names); err != nil {
			return translate(op, err)
		}
		return nil
	})
}

func nonNilDays(days []sales.CalendarDay) []sales.CalendarDay {
	if days == nil {
		return []sales.CalendarDay{}
	}
	return days
}
