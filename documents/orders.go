package documents

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"osb/sales"
)

// Order is what the order documents are made from: the order's record as
// the API finds it (live from its workflow or from the store), with the
// customer, the names of its SKUs and POP items, and its credit notes.
type Order struct {
	OrderNo       string
	ClientRef     string
	Customer      sales.Customer
	Currency      sales.Currency
	CreatedAt     time.Time
	RequestedDate string
	PlannedDate   string
	Lines         []sales.Line
	POP           []sales.POPRequest
	Shipments     []sales.Shipment
	Invoices      []sales.Invoice
	CreditNotes   []sales.CreditNote
	SKUs          map[string]sales.SKU     // names and units; a missing SKU shows its code
	POPItems      map[string]sales.POPItem // names; a missing item shows its code
	Contact       string                   // who to contact about the order (the KAM), for letters
	Issuer        Issuer                   // zero: DefaultIssuer
}

func (o Order) issuer() Issuer {
	if o.Issuer.Name == "" {
		return DefaultIssuer
	}
	return o.Issuer
}

func (o Order) skuName(code string) string {
	if s, ok := o.SKUs[code]; ok && s.Name != "" {
		return s.Name
	}
	return code
}

func (o Order) skuUnit(code string) string {
	if s, ok := o.SKUs[code]; ok {
		return s.Unit
	}
	return ""
}

func (o Order) popName(code string) string {
	if p, ok := o.POPItems[code]; ok && p.Name != "" {
		return p.Name
	}
	return code
}

func (o Order) customerFields() []Field {
	return []Field{
		{"客户 Customer", o.Customer.Name + " (" + o.Customer.ID + ")"},
		{"订单号 Order", o.OrderNo},
	}
}

// OrderLines prices the whole order with VAT, each line rounded to the fen.
func OrderLines(o Order) ([]sales.TaxedLine, sales.VATTotals) {
	qty := make([]sales.LineQty, 0, len(o.Lines))
	for _, l := range o.Lines {
		qty = append(qty, sales.LineQty{LineNo: l.LineNo, Quantity: l.Quantity})
	}
	return sales.TaxLines(o.Lines, qty)
}

// vatTable is the table of taxed lines with their totals.
func (o Order) vatTable(lines []sales.TaxedLine, t sales.VATTotals) *Table {
	tb := &Table{Columns: []Column{
		{Label: "行 Line", Width: 1}, {Label: "产品 SKU", Width: 4}, {Label: "数量 Qty", Right: true, Width: 1.5},
		{Label: "含税单价 Unit price", Right: true, Width: 2.5}, {Label: "税率 VAT", Right: true, Width: 1.3},
		{Label: "不含税 Net", Right: true, Width: 2.5}, {Label: "税额 Tax", Right: true, Width: 2.2},
		{Label: "价税合计 Gross", Right: true, Width: 2.6},
	}}
	for _, l := range lines {
		tb.Rows = append(tb.Rows, []string{qty(int64(l.LineNo)), l.SKU + " " + o.skuName(l.SKU), qty(l.Quantity) + " " + o.skuUnit(l.SKU),
			Money(l.UnitPrice), l.Rate.String(), Money(l.Net), Money(l.Tax), Money(l.Gross)})
	}
	tb.Totals = [][]string{{"", "合计 Total (" + string(o.Currency) + ")", "", "", "", Money(t.Net), Money(t.Tax), Money(t.Gross)}}
	return tb
}

// popSection lists POP material: shipped with the goods, not billed.
func (o Order) popSection(pop []sales.POPRequest) []Section {
	if len(pop) == 0 {
		return nil
	}
	tb := &Table{Columns: []Column{{Label: "物料 Item", Width: 6}, {Label: "数量 Qty", Right: true, Width: 2}}}
	for _, p := range pop {
		tb.Rows = append(tb.Rows, []string{p.Item + " " + o.popName(p.Item), qty(p.Quantity)})
	}
	return []Section{{Heading: "助销物料 POP material (不计价 not billed)", Table: tb}}
}

// Confirmation is the order confirmation to the distributor (OP6): the
// order's lines with prices including VAT, the requested date and the POP
// material ordered with the goods.
func Confirmation(o Order, at time.Time) Document {
	lines, t := OrderLines(o)
	meta := append(o.customerFields(),
		Field{"下单日期 Ordered", Date(o.CreatedAt)},
		Field{"要求到货日期 Requested date", orDash(o.RequestedDate)},
		Field{"币种 Currency", string(o.Currency)})
	if o.ClientRef != "" {
		meta = append(meta, Field{"客户参考号 Your reference", o.ClientRef})
	}
	if o.PlannedDate != "" {
		meta = append(meta, Field{"计划发货日期 Planned dispatch", o.PlannedDate})
	}
	secs := []Section{{Heading: "订单明细 Order lines (单价含增值税 prices include VAT)", Table: o.vatTable(lines, t)}}
	secs = append(secs, o.popSection(o.POP)...)
	return Document{Kind: "confirmation", Title: "订单确认书", TitleEN: "Order confirmation", Number: o.OrderNo,
		Issuer: o.issuer(), Meta: meta, Sections: secs,
		Notes:    []string{"感谢您的订单。如有疑问，请联系您的客户经理。 Thank you for your order; please contact your account manager with any question."},
		Printed:  stamp(at),
		Filename: filename(o.OrderNo, "confirmation")}
}

