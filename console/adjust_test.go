package console

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"osb/sales"
)

// A proposal waiting for the SLT has its decision form on the customer's
// page, where My work's task leads (#act-decide-adjustment-<id>); nobody
// else gets it, and the API refuses a forged decision.
func TestTheSLTDecidesAnAdjustmentOnTheCustomersPage(t *testing.T) {
	f := newFixture(t, false)
	now := f.clock.now()
	adj := sales.CreditAdjustment{ID: "CA-2026-000009", CustomerID: "C001", Amount: sales.Yuan(80_000), Currency: sales.CNY,
		Reason: "新店开业", ProposedBy: "fin1", ProposedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(30 * 24 * time.Hour),
		Status: sales.AdjustmentProposed}
	if _, err := f.store.RecordAdjustment(context.Background(), adj, nil); err != nil {
		t.Fatal(err)
	}
	const form = `id="act-decide-adjustment-CA-2026-000009"`

	slt := f.browser()
	slt.signIn("dsd")
	if p := slt.get("/customers/C001"); !p.has(form) || !p.has(`name="target" value="CA-2026-000009"`) {
		t.Errorf("the SLT has no decision form:\n%s", p.body)
	}
	if p := slt.get("/"); !p.has("/customers/C001#act-decide-adjustment-CA-2026-000009") {
		t.Errorf("My work does not lead to the form:\n%s", p.body)
	}

	for _, user := range []string{"fin1", "kam-huadong-1"} {
		b := f.browser()
		b.signIn(user)
		p := b.get("/customers/C001")
		if p.has(form) {
			t.Errorf("%s is offered the SLT's decision", user)
		}
		r := b.post("/customers/C001/act/decide-adjustment", url.Values{"csrf": {p.csrf(t)}, "target": {adj.ID}, "decision": {"approve"}})
		if r.status != http.StatusForbidden {
			t.Errorf("%s's forged decision: %d\n%s", user, r.status, r.body)
		}
	}
	if got, err := f.store.ListAdjustments(context.Background(), sales.AdjustmentFilter{CustomerID: "C001", Scope: sales.Scope{All: true}}); err != nil || len(got) != 1 || got[0].Status != sales.AdjustmentProposed {
		t.Errorf("after forged decisions: %+v %v", got, err)
	}
}
