package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"osb/sales"
	"osb/starter"
	"osb/worker"
	"osb/workflows"
)

// iesAPI is an API over the shared system with the information system on.
func iesAPI(t *testing.T) *api {
	t.Helper()
	sys := osb(t)
	h := starter.New(starter.Config{Store: sys.store, Orders: starter.NewTemporalOrders(sys.client),
		Policy: sales.DefaultPolicy(), Reports: starter.NewReports(sys.store, sys.client), Logger: sys.log})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &api{t: t, sys: sys, url: srv.URL}
}

// fetch GETs path as the holder of token and returns the status, content
// type and body.
func (a *api) fetch(tok, path string) (int, string, []byte) {
	a.t.Helper()
	req, err := http.NewRequest("GET", a.url+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// problemsOf lists the problems of an order.
func (a *api) problemsOf(no string) []sales.Problem {
	a.t.Helper()
	var list []sales.Problem
	a.must(200, token("ssg-lead"), "GET", "/v1/problems?order_no="+no, nil, &list)
	return list
}

func TestADisputedInvoiceFilesAProblemAndPayingItResolvesIt(t *testing.T) {
	a := iesAPI(t)
	sku := a.plainSKU()
	no := a.order("C001", sku, 4)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "顺丰速运", "waybill": "SF-IES-1", "lines": []sales.LineQty{{LineNo: 1, Quantity: 4}}}, &gi)
	a.must(200, token("ssg-lead"), "POST", "/v1/orders/"+no+"/invoices/"+gi.InvoiceNo+"/dispute",
		map[string]string{"reason": "单价与合同不符"}, nil)

	var p sales.Problem
	eventually(t, 20*time.Second, "the dispute to be filed as a problem", func() bool {
		list := a.problemsOf(no)
		if len(list) == 1 {
			p = list[0]
		}
		return len(list) == 1
	})
	if p.Source != sales.SourceDispute || p.Department != sales.DeptFinance || p.InvoiceNo != gi.InvoiceNo ||
		p.Status != sales.ProblemOpen || p.Detail != "单价与合同不符" || !sales.ValidProblemNo(p.Number) {
		t.Fatalf("problem %+v", p)
	}
	// Finance takes it; the KAM of the customer sees it, another KAM does not.
	a.must(200, token("fin1"), "PATCH", "/v1/problems/"+p.Number, map[string]string{"status": "in_progress", "owner": "fin1"}, nil)
	a.must(200, token("kam-huadong-1"), "GET", "/v1/problems/"+p.Number, nil, nil)
	a.must(403, token("kam-huanan-1"), "GET", "/v1/problems/"+p.Number, nil, nil)

	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts",
		map[string]any{"reference": "IES-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil)
	eventually(t, 20*time.Second, "paying the invoice to resolve the problem", func() bool {
		a.must(200, token("fin1"), "GET", "/v1/problems/"+p.Number, nil, &p)
		return p.Status == sales.ProblemResolved
	})
	if p.Resolution != sales.NoteInvoicePaid || p.ResolvedBy != "system" || p.Owner != "fin1" {
		t.Errorf("resolved problem %+v", p)
	}

	// The receivables record has the invoice and the receipt, as CSV and as XLSX.
	month := sales.MonthOf(time.Now())
	path := "/v1/reports/receivables?customer_id=C001&month=" + month
	status, ct, body := a.fetch(token("kam-huadong-1"), path+"&format=csv")
	if status != 200 || !strings.HasPrefix(ct, "text/csv") || !bytes.Contains(body, []byte(gi.InvoiceNo)) ||
		!bytes.Contains(body, []byte("IES-"+no)) || !bytes.Contains(body, []byte("余额(元) / Balance (yuan)")) {
		t.Fatalf("CSV %d %s:\n%s", status, ct, body)
	}
	status, ct, body = a.fetch(token("kam-huadong-1"), path+"&format=xlsx")
	if status != 200 || ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("XLSX %d %s", status, ct)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the XLSX download does not open: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("应收款记录")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || strings.Contains(strings.Join(r, " "), gi.InvoiceNo)
	}
	if !found || rows[0][0] != "客户编号 / Customer ID" {
		t.Errorf("the workbook holds %v", rows)
	}
	// Another KAM's download of the same customer is empty.
	_, _, body = a.fetch(token("kam-huanan-1"), path+"&format=csv")
	if bytes.Contains(body, []byte(gi.InvoiceNo)) {
		t.Error("a KAM of another market downloads C001's invoices")
	}
}

