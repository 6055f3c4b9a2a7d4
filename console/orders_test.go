package console

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"osb/sales"
)

// searchOrders adds 55 orders of C004 (kam-huadong-3) to the fixture's four:
// SO-2026-000101 to SO-2026-000155, of SKU-1005 with client references
// REF-101…, created on 2026-02-10 (Beijing) but for SO-2026-000154, created
// at 2026-03-01 23:30 Beijing, and SO-2026-000155, at 00:30 the next day.
func searchOrders(t *testing.T, f *fixture) {
	t.Helper()
	for n := 101; n <= 155; n++ {
		created := time.Date(2026, 2, 10, 12, 0, 0, 0, sales.Beijing)
		switch n {
		case 154:
			created = time.Date(2026, 3, 1, 23, 30, 0, 0, sales.Beijing)
		case 155:
			created = time.Date(2026, 3, 2, 0, 30, 0, 0, sales.Beijing)
		}
		o := &sales.OrderSnapshot{OrderNo: fmt.Sprintf("SO-2026-%06d", n), Version: 1, CustomerID: "C004", Market: "华东",
			KAMID: "kam-huadong-3", ClientRef: fmt.Sprintf("REF-%d", n), Currency: sales.CNY, Total: 96000, Unbilled: 96000,
			Status: sales.StatusReleased, Step: sales.SP1Plan, CreatedBy: "ssg-lead", CreatedAt: created, UpdatedAt: created,
			Lines: []sales.Line{{LineNo: 1, SKU: "SKU-1005", Quantity: 10, UnitPrice: 9600}}}
		if err := f.store.ApplyOrderChanges(context.Background(), sales.OrderChanges{Order: o}); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	listedLink = regexp.MustCompile(`href="/orders/(SO-[0-9-]+)"`)
	nextLink   = regexp.MustCompile(`href="(/orders\?[^"]*)" rel="next"`)
)

// listed returns the order numbers a list page links to, in order.
func (p page) listed() []string {
	var nos []string
	for _, m := range listedLink.FindAllStringSubmatch(p.body, -1) {
		nos = append(nos, m[1])
	}
	return nos
}

func TestOrderListFiltersAndPages(t *testing.T) {
	f := newFixture(t, false)
	searchOrders(t, f)
	b := f.browser()
	b.signIn("ssg-lead")

	t.Run("every filter is a labelled field of a GET form", func(t *testing.T) {
		p := b.get("/orders")
		if !p.has(`<form method="get" action="/orders"`) {
			t.Error("no GET form")
		}
		for _, field := range []string{"number", "ref", "customer", "market", "kam", "status", "step", "level", "from", "to", "sku", "invoice", "waybill"} {
			if !p.has(`<label for="f-`+field+`">`) || !p.has(`id="f-`+field+`" name="`+field+`"`) {
				t.Errorf("no labelled field %s", field)
			}
		}
	})

	cases := []struct {
		query string
		want  []string
	}{
		{"number=SO-2026-00000", []string{remitted, overdueOrder, logisticsWait, heldOrder}},
		{"number=so-2026-000003", []string{overdueOrder}},
		{"ref=REF-120", []string{"SO-2026-000120"}},
		{"market=%E5%8D%8E%E5%8D%97", []string{logisticsWait}}, // 华南
		{"level=4", []string{heldOrder}},
		{"level=3&kam=kam-huadong-2", []string{overdueOrder}},
		{"from=2026-03-01&to=2026-03-01", []string{"SO-2026-000154"}}, // 23:30 Beijing is still the 1st
		{"from=2026-03-02&to=2026-03-02&sku=SKU-1005", []string{"SO-2026-000155"}},
		{"sku=sku-1003&status=billed", []string{overdueOrder}},
		{"invoice=INV-2026-000004-1", []string{remitted}},
		{"waybill=SF1234567890", []string{overdueOrder}},
		{"waybill=SF1234567890&customer=C001", nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			p := b.get("/orders?" + tc.query)
			if p.status != http.StatusOK {
				t.Fatalf("%d\n%s", p.status, p.body)
			}
			if got := p.listed(); !slices.Equal(got, tc.want) {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
			if empty := p.has("没有符合条件的订单"); empty != (len(tc.want) == 0) {
				t.Errorf("says nothing matches: %v, with %d orders", empty, len(tc.want))
			}
		})
	}

	t.Run("a page keeps the filters, the next page too", func(t *testing.T) {
		p := b.get("/orders?sku=SKU-1005&kam=kam-huadong-3&from=2026-02-01&number=")
		first := p.listed()
		if len(first) != ordersPageSize || first[0] != "SO-2026-000155" || first[49] != "SO-2026-000106" {
			t.Fatalf("first page %v", first)
		}
		if !p.has(`value="SKU-1005"`) || !p.has(`value="2026-02-01"`) || !p.has(`<option value="kam-huadong-3" selected>`) {
			t.Error("the form does not show the filters")
		}
		m := nextLink.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no next page:\n%s", p.body)
		}
		next := html.UnescapeString(m[1])
		if want := "/orders?before=SO-2026-000106&from=2026-02-01&kam=kam-huadong-3&sku=SKU-1005"; next != want {
			t.Errorf("next page %s, want %s", next, want)
		}
		p = b.get(next)
		if got := p.listed(); !slices.Equal(got, []string{"SO-2026-000105", "SO-2026-000104", "SO-2026-000103", "SO-2026-000102", "SO-2026-000101"}) {
			t.Errorf("second page %v", got)
		}
		if nextLink.MatchString(p.body) || !p.has(`href="/orders?from=2026-02-01&amp;kam=kam-huadong-3&amp;sku=SKU-1005"`) {
			t.Errorf("the last page links on, or not back to the first:\n%s", p.body)
		}
	})

	t.Run("the list shows the escalation level and the next deadline", func(t *testing.T) {
		p := b.get("/orders?number=" + heldOrder + "&lang=en")
		if !p.has(`level-4">SLT<`) || !p.has(`<time datetime="`) || !p.has(`class="is-late"`) {
			t.Errorf("the held order's level or late deadline is missing:\n%s", p.body)
		}
	})

	t.Run("a field that cannot be searched is named beside it, as typed", func(t *testing.T) {
		for query, field := range map[string]string{
			"from=2026-3-1":                 "from",
			"from=2026-03-02&to=2026-03-01": "to",
			"number=PO-7":                   "number",
			"level=9":                       "level",
			"market=火星":                     "market",
		} {
			p := b.get("/orders?" + query + "&lang=en")
			if p.status != http.StatusUnprocessableEntity || !p.has(`id="f-`+field+`-error"`) || !p.has(`aria-describedby="f-`+field+`-error"`) {
				t.Errorf("%s: %d, no error beside %s", query, p.status, field)
			}
		}
		p := b.get("/orders?from=2026-03-02&to=2026-03-01&lang=en")
		if !p.has("The last day must not be before the first.") || !p.has(`value="2026-03-02"`) {
			t.Errorf("the range error or the typed date is missing:\n%s", p.body)
		}
	})

	t.Run("an FSF user searches only their own customers' orders", func(t *testing.T) {
		b := f.browser()
		b.signIn("kam-huadong-1")
		if p := b.get("/orders?waybill=SF1234567890"); len(p.listed()) != 0 || !p.has("没有符合条件的订单") {
			t.Errorf("kam-huadong-1 finds C003's order by its waybill: %v", p.listed())
		}
		if p := b.get("/orders?number=SO-2026"); !slices.Equal(p.listed(), []string{remitted, heldOrder}) {
			t.Errorf("kam-huadong-1 lists %v", p.listed())
		}
	})
}
