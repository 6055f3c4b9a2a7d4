package documents

import (
	"slices"
	"time"

	"osb/sales"
)

// CreditNoteLines are a credit note's taxed lines with their totals: the
// returned quantities at the order's prices and rates; for a price or
// quantity difference (no lines), one line of the amount, split as the
// workflow split it (or in proportion to the invoice it credits).
func CreditNoteLines(o Order, cn sales.CreditNote) ([]sales.TaxedLine, sales.VATTotals) {
	if len(cn.Lines) > 0 {
		if lines, t := sales.TaxLines(o.Lines, cn.Lines); t.Gross == cn.Amount {
			return lines, t
		}
	}
	net, tax := cn.Net, cn.Tax
	if net+tax != cn.Amount || net == 0 {
		var invLines []sales.TaxedLine
		for _, inv := range o.Invoices {
			if inv.No == cn.InvoiceNo {
				invLines, _ = InvoiceLines(o, inv)
			}
		}
		net, tax = sales.TaxAmount(cn.Amount, invLines)
	}
	return nil, sales.VATTotals{Net: net, Tax: tax, Gross: cn.Amount}
}

// kindNames are the reasons of a credit note as printed.
var kindNames = map[string]string{
	sales.ReturnByRequest:  "退货 Goods returned",
	sales.ReturnByShortage: "短少 Short delivery",
	"price":                "价格差异 Price difference",
	"quantity":             "数量差异 Quantity difference",
}

// CreditNote is a credit note (红字冲减): what it credits with net, tax
// and gross, the invoices it reduces and what went to the customer's credit
// balance.
func CreditNote(o Order, no string, at time.Time) (Document, error) {
	i := slices.IndexFunc(o.CreditNotes, func(cn sales.CreditNote) bool { return cn.No == no })
	if i < 0 {
		return Document{}, sales.Errorf(sales.ErrNotFound, "order %s has no credit note %s", o.OrderNo, no)
	}
	cn := o.CreditNotes[i]
	lines, t := CreditNoteLines(o, cn)
	meta := append(o.customerFields(),
		Field{"红字单号 Credit note", cn.No},
		Field{"日期 Date", Date(cn.IssuedAt)},
		Field{"原因 Reason", orText(kindNames[cn.Kind], kindNames[sales.ReturnByRequest])},
		Field{"退货单 Return", orDash(cn.ReturnNo)},
	)
	oc := o
	if cn.Currency != "" {
		oc.Currency = cn.Currency
	}
	var tb *Table
	if len(lines) > 0 {
		tb = oc.vatTable(lines, t)
	} else {
		tb = &Table{Columns: []Column{{Label: "项目 Item", Width: 6}, {Label: "不含税 Net", Right: true, Width: 2.5},
			{Label: "税额 Tax", Right: true, Width: 2.2}, {Label: "价税合计 Gross", Right: true, Width: 2.6}},
			Rows:   [][]string{{orText(kindNames[cn.Kind], "冲减 Credit") + " " + cn.InvoiceNo, Money(t.Net), Money(t.Tax), Money(t.Gross)}},
			Totals: [][]string{{"合计 Total (" + string(oc.Currency) + ")", Money(t.Net), Money(t.Tax), Money(t.Gross)}}}
	}
	use := &Table{Columns: []Column{{Label: "冲减 Applied to", Width: 6}, {Label: "金额 Amount", Right: true, Width: 3}}}
	for _, a := range cn.Allocations {
		use.Rows = append(use.Rows, []string{"发票 Invoice " + a.InvoiceNo, Money(a.Amount)})
	}
	if cn.Refund > 0 {
		use.Rows = append(use.Rows, []string{"转客户余款 To the customer's credit balance", Money(cn.Refund)})
	}
	use.Totals = [][]string{{"合计 Total", Money(cn.Amount)}}
	return Document{Kind: "credit-note", Title: "红字冲减单", TitleEN: "Credit note", Number: cn.No,
		Issuer: o.issuer(), Meta: meta,
		Sections: []Section{
			{Heading: "冲减明细 Lines (含增值税 VAT included)", Table: tb},
			{Heading: "冲减去向 Applied", Table: use},
		},
		Printed:  stamp(at),
		Filename: filename(o.OrderNo, "credit-note", cn.No)}, nil
}