func TestTheMonthlyPacksRunOnTheirSchedulesAndOnDemand(t *testing.T) {
	a := iesAPI(t)
	ctx := context.Background()
	c := a.sys.client
	if err := worker.EnsureSchedules(ctx, c, worker.Schedules()); err != nil {
		t.Fatal(err)
	}
	for id, day := range map[string]int{worker.SLTPackSchedule: 5, worker.SSGPackSchedule: 8} {
		d, err := c.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
		if err != nil {
			t.Fatalf("describe %s: %v", id, err)
		}
		if len(d.Info.NextActionTimes) == 0 {
			t.Fatalf("%s has no next action", id)
		}
		for _, next := range d.Info.NextActionTimes {
			if b := next.In(sales.Beijing); b.Day() != day || b.Hour() != 9 || b.Minute() != 0 {
				t.Errorf("%s next runs at %s, want 09:00 on the %dth in Beijing", id, b, day)
			}
		}
	}
	a.must(200, token("gm"), "PUT", "/v1/focus/"+sales.MonthOf(time.Now()),
		map[string]any{"main": "回款率到95%", "secondary": []string{"华南铺货", "新品上市"}}, nil)

	// The schedule's run, triggered now, is for last month.
	last := sales.AddMonths(sales.MonthOf(time.Now()), -1)
	if err := c.ScheduleClient().GetHandle(ctx, worker.SLTPackSchedule).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var packs []sales.PackRecord
	eventually(t, 30*time.Second, "the scheduled SLT pack to be stored", func() bool {
		a.must(200, token("sd"), "GET", "/v1/packs?kind=slt&month="+last, nil, &packs)
		return len(packs) == 1
	})
	rec := packs[0]
	if !strings.HasPrefix(rec.WorkflowID, worker.SLTPackSchedule) || rec.XLSXBytes == 0 {
		t.Errorf("scheduled pack %+v", rec)
	}
	d, err := c.DescribeWorkflowExecution(ctx, rec.WorkflowID, rec.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var memoMonth string
	if f := d.WorkflowExecutionInfo.GetMemo().GetFields()["month"]; f == nil ||
		converter.GetDefaultDataConverter().FromPayload(f, &memoMonth) != nil || memoMonth != last {
		t.Errorf("the run's memo has month %q, want %s", memoMonth, last)
	}
	// A pack covers the whole company: the FSF read the scoped reports instead.
	a.must(403, token("kam-huadong-1"), "GET", fmt.Sprintf("/v1/packs/%d", rec.ID), nil, nil)
	var full sales.PackRecord
	a.must(200, token("csr1"), "GET", fmt.Sprintf("/v1/packs/%d", rec.ID), nil, &full)
	if full.Content == nil || full.Content.Month != last || full.Content.Focus == nil || full.Content.Focus.Main != "回款率到95%" {
		t.Errorf("pack content %+v", full.Content)
	}

	// The SLT asks for the SSG pack now; it replaces nothing else.
	var onDemand sales.PackRecord
	a.must(201, token("dsd"), "POST", "/v1/packs", map[string]string{"kind": "ssg"}, &onDemand)
	if onDemand.Kind != sales.PackSSG || onDemand.Month != last || onDemand.WorkflowID != workflows.MeetingPackWorkflowID(sales.PackSSG, last) {
		t.Errorf("on demand %+v", onDemand)
	}
	a.sys.saveWorkflowHistory(t, onDemand.WorkflowID, "pack-histories", "meeting_pack_on_demand")
	status, ct, body := a.fetch(token("dsd"), fmt.Sprintf("/v1/packs/%d?format=xlsx", onDemand.ID))
	if status != 200 || !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("workbook %d %s", status, ct)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); len(sheets) != 9 || sheets[0] != "销售与回款目标达成" {
		t.Errorf("pack sheets %v", sheets)
	}
	a.must(403, token("ssg-lead"), "POST", "/v1/packs", map[string]string{"kind": "ssg"}, nil)
}
