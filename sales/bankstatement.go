package sales

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// BankImport is one bank statement file Finance uploaded: its lines
// were matched to customers and invoices when it came in; the matched ones
// are applied as receipts, the others wait in the queue.
type BankImport struct {
	ID          int64          `json:"id"`
	SHA256      string         `json:"sha256"` // of the file: the same file twice is one import
	BankAccount string         `json:"bank_account"`
	FileName    string         `json:"file_name"`
	UploadedBy  string         `json:"uploaded_by"`
	UploadedAt  time.Time      `json:"uploaded_at"`
	Counts      BankLineCounts `json:"counts"`
	Lines       []BankLine     `json:"lines,omitempty"`
}

// BankLineCounts are an import's lines by status.
type BankLineCounts struct {
	Lines     int `json:"lines"`
	Matched   int `json:"matched"` // waiting to be applied
	Applied   int `json:"applied"`
	Queued    int `json:"queued"`
	Assigned  int `json:"assigned"`
	Rejected  int `json:"rejected"`
	Duplicate int `json:"duplicate"`
	Skipped   int `json:"skipped"` // debits: money that went out
}

// Add counts one line of status s.
func (c *BankLineCounts) Add(s LineStatus, n int) {
	c.Lines += n
	switch s {
	case LineMatched:
		c.Matched += n
	case LineApplied:
		c.Applied += n
	case LineQueued:
		c.Queued += n
	case LineAssigned:
		c.Assigned += n
	case LineRejected:
		c.Rejected += n
	case LineDuplicate:
		c.Duplicate += n
	case LineSkipped:
		c.Skipped += n
	}
}

// LineStatus is where a statement line stands.
type LineStatus string

// Statement line statuses: a matched line becomes applied once its receipt
// is recorded; a queued line waits for Finance, who assigns it to a customer
// or rejects it; a line already recorded is a duplicate; a debit is skipped.
const (
	LineMatched   LineStatus = "matched"
	LineApplied   LineStatus = "applied"
	LineQueued    LineStatus = "queued"
	LineAssigned  LineStatus = "assigned"
	LineRejected  LineStatus = "rejected"
	LineDuplicate LineStatus = "duplicate"
	LineSkipped   LineStatus = "skipped"
)

// LineStatuses are the statuses in the order pages show them.
var LineStatuses = []LineStatus{LineQueued, LineMatched, LineApplied, LineAssigned, LineRejected, LineDuplicate, LineSkipped}

// ValidLineStatus reports whether s is a line status.
func ValidLineStatus(s string) bool { return slices.Contains(LineStatuses, LineStatus(s)) }

// How a line's customer was found.
const (
	MatchByAccount   = "account"   // the payer's account is one the customer paid from before
	MatchByName      = "name"      // the payer's name is the customer's, or one it paid under before
	MatchByReference = "reference" // only the references name its invoices: a suggestion
)

