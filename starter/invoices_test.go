package starter

import (
	"net/http"
	"reflect"
	"testing"

	"osb/sales"
	"osb/workflows"
)

// The invoice actions of issue 16 reach the order's workflow as updates with
// the invoice from the path and the person from the token.
func TestInvoiceActionsGoIntoTheirUpdates(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	inv := "/v1/orders/" + no + "/invoices/IV-1"

	wantStatus(t, f.do(t, "POST", inv+"/dispute/withdrawal", "t-kam1", `{"reason":"customer agrees"}`), http.StatusOK)
	wantStatus(t, f.do(t, "POST", inv+"/credit-notes", "t-ssg", `{"kind":"price","amount_fen":5000,"reason":"agreed at 95"}`), http.StatusCreated)
	wantStatus(t, f.do(t, "PUT", inv+"/vat-invoice", "t-fin", `{"vat_invoice_no":"04400123","vat_invoice_date":"2026-03-10"}`), http.StatusOK)
	wantStatus(t, f.do(t, "POST", inv+"/extension-request", "t-fin", `{"due_date":"2026-05-01","reason":"cash flow"}`), http.StatusOK)
	wantStatus(t, f.do(t, "POST", inv+"/extension-request/decision", "t-slt", `{"decision":"approve"}`), http.StatusOK)

	fin := sales.Actor{UserID: "u-fin", Role: sales.RoleFinance}
	want := []struct {
		name string
		arg  any
	}{
		{workflows.UpdateWithdrawDispute, workflows.WithdrawDisputeInput{Actor: sales.Actor{UserID: "u-kam1", Role: sales.RoleFSF}, InvoiceNo: "IV-1", Reason: "customer agrees"}},
		{workflows.UpdateRequestCredit, workflows.CreditNoteRequestInput{Actor: sales.Actor{UserID: "u-ssg", Role: sales.RoleSSG}, InvoiceNo: "IV-1",
			Kind: sales.ReturnByPrice, Amount: 5000, Reason: "agreed at 95"}},
		{workflows.UpdateRecordVAT, workflows.VATInvoiceInput{Actor: fin, InvoiceNo: "IV-1", VATNo: "04400123", VATDate: "2026-03-10"}},
		{workflows.UpdateRequestExtension, workflows.ExtensionRequestInput{Actor: fin, InvoiceNo: "IV-1", DueDate: "2026-05-01", Reason: "cash flow"}},
		{workflows.UpdateDecideExtension, workflows.ExtensionDecisionInput{Actor: sales.Actor{UserID: "u-sd", Role: sales.RoleSLT}, InvoiceNo: "IV-1",
			Decision: workflows.DecisionApprove}},
	}
	if len(f.orders.updates) != len(want) {
		t.Fatalf("%d updates, want %d: %+v", len(f.orders.updates), len(want), f.orders.updates)
	}
	for i, w := range want {
		if got := f.orders.updates[i]; got.name != w.name || !reflect.DeepEqual(got.arg, w.arg) {
			t.Errorf("update %d = %s %+v, want %s %+v", i, got.name, got.arg, w.name, w.arg)
		}
	}
}

// Bad bodies are refused at the door with the field named, before anything
// reaches the workflow.
func TestInvoiceActionsRefuseBadBodies(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	inv := "/v1/orders/" + no + "/invoices/IV-1"
	for _, c := range []struct {
		method, path, token, body, field string
	}{
		{"POST", inv + "/credit-notes", "t-ssg", `{"kind":"goodwill","amount_fen":5000,"reason":"x"}`, "kind"},
		{"POST", inv + "/credit-notes", "t-ssg", `{"kind":"price","amount_fen":5000}`, "reason"},
		{"PUT", inv + "/vat-invoice", "t-fin", `{"vat_invoice_date":"2026-03-10"}`, "vat_invoice_no"},
		{"POST", inv + "/extension-request", "t-fin", `{"due_date":"2026-05-01"}`, "reason"},
		{"POST", inv + "/extension-request/decision", "t-slt", `{"decision":"maybe"}`, "decision"},
	} {
		rec := f.do(t, c.method, c.path, c.token, c.body)
		wantError(t, rec, http.StatusUnprocessableEntity, sales.ErrInvalid)
		if got := decodeAs[errorBody](t, rec); len(got.Error.Fields) == 0 || got.Error.Fields[0].Field != c.field {
			t.Errorf("%s %s: fields %+v, want %s", c.method, c.path, got.Error.Fields, c.field)
		}
	}
	if len(f.orders.updates) != 0 {
		t.Errorf("refused requests reached the workflow: %+v", f.orders.updates)
	}
}
