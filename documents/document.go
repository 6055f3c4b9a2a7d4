// Package documents lays out OSB's business documents — the order
// confirmation (OP6), the dispatch note (发货单, OP7), the invoice, the
// monthly customer statement (对账单) and the dunning letter — from sales
// types, and renders each as a printable HTML page and as a PDF with the
// same content. It computes the figures it shows (net, tax and gross per
// line and in total) and reads nothing: callers pass what the documents say.
package documents

import (
	"fmt"
	"strings"
	"time"

	"osb/sales"
)

// Document is a document laid out for print: what its HTML page and its PDF
// both show, in that order.
type Document struct {
	Kind     string // confirmation, dispatch-note, invoice, statement, dunning-letter
	Title    string // 发票
	TitleEN  string // Invoice
	Number   string // the document's number, e.g. the invoice number
	Draft    bool   // a statement of a month not yet closed
	Issuer   Issuer
	Meta     []Field   // the header: customer, dates, references
	Sections []Section // in order
	Notes    []string  // closing paragraphs
	Printed  string    // when it was produced, Beijing time
	Filename string    // without extension, e.g. SO-2026-000123-invoice-INV-2026-000123-1
}

// Issuer is who issues the documents: the letterhead.
type Issuer struct {
	Name    string
	Address string
	Contact string
}

// DefaultIssuer is the letterhead when none is configured.
var DefaultIssuer = Issuer{Name: "OSB 销售部 · Sales Department", Address: "", Contact: "财务部 Finance"}

// Field is a labelled value of a document's header.
type Field struct {
	Label string
	Value string
}

// Section is a heading with paragraphs, a table or both.
type Section struct {
	Heading    string
	Paragraphs []string
	Table      *Table
}

// Table is a table of a document; Totals rows are printed bold below it.
type Table struct {
	Columns []Column
	Rows    [][]string
	Totals  [][]string
}

// Column is a table column: its label, whether it holds amounts (right
// aligned) and its relative width.
type Column struct {
	Label string
	Right bool
	Width float64
}

// Money formats an amount of fen as yuan with thousands separated, e.g.
// "12,345.60" (and "-0.01").
func Money(f sales.Fen) string {
	s := f.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + "." + frac
}

// Date is the Beijing date of t, or "" for the zero time.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return sales.DateOf(t).Format(time.DateOnly)
}

// stamp is when a document was produced, Beijing time to the minute.
func stamp(t time.Time) string {
	return t.In(sales.Beijing).Format("2006-01-02 15:04") + " (北京时间)"
}

// qty formats a quantity.
func qty(n int64) string { return fmt.Sprintf("%d", n) }

// filename makes a name safe for a download: letters, digits, - and _.
func filename(parts ...string) string {
	s := strings.Join(parts, "-")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}
