package sales

import (
	"slices"
	"strings"
	"time"
)

// BankReceipt is one bank transfer from a customer (回款): recorded once for
// its bank account and the bank's reference, applied to the customer's
// invoices; what no invoice took is the customer's unapplied cash.
type BankReceipt struct {
	ID           int64             `json:"id"`
	CustomerID   string            `json:"customer_id"`
	BankAccount  string            `json:"bank_account"` // our account the money came into
	Reference    string            `json:"reference"`    // the bank's transaction number (流水号)
	ValueDate    string            `json:"value_date"`   // Beijing date the money arrived, 2006-01-02
	Amount       Fen               `json:"amount_fen"`
	Currency     Currency          `json:"currency"`
	PayerName    string            `json:"payer_name"`
	PayerAccount string            `json:"payer_account"`
	Remittance   string            `json:"remittance"` // the payer's text (摘要, 附言)
	Source       string            `json:"source"`     // "manual", "order:<no>", "import:<id>/<line>"
	Status       string            `json:"status"`     // ReceiptApplying until every order learnt its share, then ReceiptApplied
	Applications []CashApplication `json:"applications"`
	Unapplied    Fen               `json:"unapplied_fen"` // what went to the customer's credit balance
	RecordedBy   string            `json:"recorded_by"`
	RecordedAt   time.Time         `json:"recorded_at"`
}

// Receipt statuses.
const (
	ReceiptApplying = "applying"
	ReceiptApplied  = "applied"
)

// CashApplication is money applied to one invoice: a share of a receipt, or
// of the customer's unapplied cash applied later.
type CashApplication struct {
	Key        string    `json:"key"` // unique: "receipt/<id>/<invoice>", "unapplied/<id>/<invoice>"
	ReceiptID  int64     `json:"receipt_id,omitempty"`
	CustomerID string    `json:"customer_id"`
	OrderNo    string    `json:"order_no"`
	InvoiceNo  string    `json:"invoice_no"`
	Amount     Fen       `json:"amount_fen"`
	Currency   Currency  `json:"currency"`
	ValueDate  string    `json:"value_date"`
	At         time.Time `json:"at"`
	By         string    `json:"by"`
}

// ReceiptInput is what Finance records of a transfer, and where to apply it.
type ReceiptInput struct {
	CustomerID   string   `json:"customer_id"`
	BankAccount  string   `json:"bank_account"`
	Reference    string   `json:"reference"`
	ValueDate    string   `json:"value_date"`
	Amount       Fen      `json:"amount_fen"`
	Currency     Currency `json:"currency"`
	PayerName    string   `json:"payer_name,omitempty"`
	PayerAccount string   `json:"payer_account,omitempty"`
	Remittance   string   `json:"remittance,omitempty"`
	// Invoices are applied first, in this order; then, unless OnlyNamed,
	// the customer's other open invoices, oldest due first.
	Invoices  []string `json:"invoice_nos,omitempty"`
	OnlyNamed bool     `json:"only_named,omitempty"`
}

// Validate checks a receipt as Finance typed it; now bounds the value date
// (not in the future, in Beijing).
func (in ReceiptInput) Validate(now time.Time) Problems {
	var p Problems
	p.Text("customer_id", in.CustomerID, MaxReference, true)
	p.Text("bank_account", in.BankAccount, MaxReference, true)
	p.Text("reference", strings.TrimSpace(in.Reference), MaxReference, true)
	if d, err := time.ParseInLocation(time.DateOnly, in.ValueDate, Beijing); err != nil {
		p.Add("value_date", "must be a date like 2026-12-31")
	} else if d.After(DateOf(now)) {
		p.Add("value_date", "must not be after today (%s)", DateOf(now).Format(time.DateOnly))
	}
	if in.Amount <= 0 || in.Amount > MaxAmount {
		p.Add("amount_fen", "must be positive, at most %d", MaxAmount)
	}
	if !in.Currency.Valid() {
		p.Add("currency", "must be an ISO 4217 code like CNY")
	}
	p.Text("payer_name", in.PayerName, MaxName, false)
	p.Text("payer_account", in.PayerAccount, MaxReference, false)
	p.Text("remittance", in.Remittance, MaxReason, false)
	if len(in.Invoices) > MaxNamedInvoices {
		p.Add("invoice_nos", "at most %d invoices", MaxNamedInvoices)
	}
	for i, no := range in.Invoices {
		if strings.TrimSpace(no) == "" {
			p.Add("invoice_nos", "entry %d is empty", i)
		}
	}
	if in.OnlyNamed && len(in.Invoices) == 0 {
		p.Add("invoice_nos", "name the invoices to apply to")
	}
	return p
}

// MaxNamedInvoices bounds the invoices one receipt names.
const MaxNamedInvoices = 500

// OpenInvoice is what a customer's invoice still owes, for cash application.
type OpenInvoice struct {
	OrderNo     string    `json:"order_no"`
	InvoiceNo   string    `json:"invoice_no"`
	DueAt       time.Time `json:"due_at"`
	Outstanding Fen       `json:"outstanding_fen"`
	Currency    Currency  `json:"currency"`
	Disputed    bool      `json:"disputed"`
}

// Share is the part of an amount planned for one invoice.
type Share struct {
	OrderNo   string `json:"order_no"`
	InvoiceNo string `json:"invoice_no"`
	Amount    Fen    `json:"amount_fen"`
}

// PlanApplication divides amount among open invoices: the named ones first,
// in the order named, then (unless onlyNamed) the others oldest due first; a
// disputed invoice takes money only when named. left is what no invoice
// takes: the customer's unapplied cash.
func PlanApplication(open []OpenInvoice, amount Fen, named []string, onlyNamed bool) (shares []Share, left Fen) {
	rank := make(map[string]int, len(named))
	for i, no := range named {
		if _, ok := rank[no]; !ok {
			rank[no] = i
		}
	}
	order := make([]OpenInvoice, 0, len(open))
	for _, inv := range open {
		_, isNamed := rank[inv.InvoiceNo]
		if inv.Outstanding <= 0 || (!isNamed && (onlyNamed || inv.Disputed)) {
			continue
		}
		order = append(order, inv)
	}
	slices.SortStableFunc(order, func(a, b OpenInvoice) int {
		ra, na := rank[a.InvoiceNo]
		rb, nb := rank[b.InvoiceNo]
		switch {
		case na && nb:
			return ra - rb
		case na != nb:
			if na {
				return -1
			}
			return 1
		}
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.InvoiceNo, b.InvoiceNo)
	})
	left = amount
	for _, inv := range order {
		if left == 0 {
			break
		}
		pay := min(inv.Outstanding, left)
		shares = append(shares, Share{OrderNo: inv.OrderNo, InvoiceNo: inv.InvoiceNo, Amount: pay})
		left -= pay
	}
	return shares, left
}
