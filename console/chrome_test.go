package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/internal/browsertest"
)

// chrome is a headless Chromium on a fixture's console with the helpers
// the browser tests share: each step named, so a failure says which one.
type chrome struct {
	t   *testing.T
	ctx context.Context
	f   *fixture
}

// newChrome starts Chromium on f's console; f is built first, so the
// browser's time is spent on the browser.
func newChrome(t *testing.T, f *fixture, timeout time.Duration) *chrome {
	return &chrome{t: t, ctx: browsertest.Start(t, timeout), f: f}
}

func (b *chrome) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *chrome) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

func (b *chrome) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		b.t.Fatalf("counting %s: %v", sel, err)
	}
	return n
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func (b *chrome) shot(name string) chromedp.Action[chromedp.Void] {
	return browsertest.Screenshot(b.t, screenshotDir, name)
}

// signIn signs out whoever is signed in and signs in as user.
func (b *chrome) signIn(user string) {
	b.t.Helper()
	b.do("opening the console", chromedp.Navigate(b.f.srv.URL+"/"))
	if b.count(`form[action="/signout"] button`) > 0 {
		b.do("signing out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS("#user")))
	}
	b.do("signing in as "+user, chromedp.Navigate(b.f.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#user")),
		chromedp.SetValue(chromedp.CSS("#user"), user), chromedp.SetValue(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)))
}
