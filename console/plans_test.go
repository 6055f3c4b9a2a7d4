package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"osb/internal/browsertest"
	"osb/sales"
)

// plansFixture is the console fixture with passwords for the MM of 华东 too.
func plansFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, false)
	hash, err := hashOnce()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SeedDemoPasswords(context.Background(), []string{"mm-huadong"}, hash); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPlansInTheBrowser: the SLT sets a market's targets and focus for the
// month and publishes them; the market's MM then sees them and splits the
// target among their UMs, first with shares that do not add up (refused,
// naming both figures), then correctly. Screenshots of each step are kept.
func TestPlansInTheBrowser(t *testing.T) {
	f := plansFixture(t)
	b := newChrome(t, f, 90*time.Second)
	ctx := b.ctx
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do, text, shot, signIn := b.do, b.text, b.shot, b.signIn

	// The Deputy Sales Director, over 华东, sets its target and focus and publishes.
	signIn("dsd")
	do("opening the plans", chromedp.Click(css(`nav a[href="/plans"]`)), chromedp.WaitVisible(css("#act-target")),
		browsertest.Labelled(t, "plans of the SLT"), shot("plans-1-slt"))
	do("setting 华东's target", chromedp.SetValue(css("#target-market"), "华东"), chromedp.SetValue(css("#target-sales"), "10,000"),
		chromedp.SetValue(css("#target-collections"), "8000"), chromedp.SetValue(css("#target-units"), "500"),
		chromedp.Submit(css("#target-units")), chromedp.WaitVisible(css(`p.note[role=status]`)))
	if got := text("table.plan-targets"); !strings.Contains(got, "¥10,000.00") || !strings.Contains(got, "未分解") {
		t.Errorf("the targets after setting 华东's:\n%s", got)
	}
	do("setting 华东's focus", chromedp.SetValue(css("#focus-market"), "华东"), chromedp.SetValue(css("#focus-main"), "年末回款冲刺"),
		chromedp.SetValue(css("#focus-secondary1"), "春节备货"), chromedp.SetValue(css("#focus-secondary2"), "新品铺货"),
		chromedp.Submit(css("#focus-main")), chromedp.WaitVisible(css("table.plan-focus")))
	if got := text("table.plan-preview"); !strings.Contains(got, "年末回款冲刺") || !strings.Contains(got, "kam-huadong-1") {
		t.Errorf("the preview of the publication:\n%s", got)
	}
	do("publishing", chromedp.Click(css("#act-publish button")), chromedp.WaitVisible(css("p.published")), shot("plans-2-published"))
	if got := text("table.plan-published"); !strings.Contains(got, "年末回款冲刺") || !strings.Contains(got, "mm-huadong") ||
		!strings.Contains(got, "kam-huadong-1") {
		t.Errorf("what was published and to whom:\n%s", got)
	}
	recs, err := f.store.ListNotifications(context.Background(), sales.NotificationFilter{RecipientID: "mm-huadong"})
	if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Body, "年末回款冲刺") {
		t.Errorf("the MM's notifications %+v (%v)", recs, err)
	}

	// The MM of 华东 sees them and splits the target among their UMs.
	signIn("mm-huadong")
	split := `form[id="act-split-market-华东"] `
	do("opening the plans as the MM", chromedp.Navigate(f.srv.URL+"/plans"), chromedp.WaitVisible(css(split+`input[name="sales-0"]`)),
		browsertest.Labelled(t, "plans of the MM"), shot("plans-3-mm"))
	if got := text("table.plan-focus"); !strings.Contains(got, "年末回款冲刺") {
		t.Errorf("the MM sees the focus:\n%s", got)
	}
	fill := func(sales1 string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(css(split+`input[name="sales-0"]`), "6000"), chromedp.SetValue(css(split+`input[name="sales-1"]`), sales1),
			chromedp.SetValue(css(split+`input[name="collections-0"]`), "5000"), chromedp.SetValue(css(split+`input[name="collections-1"]`), "3000"),
			chromedp.SetValue(css(split+`input[name="units-0"]`), "300"), chromedp.SetValue(css(split+`input[name="units-1"]`), "200"),
			chromedp.Submit(css(split + `input[name="units-1"]`)),
		}
	}
	do("splitting short of the target", append(fill("3000"), chromedp.WaitVisible(css(split+`p.error[role=alert]`)), shot("plans-4-split-refused"))...)
	if got := text(split + "p.error"); !strings.Contains(got, "9000.00 CNY") || !strings.Contains(got, "10000.00 CNY") {
		t.Errorf("the refusal says %q", got)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Value(css(split+`input[name="sales-1"]`))); got != "3000" {
		t.Errorf("the refused split keeps what was typed: %q", got)
	}
	do("splitting it right", append(fill("4000"), chromedp.WaitVisible(css(`p.note[role=status]`)), shot("plans-5-split"))...)
	if got := text(`section.plan-split .split-sum`); !strings.Contains(got, "已分解") || !strings.Contains(got, "¥10,000.00") {
		t.Errorf("the split after saving: %q", got)
	}
	do("opening the report against target", chromedp.Click(css("#target-report")), chromedp.WaitVisible(css("main h1")))
	if got := text("main"); !strings.Contains(got, "um-huadong-1") {
		t.Errorf("the MM's report against target lacks their UM:\n%s", got)
	}
}

