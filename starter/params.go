package starter

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"osb/sales"
)

// params reads the query parameters of a list, collecting every bad one so
// that the answer names them all.
type params struct {
	v url.Values
	p sales.Problems
}

// newParams reads the query of r; parameters other than known are refused, so
// a misspelt filter never silently returns everything.
func newParams(r *http.Request, known ...string) *params {
	q := &params{v: r.URL.Query()}
	names := make([]string, 0, len(q.v))
	for name := range q.v {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case !slices.Contains(known, name):
			q.p.Add(name, "is not a parameter of this list (known: %s)", strings.Join(known, ", "))
		case len(q.v[name]) > 1:
			q.p.Add(name, "is given more than once")
		}
	}
	return q
}

// err returns every problem found, or nil.
func (q *params) err() error { return q.p.Err("invalid query parameters") }

func (q *params) text(name string) string { return strings.TrimSpace(q.v.Get(name)) }

func (q *params) flag(name string) bool {
	s := q.text(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.p.Add(name, "must be true or false")
	}
	return b
}

func (q *params) integer(name string, lo, hi int, problem string) int {
	s := q.text(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.p.Add(name, "%s", problem)
		return 0
	}
	return n
}

func (q *params) level(name string) sales.Level {
	return sales.Level(q.integer(name, int(sales.LevelNone), int(sales.LevelGM),
		"must be a level from 0 to 5 (1 KAM, 2 UM, 3 MM, 4 SLT, 5 GM)"))
}

// maxLimit is the largest page of a list.
const maxLimit = 500

func (q *params) limit(name string) int {
	return q.integer(name, 1, maxLimit, "must be a number from 1 to 500")
}

func (q *params) orderNo(name string) string {
	s := q.text(name)
	if s != "" && !sales.ValidOrderNo(s) {
		q.p.Add(name, "must be an order number like SO-2026-000042")
	}
	return s
}

// orderStatuses are the statuses an order list can be filtered by.
var orderStatuses = []sales.OrderStatus{
	sales.StatusOpen, sales.StatusHeld, sales.StatusReleased, sales.StatusShipping,
	sales.StatusBilled, sales.StatusRemitted, sales.StatusRejected, sales.StatusCancelled,
}

func (q *params) status(name string) sales.OrderStatus {
	s := sales.OrderStatus(q.text(name))
	if s != "" && !slices.Contains(orderStatuses, s) {
		q.p.Add(name, "must be one of open, held, released, shipping, billed, remitted, rejected, cancelled")
		return ""
	}
	return s
}

func (q *params) step(name string) sales.Step {
	s := sales.Step(strings.ToUpper(q.text(name)))
	if _, ok := s.Info(); s != "" && !ok {
		q.p.Add(name, "must be a step like OP5, SP1 or BC6")
		return ""
	}
	return s
}
