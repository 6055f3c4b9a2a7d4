package workflows

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// WithdrawDisputeInput ends an invoice's dispute without a credit note: its
// reminder and dunning resume.
type WithdrawDisputeInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
	Reason    string      `json:"reason,omitempty"`
}

// CreditNoteRequestInput asks for a credit note for a difference on an
// invoice without goods coming back: a price difference (an amount) or a
// quantity difference (units billed but not received). It is approved like
// a return of the same value.
type CreditNoteRequestInput struct {
	Actor     sales.Actor     `json:"actor"`
	InvoiceNo string          `json:"invoice_no"`
	Kind      string          `json:"kind"`                 // price or quantity
	Amount    sales.Fen       `json:"amount_fen,omitempty"` // price: VAT included
	Lines     []sales.LineQty `json:"lines,omitempty"`      // quantity
	Reason    string          `json:"reason"`
}

// VATInvoiceInput is the official VAT invoice (发票) Finance issued for an
// invoice.
type VATInvoiceInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
	VATNo     string      `json:"vat_invoice_no"`
	VATDate   string      `json:"vat_invoice_date"` // Beijing date
}

// ExtensionRequestInput asks the SLT to move an invoice's due date.
type ExtensionRequestInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
	DueDate   string      `json:"due_date"` // Beijing date, after the current due date
	Reason    string      `json:"reason"`
}

// ExtensionDecisionInput is the SLT's decision on a requested extension.
type ExtensionDecisionInput struct {
	Actor     sales.Actor `json:"actor"`
	InvoiceNo string      `json:"invoice_no"`
	Decision  string      `json:"decision"` // approve or reject
	Reason    string      `json:"reason,omitempty"`
}

// invoiceOf returns the named invoice or a refusal.
func (r *orderRun) invoiceOf(no string) (*sales.Invoice, error) {
	if inv := r.s.invoice(no); inv != nil {
		return inv, nil
	}
	return nil, refusal(sales.ErrNotFound, "order %s has no invoice %q", r.s.OrderNo, no)
}

func (r *orderRun) validateWithdrawDispute(in WithdrawDisputeInput) error {
	if !in.Actor.Is(sales.RoleSSG, sales.RoleFSF, sales.RoleFinance) {
		return refusal(sales.ErrForbidden, "only SSG, FSF or Finance may withdraw an invoice dispute")
	}
	inv, err := r.invoiceOf(in.InvoiceNo)
	if err != nil {
		return err
	}
	if !inv.Disputed {
		return refusal(sales.ErrConflict, "invoice %s is not disputed", inv.No)
	}
	var p sales.Problems
	p.Text("reason", in.Reason, sales.MaxReason, false)
	return invalid(p, "invalid withdrawal")
}

// withdrawDispute ends a dispute: the invoice's reminder and dunning resume
// where its due date puts them.
func (r *orderRun) withdrawDispute(ctx workflow.Context, in WithdrawDisputeInput) (Progress, error) {
	r.begin(in.Actor)
	inv := r.s.invoice(in.InvoiceNo)
	inv.Disputed, inv.DunningPaused = false, false
	r.event("dispute_withdrawn", map[string]string{"invoice": inv.No, "reason": in.Reason})
	r.notify(r.s.Ladder.KAM, "dispute_withdrawn", fmt.Sprintf("The dispute of invoice %s of %s is withdrawn", inv.No, r.s.CustomerName),
		"Collection resumes. "+in.Reason, sales.BC2Acknowledge)
	return r.progress(), nil
}

// endDispute closes a dispute settled by a credit note.
func (r *orderRun) endDispute(inv *sales.Invoice, creditNote string) {
	if inv == nil || !inv.Disputed {
		return
	}
	inv.Disputed, inv.DunningPaused = false, false
	r.event("dispute_settled", map[string]string{"invoice": inv.No, "credit_note": creditNote})
}

