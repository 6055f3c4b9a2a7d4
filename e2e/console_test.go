package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/console"
	"osb/internal/browsertest"
	"osb/sales"
	"osb/starter"
)

// consolePassword is the password of every console user in these tests.
const consolePassword = "e2e console password"

// site is the console and the JSON API on one address, over the shared
// system, as the API process serves them.
type site struct {
	*api
	url string
}

// newSite serves the console beside a new API over the shared system, with
// passwords for the people of the scenario.
func newSite(t *testing.T) *site {
	t.Helper()
	sys := osb(t)
	h := starter.New(starter.Config{Store: sys.store, Orders: starter.NewTemporalOrders(sys.client), Policy: sales.DefaultPolicy(),
		Quota: sys.store, Credit: starter.NewTemporalCredit(sys.client, sys.store, sales.DefaultCreditPolicy()),
		Reports: starter.NewReports(sys.store, sys.client), Logger: sys.log,
		Cash: starter.NewTemporalCash(sys.client, sys.store, sales.DefaultCashPolicy(), nil)})
	con := console.New(console.Config{Store: sys.store, API: h, Logger: sys.log})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		con.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	hash, err := console.HashPassword(consolePassword)
	if err != nil {
		t.Fatal(err)
	}
	people := []string{"ssg-lead", "dsd", "log1", "fin1", "kam-huadong-1", "kam-huanan-1"}
	if _, err := sys.store.SeedDemoPasswords(context.Background(), people, hash); err != nil {
		t.Fatal(err)
	}
	return &site{api: &api{t: t, sys: sys, url: srv.URL}, url: srv.URL}
}

// js runs a script that answers true.
func js(script string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](script)(ctx, tg)
		return err
	})
}

// screenshots of the scenario, kept as test artifacts (ignored by git).
const screenshotDir = "testdata/screenshots"

