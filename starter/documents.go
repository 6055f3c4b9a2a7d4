package starter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/documents"
	"osb/sales"
)

// DocumentService renders documents as PDF and keeps the monthly customer
// statements. Errors are *sales.Error where the cause is known: a PDF
// without its font is unavailable, a statement not kept is not found.
type DocumentService interface {
	PDF(d documents.Document) ([]byte, error)
	// AccountStatementInput gathers what a customer's statement of a month
	// is computed from, as the store holds it now.
	AccountStatementInput(ctx context.Context, customerID, month string) (sales.AccountStatementInput, error)
	// AccountStatements lists a customer's kept statements, newest first.
	AccountStatements(ctx context.Context, customerID string) ([]sales.StatementRecord, error)
	// AccountStatement is a kept statement with its content.
	AccountStatement(ctx context.Context, customerID, month string) (sales.StatementRecord, error)
	// User is a person a letter names as the contact (the customer's KAM).
	User(ctx context.Context, id string) (sales.User, error)
}

// DocumentStore is what the document service reads from the store.
type DocumentStore interface {
	AccountStatementInput(ctx context.Context, customerID, month string) (sales.AccountStatementInput, error)
	AccountStatements(ctx context.Context, customerID string) ([]sales.StatementRecord, error)
	AccountStatement(ctx context.Context, customerID, month string) (sales.StatementRecord, error)
	User(ctx context.Context, id string) (sales.User, error)
}

// NewDocuments returns the document service over the store, rendering PDFs
// with pdf.
func NewDocuments(store DocumentStore, pdf *documents.PDF) DocumentService {
	return documentService{DocumentStore: store, pdf: pdf}
}

type documentService struct {
	DocumentStore
	pdf *documents.PDF
}

func (s documentService) PDF(d documents.Document) ([]byte, error) { return s.pdf.Render(d) }

// documentRoutes mounts the documents of orders and customers.
func (a *api) documentRoutes(r chi.Router) {
	r = r.With(a.allow(sales.PermReadDocuments))
	r.Get("/orders/{orderNo}/documents/confirmation", a.orderDocument(func(o documents.Order, r *http.Request) (documents.Document, error) {
		return documents.Confirmation(o, a.now()), nil
	}))
	r.Get("/orders/{orderNo}/documents/dispatch-note", a.orderDocument(func(o documents.Order, r *http.Request) (documents.Document, error) {
		return documents.DispatchNote(o, strings.TrimSpace(r.URL.Query().Get("shipment")), a.now())
	}))
	r.Get("/orders/{orderNo}/documents/invoices/{invoiceNo}", a.orderDocument(func(o documents.Order, r *http.Request) (documents.Document, error) {
		return documents.Invoice(o, chi.URLParam(r, "invoiceNo"), a.now())
	}))
	r.Get("/orders/{orderNo}/documents/credit-notes/{creditNoteNo}", a.orderDocument(func(o documents.Order, r *http.Request) (documents.Document, error) {
		return documents.CreditNote(o, chi.URLParam(r, "creditNoteNo"), a.now())
	}))
	r.Get("/orders/{orderNo}/documents/dunning-letter", a.orderDocument(func(o documents.Order, r *http.Request) (documents.Document, error) {
		return documents.DunningLetter(o, a.now())
	}))
	r.Get("/customers/{customerID}/documents/dunning-letter", a.customerDunningLetter)
	r.Get("/customers/{customerID}/statements", a.listCustomerStatements)
	r.Get("/customers/{customerID}/statements/{month}", a.getCustomerStatement)
}

// Formats of a document.
const (
	formatPDF  = "pdf"
	formatHTML = "html"
)

// documentFormat reads format= (pdf by default); allowJSON adds json.
// The dispatch note also takes shipment=.
func documentFormat(r *http.Request, allowJSON bool) (string, error) {
	known := []string{"format"}
	if strings.HasSuffix(r.URL.Path, "/dispatch-note") {
		known = append(known, "shipment")
	}
	q := newParams(r, known...)
	opts := []string{formatPDF, formatHTML}
	if allowJSON {
		opts = append(opts, formatJSON)
	}
	f := q.oneOf("format", formatPDF, opts...)
	return f, q.err()
}

