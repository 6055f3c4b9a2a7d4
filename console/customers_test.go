package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/sales"
)

// seedCustomerData gives C001 an approved credit adjustment (with its
// history entry), a quota allocation and POP material this month.
func (f *fixture) seedCustomerData() {
	f.t.Helper()
	ctx := context.Background()
	now := f.clock.now()
	adj := sales.CreditAdjustment{ID: "CA-2026-000001", CustomerID: "C001", Amount: sales.Yuan(50_000), Currency: sales.CNY,
		Reason: "旺季备货", ProposedBy: "fin1", ProposedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(30 * 24 * time.Hour),
		Status: sales.AdjustmentProposed}
	if _, err := f.store.RecordAdjustment(ctx, adj, nil); err != nil {
		f.t.Fatalf("RecordAdjustment: %v", err)
	}
	if _, _, err := f.store.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: adj.ID, Approve: true, By: "dsd",
		Note: "同意", At: now.Add(-24 * time.Hour)}, nil); err != nil {
		f.t.Fatalf("DecideAdjustment: %v", err)
	}
	if err := f.store.ApplyOrderChanges(ctx, sales.OrderChanges{Returns: []sales.Return{{No: "RT-2026-000004-1",
		Source: sales.ReturnByRequest, Reason: "外箱破损", Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, Value: 2880,
		Approver: sales.LevelUM, Status: sales.ReturnRequested, RequestedBy: "kam-huadong-1", RequestedAt: now.Add(-time.Hour),
		Since: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}}}); err != nil {
		f.t.Fatalf("a return of %s: %v", remitted, err)
	}
	period := sales.PeriodOf(now)
	if err := f.store.SetMarketQuota(ctx, period, "华东", sales.QuotaAllocations{Allocations: []sales.QuotaAllocation{{SKU: "SKU-1006", Quantity: demo.MarketQuota}}}, "ssg-lead", now); err != nil {
		f.t.Fatalf("SetMarketQuota: %v", err)
	}
	if err := f.store.SetCustomerQuota(ctx, period, "C001", sales.QuotaAllocations{Allocations: []sales.QuotaAllocation{{SKU: "SKU-1006", Quantity: demo.CustomerQuota}}}, "ssg-lead", now); err != nil {
		f.t.Fatalf("SetCustomerQuota: %v", err)
	}
	for _, it := range demo.POPItems() {
		if err := f.store.SavePOPItem(ctx, it); err != nil {
			f.t.Fatalf("SavePOPItem: %v", err)
		}
	}
	if _, err := f.store.SetPOPBudget(ctx, period, "华东", demo.POPBudget, "ssg-lead", now); err != nil {
		f.t.Fatalf("SetPOPBudget: %v", err)
	}
	if _, err := f.store.RequestPOP(ctx, sales.POPStandalone{CustomerID: "C001", Month: period,
		Items: []sales.POPRequest{{Item: "POP-STAND", Quantity: 2}}}, "kam-huadong-1", now); err != nil {
		f.t.Fatalf("RequestPOP: %v", err)
	}
}

