package activities

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"osb/sales"
	"osb/workflows"
)

// statementStore answers the statements' reads from fixed entries and keeps
// the first statement of each customer and month; the rest of Store is nil.
type statementStore struct {
	Store
	customers []string
	kept      map[string]sales.AccountStatement
	badInput  string // a customer whose input is refused
}

func (s *statementStore) StatementCustomers(_ context.Context, month, after string, limit int) ([]string, error) {
	var out []string
	for _, c := range s.customers {
		if c > after && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *statementStore) AccountStatementInput(_ context.Context, customerID, month string) (sales.AccountStatementInput, error) {
	in := sales.AccountStatementInput{CustomerID: customerID, Month: month, Currency: sales.CNY, Opening: 100_00,
		Entries: []sales.AccountEntry{{Kind: sales.EntryReceipt, Date: month + "-15", No: "B-" + customerID, Amount: 40_00}}}
	if customerID == s.badInput {
		in.Entries[0].Date = "2020-01-01"
	}
	return in, nil
}

func (s *statementStore) SaveAccountStatement(_ context.Context, st sales.AccountStatement, at time.Time) (sales.StatementRecord, bool, error) {
	key := st.CustomerID + "/" + st.Month
	if _, ok := s.kept[key]; ok {
		return sales.StatementRecord{}, false, nil
	}
	s.kept[key] = st
	return sales.StatementRecord{CustomerID: st.CustomerID, Month: st.Month, GeneratedAt: at}, true, nil
}

func TestGenerateCustomerStatementsKeepsEachOnce(t *testing.T) {
	st := &statementStore{customers: []string{"C1", "C2", "C3"}, kept: map[string]sales.AccountStatement{}}
	a := &Activities{Store: st}
	in := workflows.CustomerStatementBatch{Month: "2026-11", Limit: 2, At: time.Date(2026, 12, 1, 0, 30, 0, 0, sales.Beijing)}
	res, err := a.GenerateCustomerStatements(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Customers) != 2 || res.Generated != 2 || !res.More {
		t.Fatalf("first batch %+v", res)
	}
	// 100.00 brought forward less 40.00 received.
	if s := st.kept["C1/2026-11"]; s.Closing != 60_00 || s.Received != 40_00 || len(s.Lines) != 1 {
		t.Errorf("C1's statement %+v", s)
	}
	in.After = res.Customers[1]
	if res, err = a.GenerateCustomerStatements(context.Background(), in); err != nil || res.Generated != 1 || res.More {
		t.Fatalf("second batch %+v %v", res, err)
	}
	// The first batch again (a retry) keeps what was kept.
	in.After = ""
	if res, err = a.GenerateCustomerStatements(context.Background(), in); err != nil || res.Generated != 0 || res.KeptFirst != 2 {
		t.Fatalf("retry %+v %v", res, err)
	}

	// Input the statement refuses is not retried: it would be refused again.
	st.badInput = "C9"
	st.customers = append(st.customers, "C9")
	_, err = a.GenerateCustomerStatements(context.Background(), workflows.CustomerStatementBatch{Month: "2026-11", After: "C3", Limit: 2, At: in.At})
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || !app.NonRetryable() || app.Type() != sales.ErrInvalid {
		t.Errorf("bad input: %v, want a non-retryable invalid error", err)
	}
}