// BankLine is one line of a bank statement.
type BankLine struct {
	ID           int64      `json:"id"`
	ImportID     int64      `json:"import_id"`
	LineNo       int        `json:"line_no"` // the row in the file, from 1
	BankAccount  string     `json:"bank_account"`
	ValueDate    string     `json:"value_date"` // Beijing date, 2006-01-02
	Amount       Fen        `json:"amount_fen"`
	Currency     Currency   `json:"currency"`
	PayerName    string     `json:"payer_name"`
	PayerAccount string     `json:"payer_account"`
	Remittance   string     `json:"remittance"`
	Reference    string     `json:"reference"`
	Status       LineStatus `json:"status"`
	MatchedBy    string     `json:"matched_by,omitempty"`  // MatchByAccount, MatchByName, MatchByReference
	CustomerID   string     `json:"customer_id,omitempty"` // matched, suggested or assigned
	Invoices     []string   `json:"invoice_nos"`           // named by the remittance text, or assigned
	ReceiptID    int64      `json:"receipt_id,omitempty"`
	Note         string     `json:"note,omitempty"` // why it waits, why it was rejected
	DecidedBy    string     `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

// ReceiptInput is the receipt a line becomes for customer and the named
// invoices (the rest of its open invoices after them, oldest due first).
func (l BankLine) ReceiptInput(customerID string, invoices []string) ReceiptInput {
	return ReceiptInput{
		CustomerID: customerID, BankAccount: l.BankAccount, Reference: l.Reference, ValueDate: l.ValueDate,
		Amount: l.Amount, Currency: l.Currency, PayerName: l.PayerName, PayerAccount: l.PayerAccount,
		Remittance: l.Remittance, Invoices: invoices,
	}
}

// ReceiptSource is the source of the receipt recorded for line lineNo of
// import id.
func ReceiptSource(importID int64, lineNo int) string {
	return "import:" + itoa(importID) + "/" + itoa(int64(lineNo))
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// LineAssignment is Finance's decision on a queued line: the customer who
// paid, and the invoices to apply it to first.
type LineAssignment struct {
	CustomerID string   `json:"customer_id"`
	Invoices   []string `json:"invoice_nos,omitempty"`
}

// Validate checks an assignment as Finance typed it.
func (a LineAssignment) Validate() Problems {
	var p Problems
	p.Text("customer_id", a.CustomerID, MaxCode, true)
	if len(a.Invoices) > MaxNamedInvoices {
		p.Add("invoice_nos", "at most %d invoices", MaxNamedInvoices)
	}
	for i, no := range a.Invoices {
		if why := TextProblem(no, MaxCode, true); why != "" {
			p.Add("invoice_nos", "entry %d %s", i+1, why)
		}
	}
	return p
}

// LineRejection is why Finance rejects a queued line (not a customer's
// payment: a refund from a supplier, interest, a transfer of our own).
type LineRejection struct {
	Reason string `json:"reason"`
}

// Validate checks a rejection.
func (r LineRejection) Validate() Problems {
	var p Problems
	p.Text("reason", r.Reason, MaxReason, true)
	return p
}

// BankLineFilter selects statement lines.
type BankLineFilter struct {
	ImportID int64
	Status   LineStatus // "" = all
	Limit    int
}

// KnownPayer is a payer account or name a customer paid under before (a
// recorded receipt, or a line Finance assigned).
type KnownPayer struct {
	CustomerID string `json:"customer_id"`
	Name       string `json:"name"`
	Account    string `json:"account"`
}

// CustomerInvoice is an open invoice of a customer.
type CustomerInvoice struct {
	CustomerID string `json:"customer_id"`
	OpenInvoice
}

// BankMatch is what matching found for a line.
type BankMatch struct {
	Status     LineStatus // LineMatched or LineQueued
	MatchedBy  string
	CustomerID string
	Invoices   []string
	Note       string // why a queued line waits
}

// MatchBook is what statement lines are matched against: customers by
// payer account and normalised name, open invoices by normalised invoice
// and order number. Build it once per import (NewMatchBook), then Match
// each line.
type MatchBook struct {
	byAccount map[string]string // normalised account → customer, "" when two customers share it
	byName    map[string]string // normalised name → customer, "" when ambiguous
	refs      map[string][]CustomerInvoice
	lengths   []int // the distinct lengths of refs' keys
}

// NewMatchBook indexes customers (their names), the payers they paid as
// before, and their open invoices.
func NewMatchBook(customers []Customer, payers []KnownPayer, open []CustomerInvoice) *MatchBook {
	b := &MatchBook{byAccount: map[string]string{}, byName: map[string]string{}, refs: map[string][]CustomerInvoice{}}
	learn := func(m map[string]string, key, customer string) {
		if key == "" {
			return
		}
		if had, ok := m[key]; ok && had != customer {
			m[key] = "" // two customers: nobody
			return
		}
		m[key] = customer
	}
	for _, c := range customers {
		learn(b.byName, NormalizeName(c.Name), c.ID)
	}
	for _, p := range payers {
		learn(b.byAccount, NormalizeAccount(p.Account), p.CustomerID)
		learn(b.byName, NormalizeName(p.Name), p.CustomerID)
	}
	lengths := map[int]bool{}
	add := func(no string, inv CustomerInvoice) {
		if key, _ := normalizeRef(no); key != "" {
			b.refs[key] = append(b.refs[key], inv)
			lengths[len(key)] = true
		}
	}
	for _, inv := range open {
		add(inv.InvoiceNo, inv)
		if !inv.Disputed { // naming the order is not naming its disputed invoice
			add(inv.OrderNo, inv)
		}
	}
	for n := range lengths {
		b.lengths = append(b.lengths, n)
	}
	slices.Sort(b.lengths)
	for key, invs := range b.refs {
		slices.SortStableFunc(invs, func(a, b CustomerInvoice) int {
			if c := a.DueAt.Compare(b.DueAt); c != 0 {
				return c
			}
			return strings.Compare(a.InvoiceNo, b.InvoiceNo)
		})
		b.refs[key] = invs
	}
	return b
}

// Match finds a line's customer (by payer account, else by payer name; an
// ambiguous one is no match) and the open invoices its remittance text
// names (invoice numbers, or order numbers for all their open invoices).
// A line is matched when its customer is found and it names at least one
// of that customer's open invoices in its currency; otherwise it is queued
// with what was found as a suggestion.
func (b *MatchBook) Match(payerName, payerAccount, remittance string, currency Currency) BankMatch {
	var m BankMatch
	if c := b.byAccount[NormalizeAccount(payerAccount)]; c != "" {
		m.CustomerID, m.MatchedBy = c, MatchByAccount
	} else if c := b.byName[NormalizeName(payerName)]; c != "" {
		m.CustomerID, m.MatchedBy = c, MatchByName
	}
	named := b.References(remittance)
	if m.CustomerID == "" {
		m.Status = LineQueued
		m.Note = "no customer pays from this account or under this name"
		if owners := customersOf(named); len(owners) == 1 {
			m.CustomerID, m.MatchedBy = owners[0], MatchByReference
			m.Invoices = invoiceNos(named, owners[0], "")
			m.Note = "the payer is not known; the remittance names invoices of " + owners[0]
		}
		return m
	}
	m.Invoices = invoiceNos(named, m.CustomerID, currency)
	switch {
	case len(m.Invoices) > 0:
		m.Status = LineMatched
	case len(named) > 0:
		m.Status = LineQueued
		m.Note = "the remittance names no open invoice of " + m.CustomerID + " in " + string(currency)
	default:
		m.Status = LineQueued
		m.Note = "the remittance names no open invoice"
	}
	return m
}

// References returns the open invoices the text names, in the order named
// (an order number names its open invoices, oldest due first), each once.
// Spaces, case, full-width characters and separators do not matter; a
// number must not run on into more digits or letters.
func (b *MatchBook) References(text string) []CustomerInvoice {
	norm, bound := normalizeRef(text)
	if norm == "" || len(b.lengths) == 0 {
		return nil
	}
	var out []CustomerInvoice
	seen := map[string]bool{}
	for i := 0; i < len(norm); i++ {
		if i > 0 && !bound[i] && sameClass(norm[i-1], norm[i]) {
			continue // in the middle of a number
		}
		for _, n := range b.lengths {
			j := i + n
			if j > len(norm) {
				break
			}
			if j < len(norm) && !bound[j] && sameClass(norm[j-1], norm[j]) {
				continue // runs on
			}
			for _, inv := range b.refs[norm[i:j]] {
				if !seen[inv.InvoiceNo] {
					seen[inv.InvoiceNo] = true
					out = append(out, inv)
				}
			}
		}
	}
	return out
}

func customersOf(invs []CustomerInvoice) []string {
	var out []string
	for _, inv := range invs {
		if !slices.Contains(out, inv.CustomerID) {
			out = append(out, inv.CustomerID)
		}
	}
	return out
}

// invoiceNos are the numbers of customer's invoices among invs, in
// currency ("" = any).
func invoiceNos(invs []CustomerInvoice, customer string, currency Currency) []string {
	var out []string
	for _, inv := range invs {
		if inv.CustomerID == customer && (currency == "" || inv.Currency == currency) {
			out = append(out, inv.InvoiceNo)
		}
	}
	return out
}

func sameClass(a, b byte) bool {
	return isDigit(a) == isDigit(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// halfWidth maps a full-width form (ＡＢＣ１２３－，　) to its ASCII
// counterpart.
func halfWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// NormalizeName is a payer or customer name as matching compares it:
// half-width, lower case, spaces trimmed and collapsed.
func NormalizeName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(strings.Map(halfWidth, s)) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// NormalizeAccount is a bank account as matching compares it: its letters
// and digits only, half-width, upper case.
func NormalizeAccount(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = unicode.ToUpper(halfWidth(r))
		if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normalizeRef keeps the ASCII letters (upper case) and digits of s,
// half-width; bound[i] is true where a separator (anything else) stood
// before the i-th kept character.
func normalizeRef(s string) (string, []bool) {
	b := make([]byte, 0, len(s))
	var bound []bool
	sep := false
	for _, r := range s {
		r = unicode.ToUpper(halfWidth(r))
		if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') {
			b = append(b, byte(r))
			bound = append(bound, sep)
			sep = false
			continue
		}
		sep = true
	}
	return string(b), bound
}

// LineOutcome is what became of a statement line: applied or assigned with
// its receipt, queued again, rejected, or a duplicate.
type LineOutcome struct {
	Status     LineStatus
	CustomerID string   // "" keeps the line's
	Invoices   []string // nil keeps the line's
	ReceiptID  int64
	Note       string
	By         string // "" for the import's own workflow
	At         time.Time
}

// Recorder records a bank receipt from source (the cash application).
type Recorder func(ctx context.Context, in ReceiptInput, source string, by Actor) (BankReceipt, error)

// ReceiptLookup finds the receipt of a bank transaction (not_found when
// there is none), our account compared as NormalizeAccount has it.
type ReceiptLookup func(ctx context.Context, bankAccount, reference string) (BankReceipt, error)

// ApplyBankLine records line l as a receipt of customer applied to invoices
// first, and says what became of it: done (applied or assigned) with its
// receipt. A transaction recorded before, found before recording or by the
// conflict recording it meets, is a duplicate, unless it was recorded from
// this very line (a try that was cut short), which is done. Refused input
// (the customer or an invoice) comes back as the error, as does any failure
// to try again.
func ApplyBankLine(ctx context.Context, l BankLine, customer string, invoices []string, done LineStatus, by Actor,
	record Recorder, lookup ReceiptLookup) (LineOutcome, error) {
	source := ReceiptSource(l.ImportID, l.LineNo)
	out := LineOutcome{Status: done, CustomerID: customer, Invoices: invoices}
	recorded := func() (LineOutcome, error) {
		rec, err := lookup(ctx, l.BankAccount, l.Reference)
		if err != nil {
			return out, fmt.Errorf("statement line %d: the receipt of %s: %w", l.ID, l.Reference, err)
		}
		if rec.Source != source {
			out.Status = LineDuplicate
			out.Note = fmt.Sprintf("the bank's reference %s was recorded before as receipt %d (%s)", l.Reference, rec.ID, rec.Source)
		}
		out.ReceiptID = rec.ID
		return out, nil
	}
	_, err := lookup(ctx, l.BankAccount, l.Reference)
	switch ErrorCode(err) {
	case "":
		return recorded()
	case ErrNotFound:
	default:
		return out, fmt.Errorf("statement line %d: the receipt of %s: %w", l.ID, l.Reference, err)
	}
	rec, err := record(ctx, l.ReceiptInput(customer, invoices), source, by)
	if ErrorCode(err) == ErrConflict {
		return recorded()
	}
	if err != nil {
		return out, err
	}
	out.ReceiptID = rec.ID
	return out, nil
}
