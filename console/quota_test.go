package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"osb/sales"
)

func TestQuotaPage(t *testing.T) {
	f := newFixture(t, false)
	f.seedCustomerData()
	period := sales.PeriodOf(f.clock.now())

	t.Run("the SSG sees allocations, budgets and items, with every form", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/quota")
		if p.status != http.StatusOK {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		for _, want := range []string{period, "<td>华东</td><td>SKU-1006</td><td class=\"num\">600</td><td class=\"num\">120</td><td class=\"num\">480</td>",
			`href="/customers/C001"`, "¥5,000.00", "¥520.00", "¥4,480.00", "POP-STAND", "¥260.00",
			`action="/quota/act/market"`, `action="/quota/act/customer"`, `action="/quota/act/budget"`, `action="/quota/act/item"`,
			`action="/quota/act/pop"`, `href="/quota" aria-current="page"`} {
			if !p.has(want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if p := b.get("/quota?period=2026-13"); p.status != http.StatusUnprocessableEntity || !p.has(`id="q-period-error"`) {
			t.Errorf("a bad period: %d", p.status)
		}
	})

	t.Run("a market allocation set is then listed", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		page := b.get("/quota")
		p := b.post("/quota/act/market", url.Values{"csrf": {page.csrf(t)}, "period": {period}, "market": {"华南"}, "sku": {"SKU-1012"}, "quantity": {"300"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		p = b.get(p.header.Get("Location"))
		if !p.has("市场配额已设置") || !p.has(`<td>华南</td><td>SKU-1012</td><td class="num">300</td>`) {
			t.Errorf("after setting:\n%s", p.body)
		}
		p = b.post("/quota/act/budget", url.Values{"csrf": {page.csrf(t)}, "period": {period}, "market": {"华南"}, "budget": {"1234.56"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("budget: %d\n%s", p.status, p.body)
		}
		if p = b.get(p.header.Get("Location") + "&market=" + url.QueryEscape("华南")); !p.has("¥1,234.56") {
			t.Errorf("the budget set is not shown:\n%s", p.body)
		}
	})

	t.Run("a refusal of the API is shown beside its field", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		page := b.get("/quota")
		p := b.post("/quota/act/customer", url.Values{"csrf": {page.csrf(t)}, "period": {period}, "customer": {"C002"}, "sku": {"SKU-1006"}, "quantity": {"9999"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="customer-quantity-error"`) || !strings.Contains(p.body, "more than the market") ||
			!p.has(`value="9999"`) {
			t.Errorf("over the market: %d\n%s", p.status, p.body)
		}
		p = b.post("/quota/act/market", url.Values{"csrf": {page.csrf(t)}, "period": {period}, "market": {"华东"}, "sku": {"SKU-1001"}, "quantity": {"5"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="market-sku-error"`) || !strings.Contains(p.body, "not quota-controlled") {
			t.Errorf("a SKU without quota: %d\n%s", p.status, p.body)
		}
		p = b.post("/quota/act/budget", url.Values{"csrf": {page.csrf(t)}, "period": {period}, "market": {"华东"}, "budget": {"100"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="budget-budget-error"`) || !strings.Contains(p.body, "already used") {
			t.Errorf("a budget below what is used: %d\n%s", p.status, p.body)
		}
		p = b.post("/quota/act/item", url.Values{"csrf": {page.csrf(t)}, "period": {period}, "code": {"bad code!"}, "name": {"x"}, "unit_cost": {"3"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="item-code-error"`) {
			t.Errorf("a bad item code: %d\n%s", p.status, p.body)
		}
	})

	t.Run("an FSF KAM sees their customers only, may only request POP, and a forged allocation is refused", func(t *testing.T) {
		if err := f.store.SetMarketQuota(t.Context(), period, "华南", sales.QuotaAllocations{Allocations: []sales.QuotaAllocation{{SKU: "SKU-1006", Quantity: 50}}}, "ssg-lead", f.clock.now()); err != nil {
			t.Fatal(err)
		}
		if err := f.store.SetCustomerQuota(t.Context(), period, "C006", sales.QuotaAllocations{Allocations: []sales.QuotaAllocation{{SKU: "SKU-1006", Quantity: 10}}}, "ssg-lead", f.clock.now()); err != nil {
			t.Fatal(err)
		}
		b := f.browser()
		b.signIn("kam-huadong-1")
		p := b.get("/quota")
		if !p.has(`href="/customers/C001"`) || p.has(`href="/customers/C006"`) || p.has("<td>华南</td>") {
			t.Errorf("the KAM's quota:\n%s", p.body)
		}
		if p.has(`action="/quota/act/market"`) || p.has(`action="/quota/act/budget"`) || p.has(`action="/quota/act/item"`) || !p.has(`action="/quota/act/pop"`) {
			t.Errorf("the KAM's forms:\n%s", p.body)
		}
		forged := b.post("/quota/act/market", url.Values{"csrf": {p.csrf(t)}, "period": {period}, "market": {"华东"}, "sku": {"SKU-1006"}, "quantity": {"1"}})
		if forged.status != http.StatusForbidden || !forged.has(`class="error"`) {
			t.Errorf("forged: %d\n%s", forged.status, forged.body)
		}
		other := b.post("/quota/act/pop", url.Values{"csrf": {p.csrf(t)}, "period": {period}, "customer": {"C006"}, "item": {"POP-POSTER"}, "quantity": {"1"}})
		if other.status != http.StatusForbidden {
			t.Errorf("POP for another KAM's customer: %d\n%s", other.status, other.body)
		}
		ok := b.post("/quota/act/pop", url.Values{"csrf": {p.csrf(t)}, "period": {period}, "customer": {"C001"}, "item": {"POP-POSTER"}, "quantity": {"10"}})
		if ok.status != http.StatusSeeOther {
			t.Fatalf("POP request: %d\n%s", ok.status, ok.body)
		}
		if p := b.get("/customers/C001"); !p.has("POP-POSTER") || !p.has("¥600.00") {
			t.Errorf("the POP request is not on the customer page:\n%s", p.body)
		}
	})
}
