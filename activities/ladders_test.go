package activities

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"osb/sales"
)

// ladderStore lists n open orders of C001, newest first, a page at a time.
type ladderStore struct {
	Store
	n       int
	filters []sales.OrderFilter
	down    bool
}

func (s *ladderStore) ListOrders(_ context.Context, f sales.OrderFilter) ([]sales.OrderSummary, error) {
	s.filters = append(s.filters, f)
	if s.down {
		return nil, errors.New("connection refused")
	}
	var out []sales.OrderSummary
	for i := s.n; i >= 1 && len(out) < f.Limit; i-- {
		no := fmt.Sprintf("SO-2026-%06d", i)
		if f.Before == "" || no < f.Before {
			out = append(out, sales.OrderSummary{OrderNo: no, CustomerID: f.CustomerID})
		}
	}
	return out, nil
}

func TestCustomerOpenOrdersReadsEveryPage(t *testing.T) {
	st := &ladderStore{n: openOrdersPage + 3}
	a := &Activities{Store: st}
	got, err := a.CustomerOpenOrders(context.Background(), "C001")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != openOrdersPage+3 || got[0] != fmt.Sprintf("SO-2026-%06d", openOrdersPage+3) || got[len(got)-1] != "SO-2026-000001" {
		t.Errorf("%d orders, first %s, last %s; want all %d newest first", len(got), got[0], got[len(got)-1], openOrdersPage+3)
	}
	f := st.filters[0]
	if len(st.filters) != 2 || f.CustomerID != "C001" || !f.Open || !f.Scope.All {
		t.Errorf("filters %+v; want two pages of C001's open orders, every KAM's", st.filters)
	}
	st.down = true
	if _, err := a.CustomerOpenOrders(context.Background(), "C001"); err == nil {
		t.Error("a failing store answered")
	}
}