// DispatchNote is the dispatch note (发货单) for Logistics (OP7): where to,
// what and how many, and the POP material that goes with it; no prices. It
// is for shipmentNo when given; else for what is still to ship (with the
// order's POP material), or, once everything shipped, the last shipment.
func DispatchNote(o Order, shipmentNo string, at time.Time) (Document, error) {
	var lines []sales.LineQty
	var pop []sales.POPRequest
	meta := o.customerFields()
	number := o.OrderNo
	switch {
	case shipmentNo != "":
		i := slices.IndexFunc(o.Shipments, func(s sales.Shipment) bool { return s.No == shipmentNo })
		if i < 0 {
			return Document{}, sales.Errorf(sales.ErrNotFound, "order %s has no shipment %s", o.OrderNo, shipmentNo)
		}
		return o.shipmentNote(o.Shipments[i], at), nil
	case sales.Backorder(o.Lines, o.Shipments) > 0:
		left := sales.Remaining(o.Lines, o.Shipments)
		for _, l := range o.Lines {
			if left[l.LineNo] > 0 {
				lines = append(lines, sales.LineQty{LineNo: l.LineNo, Quantity: left[l.LineNo]})
			}
		}
		if len(o.Shipments) == 0 {
			pop = o.POP
		}
		meta = append(meta, Field{"状态 Status", "待发货 To ship"})
	case len(o.Shipments) > 0:
		return o.shipmentNote(o.Shipments[len(o.Shipments)-1], at), nil
	default:
		return Document{}, sales.Errorf(sales.ErrConflict, "order %s has nothing to ship", o.OrderNo)
	}
	if o.PlannedDate != "" {
		meta = append(meta, Field{"计划发货日期 Planned dispatch", o.PlannedDate})
	}
	meta = append(meta, Field{"要求到货日期 Requested date", orDash(o.RequestedDate)})
	return o.note(number, meta, lines, pop, at, filename(o.OrderNo, "dispatch-note")), nil
}

func (o Order) shipmentNote(s sales.Shipment, at time.Time) Document {
	meta := append(o.customerFields(),
		Field{"发货单号 Shipment", s.No},
		Field{"发货日期 Issued", Date(s.IssuedAt)},
		Field{"承运商 Carrier", orDash(s.Carrier)},
		Field{"运单号 Waybill", orDash(s.Waybill)})
	return o.note(s.No, meta, s.Lines, s.POP, at, filename(o.OrderNo, "dispatch-note", s.No))
}

func (o Order) note(number string, meta []Field, lines []sales.LineQty, pop []sales.POPRequest, at time.Time, name string) Document {
	byNo := map[int]sales.Line{}
	for _, l := range o.Lines {
		byNo[l.LineNo] = l
	}
	tb := &Table{Columns: []Column{{Label: "行 Line", Width: 1}, {Label: "产品 SKU", Width: 6},
		{Label: "数量 Qty", Right: true, Width: 2}, {Label: "单位 Unit", Width: 1.5}}}
	var total int64
	for _, q := range lines {
		sku := byNo[q.LineNo].SKU
		tb.Rows = append(tb.Rows, []string{qty(int64(q.LineNo)), sku + " " + o.skuName(sku), qty(q.Quantity), o.skuUnit(sku)})
		total += q.Quantity
	}
	tb.Totals = [][]string{{"", "合计 Total", qty(total), ""}}
	shipTo := o.Customer.ShipTo
	secs := []Section{
		{Heading: "收货信息 Ship to", Paragraphs: []string{o.Customer.Name, orDash(shipTo)}},
		{Heading: "发货明细 Lines", Table: tb},
	}
	secs = append(secs, o.popSection(pop)...)
	return Document{Kind: "dispatch-note", Title: "发货单", TitleEN: "Dispatch note", Number: number,
		Issuer: o.issuer(), Meta: meta, Sections: secs,
		Notes:    []string{"收货人签字 Received by: ____________________    日期 Date: ____________"},
		Printed:  stamp(at),
		Filename: name}
}

