package starter

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"osb/sales"
)

// fakeInvoiceLists answers the invoice lists and records what it was asked.
type fakeInvoiceLists struct {
	mu      sync.Mutex
	waits   []sales.InvoiceWait
	scopes  []sales.Scope
	filters []sales.CreditNoteFilter
}

func (f *fakeInvoiceLists) InvoicesAwaiting(_ context.Context, scope sales.Scope, wait sales.InvoiceWait, _ int) ([]sales.OverdueInvoice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits, f.scopes = append(f.waits, wait), append(f.scopes, scope)
	return []sales.OverdueInvoice{{Invoice: sales.Invoice{No: "IV-1", Disputed: true}, OrderNo: "SO-2026-000001", CustomerID: "C-001"}}, nil
}

func (f *fakeInvoiceLists) ListCreditNotes(_ context.Context, cf sales.CreditNoteFilter) ([]sales.CreditNote, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, cf)
	return nil, nil
}

// The invoice lists take the viewer's scope: the FSF see their customers'.
func TestInvoiceListsAreReadInTheViewersScope(t *testing.T) {
	lists := &fakeInvoiceLists{}
	f := newFixture(t)
	f.handler = New(Config{Store: f.store, Orders: f.orders, Policy: f.policy, Invoices: lists})
	rec := f.do(t, "GET", "/v1/invoices?awaiting=dispute", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[[]sales.OverdueInvoice](t, rec); len(got) != 1 || got[0].No != "IV-1" {
		t.Errorf("answer %+v", got)
	}
	wantError(t, f.do(t, "GET", "/v1/invoices?awaiting=everything", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantStatus(t, f.do(t, "GET", "/v1/credit-notes?customer_id=C-001", "t-fin", nil), http.StatusOK)
	if len(lists.waits) != 1 || lists.waits[0] != sales.WaitDispute || lists.scopes[0].All || len(lists.scopes[0].KAMIDs) == 0 {
		t.Errorf("asked %v in scopes %+v", lists.waits, lists.scopes)
	}
	if len(lists.filters) != 1 || lists.filters[0].CustomerID != "C-001" || !lists.filters[0].Scope.All {
		t.Errorf("credit notes asked %+v", lists.filters)
	}
}
