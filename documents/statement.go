package documents

import (
	"time"

	"osb/sales"
)

// entryNames are the kinds of statement lines as printed.
var entryNames = map[string]string{
	sales.EntryInvoice:    "发票 Invoice",
	sales.EntryCreditNote: "红字冲减 Credit note",
	sales.EntryReceipt:    "收款 Receipt",
	sales.EntryRefund:     "退款 Refund",
}

// Statement is a customer's monthly statement (对账单): the balance brought
// forward, the month's invoices, credit notes and receipts (by value date)
// with the running balance, the closing balance and its ageing. A draft is
// a month not yet closed, computed as it stands.
func Statement(s sales.AccountStatement, draft bool, generated time.Time, issuer Issuer) Document {
	if issuer.Name == "" {
		issuer = DefaultIssuer
	}
	cur := " (" + string(s.Currency) + ")"
	tb := &Table{Columns: []Column{{Label: "日期 Date", Width: 2.6}, {Label: "类型 Kind", Width: 2.8},
		{Label: "单号 Document", Width: 5}, {Label: "订单 Order", Width: 3.6}, {Label: "到期日 Due", Width: 2.6},
		{Label: "借方 Debit", Right: true, Width: 2.6}, {Label: "贷方 Credit", Right: true, Width: 2.6},
		{Label: "余额 Balance", Right: true, Width: 2.8}}}
	tb.Rows = append(tb.Rows, []string{s.From, "期初余额 Opening balance", "", "", "", "", "", Money(s.Opening)})
	for _, l := range s.Lines {
		tb.Rows = append(tb.Rows, []string{l.Date, entryNames[l.Kind], l.No, l.OrderNo, l.DueDate,
			blankZero(l.Debit), blankZero(l.Credit), Money(l.Balance)})
	}
	tb.Totals = [][]string{{s.To, "期末余额 Closing balance", "", "", "", Money(s.Invoiced + s.Refunded), Money(s.Credited + s.Received), Money(s.Closing)}}

	sum := &Table{Columns: []Column{{Label: "项目 Item", Width: 6}, {Label: "金额 Amount" + cur, Right: true, Width: 3}},
		Rows: [][]string{
			{"期初余额 Opening balance", Money(s.Opening)},
			{"本月发票 Invoiced", Money(s.Invoiced)},
			{"本月红字冲减 Credit notes", Money(-s.Credited)},
			{"本月收款 Received", Money(-s.Received)},
			{"本月退款 Refunded", Money(s.Refunded)},
		},
		Totals: [][]string{{"期末余额 Closing balance", Money(s.Closing)}}}

	age := &Table{Columns: []Column{{Label: "账龄 Age", Width: 6}, {Label: "金额 Amount" + cur, Right: true, Width: 3}},
		Rows: [][]string{
			{"未到期 Not due", Money(s.Ageing.NotDue)},
			{"逾期 1–30 天 days", Money(s.Ageing.Days1To30)},
			{"逾期 31–60 天 days", Money(s.Ageing.Days31To60)},
			{"逾期 61–90 天 days", Money(s.Ageing.Days61To90)},
			{"逾期 90 天以上 over 90 days", Money(s.Ageing.Over90)},
			{"未核销款项 Unapplied receipts and credits", Money(s.Unapplied)},
		},
		Totals: [][]string{{"期末余额 Closing balance", Money(s.Ageing.Total + s.Unapplied)}}}

	secs := []Section{
		{Heading: "汇总 Summary", Table: sum},
		{Heading: "往来明细 Movements (收款按到账日 receipts by value date)", Table: tb},
		{Heading: "期末余额账龄 Ageing of the closing balance (截至 as at " + s.To + ")", Table: age},
	}
	if len(s.OpenItems) > 0 {
		open := &Table{Columns: []Column{{Label: "发票号 Invoice", Width: 4}, {Label: "订单 Order", Width: 3.5},
			{Label: "到期日 Due", Width: 2.5}, {Label: "逾期天数 Days overdue", Right: true, Width: 2.5},
			{Label: "未结 Outstanding", Right: true, Width: 3}}}
		for _, it := range s.OpenItems {
			days := ""
			if it.DaysOverdue > 0 {
				days = qty(int64(it.DaysOverdue))
			}
			open.Rows = append(open.Rows, []string{it.InvoiceNo, it.OrderNo, it.DueDate, days, Money(it.Outstanding)})
		}
		open.Totals = [][]string{{"合计 Total", "", "", "", Money(s.Ageing.Total)}}
		secs = append(secs, Section{Heading: "未结发票 Open invoices", Table: open})
	}
	notes := []string{"请核对以上账目，如有差异请于收到后 15 日内与我方联系。 Please check this statement and tell us of any difference within 15 days."}
	if draft {
		notes = append([]string{"草稿：本月尚未结账，数字可能变动。 Draft: the month is not closed; the figures may change."}, notes...)
	}
	return Document{Kind: "statement", Title: "对账单", TitleEN: "Statement of account", Number: s.CustomerID + " " + s.Month,
		Draft: draft, Issuer: issuer,
		Meta: []Field{
			{"客户 Customer", s.CustomerName + " (" + s.CustomerID + ")"},
			{"期间 Period", s.From + " – " + s.To},
			{"币种 Currency", string(s.Currency)},
			{"生成时间 Generated", stamp(generated)},
		},
		Sections: secs, Notes: notes, Printed: stamp(generated),
		Filename: filename(s.CustomerID, "statement", s.Month) + draftSuffix(draft)}
}

func draftSuffix(draft bool) string {
	if draft {
		return "-draft"
	}
	return ""
}

func blankZero(f sales.Fen) string {
	if f == 0 {
		return ""
	}
	return Money(f)
}
