package console

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/internal/browsertest"
)

// ladderLog records the ladder refreshes the API starts after a KAM change
// ("customer change"), in place of the workflows the fixture lacks.
type ladderLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *ladderLog) refresh(_ context.Context, customerID, changeID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, customerID+" "+changeID)
	return nil
}

// customers lists the customers whose ladders were refreshed.
func (l *ladderLog) customers() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range l.seen {
		c, _, _ := strings.Cut(s, " ")
		out = append(out, c)
	}
	return out
}

func newMDBrowser(t *testing.T) *chrome {
	return newChrome(t, newFixture(t, false), 120*time.Second)
}

// customersFile writes a customers sheet as people edit it.
func customersFile(t *testing.T, name string, rows ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	body := "客户编号 / id,客户名称 / name,市场 / market,客户经理 / kam_id,账期天数 / payment_terms_days,币种 / currency,有效 / active\n" +
		strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMasterDataImportWithErrorsInTheBrowser: the SSG uploads a customers
// file with several errors; the dry run lists every row's problem, and
// importing it anyway is refused whole: no customer is added. The SSG fixes
// the file: the dry run says what it would create, the import creates it,
// and the new customers are in the customer list with their master data.
func TestMasterDataImportWithErrorsInTheBrowser(t *testing.T) {
	b := newMDBrowser(t)
	b.signIn("ssg-lead")
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	b.do("opening master data", chromedp.Click(css(`nav a[href="/master"]`)), chromedp.WaitVisible(css("table.sheets")),
		browsertest.Labelled(t, "master data"), b.shot("md-1-index"))
	b.do("opening the customers' import", chromedp.Click(css(`#sheet-customers a[href="/master/import/customers"]`)),
		chromedp.WaitVisible(css("#md-upload")), browsertest.Labelled(t, "import"), b.shot("md-2-import"))

	bad := customersFile(t, "customers.csv",
		"C101,温州新华商贸有限公司,华东,kam-huadong-1,30,CNY,是", // fine
		"C102,,华东,kam-huadong-2,30,CNY,是",           // no name
		"C103,合肥远大商贸有限公司,火星,kam-huadong-1,30,CNY,是", // unknown market
		"C104,无锡恒通商贸有限公司,华东,nobody,四十五,CNY,是",       // unknown KAM, terms not a number
		"C101,温州新华商贸有限公司,华东,kam-huadong-1,30,CNY,是", // twice
	)
	b.do("a dry run of the file with errors", chromedp.SetUploadFiles(css("#md-file"), []string{bad}), chromedp.Click(css("#md-dry")),
		chromedp.WaitVisible(css("#md-problems")), b.shot("md-3-dry-run-problems"))
	problems := b.text("#md-problems tbody")
	rows := map[string]bool{}
	for _, line := range strings.Split(problems, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = true
		}
	}
	for _, row := range []string{"3", "4", "5", "6"} {
		if !rows[row] {
			t.Errorf("the dry run names no problem on row %s:\n%s", row, problems)
		}
	}
	for _, want := range []string{"name", "market", "kam_id", "payment_terms_days"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the dry run names no problem in column %s:\n%s", want, problems)
		}
	}
	if rows["2"] {
		t.Errorf("the dry run finds a problem in the good row 2:\n%s", problems)
	}
	if got := b.text("#md-refused"); !strings.Contains(got, "未写入") {
		t.Errorf("the dry run's message: %q", got)
	}

	// From a fresh page: the report of the dry run must not stand for the
	// import's.
	b.do("importing the file with errors", chromedp.Navigate(b.f.srv.URL+"/master/import/customers"), chromedp.WaitVisible(css("#md-upload")),
		chromedp.SetUploadFiles(css("#md-file"), []string{bad}), chromedp.Click(css("#md-apply")),
		chromedp.WaitVisible(css("#md-problems")), b.shot("md-4-import-refused"))
	if got := b.text("#md-refused"); !strings.Contains(got, "未导入任何数据") {
		t.Errorf("the refused import's message: %q", got)
	}
	b.do("opening the customer list", chromedp.Navigate(b.f.srv.URL+"/customers"), chromedp.WaitVisible(css("table.customers")))
	if got := b.text("table.customers tbody"); strings.Contains(got, "C101") {
		t.Errorf("a refused import added C101:\n%s", got)
	}

	good := customersFile(t, "customers-fixed.csv",
		"C101,温州新华商贸有限公司,华东,kam-huadong-1,30,CNY,是",
		"C102,嘉兴永盛商贸有限公司,华东,kam-huadong-2,45,CNY,是",
	)
	b.do("a dry run of the fixed file", chromedp.Navigate(b.f.srv.URL+"/master/import/customers"), chromedp.WaitVisible(css("#md-upload")),
		chromedp.SetUploadFiles(css("#md-file"), []string{good}), chromedp.Click(css("#md-dry")), chromedp.WaitVisible(css("#md-ok")))
	if got := b.text("#md-ok"); !strings.Contains(got, "将新增 2") {
		t.Errorf("the dry run of the fixed file says %q", got)
	}
	b.do("opening the customer list", chromedp.Navigate(b.f.srv.URL+"/customers"), chromedp.WaitVisible(css("table.customers")))
	if got := b.text("table.customers tbody"); strings.Contains(got, "C101") {
		t.Errorf("a dry run added C101:\n%s", got)
	}
	b.do("a dry run of the fixed file again", chromedp.Navigate(b.f.srv.URL+"/master/import/customers"), chromedp.WaitVisible(css("#md-upload")),
		chromedp.SetUploadFiles(css("#md-file"), []string{good}), chromedp.Click(css("#md-dry")), chromedp.WaitVisible(css("#md-apply-this")),
		b.shot("md-5-dry-run-clean"))
	b.do("importing the file the dry run checked", chromedp.Click(css("#md-apply-this")), chromedp.WaitVisible(css("#md-ok:not(.dry)")),
		b.shot("md-5-imported"))
	if got := b.text("#md-ok"); !strings.Contains(got, "已导入 2 行：新增 2") {
		t.Errorf("the import says %q", got)
	}
	b.do("opening the customer list", chromedp.Navigate(b.f.srv.URL+"/customers"), chromedp.WaitVisible(css("table.customers")),
		b.shot("md-6-customers"))
	list := b.text("table.customers tbody")
	for _, want := range []string{"C101", "温州新华商贸有限公司", "C102", "嘉兴永盛商贸有限公司"} {
		if !strings.Contains(list, want) {
			t.Errorf("the customer list lacks %s:\n%s", want, list)
		}
	}
	b.do("opening a new customer's master data", chromedp.Navigate(b.f.srv.URL+"/customers/C102/master"), chromedp.WaitVisible(css("#md-record")),
		browsertest.Labelled(t, "customer master data"))
	if got := b.text("#md-record"); !strings.Contains(got, "kam-huadong-2") || !strings.Contains(got, "45") {
		t.Errorf("C102's record:\n%s", got)
	}
	if got := b.text("#md-audit"); !strings.Contains(got, "ssg-lead") || !strings.Contains(got, "新增") {
		t.Errorf("C102's audit trail:\n%s", got)
	}

	// The other master data pages, each with its fields labelled, in both
	// languages.
	for i, p := range []struct{ path, ready, name string }{
		{"/master/catalogue?sku=SKU-1001", "#act-sku", "catalogue"},
		{"/master/users", "#md-users", "users"},
		{"/master/markets/" + url.PathEscape("华东"), "#md-market", "market"},
		{"/master/import/customers?lang=en", "#md-upload", "import-en"},
	} {
		b.do("opening "+p.path, chromedp.Navigate(b.f.srv.URL+p.path), chromedp.WaitVisible(css(p.ready)), browsertest.Labelled(t, p.name),
			b.shot(fmt.Sprintf("md-%d-%s", 7+i, p.name)))
	}
	if got := b.text("#md-upload"); !strings.Contains(got, "Dry run") {
		t.Errorf("the English import form: %q", got)
	}
}