func TestCustomerPages(t *testing.T) {
	f := newFixture(t, false)
	f.seedCustomerData()

	t.Run("the list shows every customer with its credit to the SSG", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/customers")
		for _, want := range []string{`href="/customers/C001"`, `href="/customers/C006"`, "杭州宏达商贸有限公司",
			"¥1,550,000.00", // C001: ¥1,500,000 plus the approved ¥50,000
			"¥4,680.00",     // C003's overdue invoice
			"逾期 10 天", `href="/customers"`, "客户"} {
			if !p.has(want) {
				t.Errorf("the list lacks %q", want)
			}
		}
		if p.status != http.StatusOK {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		p = b.get("/customers?market=" + url.QueryEscape("华南") + "&q=c006")
		if !p.has(`href="/customers/C006"`) || p.has(`href="/customers/C007"`) || p.has(`href="/customers/C001"`) {
			t.Errorf("filtered by market and id: %s", p.body)
		}
		p = b.get("/customers?q=" + url.QueryEscape("锦程"))
		if !p.has(`href="/customers/C002"`) || p.has(`href="/customers/C001"`) {
			t.Errorf("searched by name: %s", p.body)
		}
	})

	t.Run("an FSF KAM sees only their own customers; another's is not found", func(t *testing.T) {
		b := f.browser()
		b.signIn("kam-huadong-1")
		p := b.get("/customers")
		if !p.has(`href="/customers/C001"`) || !p.has(`href="/customers/C002"`) || p.has(`href="/customers/C006"`) || p.has(`href="/customers/C003"`) {
			t.Errorf("the KAM's list: %s", p.body)
		}
		missing := b.get("/customers/C999")
		for _, id := range []string{"C006", "C003"} {
			other := b.get("/customers/" + id)
			if other.status != http.StatusNotFound || strings.ReplaceAll(other.body, id, "C999") != missing.body { // the page names its own address
				t.Errorf("%s: %d, want the page of a missing customer (%d)\n%s", id, other.status, missing.status, other.body)
			}
		}
		if p := b.get("/customers/C001"); p.status != http.StatusOK {
			t.Errorf("own customer: %d", p.status)
		}
	})

	t.Run("a customer page shows credit, adjustments, invoices by age, shipments and links", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		p := b.get("/customers/C003")
		if p.status != http.StatusOK {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		for _, want := range []string{"INV-2026-000003-1", "¥4,680.00", "逾期 1–30 天", "逾期 10 天", "¥800,000.00",
			"顺丰", "SF1234567890", "SH-2026-000003-1", `href="/orders?customer=C003"`, `href="/orders/` + overdueOrder + `"`} {
			if !p.has(want) {
				t.Errorf("C003 lacks %q", want)
			}
		}
		p = b.get("/customers/C001?lang=en")
		for _, want := range []string{"CA-2026-000001", "¥50,000.00", "旺季备货", "Approved", "dsd", "同意", "fin1",
			"Manual adjustment", "¥1,500,000.00 → ¥1,550,000.00", "SKU-1006", ">120<", "POP-STAND", "¥520.00",
			"budget ¥5,000.00, used ¥520.00, left ¥4,480.00", "¥1,550,000.00"} {
			if !p.has(want) {
				t.Errorf("C001 lacks %q", want)
			}
		}
	})

	t.Run("a customer page lists the returns of its orders", func(t *testing.T) {
		b := f.browser()
		b.signIn("kam-huadong-1")
		p := b.get("/customers/C002")
		for _, want := range []string{"RT-2026-000004-1", "外箱破损", "¥28.80", "待审批", `href="/orders/` + remitted + `"`, "¥0.00"} {
			if !p.has(want) {
				t.Errorf("C002 lacks %q", want)
			}
		}
	})

	t.Run("forms follow the permission table", func(t *testing.T) {
		for _, c := range []struct {
			user           string
			adjust, freeze bool
		}{{"fin1", true, false}, {"dsd", false, true}, {"kam-huadong-1", true, false}, {"log1", false, false}} {
			b := f.browser()
			b.signIn(c.user)
			p := b.get("/customers/C002")
			if got := p.has(`action="/customers/C002/act/adjust"`); got != c.adjust {
				t.Errorf("%s: adjustment form %v, want %v", c.user, got, c.adjust)
			}
			if got := p.has(`action="/customers/C002/act/freeze"`); got != c.freeze {
				t.Errorf("%s: freeze form %v, want %v", c.user, got, c.freeze)
			}
		}
	})

	t.Run("a proposal the API refuses shows the errors beside the fields", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		page := b.get("/customers/C002")
		p := b.post("/customers/C002/act/adjust", url.Values{"csrf": {page.csrf(t)}, "amount": {"0"}, "reason": {"season"}, "expires_on": {"2020-01-01"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="adjust-amount-error"`) || !p.has(`id="adjust-expires-error"`) ||
			!strings.Contains(p.body, "must not be zero") || !p.has(`value="2020-01-01"`) || p.has(`id="adjust-reason-error"`) {
			t.Errorf("%d\n%s", p.status, p.body)
		}
		p = b.post("/customers/C002/act/adjust", url.Values{"csrf": {page.csrf(t)}, "amount": {"lots"}, "reason": {"x"}, "expires_on": {"2099-01-01"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="adjust-amount-error"`) || !p.has(`value="lots"`) {
			t.Errorf("a word for an amount: %d\n%s", p.status, p.body)
		}
	})

	t.Run("the SLT freezes a customer and the page then shows it; a freeze needs a reason", func(t *testing.T) {
		b := f.browser()
		b.signIn("dsd")
		page := b.get("/customers/C002")
		p := b.post("/customers/C002/act/freeze", url.Values{"csrf": {page.csrf(t)}, "reason": {" "}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="freeze-reason-error"`) {
			t.Errorf("no reason: %d\n%s", p.status, p.body)
		}
		p = b.post("/customers/C002/act/freeze", url.Values{"csrf": {page.csrf(t)}, "reason": {"拖欠货款"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/customers/C002?done=freeze") {
			t.Fatalf("freeze: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
		}
		p = b.get(p.header.Get("Location"))
		if !p.has("客户已冻结") || !p.has("拖欠货款") || !p.has("领导层决定") || !p.has(`action="/customers/C002/act/unfreeze"`) ||
			p.has(`action="/customers/C002/act/freeze"`) {
			t.Errorf("after the freeze:\n%s", p.body)
		}
	})

	t.Run("a forged freeze by someone without the permission is refused by the API", func(t *testing.T) {
		b := f.browser()
		b.signIn("kam-huadong-1")
		page := b.get("/customers/C001")
		p := b.post("/customers/C001/act/freeze", url.Values{"csrf": {page.csrf(t)}, "reason": {"forged"}})
		if p.status != http.StatusForbidden || !p.has(`class="error"`) {
			t.Errorf("forged freeze: %d\n%s", p.status, p.body)
		}
		c, err := f.store.Customer(context.Background(), "C001")
		if err != nil || c.Frozen {
			t.Errorf("C001 after a forged freeze: %+v %v", c, err)
		}
		// Another KAM's customer is not found, even to a post.
		if p := b.post("/customers/C006/act/adjust", url.Values{"csrf": {page.csrf(t)}, "amount": {"1"}}); p.status != http.StatusNotFound {
			t.Errorf("another KAM's customer: %d", p.status)
		}
	})
}
