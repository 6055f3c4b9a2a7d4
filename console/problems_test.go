package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// sectionOf is a department's part of the problem log.
func sectionOf(t *testing.T, p page, dept sales.Department) string {
	t.Helper()
	i := strings.Index(p.body, `<section class="department" id="dept-`+string(dept)+`"`)
	if i < 0 {
		t.Fatalf("no %s section:\n%s", dept, p.body)
	}
	j := strings.Index(p.body[i:], "</section>")
	return p.body[i : i+j]
}

var doneProblem = regexp.MustCompile(`done=(OSB-[0-9]{4}-[0-9]{2}-[0-9]{3,})`)

func TestProblemLog(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	ssg := f.browser()
	ssg.signIn("ssg-lead")
	var number string

	t.Run("a problem filed through the form appears under its department", func(t *testing.T) {
		p := ssg.get("/problems")
		if p.status != http.StatusOK || !p.has(`action="/problems" class="action"`) || !p.has(`id="dept-sales"`) {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		p = ssg.post("/problems", url.Values{"csrf": {p.csrf(t)}, "department": {"finance"}, "title": {"对账单与发票金额不符"},
			"customer_id": {"C003"}})
		m := doneProblem.FindStringSubmatch(p.header.Get("Location"))
		if p.status != http.StatusSeeOther || m == nil {
			t.Fatalf("filing: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
		}
		number = m[1]
		p = ssg.get(p.header.Get("Location"))
		fin := sectionOf(t, p, sales.DeptFinance)
		for _, want := range []string{`id="` + number + `"`, "对账单与发票金额不符", "财务部", "未处理",
			sales.DateOf(f.now.AddDate(0, 0, sales.DefaultProblemOverdueDays)).Format(time.DateOnly)} {
			if !strings.Contains(fin, want) {
				t.Errorf("the finance section lacks %q:\n%s", want, fin)
			}
		}
		if strings.Contains(sectionOf(t, p, sales.DeptSales), number) || !p.has(`role="status"`) {
			t.Errorf("the problem is shown under sales, or not confirmed:\n%s", p.body)
		}
		if only := ssg.get("/problems?department=logistics"); only.has(number) || only.has(`id="dept-finance"`) {
			t.Errorf("the department filter keeps finance")
		}
		if resolved := ssg.get("/problems?status=resolved"); resolved.has(`id="` + number + `"`) {
			t.Errorf("the status filter keeps an open problem")
		}
	})

	t.Run("an empty title is named beside its field, with what was typed", func(t *testing.T) {
		form := ssg.get("/problems")
		p := ssg.post("/problems", url.Values{"csrf": {form.csrf(t)}, "department": {"logistics"}, "title": {" "},
			"detail": {"货车晚到三天"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="file-title-error"`) || !p.has("货车晚到三天") {
			t.Errorf("%d\n%s", p.status, p.body)
		}
	})

	t.Run("a problem is resolved through its form, with a resolution", func(t *testing.T) {
		form := ssg.get("/problems")
		p := ssg.post("/problems/"+number, url.Values{"csrf": {form.csrf(t)}, "status": {"resolved"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="res-`+number+`-error"`) {
			t.Fatalf("resolving without a resolution: %d\n%s", p.status, p.body)
		}
		p = ssg.post("/problems/"+number, url.Values{"csrf": {form.csrf(t)}, "status": {"resolved"}, "resolution": {"已重开发票"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		got, err := f.store.Problem(ctx, number)
		if err != nil || got.Status != sales.ProblemResolved || got.Resolution != "已重开发票" || got.ResolvedBy != "ssg-lead" {
			t.Errorf("the store has %+v, %v", got, err)
		}
		if fin := sectionOf(t, ssg.get("/problems"), sales.DeptFinance); !strings.Contains(fin, "已解决") || !strings.Contains(fin, "已重开发票") {
			t.Errorf("the resolved problem:\n%s", fin)
		}
	})

	t.Run("without the permission there is no form and a forged post is refused", func(t *testing.T) {
		kam := f.browser()
		p := kam.signIn("kam-huadong-1")
		log := kam.get("/problems")
		if log.status != http.StatusOK || log.has(`method="post" action="/problems`) {
			t.Fatalf("the FSF are offered forms: %d\n%s", log.status, log.body)
		}
		forged := kam.post("/problems", url.Values{"csrf": {p.csrf(t)}, "department": {"sales"}, "title": {"伪造的问题"}})
		if forged.status != http.StatusForbidden {
			t.Errorf("a forged filing: %d\n%s", forged.status, forged.body)
		}
		forged = kam.post("/problems/"+number, url.Values{"csrf": {p.csrf(t)}, "status": {"open"}})
		if forged.status != http.StatusForbidden {
			t.Errorf("a forged update: %d", forged.status)
		}
		list, err := f.store.ListProblems(ctx, sales.ProblemFilter{Scope: sales.Scope{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range list {
			if pr.Title == "伪造的问题" || (pr.Number == number && pr.Status != sales.ProblemResolved) {
				t.Errorf("a forged post changed the log: %+v", pr)
			}
		}
		logistics := f.browser()
		logistics.signIn("log1")
		page := logistics.get("/problems")
		if !page.has(`action="/problems" class="action"`) || page.has(`action="/problems/`+number) {
			t.Errorf("Logistics may file, but not update a finance problem:\n%s", page.body)
		}
		if p := logistics.post("/problems", url.Values{"csrf": {page.csrf(t)}, "department": {"finance"}, "title": {"x"}}); p.status != http.StatusForbidden {
			t.Errorf("Logistics filing for Finance: %d", p.status)
		}
	})
}

func TestMeetingPacks(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	month := sales.AddMonths(sales.MonthOf(f.now), -1)
	period, _ := sales.MonthPeriod(month)
	pack := sales.ComposePack(sales.PackSSG, period, f.now, sales.PackSections{
		DSO:      []sales.DSORow{{Market: "华东", Currency: sales.CNY, Receivables: 468000, Sales: 936000, Days: 30}},
		Problems: sales.ReviewProblems(nil, period, f.now, sales.DefaultProblemOverdueDays),
	})
	rec, err := f.store.SavePack(ctx, pack, workflows.MeetingPackWorkflowID(sales.PackSSG, month), "run-1", []byte("PK-not-really"))
	if err != nil {
		t.Fatal(err)
	}
	id := "/packs/" + strconv.FormatInt(rec.ID, 10)

	ssg := f.browser()
	home := ssg.signIn("ssg-lead")
	if !home.has(`href="/packs"`) {
		t.Errorf("the SSG have no link to the packs")
	}
	list := ssg.get("/packs")
	if list.status != http.StatusOK || !list.has(`href="`+id+`"`) || !list.has(month) || list.has(`method="post" action="/packs"`) {
		t.Errorf("the SSG's list (without the run form, which is the SLT's): %d\n%s", list.status, list.body)
	}
	p := ssg.get(id)
	if p.status != http.StatusOK || !p.has("应收账款周转天数") || !p.has("4,680.00") || !p.has(`href="`+id+`.xlsx"`) {
		t.Errorf("the pack's sections: %d\n%s", p.status, p.body)
	}
	if x := ssg.get(id + ".xlsx"); x.status != http.StatusOK || x.body != "PK-not-really" ||
		!strings.Contains(x.header.Get("Content-Disposition"), "meeting-pack-"+month+".xlsx") {
		t.Errorf("the workbook: %d %v %q", x.status, x.header, x.body)
	}
	if forged := ssg.post("/packs", url.Values{"csrf": {list.csrf(t)}, "kind": {"ssg"}}); forged.status != http.StatusForbidden {
		t.Errorf("the SSG run a pack: %d", forged.status)
	}

	kam := f.browser()
	if home := kam.signIn("kam-huadong-1"); home.has(`href="/packs"`) {
		t.Errorf("the FSF have a link to the packs")
	}
	if p := kam.get("/packs"); p.status != http.StatusForbidden {
		t.Errorf("the FSF read the packs: %d", p.status)
	}
	if p := kam.get(id); p.status != http.StatusForbidden || p.has("4,680.00") {
		t.Errorf("the FSF read a pack: %d", p.status)
	}

	slt := f.browser()
	slt.signIn("dsd")
	if p := slt.get("/packs"); !p.has(`method="post" action="/packs"`) || !p.has(`for="run-kind"`) {
		t.Errorf("the SLT are not offered to run a pack:\n%s", p.body)
	}
	if p := slt.post("/packs", url.Values{"csrf": {list.csrf(t)}, "kind": {"xyz"}}); p.status != http.StatusForbidden {
		t.Errorf("another session's token: %d", p.status)
	}
	form := slt.get("/packs")
	if p := slt.post("/packs", url.Values{"csrf": {form.csrf(t)}, "kind": {"xyz"}, "month": {"2026-13"}}); p.status != http.StatusUnprocessableEntity ||
		!p.has(`id="run-kind-error"`) || !p.has(`id="run-month-error"`) {
		t.Errorf("a bad run is named beside its fields: %d\n%s", p.status, p.body)
	}
}
