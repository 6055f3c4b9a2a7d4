package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/internal/browsertest"
	"osb/sales"
)

// browserCashCustomer is the customer of the browser's cash application
// (华中); no other test bills it.
const browserCashCustomer = "C014"

// TestConsoleCashApplication is Finance's transfer in the console, in
// headless Chromium against the real Temporal server, worker, store and
// API: two orders are billed three invoices; Finance records one transfer
// typed in yuan that names the three, sees what it paid and that the rest
// is the customer's unapplied cash; both orders are remitted.
func TestConsoleCashApplication(t *testing.T) {
	s := newSite(t)
	sku := s.plainSKU()
	first, firstInv := s.shippedInParts(browserCashCustomer, sku, 20, 30)
	second, secondInv := s.shippedInParts(browserCashCustomer, sku, 25)
	invoices := append(firstInv, secondInv...)
	var owed sales.Fen
	var names []string
	for _, gi := range invoices {
		owed += gi.Amount
		names = append(names, gi.InvoiceNo)
	}
	before := s.unapplied(browserCashCustomer).Balance
	ref := "BANK-WEB-" + first

	ctx := browsertest.Start(t, 4*time.Minute)
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

	do("signing in as fin1", chromedp.Navigate(s.url+"/signin"), chromedp.WaitVisible(css("#user")),
		chromedp.SetValue(css("#user"), "fin1"), chromedp.SetValue(css("#password"), consolePassword),
		chromedp.Submit(css("#password")), chromedp.WaitVisible(css(`form[action="/signout"]`)))
	do("opening the receipts", chromedp.Click(css(`nav a[href="/receipts"]`)), chromedp.WaitVisible(css("#act-record-receipt")),
		browsertest.Labelled(t, "the receipts page"),
		chromedp.SetValue(css("#rec-customer"), browserCashCustomer),
		chromedp.SetValue(css("#rec-account"), "ICBC-1102"),
		chromedp.SetValue(css("#rec-reference"), ref),
		chromedp.SetValue(css("#rec-amount"), (owed+sales.Yuan(1_234)+56).String()),
		chromedp.SetValue(css("#rec-payer"), "武汉楚天商贸有限公司"),
		chromedp.SetValue(css("#rec-invoices"), strings.Join(names, ", ")),
		chromedp.Click(css("#rec-only")), shot("e2e-cash-1-record"))
	do("recording the transfer", chromedp.Click(css(`#act-record-receipt button[type="submit"]`)),
		chromedp.WaitVisible(css("#s-applications")), shot("e2e-cash-2-receipt"))
	page := text("main")
	for _, want := range append(names, "回款已登记", ref, "已核销", "¥1,234.56", first, second) {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt's page lacks %q:\n%s", want, page)
		}
	}
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.applications tbody tr").length`)); err != nil || got != 3 {
		t.Errorf("the receipt paid %d invoices (%v), want 3", got, err)
	}

	do("opening the customer's unapplied cash", chromedp.Click(css(`a[href="/customers/`+browserCashCustomer+`/cash"]`)),
		chromedp.WaitVisible(css("dd.balance")), shot("e2e-cash-3-unapplied"))
	if got := text("dd.balance"); !strings.Contains(got, money(before+sales.Yuan(1_234)+56)) {
		t.Errorf("the unapplied cash shows %q, want %s", got, money(before+sales.Yuan(1_234)+56))
	}
	if got := text("table.ledger"); !strings.Contains(got, "receipt/") {
		t.Errorf("the ledger:\n%s", got)
	}
	s.waitStatus(first, sales.StatusRemitted)
	s.waitStatus(second, sales.StatusRemitted)
}

// money formats fen as the console does: ¥1,234.56.
func money(f sales.Fen) string {
	whole, frac, _ := strings.Cut(f.String(), ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return "¥" + b.String() + "." + frac
}
