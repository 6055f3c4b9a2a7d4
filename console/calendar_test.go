package console

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/demo"
	"osb/internal/browsertest"
)

// calendarCSV writes a year's days as the calendar file people edit.
func calendarCSV(t *testing.T, name string, rows ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte("日期,类型,名称\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCalendarImportInTheBrowser: the SSG leader opens a year not loaded yet,
// uploads a file with errors as a dry run and sees each row's problem, then
// the real calendar: a dry run says what it would add, the import loads it,
// and the year shows its holidays and make-up working days. A KAM sees the
// year but no import form.
func TestCalendarImportInTheBrowser(t *testing.T) {
	f := newFixture(t, false)
	b := newChrome(t, f, 90*time.Second)
	ctx := b.ctx
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do, text, shot, signIn := b.do, b.text, b.shot, b.signIn

	signIn("ssg-lead")
	do("opening the calendar", chromedp.Navigate(f.srv.URL+"/calendar?year=2026"), chromedp.WaitVisible(css("#cal-not-loaded")),
		browsertest.Labelled(t, "calendar"), shot("calendar-1-empty"))

	bad := calendarCSV(t, "bad.csv", "2026-10-01,假,国庆节", "2026-10-08,班,周四调休", "2026-10-32,假,国庆节", "2026-10-01,假,国庆节")
	do("a dry run of a file with errors", chromedp.SetUploadFiles(css("#cal-file"), []string{bad}), chromedp.Submit(css("#cal-file")),
		chromedp.WaitVisible(css("#cal-problems")), shot("calendar-2-problems"))
	problems := text("#cal-problems tbody")
	for _, want := range []string{"3", "Saturday or Sunday", "4", "not a date", "5", "listed twice"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the dry run's problems lack %q:\n%s", want, problems)
		}
	}
	if got := text("main"); !strings.Contains(got, "尚未载入") {
		t.Errorf("a dry run loaded the year:\n%s", got)
	}

	var rows []string
	for _, d := range demo.CalendarYear(2026) {
		kind := "假"
		if d.Kind == "workday" {
			kind = "班"
		}
		rows = append(rows, d.Date+","+kind+","+d.Name)
	}
	good := calendarCSV(t, "2026.csv", rows...)
	do("a dry run of the real calendar", chromedp.SetUploadFiles(css("#cal-file"), []string{good}), chromedp.Submit(css("#cal-file")),
		chromedp.WaitVisible(css("#cal-ok")), shot("calendar-3-dry-run"))
	if got := text("#cal-ok"); !strings.Contains(got, fmt.Sprintf("新增 %d 天", len(rows))) {
		t.Errorf("the dry run says %q", got)
	}
	do("importing it", chromedp.Click(css("#cal-dry-run")), chromedp.SetUploadFiles(css("#cal-file"), []string{good}),
		chromedp.Submit(css("#cal-file")), chromedp.WaitVisible(css("#cal-holidays")), shot("calendar-4-loaded"))
	if got := text("#cal-holidays"); !strings.Contains(got, "国庆节") || !strings.Contains(got, "2026-10-01") || !strings.Contains(got, "2026-10-07") {
		t.Errorf("holidays:\n%s", got)
	}
	if got := text("#cal-workdays"); !strings.Contains(got, "2026-10-10") || !strings.Contains(got, "2026-02-28") {
		t.Errorf("make-up working days:\n%s", got)
	}
	if got := text("#cal-loaded"); !strings.Contains(got, "ssg-lead") {
		t.Errorf("loaded by: %q", got)
	}

	signIn("kam-huadong-1")
	do("a KAM opens the year", chromedp.Navigate(f.srv.URL+"/calendar?year=2026"), chromedp.WaitVisible(css("#cal-holidays")))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#cal-import").length`)); err != nil || n != 0 {
		t.Errorf("a KAM is offered the import form (%d, %v)", n, err)
	}
}
