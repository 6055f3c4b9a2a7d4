package console

import (
	"net/http"
	"net/url"

	"osb/sales"
)

// Finance's invoice page: the invoices waiting for something (the end of a
// dispute, a VAT invoice number, the SLT's decision on an extension) and
// the credit notes, one view at a time, each read from the JSON API in the
// viewer's scope. Acting on an invoice happens on its order's page, where
// the forms are: each row links to its form.

func init() { pageNames = append(pageNames, "invoices") }

// invoiceViews are the page's views, in the order of its tabs.
var invoiceViews = []string{string(sales.WaitDispute), string(sales.WaitVATInvoice), string(sales.WaitExtension), "credit_notes"}

// invoicesData is what the invoice page shows.
type invoicesData struct {
	View        string
	Views       []string
	Invoices    []sales.OverdueInvoice
	CreditNotes []sales.CreditNote
	// Form is the anchor of the order page's form that acts on a row.
	Form string
}

// invoicePage shows one view (?view=, the disputed invoices by default).
func (con *console) invoicePage(w http.ResponseWriter, r *http.Request) {
	view := r.URL.Query().Get("view")
	if view == "" {
		view = string(sales.WaitDispute)
	}
	d := invoicesData{View: view, Views: invoiceViews}
	var err error
	switch view {
	case "credit_notes":
		err = con.call(r, http.MethodGet, "/v1/credit-notes?limit=500", nil, &d.CreditNotes)
	case string(sales.WaitDispute), string(sales.WaitVATInvoice), string(sales.WaitExtension):
		d.Form = map[string]string{string(sales.WaitDispute): "credit-note", string(sales.WaitVATInvoice): "vat-invoice",
			string(sales.WaitExtension): "extension-decide"}[view]
		err = con.call(r, http.MethodGet, "/v1/invoices?limit=500&awaiting="+url.QueryEscape(view), nil, &d.Invoices)
	default:
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, http.StatusOK, "invoices", langOf(r).text("inv.title"), d)
}
