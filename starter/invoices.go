package starter

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// invoiceRoutes mounts what people do to an invoice beyond acknowledging
// and disputing it (issue 16): withdraw a dispute, ask for a credit note
// for a price or quantity difference, record the VAT invoice, ask the SLT
// to extend the due date and decide it.
func (a *api) invoiceRoutes(r chi.Router) {
	const inv = "/orders/{orderNo}/invoices/{invoiceNo}"
	r.With(a.allow(sales.PermDisputeInvoice)).Post(inv+"/dispute/withdrawal", a.withdrawDispute)
	r.With(a.allow(sales.PermRequestCreditNote)).Post(inv+"/credit-notes", a.requestCreditNote)
	r.With(a.allow(sales.PermRecordVATInvoice)).Put(inv+"/vat-invoice", a.recordVATInvoice)
	r.With(a.allow(sales.PermRequestExtension)).Post(inv+"/extension-request", a.requestExtension)
	r.With(a.allow(sales.PermExtendDue)).Post(inv+"/extension-request/decision", a.decideExtension)
}

// maxCreditLines bounds the lines of a quantity difference (an order's lines).
const maxCreditLines = 200

// Request bodies of invoices.
type (
	withdrawalRequest struct {
		Reason string `json:"reason,omitempty"`
	}
	creditNoteRequest struct {
		Kind   string          `json:"kind"`                 // price or quantity
		Amount sales.Fen       `json:"amount_fen,omitempty"` // price: VAT included
		Lines  []sales.LineQty `json:"lines,omitempty"`      // quantity
		Reason string          `json:"reason"`
	}
	vatInvoiceRequest struct {
		VATNo   string `json:"vat_invoice_no"`
		VATDate string `json:"vat_invoice_date"`
	}
	extensionAsk struct {
		DueDate string `json:"due_date"`
		Reason  string `json:"reason"`
	}
	extensionDecision struct {
		Decision string `json:"decision"` // approve or reject
		Reason   string `json:"reason,omitempty"`
	}
)

func (b withdrawalRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

func (b creditNoteRequest) problems() (p sales.Problems) {
	if b.Kind != sales.ReturnByPrice && b.Kind != sales.ReturnByQuantity {
		p.Add("kind", "must be price or quantity")
	}
	if b.Amount < 0 || b.Amount > sales.MaxAmount {
		p.Add("amount_fen", "must be between 0 and %d", sales.MaxAmount)
	}
	if len(b.Lines) > maxCreditLines {
		p.Add("lines", "at most %d lines", maxCreditLines)
	}
	p.Text("reason", b.Reason, sales.MaxReason, true)
	return p
}

func (b vatInvoiceRequest) problems() (p sales.Problems) {
	p.Text("vat_invoice_no", b.VATNo, sales.MaxReference, true)
	p.Text("vat_invoice_date", b.VATDate, len("2006-01-02"), true)
	return p
}

func (b extensionAsk) problems() (p sales.Problems) {
	p.Text("due_date", b.DueDate, len("2006-01-02"), true)
	p.Text("reason", b.Reason, sales.MaxReason, true)
	return p
}

func (b extensionDecision) problems() (p sales.Problems) {
	if b.Decision != workflows.DecisionApprove && b.Decision != workflows.DecisionReject {
		p.Add("decision", "must be approve or reject")
	}
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

// withdrawDispute ends an invoice's dispute without a credit note; its
// reminder and dunning resume.
func (a *api) withdrawDispute(w http.ResponseWriter, r *http.Request) {
	var b withdrawalRequest
	no, id, err := a.prepare(r, workflows.UpdateWithdrawDispute, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateWithdrawDispute, id,
		workflows.WithdrawDisputeInput{Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), Reason: b.Reason})
}

// requestCreditNote asks for a credit note for a difference on an invoice:
// it waits, like a return of the same value, for the UM or the SLT (decided
// at /orders/{no}/returns/{returnNo}/decision). 201 with the request.
func (a *api) requestCreditNote(w http.ResponseWriter, r *http.Request) {
	var b creditNoteRequest
	no, id, err := a.prepare(r, workflows.UpdateRequestCredit, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateReturn(w, r, no, workflows.UpdateRequestCredit, id, http.StatusCreated, workflows.CreditNoteRequestInput{
		Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), Kind: b.Kind, Amount: b.Amount, Lines: b.Lines, Reason: b.Reason,
	})
}

// recordVATInvoice records the official VAT invoice number and date of an
// invoice; the same number again answers as before.
func (a *api) recordVATInvoice(w http.ResponseWriter, r *http.Request) {
	var b vatInvoiceRequest
	no, id, err := a.prepare(r, workflows.UpdateRecordVAT, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateRecordVAT, id, workflows.VATInvoiceInput{
		Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), VATNo: b.VATNo, VATDate: b.VATDate,
	})
}

// requestExtension asks the SLT to move an invoice's due date.
func (a *api) requestExtension(w http.ResponseWriter, r *http.Request) {
	var b extensionAsk
	no, id, err := a.prepare(r, workflows.UpdateRequestExtension, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateRequestExtension, id, workflows.ExtensionRequestInput{
		Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), DueDate: b.DueDate, Reason: b.Reason,
	})
}

// decideExtension is the SLT's decision on a requested extension.
func (a *api) decideExtension(w http.ResponseWriter, r *http.Request) {
	var b extensionDecision
	no, id, err := a.prepare(r, workflows.UpdateDecideExtension, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateDecideExtension, id, workflows.ExtensionDecisionInput{
		Actor: actorOf(r), InvoiceNo: chi.URLParam(r, "invoiceNo"), Decision: b.Decision, Reason: b.Reason,
	})
}