func (r *orderRun) validateRequestCredit(in CreditNoteRequestInput) error {
	if !in.Actor.Is(sales.RoleSSG, sales.RoleFSF) {
		return refusal(sales.ErrForbidden, "only SSG or FSF may request a credit note")
	}
	s := r.s
	if s.Status == sales.StatusRejected || s.Status == sales.StatusCancelled {
		return refusal(sales.ErrConflict, "order %s is %s", s.OrderNo, s.Status)
	}
	inv, err := r.invoiceOf(in.InvoiceNo)
	if err != nil {
		return err
	}
	for _, rt := range s.Returns {
		if rt.InvoiceNo == inv.No && rt.Open() {
			return refusal(sales.ErrConflict, "credit note request %s for invoice %s waits for its decision", rt.No, inv.No)
		}
	}
	var p sales.Problems
	p.Text("reason", strings.TrimSpace(in.Reason), sales.MaxReason, true)
	creditable := inv.Amount - inv.Credited
	switch in.Kind {
	case sales.ReturnByPrice:
		if len(in.Lines) > 0 {
			p.Add("lines", "a price difference names an amount, not lines")
		}
		if in.Amount <= 0 || in.Amount > creditable {
			p.Add("amount_fen", "must be positive, at most the %s of invoice %s not credited yet", creditable, inv.No)
		}
	case sales.ReturnByQuantity:
		if in.Amount != 0 {
			p.Add("amount_fen", "a quantity difference is priced from its lines: leave the amount out")
		}
		sh := s.shipment(inv.ShipmentNo)
		billed := map[int]int64{}
		if sh != nil {
			for _, q := range sh.Lines {
				billed[q.LineNo] = q.Quantity
			}
		}
		p = append(p, sales.ValidateReturnLines("lines", billed, in.Lines)...)
		if v := sales.ShipmentAmount(s.Lines, in.Lines); len(p) == 0 && v > creditable {
			p.Add("lines", "worth %s, more than the %s of invoice %s not credited yet", v, creditable, inv.No)
		}
	default:
		p.Add("kind", "must be price or quantity")
	}
	return invalid(p, "invalid credit note request")
}

// requestCredit opens a credit note request: a return without goods, decided
// by the customer's UM up to the return limit and by the SLT above it.
func (r *orderRun) requestCredit(ctx workflow.Context, in CreditNoteRequestInput) (ReturnResult, error) {
	r.begin(in.Actor)
	value := in.Amount
	if in.Kind == sales.ReturnByQuantity {
		value = sales.ShipmentAmount(r.s.Lines, in.Lines)
	}
	rt := r.openReturn(sales.Return{Source: in.Kind, InvoiceNo: in.InvoiceNo, Lines: append([]sales.LineQty(nil), in.Lines...),
		Reason: strings.TrimSpace(in.Reason), Value: value}, in.Actor)
	return r.returnResult(rt), nil
}

// vatNumber is an official VAT invoice number: 8 digits (paper and
// electronic invoices) up to 20 (全电发票).
var vatNumber = regexp.MustCompile(`^[0-9]{8,20}$`)

func (r *orderRun) validateRecordVAT(in VATInvoiceInput) error {
	if !in.Actor.Is(sales.RoleFinance) {
		return refusal(sales.ErrForbidden, "only Finance may record a VAT invoice number")
	}
	inv, err := r.invoiceOf(in.InvoiceNo)
	if err != nil {
		return err
	}
	no := strings.TrimSpace(in.VATNo)
	if inv.VATNo != "" && inv.VATNo != no {
		return refusal(sales.ErrConflict, "invoice %s has VAT invoice %s already", inv.No, inv.VATNo)
	}
	var p sales.Problems
	if !vatNumber.MatchString(no) {
		p.Add("vat_invoice_no", "must be the VAT invoice's 8 to 20 digits")
	}
	d, err := time.ParseInLocation(time.DateOnly, in.VATDate, sales.Beijing)
	now := workflow.Now(r.ctx)
	switch {
	case err != nil:
		p.Add("vat_invoice_date", "must be a date like 2026-12-31")
	case d.Before(sales.DateOf(inv.IssuedAt)):
		p.Add("vat_invoice_date", "must not be before the invoice's date %s", sales.DateOf(inv.IssuedAt).Format(time.DateOnly))
	case d.After(sales.DateOf(now)):
		p.Add("vat_invoice_date", "must not be after today (%s)", sales.DateOf(now).Format(time.DateOnly))
	}
	return invalid(p, "invalid VAT invoice")
}

// recordVAT keeps the official VAT invoice number and date of an invoice.
func (r *orderRun) recordVAT(ctx workflow.Context, in VATInvoiceInput) (Progress, error) {
	r.begin(in.Actor)
	inv := r.s.invoice(in.InvoiceNo)
	if inv.VATNo != "" {
		return r.progress(), nil
	}
	inv.VATNo, inv.VATDate = strings.TrimSpace(in.VATNo), in.VATDate
	r.event("vat_invoice_recorded", map[string]string{"invoice": inv.No, "vat_invoice_no": inv.VATNo, "vat_invoice_date": inv.VATDate})
	return r.progress(), nil
}