// orderDocument answers a document of the order of the path, built by make
// from what the order, its customer and its catalogue say now.
func (a *api) orderDocument(build func(documents.Order, *http.Request) (documents.Document, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		format, err := documentFormat(r, false)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		o, err := a.visibleOrder(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		in, err := a.documentOrder(r.Context(), o)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		d, err := build(in, r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.sendDocument(w, r, format, d)
	}
}

// documentOrder is what the order documents say of an order: its record
// (live, or the store's once the workflow is gone), its customer, and the
// names of its SKUs and POP material.
func (a *api) documentOrder(ctx context.Context, o order) (documents.Order, error) {
	var d documents.Order
	if v := o.live; v != nil {
		d = documents.Order{OrderNo: v.OrderNo, ClientRef: v.ClientRef, Currency: v.Currency, CreatedAt: v.CreatedAt,
			RequestedDate: v.RequestedDate, PlannedDate: v.PlannedDate, Lines: v.Lines, POP: v.POP,
			Shipments: v.Shipments, Invoices: v.Invoices, CreditNotes: v.Credits}
	} else {
		s := o.snap
		d = documents.Order{OrderNo: s.OrderNo, ClientRef: s.ClientRef, Currency: s.Currency, CreatedAt: s.CreatedAt,
			RequestedDate: s.RequestedDate, Lines: s.Lines, Shipments: s.Shipments, Invoices: s.Invoices}
		var err error
		if d.CreditNotes, err = a.store.OrderCreditNotes(ctx, s.OrderNo); err != nil {
			return d, err
		}
	}
	var err error
	if d.Customer, err = a.store.Customer(ctx, o.customerID()); err != nil {
		return d, err
	}
	codes := make([]string, 0, len(d.Lines))
	for _, l := range d.Lines {
		codes = append(codes, l.SKU)
	}
	if d.SKUs, err = a.store.SKUs(ctx, codes); err != nil {
		return d, err
	}
	var pop []string
	for _, p := range d.POP {
		pop = append(pop, p.Item)
	}
	for _, s := range d.Shipments {
		for _, p := range s.POP {
			pop = append(pop, p.Item)
		}
	}
	if len(pop) > 0 {
		if d.POPItems, err = a.store.POPItems(ctx, slices.Compact(slices.Sorted(slices.Values(pop)))); err != nil {
			return d, err
		}
	}
	d.Contact, err = a.contact(ctx, d.Customer.KAMID)
	return d, err
}

// contact names the customer's KAM for a letter: by name and e-mail, by id
// when the user is unknown.
func (a *api) contact(ctx context.Context, kamID string) (string, error) {
	kam, err := a.documents.User(ctx, kamID)
	switch sales.ErrorCode(err) {
	case "":
		if kam.Email != "" {
			return "客户经理 KAM: " + kam.Name + " <" + kam.Email + ">", nil
		}
		return "客户经理 KAM: " + kam.Name, nil
	case sales.ErrNotFound:
		return "客户经理 KAM: " + kamID, nil
	}
	return "", err
}

// sendDocument writes d as a PDF attachment, or as its printable page shown
// in the browser.
func (a *api) sendDocument(w http.ResponseWriter, r *http.Request, format string, d documents.Document) {
	var b []byte
	var err error
	contentType, name, disposition := documents.PDFType, d.Filename+".pdf", "attachment"
	if format == formatHTML {
		contentType, name, disposition = documents.HTMLType, d.Filename+".html", "inline"
		b, err = documents.HTML(d)
	} else {
		b, err = a.documents.PDF(d)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, disposition, name, url.PathEscape(name)))
	if format == formatHTML {
		// The page's styles are inline; it loads nothing else.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// listCustomerStatements lists the customer's kept monthly statements.
func (a *api) listCustomerStatements(w http.ResponseWriter, r *http.Request) {
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.documents.AccountStatements(r.Context(), c.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// getCustomerStatement answers a customer's statement of a month: the kept one of a
// closed month, or for the current month a draft computed now. format= is
// pdf (the default), html or json.
func (a *api) getCustomerStatement(w http.ResponseWriter, r *http.Request) {
	format, err := documentFormat(r, true)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	month, err := pathMonth(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.customerStatement(r.Context(), c.ID, month)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if format == formatJSON {
		writeJSON(w, http.StatusOK, rec)
		return
	}
	a.sendDocument(w, r, format, documents.Statement(*rec.Statement, rec.Draft, rec.GeneratedAt, documents.Issuer{}))
}

// customerStatement is the kept statement of a closed month, or a draft of
// the current one — and of the month just closed until its statement is
// kept (the run of the 1st has not reached the customer yet); a month to
// come has none.
func (a *api) customerStatement(ctx context.Context, customerID, month string) (sales.StatementRecord, error) {
	current := sales.MonthOf(a.now())
	if month > current {
		return sales.StatementRecord{}, sales.Errorf(sales.ErrNotFound, "%s has not begun: there is no statement of it", month)
	}
	if month < current {
		rec, err := a.documents.AccountStatement(ctx, customerID, month)
		switch {
		case sales.ErrorCode(err) != sales.ErrNotFound:
			return rec, err
		case month != sales.AddMonths(current, -1):
			return rec, sales.Errorf(sales.ErrNotFound,
				"no statement of %s for %s was kept: statements are generated on the 1st of the month after for customers with activity", customerID, month)
		}
	}
	in, err := a.documents.AccountStatementInput(ctx, customerID, month)
	if err != nil {
		return sales.StatementRecord{}, err
	}
	s, err := sales.ComputeAccountStatement(in)
	if err != nil {
		return sales.StatementRecord{}, err
	}
	return sales.StatementRecord{CustomerID: customerID, Month: month, GeneratedAt: a.now(), Draft: true,
		Closing: s.Closing, Currency: s.Currency, Statement: &s}, nil
}

// customerDunningLetter answers the dunning letter of every overdue invoice
// of the customer, across its orders.
func (a *api) customerDunningLetter(w http.ResponseWriter, r *http.Request) {
	format, err := documentFormat(r, false)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	open, err := a.openInvoices(r.Context(), c.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	contact, err := a.contact(r.Context(), c.KAMID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := documents.CustomerDunningLetter(c, open, contact, documents.Issuer{}, a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.sendDocument(w, r, format, d)
}

// maxDunnedOrders bounds the orders one customer's dunning letter reads.
const maxDunnedOrders = 2000

// openInvoices are the invoices of the customer's orders that still owe
// something, as the store has them.
func (a *api) openInvoices(ctx context.Context, customerID string) ([]sales.OpenInvoice, error) {
	var out []sales.OpenInvoice
	f := sales.OrderFilter{CustomerID: customerID, Scope: sales.Scope{All: true}, Limit: 500}
	for read := 0; read < maxDunnedOrders; {
		list, err := a.store.ListOrders(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			if o.Outstanding <= 0 {
				continue
			}
			snap, err := a.store.Order(ctx, o.OrderNo)
			if err != nil {
				return nil, err
			}
			for _, inv := range snap.Invoices {
				if inv.Open() {
					out = append(out, sales.OpenInvoice{OrderNo: o.OrderNo, InvoiceNo: inv.No, DueAt: inv.DueAt,
						Outstanding: inv.Outstanding(), Currency: inv.Currency, Disputed: inv.Disputed || inv.DunningPaused})
				}
			}
		}
		read += len(list)
		if len(list) < f.Limit {
			break
		}
		f.Before = list[len(list)-1].OrderNo
	}
	return out, nil
}
