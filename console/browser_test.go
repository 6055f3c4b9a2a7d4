package console

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/internal/browsertest"
)

// screenshotDir keeps the screenshots of the last run (ignored by git).
const screenshotDir = "testdata/screenshots"

// TestBrowser drives the console in headless Chromium as a person would:
// signs in with the keyboard, opens My work, the order list and an order,
// switches to English, checks that every form field has a label, and saves
// a screenshot of each page.
func TestBrowser(t *testing.T) {
	ctx := browsertest.Start(t, 90*time.Second)
	f := newFixture(t, false)
	start := time.Now()

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return browsertest.Screenshot(t, screenshotDir, name)
	}
	labelled := func(page string) chromedp.Action[chromedp.Void] { return browsertest.Labelled(t, page) }
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return s
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Sign in with the keyboard only: the user field has the focus; Tab to
	// the password; Enter submits.
	do("opening the console", chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(css("#user")), labelled("sign-in"), shot("1-signin"))
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "user" {
		t.Errorf("the sign-in page focuses %q, not the user field (%v)", focused, err)
	}
	do("signing in", chromedp.KeyEvent("dsd"), chromedp.KeyEvent("\t"), chromedp.KeyEvent(testPassword), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(css("table.tasks")), labelled("My work"), shot("2-mywork"))
	if got := text("table.tasks tbody"); !strings.Contains(got, heldOrder) || !strings.Contains(got, "审批暂挂订单") {
		t.Errorf("My work of the SLT:\n%s", got)
	}

	// The order list, filtered to held orders with the form.
	do("opening the order list", chromedp.Click(css(`nav a[href="/orders"]`)), chromedp.WaitVisible(css("form.filters")),
		labelled("orders"), shot("3-orders"))
	do("filtering", chromedp.SetValue(css("#f-status"), "held"), chromedp.Submit(css("#f-status")),
		chromedp.WaitReady(css(`#f-status option[value="held"][selected]`)), chromedp.WaitVisible(css("table.orders")))
	if got := text("table.orders tbody"); !strings.Contains(got, heldOrder) || strings.Contains(got, logisticsWait) {
		t.Errorf("held orders:\n%s", got)
	}

	// An order with an overdue invoice: its timeline and documents, then the
	// same page in English.
	do("opening an order", chromedp.Navigate(f.srv.URL+"/orders/"+overdueOrder), chromedp.WaitVisible(css("ol.timeline")),
		labelled("order"), shot("4-order"))
	do("switching to English", chromedp.Click(css(`a[hreflang="en"]`)), chromedp.WaitVisible(css(`html[lang="en"] ol.timeline`)),
		shot("5-order-en"))
	if steps, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.timeline li").length`)); err != nil || steps != 21 {
		t.Errorf("%d steps on the timeline (%v)", steps, err)
	}
	if got := text("h1"); got != "Order "+overdueOrder {
		t.Errorf("English title %q", got)
	}
	if got := text(`section[aria-labelledby="invoices"]`); !strings.Contains(got, "INV-2026-000003-1") || !strings.Contains(got, "¥4,680.00") {
		t.Errorf("invoices:\n%s", got)
	}

	// The other pages, each with its labelled forms and a screenshot: a
	// customer, quota and POP, a report with its chart, the problem log.
	for i, p := range []struct{ path, ready, name string }{
		{"/customers/C003", "main h1", "customer"},
		{"/quota", "main h1", "quota"},
		{"/reports/ageing", "svg[role=img]", "report-ageing"},
		{"/problems", "main h1", "problems"},
	} {
		do("opening "+p.path, chromedp.Navigate(f.srv.URL+p.path), chromedp.WaitVisible(css(p.ready)), labelled(p.name),
			shot(fmt.Sprintf("%d-%s", 6+i, p.name)))
	}

	// Signing out returns to the sign-in page; My work then asks to sign in.
	do("signing out", chromedp.Click(css(`form[action="/signout"] button`)), chromedp.WaitVisible(css("#user")),
		chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(css("#user")))
	t.Logf("the browser's part took %s", time.Since(start).Round(time.Millisecond))
}