// vatDeadline makes BC1 late for Finance when an invoice still has no VAT
// invoice number: Finance is told first (the step's owner), then the
// customer's ladder from the KAM up, one rung a day, until the GM.
func (r *orderRun) vatDeadline(inv *sales.Invoice) (deadline, bool) {
	if inv.VATDue == nil || inv.VATNo != "" || inv.VATLevel >= sales.LevelGM {
		return deadline{}, false
	}
	at := r.after(*inv.VATDue, time.Duration(inv.VATLevel)*time.Duration(r.in.Policy.EscalateEvery))
	return deadline{at: at, fire: func() {
		inv.VATLevel++
		subject := fmt.Sprintf("Invoice %s of %s has no VAT invoice number since %s", inv.No, r.s.CustomerName,
			sales.DateOf(inv.IssuedAt).Format(time.DateOnly))
		ref := fmt.Sprintf("%s@%d", inv.No, inv.VATDue.Unix())
		if r.ownerFirst() {
			// Release 1.2: the Finance desk is a recipient of the
			// escalation itself, first, and copied on every rung.
			r.escalateTo(sales.EscalateVATInvoice, ref, inv.VATLevel, subject,
				r.s.Ladder.OwnerFirst(r.s.Ladder.Owners(sales.RoleFinance), inv.VATLevel))
			return
		}
		if inv.VATLevel == sales.LevelKAM {
			r.notify("dept:finance", string(sales.EscalateVATInvoice), subject, "Record the official VAT invoice number and date (BC1).", sales.BC1Invoice)
		}
		r.escalate(sales.EscalateVATInvoice, ref, inv.VATLevel, subject)
	}}, true
}

// maxExtension is how far one decision may move a due date.
const maxExtension = 365 * sales.Day

// validDueDate checks a new due date for inv: a Beijing date after the
// current due date, at most maxExtension later.
func validDueDate(inv *sales.Invoice, date string) sales.Problems {
	var p sales.Problems
	d, err := time.ParseInLocation(time.DateOnly, date, sales.Beijing)
	current := sales.DateOf(inv.DueAt)
	switch {
	case err != nil:
		p.Add("due_date", "must be a date like 2026-12-31")
	case !d.After(current):
		p.Add("due_date", "must be after the current due date %s", current.Format(time.DateOnly))
	case d.After(current.Add(maxExtension)):
		p.Add("due_date", "must be at most %d days after the current due date %s", int(maxExtension/sales.Day), current.Format(time.DateOnly))
	}
	return p
}

// setDue moves an invoice's due date to a Beijing date: its reminder and
// dunning start again from it.
func (r *orderRun) setDue(inv *sales.Invoice, date string) time.Time {
	old := inv.DueAt
	d, _ := time.ParseInLocation(time.DateOnly, date, sales.Beijing)
	inv.DueAt = d
	inv.Level = sales.LevelNone
	inv.Reminded = inv.DueAt.Add(-time.Duration(r.in.Policy.ReminderBeforeDue)).Before(r.now)
	return old
}

func (r *orderRun) validateRequestExtension(in ExtensionRequestInput) error {
	if !in.Actor.Is(sales.RoleFSF, sales.RoleFinance) {
		return refusal(sales.ErrForbidden, "only FSF or Finance may request a due-date extension")
	}
	inv, err := r.invoiceOf(in.InvoiceNo)
	if err != nil {
		return err
	}
	switch {
	case !inv.Open():
		return refusal(sales.ErrConflict, "invoice %s is paid", inv.No)
	case inv.Extension != nil:
		return refusal(sales.ErrConflict, "an extension of invoice %s to %s waits for the SLT", inv.No, inv.Extension.DueDate)
	}
	p := validDueDate(inv, in.DueDate)
	p.Text("reason", strings.TrimSpace(in.Reason), sales.MaxReason, true)
	return invalid(p, "invalid extension request")
}

