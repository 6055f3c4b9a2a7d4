package sales

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// EntryRefund is unapplied cash paid back to the customer: a debit of the
// account, as an invoice is.
const EntryRefund = "refund"

// AccountEntry is one movement of a customer's account in a month: an
// invoice or a refund (debits), a credit note or a receipt (credits). Date
// is the Beijing date it counts on: the invoice's or credit note's issue
// date, a receipt's value date, the day a refund was paid.
type AccountEntry struct {
	Kind    string `json:"kind"` // EntryInvoice, EntryCreditNote, EntryReceipt or EntryRefund
	Date    string `json:"date"` // 2006-01-02
	No      string `json:"no"`   // invoice, credit note, the bank's reference, RF-<refund id>
	OrderNo string `json:"order_no,omitempty"`
	DueDate string `json:"due_date,omitempty"` // invoices
	Amount  Fen    `json:"amount_fen"`         // positive
}

// OpenItem is an invoice still (partly) owed at the statement's closing
// date, with its due date: what the ageing is made of.
type OpenItem struct {
	InvoiceNo   string `json:"invoice_no"`
	OrderNo     string `json:"order_no"`
	DueDate     string `json:"due_date"`
	Outstanding Fen    `json:"outstanding_fen"`
	DaysOverdue int    `json:"days_overdue"` // at the closing date; 0 or less: not due
}

// AccountStatementInput is what a customer's monthly statement is computed
// from: the balance brought forward, the month's movements and the invoices
// open at its end.
type AccountStatementInput struct {
	CustomerID   string         `json:"customer_id"`
	CustomerName string         `json:"customer_name"`
	Month        string         `json:"month"` // 2006-01
	Currency     Currency       `json:"currency"`
	Opening      Fen            `json:"opening_fen"`
	Entries      []AccountEntry `json:"entries"`
	OpenItems    []OpenItem     `json:"open_items"`
}

// StatementLine is an entry with its debit or credit and the running
// balance after it.
type StatementLine struct {
	AccountEntry
	Debit   Fen `json:"debit_fen"`
	Credit  Fen `json:"credit_fen"`
	Balance Fen `json:"balance_fen"`
}

// AccountStatement is a customer's monthly statement (对账单): the balance
// brought forward, every invoice, credit note and receipt of the month in
// date order with the running balance, the closing balance and its ageing.
// The ageing is of the invoices open at the closing date; Unapplied is the
// part of the closing balance no invoice carries (receipts and credit notes
// not applied to an invoice, a negative amount), so that
// Ageing.Total + Unapplied = Closing.
type AccountStatement struct {
	CustomerID   string          `json:"customer_id"`
	CustomerName string          `json:"customer_name"`
	Month        string          `json:"month"`
	From         string          `json:"from"` // first day
	To           string          `json:"to"`   // last day: the closing date
	Currency     Currency        `json:"currency"`
	Opening      Fen             `json:"opening_fen"`
	Lines        []StatementLine `json:"lines"`
	Invoiced     Fen             `json:"invoiced_fen"`
	Credited     Fen             `json:"credited_fen"` // credit notes
	Received     Fen             `json:"received_fen"`
	Refunded     Fen             `json:"refunded_fen"`
	Closing      Fen             `json:"closing_fen"`
	OpenItems    []OpenItem      `json:"open_items"`
	Ageing       Ageing          `json:"ageing"`
	Unapplied    Fen             `json:"unapplied_fen"`
}

// entryRank orders the entries of one day: invoices before credit notes
// before receipts before refunds.
var entryRank = map[string]int{EntryInvoice: 0, EntryCreditNote: 1, EntryReceipt: 2, EntryRefund: 3}

// Validate checks the input as the store gathered it: a month, known kinds,
// dates inside the month, positive amounts.
func (in AccountStatementInput) Validate() Problems {
	var p Problems
	period, err := MonthPeriod(in.Month)
	if err != nil {
		p.Add("month", "must be a month like 2026-03")
	}
	for i, e := range in.Entries {
		f := "entries[" + strconv.Itoa(i) + "]"
		if _, ok := entryRank[e.Kind]; !ok {
			p.Add(f+".kind", "must be invoice, credit_note, receipt or refund, not %q", e.Kind)
		}
		d, derr := time.ParseInLocation(time.DateOnly, e.Date, Beijing)
		if derr != nil {
			p.Add(f+".date", "must be a date like 2026-03-31")
		} else if err == nil && (d.Before(period.From) || !d.Before(period.To)) {
			p.Add(f+".date", "%s is not in %s", e.Date, in.Month)
		}
		if e.Amount <= 0 {
			p.Add(f+".amount_fen", "must be positive")
		}
	}
	return p
}

// ComputeAccountStatement lays out the statement: the entries sorted by
// date (invoices, then credit notes, then receipts on one day, then by
// number), each with the running balance; the month's totals; the closing
// balance; and the ageing of the open items on the closing date.
func ComputeAccountStatement(in AccountStatementInput) (AccountStatement, error) {
	if err := in.Validate().Err("invalid statement input"); err != nil {
		return AccountStatement{}, err
	}
	period, _ := MonthPeriod(in.Month)
	closing := period.To.AddDate(0, 0, -1)
	s := AccountStatement{
		CustomerID: in.CustomerID, CustomerName: in.CustomerName, Month: in.Month, Currency: in.Currency,
		From: period.From.Format(time.DateOnly), To: closing.Format(time.DateOnly),
		Opening: in.Opening, Lines: []StatementLine{}, OpenItems: []OpenItem{},
	}
	entries := slices.Clone(in.Entries)
	slices.SortStableFunc(entries, func(a, b AccountEntry) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(entryRank[a.Kind], entryRank[b.Kind]), cmp.Compare(a.No, b.No))
	})
	balance := in.Opening
	for _, e := range entries {
		l := StatementLine{AccountEntry: e}
		switch e.Kind {
		case EntryInvoice:
			l.Debit = e.Amount
			s.Invoiced += e.Amount
		case EntryCreditNote:
			l.Credit = e.Amount
			s.Credited += e.Amount
		case EntryRefund:
			l.Debit = e.Amount
			s.Refunded += e.Amount
		default:
			l.Credit = e.Amount
			s.Received += e.Amount
		}
		balance += l.Debit - l.Credit
		l.Balance = balance
		s.Lines = append(s.Lines, l)
	}
	s.Closing = balance
	for _, it := range in.OpenItems {
		if it.Outstanding <= 0 {
			continue
		}
		if due, err := time.ParseInLocation(time.DateOnly, it.DueDate, Beijing); err == nil {
			it.DaysOverdue = DaysBetween(due, closing)
		}
		s.Ageing.Add(BucketOf(it.DaysOverdue), it.Outstanding)
		s.OpenItems = append(s.OpenItems, it)
	}
	slices.SortStableFunc(s.OpenItems, func(a, b OpenItem) int {
		return cmp.Or(cmp.Compare(a.DueDate, b.DueDate), cmp.Compare(a.InvoiceNo, b.InvoiceNo))
	})
	s.Unapplied = s.Closing - s.Ageing.Total
	return s, nil
}

// StatementRecord is a customer's statement of a month as it was kept (the
// first one generated for the month), or a draft computed now for a month
// not yet closed.
type StatementRecord struct {
	CustomerID  string            `json:"customer_id"`
	Month       string            `json:"month"`
	GeneratedAt time.Time         `json:"generated_at"`
	Draft       bool              `json:"draft"`
	Closing     Fen               `json:"closing_fen"`
	Currency    Currency          `json:"currency"`
	Statement   *AccountStatement `json:"statement,omitempty"`
}
