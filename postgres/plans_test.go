package postgres_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"osb/postgres"
	"osb/sales"
)

var (
	mmHuadong  = sales.User{ID: "mm-huadong", Role: sales.RoleFSF, Title: sales.TitleMM, Market: "华东"}
	mmHuanan   = sales.User{ID: "mm-huanan", Role: sales.RoleFSF, Title: sales.TitleMM, Market: "华南"}
	umHuadong1 = sales.User{ID: "um-huadong-1", Role: sales.RoleFSF, Title: sales.TitleUM, Market: "华东"}
	kamHuadong = sales.User{ID: "kam-huadong-1", Role: sales.RoleFSF, Title: sales.TitleKAM, Market: "华东"}
)

// setMarketTargets sets the December targets of 华东 (10,000 yuan of sales,
// 8,000 of collections, 500 units) and 华南.
func setMarketTargets(t *testing.T, st *postgres.Store) {
	t.Helper()
	y := sales.Yuan
	if _, err := st.SetTargets(testContext(t), sales.TargetRequest{Period: "2026-12", Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华东", Sales: y(10000), Collections: y(8000), Units: 500},
		{Dimension: sales.ByMarket, Key: "华南", Sales: y(6000), Collections: y(5000), Units: 300},
	}}, "sd", d26(12, 4)); err != nil {
		t.Fatal(err)
	}
}

func fieldMessages(err error) string {
	var b strings.Builder
	if e, ok := err.(*sales.Error); ok {
		for _, f := range e.Fields {
			b.WriteString(f.Field + ": " + f.Message + "\n")
		}
	}
	return b.String()
}