// InvoiceLines are the invoice's taxed lines with their totals: as billed,
// or for an invoice of before VAT (no lines), the shipment's quantities at
// the order's prices and rates.
func InvoiceLines(o Order, inv sales.Invoice) ([]sales.TaxedLine, sales.VATTotals) {
	if len(inv.Lines) > 0 {
		var t sales.VATTotals
		for _, l := range inv.Lines {
			t.Net, t.Tax, t.Gross = t.Net+l.Net, t.Tax+l.Tax, t.Gross+l.Gross
		}
		return inv.Lines, t
	}
	for _, s := range o.Shipments {
		if s.No == inv.ShipmentNo {
			return sales.TaxLines(o.Lines, s.Lines)
		}
	}
	n, t := sales.SplitVAT(inv.Amount, sales.DefaultTaxRate)
	return nil, sales.VATTotals{Net: n, Tax: t, Gross: inv.Amount}
}

// creditsOf lists the credit notes applied to invoice no.
func (o Order) creditsOf(no string) [][]string {
	var rows [][]string
	for _, cn := range o.CreditNotes {
		for _, a := range cn.Allocations {
			if a.InvoiceNo == no {
				rows = append(rows, []string{cn.No, Date(cn.IssuedAt), Money(a.Amount)})
			}
		}
	}
	return rows
}

// Invoice is the invoice of a shipment: the VAT invoice number and date
// when Finance recorded them, lines with net, tax and gross, the due date
// (Beijing), and what is paid, credited and outstanding.
func Invoice(o Order, invoiceNo string, at time.Time) (Document, error) {
	i := slices.IndexFunc(o.Invoices, func(inv sales.Invoice) bool { return inv.No == invoiceNo })
	if i < 0 {
		return Document{}, sales.Errorf(sales.ErrNotFound, "order %s has no invoice %s", o.OrderNo, invoiceNo)
	}
	inv := o.Invoices[i]
	lines, t := InvoiceLines(o, inv)
	cur := inv.Currency
	if cur == "" {
		cur = o.Currency
	}
	meta := append(o.customerFields(),
		Field{"发票号 Invoice", inv.No},
		Field{"开票日期 Issued", Date(inv.IssuedAt)},
		Field{"到期日 Due", Date(inv.DueAt)},
		Field{"发货单 Shipment", inv.ShipmentNo},
		Field{"增值税发票号 VAT invoice (发票号)", orText(inv.VATNo, "待开具 not yet recorded")},
	)
	if inv.VATDate != "" {
		meta = append(meta, Field{"增值税发票日期 VAT invoice date", inv.VATDate})
	}
	oc := o
	oc.Currency = cur
	secs := []Section{{Heading: "发票明细 Lines (单价含增值税 prices include VAT)", Table: oc.vatTable(lines, t)}}
	if len(lines) == 0 {
		secs[0].Paragraphs = []string{"按默认税率 " + sales.DefaultTaxRate.String() + " 拆分 Split at the default rate"}
	}
	bal := &Table{Columns: []Column{{Label: "项目 Item", Width: 6}, {Label: "金额 Amount (" + string(cur) + ")", Right: true, Width: 3}},
		Rows:   [][]string{{"发票金额 Invoiced", Money(inv.Amount)}, {"已收款 Paid", Money(inv.Paid)}, {"已冲减 Credited", Money(inv.Credited)}},
		Totals: [][]string{{"未结金额 Outstanding", Money(inv.Outstanding())}}}
	secs = append(secs, Section{Heading: "结算 Settlement", Table: bal})
	if rows := o.creditsOf(inv.No); len(rows) > 0 {
		secs = append(secs, Section{Heading: "红字冲减 Credit notes", Table: &Table{Columns: []Column{
			{Label: "红字单号 Credit note", Width: 4}, {Label: "日期 Date", Width: 2}, {Label: "金额 Amount", Right: true, Width: 3}}, Rows: rows}})
	}
	notes := []string{fmt.Sprintf("请于 %s 前付款。 Please pay by %s.", Date(inv.DueAt), Date(inv.DueAt))}
	if inv.Disputed {
		notes = append(notes, "本发票有争议，处理中。 This invoice is disputed; the dispute is being handled.")
	}
	return Document{Kind: "invoice", Title: "发票", TitleEN: "Invoice", Number: inv.No,
		Issuer: o.issuer(), Meta: meta, Sections: secs, Notes: notes, Printed: stamp(at),
		Filename: filename(o.OrderNo, "invoice", inv.No)}, nil
}

// OverdueItem is an overdue invoice as the dunning letter lists it.
type OverdueItem struct {
	OrderNo     string
	InvoiceNo   string
	DueDate     string
	DaysOverdue int
	Outstanding sales.Fen
}

