package starter

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// InvoiceLists is what Finance's invoice pages read: invoices waiting for a
// VAT invoice number, an extension decision or the end of their dispute,
// and credit notes. The store implements it.
type InvoiceLists interface {
	InvoicesAwaiting(ctx context.Context, scope sales.Scope, wait sales.InvoiceWait, limit int) ([]sales.OverdueInvoice, error)
	ListCreditNotes(ctx context.Context, f sales.CreditNoteFilter) ([]sales.CreditNote, error)
}

// invoiceListRoutes mounts the lists of invoices and credit notes; everyone
// signed in reads them within their scope (the FSF their customers').
func (a *api) invoiceListRoutes(r chi.Router) {
	r.Get("/invoices", a.invoicesAwaiting)
	r.Get("/credit-notes", a.creditNotes)
}

// invoicesAwaiting lists the invoices that wait for ?awaiting=vat_invoice,
// extension or dispute.
func (a *api) invoicesAwaiting(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "awaiting", "limit")
	wait := sales.InvoiceWait(q.text("awaiting"))
	if !wait.Valid() {
		q.p.Add("awaiting", "must be vat_invoice, extension or dispute")
	}
	limit := q.limit("limit")
	var scope sales.Scope
	list, ok := listInScope(a, w, r, q, &scope, func(ctx context.Context) ([]sales.OverdueInvoice, error) {
		return a.invoices.InvoicesAwaiting(ctx, scope, wait, limit)
	})
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// creditNotes lists credit notes, the newest first (?customer_id=).
func (a *api) creditNotes(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "customer_id", "limit")
	f := sales.CreditNoteFilter{CustomerID: q.text("customer_id"), Limit: q.limit("limit")}
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.CreditNote, error) {
		return a.invoices.ListCreditNotes(ctx, f)
	})
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}