// The page offers each person only their own forms, and a form refused by
// the API comes back with what was typed and why.
func TestPlansPageOffersEachPersonTheirOwnForms(t *testing.T) {
	f := plansFixture(t)
	period := sales.MonthOf(f.now)

	kam := f.browser()
	kam.signIn("kam-huadong-1")
	p := kam.get("/plans")
	if p.status != http.StatusOK || p.has(`id="act-target"`) || p.has(`id="act-publish"`) || p.has(`id="act-focus"`) {
		t.Errorf("a KAM's plans page (%d) offers the SLT's forms:\n%s", p.status, p.body)
	}
	if !p.has("plan.") && !p.has("计划与目标") {
		t.Errorf("the page has no title:\n%s", p.body)
	}
	if got := kam.post("/plans/act/publish", url.Values{"csrf": {p.csrf(t)}, "period": {period}}); got.status != http.StatusForbidden {
		t.Errorf("a KAM publishing: %d", got.status)
	}

	slt := f.browser()
	slt.signIn("dsd")
	p = slt.get("/plans?period=" + period)
	if !p.has(`id="act-target"`) || !p.has(`id="act-publish"`) || !p.has(`id="act-plan"`) {
		t.Errorf("the SLT's plans page lacks its forms:\n%s", p.body)
	}
	got := slt.post("/plans/act/target", url.Values{"csrf": {p.csrf(t)}, "period": {period}, "market": {"华东"},
		"sales": {"12.345"}, "collections": {"1"}, "units": {"-3"}})
	if got.status != http.StatusUnprocessableEntity || !got.has("最多两位小数") || !got.has("0 或以上") || !got.has(`value="12.345"`) {
		t.Errorf("a target typed wrong: %d\n%s", got.status, got.body)
	}
	got = slt.post("/plans/act/publish", url.Values{"csrf": {p.csrf(t)}, "period": {period}})
	if got.status != http.StatusUnprocessableEntity || !got.has("no market has a target") {
		t.Errorf("publishing without targets: %d\n%s", got.status, got.body)
	}
	if bad := slt.get("/plans?period=2026-Q5"); bad.status != http.StatusUnprocessableEntity {
		t.Errorf("a period that is none: %d", bad.status)
	}
	// The report against target for a quarter, and for a quarter that is none.
	quarter := sales.QuarterOf(f.now)
	if rep := slt.get("/reports/targets?period=" + quarter); rep.status != http.StatusOK || !rep.has(quarter) {
		t.Errorf("the report of %s: %d", quarter, rep.status)
	}
	if rep := slt.get("/reports/targets?period=2026-Q5"); rep.status != http.StatusUnprocessableEntity || !rep.has("a quarter like 2026-Q1") {
		t.Errorf("the report of 2026-Q5: %d\n%s", rep.status, rep.body)
	}
}

