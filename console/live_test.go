package console

import (
	"net/http"
	"testing"
	"time"

	"osb/sales"
)

// The order list and My work carry a stamp of what they show and answer it
// again at their stamp address: it changes when an order on the page moves,
// so that live.js reloads the page.
func TestListsAnswerAStampThatMovesWithTheirOrders(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser()
	b.signIn("dsd")

	list := b.get("/orders?status=held")
	work := b.get("/")
	if !list.has(`data-stamp-url="/orders/stamp?status=held"`) || !work.has(`data-stamp-url="/work/stamp?"`) || !work.has(`data-every="20"`) {
		t.Fatalf("no stamp address:\n%s\n%s", list.body, work.body)
	}
	listStamp, workStamp := b.get("/orders/stamp?status=held"), b.get("/work/stamp")
	if listStamp.status != http.StatusOK || !list.has(`data-stamp="`+listStamp.body+`"`) || !work.has(`data-stamp="`+workStamp.body+`"`) {
		t.Fatalf("stamps %d %q %q", listStamp.status, listStamp.body, workStamp.body)
	}
	if again := b.get("/orders/stamp?status=held"); again.body != listStamp.body {
		t.Errorf("the stamp moved with nothing changed: %q then %q", listStamp.body, again.body)
	}

	// The SLT approves the held order: it leaves the held list and My work.
	o, err := f.store.Order(t.Context(), heldOrder)
	if err != nil {
		t.Fatal(err)
	}
	o.Version++
	o.Status, o.Step, o.HoldReason, o.Level, o.UpdatedAt = sales.StatusReleased, sales.SP1Plan, "", sales.LevelKAM, o.UpdatedAt.Add(time.Second)
	if err := f.store.ApplyOrderChanges(t.Context(), sales.OrderChanges{Order: &o}); err != nil {
		t.Fatal(err)
	}
	if got := b.get("/orders/stamp?status=held"); got.body == listStamp.body {
		t.Errorf("the held list's stamp did not move when its order left it")
	}
	if got := b.get("/work/stamp"); got.body == workStamp.body {
		t.Errorf("My work's stamp did not move when the held order was decided")
	}

	// A stamp is read with the page's own scope: another KAM's list is theirs.
	k := f.browser()
	k.signIn("kam-huadong-1")
	if got := k.get("/orders/stamp?customer=C006"); got.status != http.StatusUnprocessableEntity {
		t.Errorf("another KAM's customer's list stamp: %d %q", got.status, got.body)
	}
}
