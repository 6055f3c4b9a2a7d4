package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/documents"
	"osb/sales"
)

// docLink is a document of an order or customer the page links to: its
// label (a message key), the reference it is about and where it downloads.
type docLink struct {
	Label string // message key
	Ref   string // the invoice number, the month
	Href  string // without format=
	Draft bool   // a statement of the current month
}

// URL is where the document downloads in format (pdf or html).
func (l docLink) URL(format string) string {
	if strings.Contains(l.Href, "?") {
		return l.Href + "&format=" + format
	}
	return l.Href + "?format=" + format
}

// orderDocLinks are the documents of an order: the confirmation, the
// dispatch note of what is still to ship once released and of each
// shipment, each invoice and credit note,
// and the dunning letter while an invoice is overdue (not disputed).
func orderDocLinks(o sales.OrderSnapshot, credits []sales.CreditNote, now time.Time) []docLink {
	base := "/orders/" + url.PathEscape(o.OrderNo) + "/documents/"
	links := []docLink{{Label: "doc.confirmation", Href: base + "confirmation"}}
	if (o.Status == sales.StatusReleased || o.Status == sales.StatusShipping) && sales.Backorder(o.Lines, o.Shipments) > 0 {
		links = append(links, docLink{Label: "doc.dispatch_note", Href: base + "dispatch-note"}) // what is still to ship
	}
	for _, s := range o.Shipments {
		links = append(links, docLink{Label: "doc.dispatch_note", Ref: s.No, Href: base + "dispatch-note?shipment=" + url.QueryEscape(s.No)})
	}
	for _, inv := range o.Invoices {
		links = append(links, docLink{Label: "doc.invoice", Ref: inv.No, Href: base + "invoices/" + url.PathEscape(inv.No)})
	}
	for _, cn := range credits {
		links = append(links, docLink{Label: "doc.credit_note", Ref: cn.No, Href: base + "credit-notes/" + url.PathEscape(cn.No)})
	}
	if overdue, _ := documents.Overdue(documents.Order{Invoices: o.Invoices}, now); len(overdue) > 0 {
		links = append(links, docLink{Label: "doc.dunning_letter", Href: base + "dunning-letter"})
	}
	return links
}

// statementLinks are a customer's statements: the current month's draft,
// last month's until it is kept, then the kept ones, newest first.
func statementLinks(customerID string, kept []sales.StatementRecord, now time.Time) []docLink {
	base := "/customers/" + url.PathEscape(customerID) + "/statements/"
	current, last := sales.MonthOf(now), sales.AddMonths(sales.MonthOf(now), -1)
	links := []docLink{{Label: "doc.statement", Ref: current, Href: base + current, Draft: true}}
	if !slices.ContainsFunc(kept, func(s sales.StatementRecord) bool { return s.Month == last }) {
		links = append(links, docLink{Label: "doc.statement", Ref: last, Href: base + last, Draft: true}) // not kept yet
	}
	for _, s := range kept {
		if s.Month != current {
			links = append(links, docLink{Label: "doc.statement", Ref: s.Month, Href: base + url.PathEscape(s.Month)})
		}
	}
	return links
}

// DunningLetter is the customer's dunning letter while one of its
// invoices is overdue and not disputed (nil otherwise).
func (d customerData) DunningLetter() *docLink {
	for _, inv := range d.Invoices {
		if inv.DaysOverdue > 0 && !inv.Disputed && !inv.DunningPaused {
			return &docLink{Label: "doc.dunning_letter", Href: "/customers/" + url.PathEscape(d.Customer.ID) + "/documents/dunning-letter"}
		}
	}
	return nil
}

// documentRoutes mount the downloads of documents: each is the API's answer
// to the signed-in person, passed on as it is.
func (con *console) documentRoutes(r chi.Router) {
	r.Get("/orders/{orderNo}/documents/{kind:confirmation|dispatch-note|dunning-letter}", func(w http.ResponseWriter, r *http.Request) {
		q := url.Values{"format": {docFormat(r)}}
		if s := r.URL.Query().Get("shipment"); s != "" {
			q.Set("shipment", s)
		}
		con.streamDocument(w, r, "/v1/orders/"+url.PathEscape(chi.URLParam(r, "orderNo"))+"/documents/"+chi.URLParam(r, "kind")+"?"+q.Encode())
	})
	r.Get("/orders/{orderNo}/documents/invoices/{invoiceNo}", func(w http.ResponseWriter, r *http.Request) {
		con.streamDocument(w, r, "/v1/orders/"+url.PathEscape(chi.URLParam(r, "orderNo"))+"/documents/invoices/"+
			url.PathEscape(chi.URLParam(r, "invoiceNo"))+"?format="+docFormat(r))
	})
	r.Get("/orders/{orderNo}/documents/credit-notes/{creditNoteNo}", func(w http.ResponseWriter, r *http.Request) {
		con.streamDocument(w, r, "/v1/orders/"+url.PathEscape(chi.URLParam(r, "orderNo"))+"/documents/credit-notes/"+
			url.PathEscape(chi.URLParam(r, "creditNoteNo"))+"?format="+docFormat(r))
	})
	r.Get("/customers/{customerID}/documents/dunning-letter", func(w http.ResponseWriter, r *http.Request) {
		con.streamDocument(w, r, "/v1/customers/"+url.PathEscape(chi.URLParam(r, "customerID"))+"/documents/dunning-letter?format="+docFormat(r))
	})
	r.Get("/customers/{customerID}/statements/{month}", func(w http.ResponseWriter, r *http.Request) {
		con.streamDocument(w, r, "/v1/customers/"+url.PathEscape(chi.URLParam(r, "customerID"))+"/statements/"+
			url.PathEscape(chi.URLParam(r, "month"))+"?format="+docFormat(r))
	})
}

// docFormat is the format asked for: html, else pdf.
func docFormat(r *http.Request) string {
	if r.URL.Query().Get("format") == "html" {
		return "html"
	}
	return "pdf"
}

// streamDocument passes on the API's document; the printable page carries
// its own styles and print button, which the console's policy allows for it
// alone.
func (con *console) streamDocument(w http.ResponseWriter, r *http.Request, path string) {
	if docFormat(r) == "html" {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	}
	con.streamAPI(w, r, path)
}
