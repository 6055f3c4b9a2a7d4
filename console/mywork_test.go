package console

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// taskRow is the row of My work whose text holds marker ("" when none).
func (p page) taskRow(marker string) string {
	for _, row := range regexp.MustCompile(`(?s)<tr class="task.*?</tr>`).FindAllString(p.body, -1) {
		if strings.Contains(row, marker) {
			return row
		}
	}
	return ""
}

// wantRow fails unless the row with marker shows each of want.
func wantRow(t *testing.T, who string, p page, marker string, want ...string) {
	t.Helper()
	row := p.taskRow(marker)
	if row == "" {
		t.Errorf("%s: My work has no task %q", who, marker)
		return
	}
	for _, w := range want {
		if !strings.Contains(row, w) {
			t.Errorf("%s: the task %q lacks %q:\n%s", who, marker, w, row)
		}
	}
}

// seedWork writes, through the store, a task of every new kind.
func (f *fixture) seedWork() {
	t := f.t
	t.Helper()
	ctx := context.Background()
	hash, err := hashOnce()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SeedDemoPasswords(ctx, []string{"sd", "gm", "admin", "um-huanan-1", "kam-huadong-2"}, hash); err != nil {
		t.Fatal(err)
	}
	now := f.now
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	line := []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 100, UnitPrice: 2880}}
	order := func(no, customer, market, kam string, status sales.OrderStatus, step sales.Step) *sales.OrderSnapshot {
		return &sales.OrderSnapshot{OrderNo: no, Version: 1, CustomerID: customer, Market: market, KAMID: kam, Currency: sales.CNY,
			Total: sales.Total(line), Status: status, Step: step, CreatedBy: "ssg-lead", CreatedAt: ago(30 * sales.Day),
			UpdatedAt: now, Lines: line}
	}
	ret := func(no string, n string, by string, approver sales.Level, value sales.Fen, status sales.ReturnStatus, level sales.Level, since time.Duration) sales.Return {
		r := sales.Return{No: "RT-" + strings.TrimPrefix(no, "SO-") + "-" + n, Source: sales.ReturnByRequest, Reason: "破损",
			Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, Value: value, Approver: approver, Status: status, Level: level,
			RequestedBy: by, RequestedAt: ago(since), UpdatedAt: ago(since)}
		if status == sales.ReturnApproved {
			at := ago(since)
			r.RequestedAt, r.DecidedBy, r.DecidedAt = ago(since+sales.Day), "um-huadong-1", &at
		}
		return r
	}
	withReturns := order("SO-2026-000005", "C001", "华东", "kam-huadong-1", sales.StatusBilled, sales.BC3Receivable)
	huanan := order("SO-2026-000006", "C006", "华南", "kam-huanan-1", sales.StatusBilled, sales.BC3Receivable)
	late := order("SO-2026-000007", "C001", "华东", "kam-huadong-1", sales.StatusReleased, sales.SP1Plan)
	late.Level = sales.LevelUM
	for _, c := range []sales.OrderChanges{
		{Order: withReturns, Returns: []sales.Return{
			ret(withReturns.OrderNo, "1", "csr1", sales.LevelUM, 2880, sales.ReturnRequested, sales.LevelNone, 3*sales.Day),
			ret(withReturns.OrderNo, "2", "um-huadong-1", sales.LevelUM, 2880, sales.ReturnRequested, sales.LevelNone, 3*sales.Day),
			ret(withReturns.OrderNo, "3", "csr1", sales.LevelSLT, sales.Yuan(30_000), sales.ReturnRequested, sales.LevelSLT, 5*sales.Day),
			ret(withReturns.OrderNo, "4", "csr1", sales.LevelUM, 2880, sales.ReturnApproved, sales.LevelNone, 8*sales.Day),
		}},
		{Order: huanan, Returns: []sales.Return{ret(huanan.OrderNo, "1", "csr1", sales.LevelUM, 2880, sales.ReturnRequested, sales.LevelNone, sales.Day)}},
		{Order: late, Escalations: []sales.Escalation{{Key: late.OrderNo + "/step_overdue/SP1@1/2", OrderNo: late.OrderNo,
			CustomerID: "C001", Market: "华东", Kind: sales.EscalateStep, Subject: "SP1 late", Level: sales.LevelUM,
			Recipients: []string{"kam-huadong-1", "um-huadong-1"}, At: ago(5 * time.Hour)}}},
	} {
		if err := f.store.ApplyOrderChanges(ctx, c); err != nil {
			t.Fatalf("writing %s: %v", c.Order.OrderNo, err)
		}
	}
	for _, a := range []sales.CreditAdjustment{
		{ID: "CA-2026-000001", CustomerID: "C001", Amount: sales.Yuan(50_000), Currency: sales.CNY, Reason: "旺季", ProposedBy: "fin1",
			ProposedAt: ago(3 * sales.Day), ExpiresAt: now.Add(60 * sales.Day), Level: sales.LevelSLT},
		{ID: "CA-2026-000002", CustomerID: "C003", Amount: sales.Yuan(20_000), Currency: sales.CNY, Reason: "新店", ProposedBy: "dsd",
			ProposedAt: ago(sales.Day), ExpiresAt: now.Add(60 * sales.Day), Level: sales.LevelSLT},
	} {
		if _, err := f.store.RecordAdjustment(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.store.EscalateAdjustment(ctx, a.ID, a.Level, nil, nil); err != nil { // the first rung is asked
			t.Fatal(err)
		}
	}
	for _, r := range []sales.ProblemRequest{
		{Department: sales.DeptSales, Title: "客户投诉包装", CustomerID: "C001", Owner: "kam-huadong-1"},
		{Department: sales.DeptSales, Title: "南京客户对账", CustomerID: "C003", Owner: "kam-huadong-2"},
	} {
		if _, err := f.store.FileProblem(ctx, r.Filing(sales.Actor{UserID: "ssg-lead", Role: sales.RoleSSG}, ago(16*sales.Day))); err != nil {
			t.Fatal(err)
		}
	}
	note := sales.Notification{Key: "dead/1", OrderNo: heldOrder, RecipientID: "kam-huadong-1", Kind: "hold", Subject: "订单暂挂", At: ago(2 * time.Hour)}
	if err := f.store.AddNotifications(ctx, []sales.Notification{note}); err != nil {
		t.Fatal(err)
	}
	list, err := f.store.ListNotifications(ctx, sales.NotificationFilter{OrderNo: heldOrder})
	if err != nil || len(list) == 0 {
		t.Fatalf("notifications %v %v", list, err)
	}
	for _, n := range list {
		if n.Key == note.Key {
			if err := f.store.MarkDead(ctx, n.ID, "webhook answered 500", ago(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestMyWorkFromEverySource(t *testing.T) {
	f := newFixture(t, false)
	f.seedWork()

	t.Run("Finance confirms receipts of due and overdue invoices", func(t *testing.T) {
		p := f.browser().signIn("fin1")
		wantRow(t, "fin1", p, "INV-2026-000003-1", "确认回款", "/orders/"+overdueOrder+"#act-receipt", "10 天 0 小时", "市场经理", "¥4,680.00")
		for _, w := range []string{"RT-2026-000005", "CA-2026-000001"} {
			if p.has(w) {
				t.Errorf("fin1 sees %s", w)
			}
		}
		if l := f.browser().signIn("log1"); l.has("确认回款") {
			t.Error("Logistics sees receipts to confirm")
		}
	})

	t.Run("the customer's UM decides a return within the limit, never their own request", func(t *testing.T) {
		p := f.browser().signIn("um-huadong-1")
		wantRow(t, "um-huadong-1", p, "RT-2026-000005-1", "审批退货", "/orders/SO-2026-000005#act-return-decide-RT-2026-000005-1",
			"1 天 0 小时", "无", "¥28.80", "杭州宏达商贸有限公司")
		for _, no := range []string{"RT-2026-000005-2", "RT-2026-000005-3", "RT-2026-000006-1", "RT-2026-000005-4"} {
			if p.taskRow(no) != "" {
				t.Errorf("um-huadong-1 sees %s (own request, above the limit, another UM's customer, approved)", no)
			}
		}
		if k := f.browser().signIn("kam-huadong-1"); k.has("审批退货") {
			t.Error("the KAM decides returns")
		}
	})

	t.Run("the SLT decides returns above the limit; Logistics receives approved ones", func(t *testing.T) {
		p := f.browser().signIn("dsd")
		wantRow(t, "dsd", p, "RT-2026-000005-3", "审批退货", "2 天 0 小时", "销售领导", "¥30,000.00")
		if p.taskRow("RT-2026-000005-1") != "" {
			t.Error("the SLT sees a return the UM decides")
		}
		l := f.browser().signIn("log1")
		wantRow(t, "log1", l, "RT-2026-000005-4", "确认退货", "#act-return-receive-RT-2026-000005-4", "1 天 0 小时")
		if l.has("审批退货") {
			t.Error("Logistics decides returns")
		}
	})

	t.Run("the SLT decides credit adjustments others proposed", func(t *testing.T) {
		p := f.browser().signIn("dsd")
		wantRow(t, "dsd", p, "CA-2026-000001", "审批信用额度调整", "/customers/C001#act-decide-adjustment-CA-2026-000001",
			"1 天 0 小时", "销售领导", "¥50,000.00")
		if p.taskRow("CA-2026-000002") != "" {
			t.Error("dsd decides their own proposal")
		}
		if s := f.browser().signIn("sd"); s.taskRow("CA-2026-000002") == "" {
			t.Error("another SLT member does not see dsd's proposal")
		}
		if fin := f.browser().signIn("fin1"); fin.has("审批信用额度调整") {
			t.Error("Finance decides adjustments")
		}
	})

	t.Run("an escalation is its rung's holder's, with how late and the level", func(t *testing.T) {
		p := f.browser().signIn("um-huadong-1")
		wantRow(t, "um-huadong-1", p, "催办：步骤 SP1 已逾期", "SO-2026-000007", "5 小时", "区域经理", "#step-SP1")
		if k := f.browser().signIn("kam-huadong-1"); k.has("催办") {
			t.Error("the KAM, copied, sees the UM's rung as theirs")
		}
		if o := f.browser().signIn("um-huanan-1"); o.has("SO-2026-000007") {
			t.Error("another UM sees the escalation")
		}
	})

	t.Run("problems are their owner's, due when the meeting counts them overdue", func(t *testing.T) {
		p := f.browser().signIn("kam-huadong-1")
		wantRow(t, "kam-huadong-1", p, "客户投诉包装", "处理问题 OSB-", "/problems#OSB-", "2 天 0 小时", "杭州宏达商贸有限公司")
		if p.has("南京客户对账") {
			t.Error("a KAM sees another KAM's problem")
		}
	})

	t.Run("dead letters for those who may retry them", func(t *testing.T) {
		p := f.browser().signIn("admin")
		wantRow(t, "admin", p, "订单暂挂", "kam-huadong-1", "1 小时", heldOrder)
		if d := f.browser().signIn("dsd"); d.has("订单暂挂") {
			t.Error("the SLT sees dead letters")
		}
	})

	t.Run("held orders of the viewer's markets first, others' as backup", func(t *testing.T) {
		d := f.browser().signIn("dsd") // oversees 华东
		if row := d.taskRow(heldOrder); row == "" || strings.Contains(row, "is-backup") {
			t.Errorf("dsd's own market's held order: %q", row)
		}
		s := f.browser().signIn("sd")
		wantRow(t, "sd", s, heldOrder, "is-backup", "其他销售领导负责的市场", "#act-decide")
	})

	t.Run("a count per kind, and one kind at a time", func(t *testing.T) {
		b := f.browser()
		p := b.signIn("dsd")
		for _, w := range []string{`href="/?kind=held"`, "暂挂待批（1）", "信用额度调整（1）", "退货审批（1）", "全部（3）"} {
			if !p.has(w) {
				t.Errorf("counts lack %q", w)
			}
		}
		one := b.get("/?kind=adjustment")
		if one.taskRow("CA-2026-000001") == "" || one.taskRow(heldOrder) != "" || !one.has(`aria-current="page">信用额度调整（1）`) {
			t.Errorf("?kind=adjustment:\n%s", one.body)
		}
		if none := b.get("/?kind=dead_letter"); !none.has("目前没有这一类需要您处理的事项") {
			t.Error("an empty kind says nothing waits")
		}
	})

	t.Run("a failing source leaves the others shown", func(t *testing.T) {
		h := New(Config{Store: f.store, API: f.api, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Tasks: append([]TaskSource{failingSource{}}, DefaultTasks(f.store, Policies{})...), Now: f.clock.now})
		g := *f
		g.srv = httptest.NewServer(h)
		defer g.srv.Close()
		p := g.browser().signIn("dsd")
		if !p.has("部分事项暂时无法读取") || p.taskRow(heldOrder) == "" || p.taskRow("CA-2026-000001") == "" {
			t.Errorf("with a failing source:\n%s", p.body)
		}
	})
}

// failingSource is a kind of work that cannot be read.
type failingSource struct{}

func (failingSource) Tasks(context.Context, Viewer, time.Time) ([]Task, error) {
	return nil, errors.New("the source is down")
}