// Overdue lists the order's invoices open past their due date at at (not
// the disputed ones, whose dunning is paused), oldest due first, with their
// total.
func Overdue(o Order, at time.Time) ([]OverdueItem, sales.Fen) {
	open := make([]sales.OpenInvoice, 0, len(o.Invoices))
	for _, inv := range o.Invoices {
		open = append(open, sales.OpenInvoice{OrderNo: o.OrderNo, InvoiceNo: inv.No, DueAt: inv.DueAt, Outstanding: inv.Outstanding(),
			Disputed: inv.Disputed || inv.DunningPaused})
	}
	return overdue(open, at)
}

// overdue lists the invoices open past their due date at at, disputed ones
// left out, oldest due first, with their total.
func overdue(open []sales.OpenInvoice, at time.Time) ([]OverdueItem, sales.Fen) {
	open = slices.Clone(open)
	slices.SortStableFunc(open, func(a, b sales.OpenInvoice) int { return a.DueAt.Compare(b.DueAt) })
	var out []OverdueItem
	var total sales.Fen
	for _, inv := range open {
		days := sales.DaysBetween(inv.DueAt, at)
		if inv.Outstanding <= 0 || days <= 0 || inv.Disputed {
			continue
		}
		out = append(out, OverdueItem{OrderNo: inv.OrderNo, InvoiceNo: inv.InvoiceNo, DueDate: Date(inv.DueAt), DaysOverdue: days, Outstanding: inv.Outstanding})
		total += inv.Outstanding
	}
	return out, total
}

// DunningLetter is the letter asking the customer to pay the order's
// overdue invoices: each with its due date, days overdue and amount, a
// polite demand and whom to contact. It is a conflict when nothing is overdue.
func DunningLetter(o Order, at time.Time) (Document, error) {
	items, total := Overdue(o, at)
	if len(items) == 0 {
		return Document{}, sales.Errorf(sales.ErrConflict, "order %s has no overdue invoice on %s", o.OrderNo, Date(at))
	}
	return dunningLetter(o.Customer, o.OrderNo, append(o.customerFields(), Field{"日期 Date", Date(at)}), items, total, o.Currency,
		o.Contact, o.issuer(), at, filename(o.OrderNo, "dunning-letter", Date(at))), nil
}

// CustomerDunningLetter is the dunning letter of every overdue invoice of a
// customer, whichever order it bills. It is a conflict when nothing is
// overdue.
func CustomerDunningLetter(c sales.Customer, open []sales.OpenInvoice, contact string, issuer Issuer, at time.Time) (Document, error) {
	items, total := overdue(open, at)
	if len(items) == 0 {
		return Document{}, sales.Errorf(sales.ErrConflict, "customer %s has no overdue invoice on %s", c.ID, Date(at))
	}
	if issuer.Name == "" {
		issuer = DefaultIssuer
	}
	meta := []Field{{"客户 Customer", c.Name + " (" + c.ID + ")"}, {"日期 Date", Date(at)}}
	return dunningLetter(c, c.ID+" "+Date(at), meta, items, total, c.Currency, contact, issuer, at,
		filename(c.ID, "dunning-letter", Date(at))), nil
}

func dunningLetter(c sales.Customer, number string, meta []Field, items []OverdueItem, total sales.Fen, cur sales.Currency,
	contact string, issuer Issuer, at time.Time, name string) Document {
	tb := &Table{Columns: []Column{{Label: "订单 Order", Width: 3.5}, {Label: "发票号 Invoice", Width: 4}, {Label: "到期日 Due", Width: 2.5},
		{Label: "逾期天数 Days overdue", Right: true, Width: 2.5}, {Label: "未付金额 Outstanding", Right: true, Width: 3}}}
	for _, it := range items {
		tb.Rows = append(tb.Rows, []string{it.OrderNo, it.InvoiceNo, it.DueDate, qty(int64(it.DaysOverdue)), Money(it.Outstanding)})
	}
	tb.Totals = [][]string{{"合计 Total (" + string(cur) + ")", "", "", "", Money(total)}}
	return Document{Kind: "dunning-letter", Title: "催款函", TitleEN: "Payment reminder", Number: number,
		Issuer: issuer, Meta: meta,
		Sections: []Section{
			{Paragraphs: []string{
				"尊敬的 " + c.Name + "：",
				"据我方记录，以下发票已超过付款期限，尚未结清。烦请尽快安排付款；如已付款，请忽略本函并将付款凭证告知我们。",
				"Dear customer, according to our records the invoices below are past their due date and not yet settled. " +
					"We kindly ask you to arrange payment as soon as possible; if you have already paid, please disregard this letter and send us the remittance details.",
			}},
			{Heading: "逾期发票 Overdue invoices", Table: tb},
			{Heading: "联系人 Contact", Paragraphs: []string{orText(contact, "您的客户经理 your account manager"), issuer.Contact}},
		},
		Notes:    []string{"此致敬礼 Yours sincerely, " + issuer.Name},
		Printed:  stamp(at),
		Filename: name}
}

func orDash(s string) string { return orText(s, "—") }

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}