// requestExtension asks the SLT member over the market to move a due date;
// unanswered it escalates to the GM, then lapses.
func (r *orderRun) requestExtension(ctx workflow.Context, in ExtensionRequestInput) (Progress, error) {
	r.begin(in.Actor)
	s := r.s
	inv := s.invoice(in.InvoiceNo)
	inv.Extension = &sales.Extension{DueDate: in.DueDate, Reason: strings.TrimSpace(in.Reason), RequestedBy: in.Actor.UserID,
		RequestedAt: r.now, Level: sales.LevelSLT}
	r.event("extension_requested", map[string]string{"invoice": inv.No, "due_date": in.DueDate, "reason": inv.Extension.Reason})
	subject := fmt.Sprintf("Extend invoice %s of %s from %s to %s?", inv.No, s.CustomerName, sales.DateOf(inv.DueAt).Format(time.DateOnly), in.DueDate)
	for _, to := range s.Ladder.Recipients(sales.LevelSLT) {
		r.notify(to, "extension_decision_needed", subject, inv.Extension.Reason, s.Step)
	}
	return r.progress(), nil
}

func (r *orderRun) validateDecideExtension(in ExtensionDecisionInput) error {
	if !in.Actor.Is(sales.RoleSLT) {
		return refusal(sales.ErrForbidden, "only an SLT member may decide a due-date extension")
	}
	inv, err := r.invoiceOf(in.InvoiceNo)
	if err != nil {
		return err
	}
	if inv.Extension == nil {
		return refusal(sales.ErrConflict, "no extension of invoice %s waits for a decision", inv.No)
	}
	var p sales.Problems
	if in.Decision != DecisionApprove && in.Decision != DecisionReject {
		p.Add("decision", "must be approve or reject")
	}
	p.Text("reason", in.Reason, sales.MaxReason, false)
	return invalid(p, "invalid extension decision")
}

// decideExtension moves the due date when the SLT approves; either way the
// requester and the KAM are told.
func (r *orderRun) decideExtension(ctx workflow.Context, in ExtensionDecisionInput) (Progress, error) {
	r.begin(in.Actor)
	inv := r.s.invoice(in.InvoiceNo)
	ext := *inv.Extension
	inv.Extension = nil
	subject := fmt.Sprintf("Extension of invoice %s to %s rejected", inv.No, ext.DueDate)
	if in.Decision == DecisionApprove {
		if p := validDueDate(inv, ext.DueDate); len(p) > 0 {
			subject = fmt.Sprintf("Extension of invoice %s to %s no longer applies: %s", inv.No, ext.DueDate, p[0].Message)
			r.event("extension_lapsed", map[string]string{"invoice": inv.No, "due_date": ext.DueDate})
		} else {
			old := r.setDue(inv, ext.DueDate)
			r.event("due_extended", map[string]string{"invoice": inv.No, "from": sales.DateOf(old).Format(time.DateOnly), "to": ext.DueDate,
				"reason": ext.Reason, "decided_by": in.Actor.UserID})
			subject = fmt.Sprintf("Invoice %s is now due on %s", inv.No, ext.DueDate)
		}
	} else {
		r.event("extension_rejected", map[string]string{"invoice": inv.No, "due_date": ext.DueDate, "reason": in.Reason})
	}
	r.notify(ext.RequestedBy, "extension_decided", subject, in.Reason, r.s.Step)
	if ext.RequestedBy != r.s.Ladder.KAM {
		r.notify(r.s.Ladder.KAM, "extension_decided", subject, in.Reason, r.s.Step)
	}
	return r.progress(), nil
}

// extensionDeadline escalates a requested extension the SLT member has not
// decided to the GM; unanswered by the GM it lapses (the due date stays).
func (r *orderRun) extensionDeadline(inv *sales.Invoice) (deadline, bool) {
	ext := inv.Extension
	if ext == nil || !inv.Open() {
		return deadline{}, false
	}
	at := ext.RequestedAt.Add(r.in.Policy.ExtensionDecisionTime() + time.Duration(ext.Level-sales.LevelSLT)*time.Duration(r.in.Policy.EscalateEvery))
	return deadline{at: at, fire: func() {
		if ext.Level >= sales.LevelGM {
			inv.Extension = nil
			r.event("extension_lapsed", map[string]string{"invoice": inv.No, "due_date": ext.DueDate})
			r.notify(ext.RequestedBy, "extension_decided", fmt.Sprintf("Extension of invoice %s to %s lapsed: no SLT decision", inv.No, ext.DueDate), "", r.s.Step)
			return
		}
		ext.Level++
		r.escalate(sales.EscalateExtension, fmt.Sprintf("%s@%d", inv.No, ext.RequestedAt.Unix()), ext.Level,
			fmt.Sprintf("Extension of invoice %s of %s to %s waits for a decision since %s", inv.No, r.s.CustomerName, ext.DueDate,
				sales.DateOf(ext.RequestedAt).Format(time.DateOnly)))
	}}, true
}
