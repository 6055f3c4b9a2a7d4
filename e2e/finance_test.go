package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// A disputed invoice is not dunned; the dispute ends in a credit note for
// the price difference (asked by the KAM, approved by their UM as a return
// of the same value would be), and the ladder resumes on what is left.
// Through the API, the real Temporal server and the store.
func TestDisputePausesTheLadderAndEndsInAPriceCreditNote(t *testing.T) {
	// dueAtOnce has no payment terms: its invoice is due on its Beijing
	// date, from midnight. The first rung is set a few seconds from now.
	now := time.Now()
	firstRung := now.Sub(sales.DateOf(now)) + 12*time.Second
	p := sales.DefaultPolicy()
	p.ReminderBeforeDue = 0
	p.Dunning = []sales.DunningRung{
		{After: sales.D(firstRung), Level: sales.LevelUM},
		{After: sales.D(firstRung + time.Second), Level: sales.LevelMM},
	}
	a := newAPI(t, p)
	sku := a.plainSKU()
	no := a.order(dueAtOnce, sku, 4)
	a.waitStatus(no, sales.StatusReleased)
	a.must(http.StatusOK, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": now.Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(http.StatusCreated, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 4}}}, &gi)
	inv := "/v1/orders/" + no + "/invoices/" + gi.InvoiceNo
	a.must(http.StatusOK, token("ssg-lead"), "POST", inv+"/dispute", map[string]string{"reason": "客户称单价应为九五折"}, nil)

	dunned := func() []sales.Escalation {
		var es, out []sales.Escalation
		a.must(http.StatusOK, token("ssg-lead"), "GET", "/v1/escalations?order_no="+no, nil, &es)
		for _, e := range es {
			if e.Kind == sales.EscalateDunning {
				out = append(out, e)
			}
		}
		return out
	}
	// Proving that nothing happens needs the time to pass: past both rungs.
	time.Sleep(time.Until(sales.DateOf(now).Add(firstRung + 3*time.Second)))
	if es := dunned(); len(es) != 0 {
		t.Fatalf("a disputed invoice was dunned: %+v", es)
	}
	if v := a.status(no); !v.Invoices[0].Disputed || !v.Invoices[0].DunningPaused {
		t.Fatalf("invoice %+v, want disputed with its dunning paused", v.Invoices[0])
	}

	diff := sku.ListPrice / 20 * 4 // 5% on the four units
	var asked workflows.ReturnResult
	a.must(http.StatusForbidden, token("fin1"), "POST", inv+"/credit-notes", map[string]any{"kind": "price", "amount_fen": diff, "reason": "九五折"}, nil)
	a.must(http.StatusCreated, token("kam-huadong-1"), "POST", inv+"/credit-notes",
		map[string]any{"kind": "price", "amount_fen": diff, "reason": "合同约定九五折"}, &asked)
	if asked.Return.Source != sales.ReturnByPrice || asked.Return.Approver != sales.LevelUM || asked.Return.InvoiceNo != gi.InvoiceNo {
		t.Fatalf("credit note request %+v", asked.Return)
	}
	var decided workflows.ReturnResult
	a.must(http.StatusOK, token("um-huadong-1"), "POST", "/v1/orders/"+no+"/returns/"+asked.Return.No+"/decision",
		map[string]string{"decision": "approve", "reason": "合同已核对"}, &decided)
	cn := decided.CreditNote
	if cn == nil || cn.Amount != diff || cn.Kind != sales.ReturnByPrice || cn.InvoiceNo != gi.InvoiceNo || cn.Net+cn.Tax != diff || cn.Tax == 0 {
		t.Fatalf("credit note %+v", cn)
	}
	if decided.Outstanding != gi.Amount-diff {
		t.Errorf("outstanding %s, want %s", decided.Outstanding, gi.Amount-diff)
	}
	eventually(t, 30*time.Second, "the ladder to resume after the credit note", func() bool { return len(dunned()) == 2 })
	if v := a.status(no); v.Invoices[0].Disputed || v.Invoices[0].DunningPaused || v.Invoices[0].Credited != diff {
		t.Errorf("invoice after the credit note %+v", v.Invoices[0])
	}

	a.must(http.StatusOK, token("fin1"), "PUT", inv+"/vat-invoice",
		map[string]string{"vat_invoice_no": "044001234567", "vat_invoice_date": sales.DateOf(time.Now()).Format(time.DateOnly)}, nil)
	var notes []sales.CreditNote
	eventually(t, 15*time.Second, "the credit note in the store", func() bool {
		var err error
		notes, err = a.sys.store.OrderCreditNotes(context.Background(), no)
		return err == nil && len(notes) == 1
	})
	if notes[0].Kind != sales.ReturnByPrice || notes[0].InvoiceNo != gi.InvoiceNo || notes[0].Net+notes[0].Tax != diff {
		t.Errorf("stored credit note %+v", notes[0])
	}
	a.sys.saveHistory(t, no, "dispute_price_credit_note")
}