// My work reminds the SLT to publish the month's targets and focus until it
// has, and an MM to split their market's target until the split adds up.
func TestMyWorkRemindsOfPlanningWork(t *testing.T) {
	f := plansFixture(t)
	h := New(Config{Store: f.store, API: f.api, Tasks: []TaskSource{PlanWork{Store: f.store}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: f.clock.now})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	ctx := context.Background()
	month := sales.MonthOf(f.now)
	publish := "发布 " + month + " 各市场的目标与重点"

	slt := f.browser()
	slt.signIn("dsd")
	if p := slt.get("/"); !p.has(publish) || !p.has(`href="/plans?period=`+month+`#publication"`) {
		t.Errorf("the SLT's My work lacks the publication:\n%s", p.body)
	}
	mm := f.browser()
	mm.signIn("mm-huadong")
	if p := mm.get("/"); p.has("分解") {
		t.Errorf("the MM has a split to do before any target is set:\n%s", p.body)
	}
	if _, err := f.store.SetTargets(ctx, sales.TargetRequest{Period: month, Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华东", Sales: sales.Yuan(100), Units: 10}}}, "dsd", f.now); err != nil {
		t.Fatal(err)
	}
	if p := mm.get("/"); !p.has("分解 华东 的 " + month + " 目标") {
		t.Errorf("the MM's My work lacks the split:\n%s", p.body)
	}
	if _, err := f.store.PublishPlan(ctx, sales.PlanMonthly, month, "dsd", f.now); err != nil {
		t.Fatal(err)
	}
	if p := slt.get("/"); p.has(publish) {
		t.Errorf("the SLT is still asked to publish after publishing:\n%s", p.body)
	}
	mm1 := sales.User{ID: "mm-huadong", Role: sales.RoleFSF, Title: sales.TitleMM}
	if _, err := f.store.SplitTarget(ctx, sales.SplitRequest{Period: month, Dimension: sales.ByMarket, Key: "华东",
		Targets: []sales.SplitEntry{{Key: "um-huadong-1", Sales: sales.Yuan(100), Units: 10}}}, mm1, f.now); err != nil {
		t.Fatal(err)
	}
	if p := mm.get("/"); p.has("分解 华东") {
		t.Errorf("the MM is still asked to split a complete split:\n%s", p.body)
	}
}

// The SLT keeps the annual plan on the page: a draft only they see, its
// year's targets, then published for everyone.
func TestTheAnnualPlanIsSavedAndPublishedOnThePage(t *testing.T) {
	f := plansFixture(t)
	slt := f.browser()
	slt.signIn("dsd")
	p := slt.get("/plans?period=2027")
	csrf := p.csrf(t)
	got := slt.post("/plans/act/plan", url.Values{"csrf": {csrf}, "period": {"2027"}, "kind": {"annual"}, "plan_period": {"2027"},
		"text": {"全年销售增长15%。\n重点：华南、华中铺货。"}})
	if got.status != http.StatusSeeOther {
		t.Fatalf("saving the draft: %d\n%s", got.status, got.body)
	}
	if p := slt.get("/plans?period=2027"); !p.has("全年销售增长15%") || !p.has("草稿") {
		t.Errorf("the SLT's page lacks the draft:\n%s", p.body)
	}
	kam := f.browser()
	kam.signIn("kam-huadong-1")
	if p := kam.get("/plans?period=2027"); p.has("全年销售增长15%") {
		t.Errorf("a KAM sees the draft:\n%s", p.body)
	}
	got = slt.post("/plans/act/publish-plan", url.Values{"csrf": {csrf}, "period": {"2027"}, "kind": {"annual"}, "plan_period": {"2027"}})
	if got.status != http.StatusUnprocessableEntity || !got.has("no market has a target for 2027") {
		t.Errorf("publishing without the year's targets: %d\n%s", got.status, got.body)
	}
	if got := slt.post("/plans/act/target", url.Values{"csrf": {csrf}, "period": {"2027"}, "market": {"华东"},
		"sales": {"150000"}, "collections": {"140000"}, "units": {"6000"}}); got.status != http.StatusSeeOther {
		t.Fatalf("the year's target: %d\n%s", got.status, got.body)
	}
	if got := slt.post("/plans/act/publish-plan", url.Values{"csrf": {csrf}, "period": {"2027"}, "kind": {"annual"},
		"plan_period": {"2027"}}); got.status != http.StatusSeeOther {
		t.Fatalf("publishing the plan: %d\n%s", got.status, got.body)
	}
	if p := kam.get("/plans?period=2027"); !p.has("全年销售增长15%") || !p.has("第 1 版") {
		t.Errorf("a KAM's page lacks the published plan:\n%s", p.body)
	}
	recs, err := f.store.ListNotifications(context.Background(), sales.NotificationFilter{RecipientID: "kam-huadong-1"})
	if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Subject, "2027 年度计划已发布") {
		t.Errorf("the KAM is told %+v (%v)", recs, err)
	}
}