// TestConsoleScenario is the department's day in the console, in headless
// Chromium against the real Temporal server, worker, store and API: the
// SSG places an order that is held for credit, the SLT approves it from My
// work, Logistics plans, ships part, records delivery and ships the rest,
// Finance records the receipt that pays it, and the order page shows each
// step done. An FSF user cannot see another KAM's customer, and a form
// posted without its CSRF token is refused.
func TestConsoleScenario(t *testing.T) {
	s := newSite(t)
	ctx := browsertest.Start(t, 8*time.Minute)
	began := time.Now()
	defer func() { t.Logf("the scenario took %s", time.Since(began).Round(time.Second)) }()
	sku := s.plainSKU()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return browsertest.Screenshot(t, screenshotDir, name)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return got
	}
	signIn := func(user string) {
		t.Helper()
		do("signing in as "+user, chromedp.Navigate(s.url+"/signin"), chromedp.WaitVisible(css("#user")),
			chromedp.SetValue(css("#user"), user), chromedp.SetValue(css("#password"), consolePassword),
			chromedp.Submit(css("#password")), chromedp.WaitVisible(css(`form[action="/signout"]`)))
	}
	signOut := func() {
		t.Helper()
		do("signing out", chromedp.Click(css(`form[action="/signout"] button`)), chromedp.WaitVisible(css("#user")))
	}
	// submit posts a form and waits for the page it leads to: the order
	// with its confirmation, or the form again with what was refused.
	submit := func(what, form string) {
		t.Helper()
		do(what, browsertest.Labelled(t, what), js(`(document.querySelectorAll("p.done").forEach(e => e.remove()), true)`),
			chromedp.Click(css(form+` button[type="submit"]:not([name])`)), chromedp.WaitVisible(css("p.done, p.error, .field-error")))
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("p.done") !== null`)); err != nil || !ok {
			t.Fatalf("%s was refused (%v):\n%s", what, err, text("main"))
		}
	}

	// The SSG places an order for a customer whose credit it exceeds.
	signIn("ssg-lead")
	do("opening the new-order form", chromedp.Click(css(`nav a[href="/orders/new"]`)), chromedp.WaitVisible(css("#new-customer_id")),
		chromedp.SetValue(css("#new-customer_id"), tinyCredit), chromedp.SetValue(css("#new-sku-0"), sku.Code),
		chromedp.SetValue(css("#new-qty-0"), "10"), chromedp.SetValue(css("#new-client_ref"), "PO-E2E-1"), shot("e2e-1-new-order"))
	submit("placing the order", "#new-form")
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	no := strings.TrimPrefix(url[:strings.IndexAny(url, "?#")], s.url+"/orders/")
	if !sales.ValidOrderNo(no) {
		t.Fatalf("placed: landed on %s", url)
	}
	do("the order is held", chromedp.WaitVisible(css(".summary .status-held")), shot("e2e-2-held"))

	// A form posted without the session's CSRF token is refused.
	do("a post without its token", chromedp.Navigate(s.url+"/orders/new"), chromedp.WaitVisible(css("#new-form")),
		js(`(document.querySelector('#new-form input[name="csrf"]').remove(), document.querySelector("main h1").remove(), true)`),
		chromedp.Click(css(`#new-form button[type="submit"]:not([name])`)), chromedp.WaitVisible(css("main h1")))
	if got := text("main"); !strings.Contains(got, "表单已过期") {
		t.Errorf("a post without its CSRF token got:\n%s", got)
	}
	signOut()

	// The SLT finds it in My work and approves it there.
	signIn("dsd")
	do("My work", chromedp.WaitVisible(css(`table.tasks a[href^="/orders/`+no+`"]`)), shot("e2e-3-slt-mywork"))
	do("opening the held order from My work", chromedp.Click(css(`table.tasks a[href^="/orders/`+no+`"]`)), chromedp.WaitVisible(css("#act-decide")))
	submit("approving", "#act-decide")
	do("the order is released", chromedp.WaitVisible(css(".summary .status-released")))
	signOut()

	// Logistics plans the dispatch, ships part, records its delivery.
	signIn("log1")
	planned := time.Now().In(sales.Beijing).AddDate(0, 0, 1).Format(time.DateOnly)
	do("opening the order", chromedp.Navigate(s.url+"/orders/"+no), chromedp.WaitVisible(css("#act-acknowledge")),
		chromedp.SetValue(css("#act-acknowledge-planned_date"), planned))
	submit("acknowledging", "#act-acknowledge")
	do("goods issue of part", chromedp.WaitVisible(css("#act-goods-issue")), chromedp.SetValue(css("#act-goods-issue-qty-1"), "4"),
		chromedp.SetValue(css("#act-goods-issue-carrier"), "顺丰"), chromedp.SetValue(css("#act-goods-issue-waybill"), "SF-E2E-1"), shot("e2e-4-goods-issue"))
	submit("issuing part", "#act-goods-issue")
	do("the first shipment", chromedp.WaitVisible(css(`form[id^="act-delivery-"]`)))
	submit("recording the delivery", `form[id^="act-delivery-"]`)
	do("the rest", chromedp.WaitVisible(css("#act-goods-issue")), chromedp.SetValue(css("#act-goods-issue-carrier"), "德邦"))
	if got, err := chromedp.Run(ctx, chromedp.Value(css("#act-goods-issue-qty-1"))); err != nil || got != "6" {
		t.Errorf("the goods issue offers %q of the line, not the 6 left (%v)", got, err)
	}
	submit("issuing the rest", "#act-goods-issue")
	do("the second shipment", chromedp.WaitVisible(css(`form[id^="act-delivery-"]`)))
	submit("recording the second delivery", `form[id^="act-delivery-"]`)
	signOut()

	// Finance records the receipt that pays both invoices.
	signIn("fin1")
	do("opening the order", chromedp.Navigate(s.url+"/orders/"+no), chromedp.WaitVisible(css("#act-receipt")),
		chromedp.SetValue(css("#act-receipt-reference"), "BANK-E2E-"+no), shot("e2e-5-receipt"))
	submit("confirming the payment", "#act-receipt")
	do("the order is remitted", chromedp.WaitVisible(css(".summary .status-remitted")), shot("e2e-6-remitted"))
	steps, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("ol.timeline li")].map(li => li.querySelector(".code").textContent + " " + li.className)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 21 {
		t.Errorf("the timeline has %d steps", len(steps))
	}
	for _, st := range steps {
		code, class, _ := strings.Cut(st, " ")
		// Paid before it fell due: no reminder, no dunning. Every other step happened.
		want := "step-done"
		if code == string(sales.BC4Reminder) || code == string(sales.BC5Dunning) {
			want = "step-skipped"
		}
		if !strings.Contains(class, want) {
			t.Errorf("timeline step %s is %q, want %s", code, class, want)
		}
	}
	if got := text(`section[aria-labelledby="receipts"]`); !strings.Contains(got, "BANK-E2E-"+no) {
		t.Errorf("receipts:\n%s", got)
	}

	signOut()

	// A KAM of another market sees neither the customer nor its order.
	signIn("kam-huanan-1")
	do("the order of another KAM's customer", chromedp.Navigate(s.url+"/orders/"+no), chromedp.WaitVisible(css("main h1")), shot("e2e-7-fsf-not-found"))
	if got := text("main"); !strings.Contains(got, "找不到") || strings.Contains(got, tinyCredit) {
		t.Errorf("another KAM's order:\n%s", got)
	}
	do("the order list", chromedp.Navigate(s.url+"/orders"), chromedp.WaitVisible(css("form.filters")))
	if got := text("main"); strings.Contains(got, no) {
		t.Errorf("another KAM's order is listed:\n%s", got)
	}
}