func TestATargetIsSplitDownByItsOwnerWithTheSumsChecked(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	y := sales.Yuan
	setMarketTargets(t, st)

	// The MM's shares add up to 9,000 yuan, not the market's 10,000: refused,
	// naming both figures; nothing is written.
	split := sales.SplitRequest{Period: "2026-12", Dimension: sales.ByMarket, Key: "华东", Targets: []sales.SplitEntry{
		{Key: "um-huadong-1", Sales: y(6000), Collections: y(5000), Units: 300},
		{Key: "um-huadong-2", Sales: y(3000), Collections: y(3000), Units: 200},
	}}
	_, err := st.SplitTarget(ctx, split, mmHuadong, d26(12, 6))
	wantCode(t, err, sales.ErrInvalid)
	if msg := fieldMessages(err); !strings.Contains(msg, "targets.sales_fen: the shares add up to 9000.00 CNY") ||
		!strings.Contains(msg, "is 10000.00 CNY") || strings.Contains(msg, "collections") || strings.Contains(msg, "units") {
		t.Errorf("the refusal says:\n%s", msg)
	}
	if list, _ := st.Targets(ctx, "2026-12", everyone); len(list) != 2 {
		t.Errorf("a refused split wrote %+v", list)
	}

	// Only the market's own MM splits it; only UMs under that MM are children.
	split.Targets[1].Sales = y(4000)
	_, err = st.SplitTarget(ctx, split, mmHuanan, d26(12, 6))
	wantCode(t, err, sales.ErrForbidden)
	wrong := split
	wrong.Targets = []sales.SplitEntry{split.Targets[0], {Key: "um-huanan-1", Sales: y(4000), Collections: y(3000), Units: 200}}
	_, err = st.SplitTarget(ctx, wrong, mmHuadong, d26(12, 6))
	if wantCode(t, err, sales.ErrInvalid); !strings.Contains(fieldMessages(err), "targets[1].key: um-huanan-1 is not one of the ums of market 华东") {
		t.Errorf("the refusal says:\n%s", fieldMessages(err))
	}

	v, err := st.SplitTarget(ctx, split, mmHuadong, d26(12, 6))
	if err != nil {
		t.Fatal(err)
	}
	if v.State != sales.SplitComplete || len(v.Children) != 2 || v.Sum.Sales != y(10000) || v.Sum.Units != 500 ||
		v.ParentName != "华东" || v.Children[0].Name != "曹俊" {
		t.Errorf("the split %+v", v)
	}

	// A UM splits their own target among their KAMs, not a colleague's; a
	// UM's split that leaves out a KAM keeps nothing of that KAM's target.
	kams := sales.SplitRequest{Period: "2026-12", Dimension: sales.ByUM, Key: "um-huadong-1", Targets: []sales.SplitEntry{
		{Key: "kam-huadong-1", Sales: y(4000), Collections: y(3000), Units: 200},
		{Key: "kam-huadong-2", Sales: y(2000), Collections: y(2000), Units: 100},
	}}
	_, err = st.SplitTarget(ctx, kams, sales.User{ID: "um-huadong-2", Role: sales.RoleFSF, Title: sales.TitleUM}, d26(12, 6))
	wantCode(t, err, sales.ErrForbidden)
	if _, err := st.SplitTarget(ctx, kams, umHuadong1, d26(12, 6)); err != nil {
		t.Fatal(err)
	}
	// The KAM splits part of theirs to C001 and C002 with units short: refused.
	dist := sales.SplitRequest{Period: "2026-12", Dimension: sales.ByKAM, Key: "kam-huadong-1", Targets: []sales.SplitEntry{
		{Key: "C001", Sales: y(2500), Collections: y(2000), Units: 100},
		{Key: "C002", Sales: y(1500), Collections: y(1000), Units: 90},
	}}
	_, err = st.SplitTarget(ctx, dist, kamHuadong, d26(12, 7))
	if wantCode(t, err, sales.ErrInvalid); !strings.Contains(fieldMessages(err), "targets.units: the shares add up to 190 units") {
		t.Errorf("the refusal says:\n%s", fieldMessages(err))
	}
	dist.Targets[1].Units = 100
	if _, err := st.SplitTarget(ctx, dist, kamHuadong, d26(12, 7)); err != nil {
		t.Fatal(err)
	}

	// The SLT raises 华东's target after the split: the split is incomplete
	// now, and the report says so at the market, complete below.
	if _, err := st.SetTargets(ctx, sales.TargetRequest{Period: "2026-12", Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华东", Sales: y(12000), Collections: y(8000), Units: 500}}}, "sd", d26(12, 8)); err != nil {
		t.Fatal(err)
	}
	mine, err := st.SplitsOf(ctx, "2026-12", mmHuadong)
	if err != nil || len(mine) != 1 || mine[0].State != sales.SplitIncomplete || mine[0].Parent.Sales != y(12000) {
		t.Errorf("the MM's splits %+v (%v)", mine, err)
	}
	rows, err := st.TargetReport(ctx, "2026-12", everyone)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]sales.SplitState{}
	for _, r := range rows {
		state[string(r.Dimension)+":"+r.Key] = r.Split
	}
	want := map[string]sales.SplitState{
		"market:华东": sales.SplitIncomplete, "market:华南": sales.SplitNone, "mm:mm-huadong": "", "mm:mm-huanan": "",
		"um:um-huadong-1": sales.SplitComplete, "um:um-huadong-2": sales.SplitNone,
		"kam:kam-huadong-1": sales.SplitComplete, "kam:kam-huadong-2": sales.SplitNone,
		"distributor:C001": "", "distributor:C002": "",
	}
	if !reflect.DeepEqual(state, want) {
		t.Errorf("split states %v,\n want %v", state, want)
	}
	// The MM's target is the sum of their markets' when none is set for them.
	if i := slices.IndexFunc(rows, func(r sales.TargetRow) bool { return r.Key == "mm-huadong" }); i < 0 ||
		rows[i].SalesTarget != y(12000) || rows[i].UnitsTarget != 500 {
		t.Errorf("the MM's row %+v", rows)
	}

	// A KAM sees their own split and, in the report, their distributors.
	kamScope := sales.Scope{KAMIDs: []string{"kam-huadong-1"}}
	got, err := st.TargetReport(ctx, "2026-12", kamScope)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range got {
		keys = append(keys, string(r.Dimension)+":"+r.Key)
	}
	if want := []string{"kam:kam-huadong-1", "distributor:C001", "distributor:C002"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("the KAM's report %v, want %v", keys, want)
	}
	targets, err := st.Targets(ctx, "2026-12", kamScope)
	if err != nil || len(targets) != 3 {
		t.Errorf("the KAM's targets %+v (%v)", targets, err)
	}

	// A quarter without targets of its own is the sum of its months'.
	q, err := st.TargetReport(ctx, "2026-Q4", everyone)
	if err != nil || len(q) == 0 || q[0].Key != "华东" || q[0].SalesTarget != y(12000) {
		t.Errorf("Q4 %+v (%v)", q, err)
	}
	if _, err := st.TargetReport(ctx, "2026-Q5", everyone); sales.ErrorCode(err) != sales.ErrInvalid {
		t.Errorf("Q5: %v", err)
	}
}

