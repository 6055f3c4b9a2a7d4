package console

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, which the browser test drives.
const chromiumPath = "/usr/bin/chromium"

// cjkFont is one file of Debian's fonts-noto-cjk: without a CJK font the
// screenshots show boxes where the Chinese is.
const cjkFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

// screenshotDir keeps the screenshots of the last run (ignored by git).
const screenshotDir = "testdata/screenshots"

// ensureChromium installs Debian's chromium and fonts-noto-cjk when they are
// missing (as root; a clean CI machine is root), else skips the test saying
// what to install.
func ensureChromium(t *testing.T) {
	t.Helper()
	_, errBrowser := os.Stat(chromiumPath)
	_, errFont := os.Stat(cjkFont)
	if errBrowser == nil && errFont == nil {
		return
	}
	if os.Geteuid() != 0 {
		t.Skipf("the browser test needs %s and a CJK font: apt-get install chromium fonts-noto-cjk (as root)", chromiumPath)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-noto-cjk"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	t.Logf("installed chromium and fonts-noto-cjk in %s", time.Since(start).Round(time.Second))
}

// TestBrowser drives the console in headless Chromium as a person would:
// signs in with the keyboard, opens My work, the order list and an order,
// switches to English, checks that every form field has a label, and saves
// a screenshot of each page.
func TestBrowser(t *testing.T) {
	ensureChromium(t)
	f := newFixture(t, false)
	start := time.Now()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil { // starts the browser: no timeout on this first call
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg) // quality 100 is a PNG
			if err != nil {
				return err
			}
			path := filepath.Join(screenshotDir, name+".png")
			t.Logf("screenshot %s", path)
			return os.WriteFile(path, png, 0o644)
		})
	}
	labelled := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			unlabelled, err := chromedp.Evaluate[[]string](unlabelledFields)(ctx, tg)
			if err != nil {
				return err
			}
			if len(unlabelled) > 0 {
				t.Errorf("%s: form fields without a label: %v", page, unlabelled)
			}
			return nil
		})
	}
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

	// Signing out returns to the sign-in page; My work then asks to sign in.
	do("signing out", chromedp.Click(css(`form[action="/signout"] button`)), chromedp.WaitVisible(css("#user")),
		chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(css("#user")))
	t.Logf("the browser's part took %s", time.Since(start).Round(time.Millisecond))
}

// unlabelledFields is a script listing the form fields of the page that no
// label names (hidden fields and buttons need none).
var unlabelledFields = fmt.Sprintf(`(() => {
	const out = [];
	for (const el of document.querySelectorAll(%q)) {
		if (["hidden", "submit", "button", "reset"].includes(el.type)) continue;
		const label = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) || el.closest("label");
		const named = label && label.textContent.trim() !== "";
		if (!named && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) out.push(el.name || el.id || el.tagName);
	}
	return out;
})()`, "input, select, textarea")
