// Package browsertest drives the console in Debian's headless Chromium for
// tests (chromedp): it installs the browser and a CJK font when they are
// missing, starts a browser per test, saves screenshots as test artifacts
// and checks that every form field has a label. Only tests import it.
package browsertest

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

// ChromiumPath is Debian's chromium.
const ChromiumPath = "/usr/bin/chromium"

// cjkFont is one file of Debian's fonts-noto-cjk: without a CJK font the
// screenshots show boxes where the Chinese is.
const cjkFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

// Ensure installs Debian's chromium and fonts-noto-cjk when they are missing
// (as root; a clean CI machine is root), else skips the test saying what to
// install.
func Ensure(t testing.TB) {
	t.Helper()
	_, errBrowser := os.Stat(ChromiumPath)
	_, errFont := os.Stat(cjkFont)
	if errBrowser == nil && errFont == nil {
		return
	}
	if os.Geteuid() != 0 {
		t.Skipf("the browser test needs %s and a CJK font: apt-get install chromium fonts-noto-cjk (as root)", ChromiumPath)
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

// Start starts a headless browser for the test (Ensure first) and returns
// its context, bounded by timeout once the browser runs; the browser stops
// with the test. Each call is a new browser: a person of their own, with
// their own cookies.
func Start(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	Ensure(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
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
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil { // starts the browser: no timeout on this first call
		t.Fatalf("starting %s: %v", ChromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

// Screenshot saves the whole page as dir/name.png.
func Screenshot(t testing.TB, dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		png, err := chromedp.FullScreenshot(100)(ctx, tg) // quality 100 is a PNG
		if err != nil {
			return err
		}
		path := filepath.Join(dir, name+".png")
		t.Logf("screenshot %s", path)
		return os.WriteFile(path, png, 0o644)
	})
}

// Labelled fails the test for each form field of the page that no label
// names (hidden fields and buttons need none).
func Labelled(t testing.TB, page string) chromedp.Action[chromedp.Void] {
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

// unlabelledFields is a script listing the form fields of the page that no
// label names.
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
