package console

import (
	"net/http"
	"testing"

	"osb/sales"
	"osb/workflows"
)

// An order shipped in part offers the SSG to close its backorder short;
// the form sends the reason through the API, and the FSF is not offered it.
func TestCloseBackorderForm(t *testing.T) {
	f := newFixture(t, false)
	ctx := t.Context()
	o, err := f.store.Order(ctx, overdueOrder)
	if err != nil {
		t.Fatal(err)
	}
	// Line 1 shipped 50 of its 100: the rest waits.
	o.Version++
	o.Status, o.Step = sales.StatusShipping, sales.SP3Pick
	o.Shipments[0].Lines = []sales.LineQty{{LineNo: 1, Quantity: 50}, {LineNo: 2, Quantity: 40}}
	o.Shipped = map[int]int64{1: 50, 2: 40}
	if err := f.store.ApplyOrderChanges(ctx, sales.OrderChanges{Order: &o}); err != nil {
		t.Fatal(err)
	}

	k := f.browser()
	k.signIn("um-huadong-1") // the UM over the order's KAM: FSF, sees the order
	if p := k.get("/orders/" + overdueOrder); p.status != http.StatusOK || p.has(`id="act-close-backorder"`) {
		t.Errorf("the FSF is offered to close the backorder (%d):\n%s", p.status, p.body)
	}
	b := f.browser()
	b.signIn("ssg-lead")
	if p := b.get("/orders/" + remitted); p.has(`id="act-close-backorder"`) {
		t.Errorf("a remitted order offers to close its backorder:\n%s", p.body)
	}
	p := b.get("/orders/" + overdueOrder)
	if !p.has(`id="act-close-backorder"`) || !p.has("尚未发运的数量将被取消") {
		t.Fatalf("the SSG is not offered to close the backorder:\n%s", p.body)
	}
	form := formValues(t, p, "act-close-backorder")
	form.Set("reason", "SKU-1001 停产")
	r := b.post("/orders/"+overdueOrder+"/act/close-backorder", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/orders/"+overdueOrder+"?done=close-backorder#top" {
		t.Fatalf("posted: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	var in workflows.CloseBackorderInput
	s := f.lastSent(t, &in)
	if s.OrderNo != overdueOrder || s.Name != workflows.UpdateCloseBackorder || in.Reason != "SKU-1001 停产" ||
		in.Actor.UserID != "ssg-lead" || in.Actor.Role != sales.RoleSSG {
		t.Errorf("sent %+v %+v", s, in)
	}
	if p := b.get(r.header.Get("Location")); !p.has("欠货已结案") {
		t.Errorf("no confirmation:\n%s", p.body)
	}
}
