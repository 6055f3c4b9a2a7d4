package console

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/internal/browsertest"
)

// TestVisitLogInTheBrowser: a KAM logs a call to a customer of theirs,
// first without notes (refused beside the field), then whole; the call is in
// the week's list and counts in the weekly report, where the KAM's other
// customer still leaves them behind. The SSG leader then sees the call and
// the 华东 rows of the report.
func TestVisitLogInTheBrowser(t *testing.T) {
	f := newFixture(t, false)
	b := newChrome(t, f, 90*time.Second)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do, text, shot, signIn := b.do, b.text, b.shot, b.signIn

	signIn("kam-huadong-1")
	do("opening the visit log", chromedp.Click(css(`nav a[href="/visits"]`)), chromedp.WaitVisible(css("#visit-form")),
		browsertest.Labelled(t, "visits"), shot("visits-1-empty"))
	if got := text("#visit-customer_id"); !strings.Contains(got, "C001") || strings.Contains(got, "C006") {
		t.Errorf("the KAM's customer picker:\n%s", got)
	}
	if got := text("#visit-report tbody"); !strings.Contains(got, "落后") {
		t.Errorf("before any visit the KAM is not behind:\n%s", got)
	}
	do("logging a call without notes", chromedp.SetValue(css("#visit-customer_id"), "C001"), chromedp.SetValue(css("#visit-kind"), "call"),
		chromedp.Submit(css("#visit-notes")), chromedp.WaitVisible(css("#visit-notes-error")), shot("visits-2-refused"))
	do("logging the call", chromedp.SetValue(css("#visit-notes"), "电话沟通十二月订货计划"), chromedp.SetValue(css("#visit-follow_up"), "周五前发报价"),
		chromedp.Submit(css("#visit-notes")), chromedp.WaitVisible(css("#visit-list")), shot("visits-3-logged"))
	if got := text("#visit-list tbody"); !strings.Contains(got, "C001") || !strings.Contains(got, "电话沟通十二月订货计划") || !strings.Contains(got, "电话") {
		t.Errorf("the week's visits:\n%s", got)
	}
	report := text("#visit-report tbody")
	if !strings.Contains(report, "彭磊") || !strings.Contains(report, "1 / 2") {
		t.Errorf("the report does not count the call for the KAM (1 of 2 customers):\n%s", report)
	}

	signIn("ssg-lead")
	do("the SSG leader opens the visit log", chromedp.Navigate(f.srv.URL+"/visits"), chromedp.WaitVisible(css("#visit-list")),
		shot("visits-4-ssg"))
	if got := text("#visit-list tbody"); !strings.Contains(got, "电话沟通十二月订货计划") || !strings.Contains(got, "彭磊") {
		t.Errorf("the SSG leader's list:\n%s", got)
	}
	if got := text("#visit-report tbody"); !strings.Contains(got, "陈静") {
		t.Errorf("the SSG leader's own rows are missing:\n%s", got)
	}
}