// TestKAMChangeInTheBrowser: the SSG hands C002 from kam-huadong-1 to
// kam-huadong-2 on its master data tab; the KAM history and the audit trail
// show the change; the new KAM then finds C002 in their customer list and
// the old KAM no longer does.
func TestKAMChangeInTheBrowser(t *testing.T) {
	b := newMDBrowser(t)
	b.f.seedPasswords("kam-huadong-2")
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	b.signIn("kam-huadong-1")
	b.do("the old KAM's customers", chromedp.Navigate(b.f.srv.URL+"/customers"), chromedp.WaitVisible(css("table.customers")))
	if got := b.text("table.customers tbody"); !strings.Contains(got, "C002") {
		t.Fatalf("kam-huadong-1 does not see C002 before the change:\n%s", got)
	}

	b.signIn("ssg-lead")
	b.do("opening C002", chromedp.Navigate(b.f.srv.URL+"/customers/C002"), chromedp.WaitVisible(css(`a[href="/customers/C002/master"]`)),
		chromedp.Click(css(`a[href="/customers/C002/master"]`)), chromedp.WaitVisible(css("#act-kam")),
		browsertest.Labelled(t, "customer master data"), b.shot("kam-1-before"))
	if got := b.text("#md-kam"); got != "kam-huadong-1" {
		t.Fatalf("C002's KAM before the change: %q", got)
	}
	b.do("changing the KAM", chromedp.SetValue(css("#kam-to"), "kam-huadong-2"), chromedp.SetValue(css("#kam-reason"), "区域调整"),
		chromedp.Submit(css("#kam-reason")), chromedp.WaitVisible(css("#md-done")), b.shot("kam-2-after"))
	if got := b.text("#md-done"); !strings.Contains(got, "客户经理已更换") {
		t.Errorf("the confirmation: %q", got)
	}
	if !strings.Contains(b.text("#md-done"), "正在刷新") || !slices.Equal(b.f.ladders.customers(), []string{"C002"}) {
		t.Errorf("the open orders' ladders of C002 were not refreshed once: %q, %v", b.text("#md-done"), b.f.ladders.customers())
	}
	if got := b.text("#md-kam"); got != "kam-huadong-2" {
		t.Errorf("C002's KAM after the change: %q", got)
	}
	history := b.text("#md-kam-history tbody")
	for _, want := range []string{"kam-huadong-1", "kam-huadong-2", "ssg-lead", "区域调整"} {
		if !strings.Contains(history, want) {
			t.Errorf("the KAM history lacks %q:\n%s", want, history)
		}
	}
	audit := b.text("#md-audit tbody")
	for _, want := range []string{"更换客户经理", "ssg-lead", "kam_id", "kam-huadong-1 → kam-huadong-2"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit trail lacks %q:\n%s", want, audit)
		}
	}

	b.signIn("kam-huadong-2")
	b.do("the new KAM's customers", chromedp.Navigate(b.f.srv.URL+"/customers"), chromedp.WaitVisible(css("table.customers")),
		b.shot("kam-3-new-kam"))
	if got := b.text("table.customers tbody"); !strings.Contains(got, "C002") {
		t.Errorf("kam-huadong-2 does not see C002 after the change:\n%s", got)
	}
	b.do("the new KAM opens C002's master data", chromedp.Navigate(b.f.srv.URL+"/customers/C002/master"), chromedp.WaitVisible(css("#md-record")))
	if b.count("#act-kam") != 0 {
		t.Error("a KAM is offered the KAM change")
	}

	b.signIn("kam-huadong-1")
	b.do("the old KAM's customers", chromedp.Navigate(b.f.srv.URL+"/customers"), chromedp.WaitVisible(css("table.customers")),
		b.shot("kam-4-old-kam"))
	if got := b.text("table.customers tbody"); strings.Contains(got, "C002") || !strings.Contains(got, "C001") {
		t.Errorf("kam-huadong-1's customers after the change (C002 gone, C001 kept):\n%s", got)
	}
}