func TestPublishingAMonthFreezesItAndNotifiesEachMarketOnce(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)

	_, err := st.PublishPlan(ctx, sales.PlanMonthly, "2026-12", "sd", d26(12, 6))
	if wantCode(t, err, sales.ErrInvalid); !strings.Contains(fieldMessages(err), "no market has a target for 2026-12") {
		t.Errorf("publishing nothing: %v", err)
	}
	setMarketTargets(t, st)
	if _, err := st.SetFocus(ctx, "2026-12", sales.FocusRequest{Market: "华东", Main: "年末回款", Secondary: []string{"春节备货", "新品铺货"}},
		"sd", d26(12, 5)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetFocus(ctx, "2026-12", sales.FocusRequest{Market: "火星", Main: "x", Secondary: []string{"y", "z"}},
		"sd", d26(12, 5)); sales.ErrorCode(err) != sales.ErrInvalid {
		t.Errorf("focus of an unknown market: %v", err)
	}
	// The department's focus, which the SLT meeting pack reads, stays apart.
	if _, err := st.SetFocus(ctx, "2026-12", sales.FocusRequest{Main: "回款率95%", Secondary: []string{"铺货", "新品"}}, "gm", d26(12, 5)); err != nil {
		t.Fatal(err)
	}
	if f, err := st.Focus(ctx, "2026-12"); err != nil || f.Main != "回款率95%" || f.Market != "" {
		t.Errorf("the department's focus %+v (%v)", f, err)
	}

	preview, err := st.PlanPreview(ctx, sales.PlanMonthly, "2026-12")
	if err != nil || len(preview.Markets) == 0 || preview.Focus == nil {
		t.Fatalf("the preview %+v (%v)", preview, err)
	}
	if n, _ := st.ListNotifications(ctx, sales.NotificationFilter{RecipientID: "kam-huadong-1"}); len(n) != 0 {
		t.Errorf("a preview told someone: %+v", n)
	}
	pub, err := st.PublishPlan(ctx, sales.PlanMonthly, "2026-12", "sd", d26(12, 6))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*pub.Plan.Figures, preview) {
		t.Errorf("published %+v,\n previewed %+v", *pub.Plan.Figures, preview)
	}
	if !pub.Changed || pub.Plan.Version != 1 || pub.Plan.PublishedBy != "sd" || pub.Plan.Figures == nil {
		t.Fatalf("the publication %+v", pub)
	}
	var huadong sales.PlanMarket
	for _, m := range pub.Plan.Figures.Markets {
		if m.Market == "华东" {
			huadong = m
		}
	}
	if huadong.Target == nil || huadong.Target.Sales != sales.Yuan(10000) || huadong.Focus == nil || huadong.Focus.Main != "年末回款" ||
		!slices.Contains(huadong.Notify, "mm-huadong") || !slices.Contains(huadong.Notify, "kam-huadong-3") ||
		slices.Contains(huadong.Notify, "kam-huanan-1") {
		t.Errorf("华东 published as %+v", huadong)
	}
	byRecipient := map[string]sales.Notification{}
	for _, n := range pub.Notifications {
		byRecipient[n.RecipientID] = n
	}
	if n, ok := byRecipient["kam-huadong-1"]; !ok || !strings.Contains(n.Body, "华东: 销售 sales 10000.00 CNY") ||
		strings.Contains(n.Body, "华南") || !strings.Contains(n.Body, "年末回款") || n.Key != "plan/monthly/2026-12/v1/kam-huadong-1" {
		t.Errorf("the KAM is told %+v", n)
	}
	ssg := 0
	for id := range byRecipient {
		if strings.HasPrefix(id, "ssg") || strings.HasPrefix(id, "csr") {
			ssg++
		}
	}
	if ssg == 0 {
		t.Errorf("no one of the SSG is told: %v", pub.Notifications)
	}
	stored, err := st.ListNotifications(ctx, sales.NotificationFilter{RecipientID: "kam-huadong-1"})
	if err != nil || len(stored) != 1 || stored[0].Kind != sales.NotificationPlanPublished {
		t.Errorf("the outbox holds %+v (%v)", stored, err)
	}

	// The same content again: nothing new, nobody told twice.
	again, err := st.PublishPlan(ctx, sales.PlanMonthly, "2026-12", "gm", d26(12, 7))
	if err != nil || again.Changed || again.Plan.Version != 1 || len(again.Notifications) != 0 || again.Plan.PublishedBy != "sd" {
		t.Errorf("published again %+v (%v)", again, err)
	}
	if stored, _ := st.ListNotifications(ctx, sales.NotificationFilter{RecipientID: "kam-huadong-1"}); len(stored) != 1 {
		t.Errorf("after publishing twice the KAM has %d notifications", len(stored))
	}

	// A change of a figure after publishing does not touch what was
	// published; publishing it is version 2 and tells everyone again.
	if _, err := st.SetTargets(ctx, sales.TargetRequest{Period: "2026-12", Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华南", Sales: sales.Yuan(7000), Collections: sales.Yuan(5000), Units: 300}}}, "sd", d26(12, 8)); err != nil {
		t.Fatal(err)
	}
	if p, err := st.Plan(ctx, sales.PlanMonthly, "2026-12"); err != nil || p.Version != 1 {
		t.Errorf("the plan before republishing %+v (%v)", p, err)
	}
	third, err := st.PublishPlan(ctx, sales.PlanMonthly, "2026-12", "sd", d26(12, 8))
	if err != nil || !third.Changed || third.Plan.Version != 2 {
		t.Fatalf("republished %+v (%v)", third, err)
	}
	if stored, _ := st.ListNotifications(ctx, sales.NotificationFilter{RecipientID: "kam-huadong-1"}); len(stored) != 2 {
		t.Errorf("after a changed publication the KAM has %d notifications, want 2", len(stored))
	}
}

func TestTheAnnualAndQuarterlyPlansAreKeptWithTheirText(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	if _, err := st.Plan(ctx, sales.PlanAnnual, "2027"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("a plan never saved: %v", err)
	}
	if _, err := st.SavePlan(ctx, sales.PlanQuarterly, "2027", sales.PlanDraft{Text: "x"}, "sd", d26(12, 1)); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("a quarterly plan for a year: %v", err)
	}
	draft, err := st.SavePlan(ctx, sales.PlanAnnual, "2027", sales.PlanDraft{Text: "  全年销售增长15%，回款率95%。\n重点：华南、华中铺货。 "}, "gm", d26(12, 20))
	if err != nil || draft.Version != 0 || draft.Figures != nil || draft.Text != "全年销售增长15%，回款率95%。\n重点：华南、华中铺货。" {
		t.Fatalf("the draft %+v (%v)", draft, err)
	}
	if _, err := st.SetTargets(ctx, sales.TargetRequest{Period: "2027", Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华东", Sales: sales.Yuan(150000), Collections: sales.Yuan(140000), Units: 6000}}}, "gm", d26(12, 20)); err != nil {
		t.Fatal(err)
	}
	pub, err := st.PublishPlan(ctx, sales.PlanAnnual, "2027", "gm", d26(12, 21))
	if err != nil || pub.Plan.Figures == nil || pub.Plan.Figures.Text != draft.Text || pub.Plan.Figures.Focus != nil {
		t.Fatalf("published %+v (%v)", pub, err)
	}
	if _, err := st.SavePlan(ctx, sales.PlanQuarterly, "2027-Q1", sales.PlanDraft{Text: "一季度：春节备货"}, "sd", d26(12, 22)); err != nil {
		t.Fatal(err)
	}
	// Editing the text after publishing keeps what was published.
	if p, err := st.SavePlan(ctx, sales.PlanAnnual, "2027", sales.PlanDraft{Text: "修订中"}, "gm", d26(12, 23)); err != nil ||
		p.Figures == nil || p.Figures.Text != draft.Text || p.Text != "修订中" {
		t.Errorf("edited after publishing %+v (%v)", p, err)
	}
	list, err := st.ListPlans(ctx, "2027")
	if err != nil || len(list) != 2 || list[0].Kind != sales.PlanAnnual || list[1].Period != "2027-Q1" {
		t.Errorf("the plans of 2027 %+v (%v)", list, err)
	}
}
