package console

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"osb/export"
	"osb/sales"
)

// svgOf is the first chart of a page.
func svgOf(t *testing.T, p page) string {
	t.Helper()
	i, j := strings.Index(p.body, "<svg"), strings.Index(p.body, "</svg>")
	if i < 0 || j < i {
		t.Fatalf("no chart in the page:\n%s", p.body)
	}
	return p.body[i : j+len("</svg>")]
}

var rectTitle = regexp.MustCompile(`<rect class="(s\d|target)"[^>]*><title>([^<]*)</title></rect>`)

// segments are a chart's bars and segments: their titles by class.
func segments(svg string) map[string]string {
	out := map[string]string{}
	for _, m := range rectTitle.FindAllStringSubmatch(svg, -1) {
		out[m[2]] = m[1]
	}
	return out
}

func TestReportPages(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	ssg := f.browser()
	ssg.signIn("ssg-lead")

	t.Run("the ageing chart's bars are the store's ageing by market", func(t *testing.T) {
		rows, err := f.store.Ageing(ctx, sales.ReportFilter{Scope: sales.Scope{All: true}, AsOf: f.now}, "market")
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rows, func(r sales.AgeingRow) bool { return r.Key == "华东" })
		if i < 0 || rows[i].Days1To30 != sales.Total([]sales.Line{{Quantity: 100, UnitPrice: 2880}, {Quantity: 40, UnitPrice: 4500}}) {
			t.Fatalf("the store's ageing lacks C003's invoice, 10 days overdue, in 华东: %+v", rows)
		}
		p := ssg.get("/reports/ageing")
		if p.status != http.StatusOK {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		svg := svgOf(t, p)
		got := segments(svg)
		bands := []struct {
			name string
			fen  sales.Fen
		}{{"未到期", rows[i].NotDue}, {"逾期 1–30 天", rows[i].Days1To30}, {"逾期 31–60 天", rows[i].Days31To60},
			{"逾期 61–90 天", rows[i].Days61To90}, {"逾期 90 天以上", rows[i].Over90}}
		for n, b := range bands {
			title := "华东 · " + b.name + ": " + money(b.fen, sales.CNY)
			class, drawn := got[title]
			switch {
			case b.fen > 0 && (!drawn || class != "s"+string(rune('0'+n))):
				t.Errorf("no %s segment %q in %v", "s"+string(rune('0'+n)), title, got)
			case b.fen == 0 && drawn:
				t.Errorf("an empty band is drawn: %q", title)
			}
		}
		if len(got) != drawnBands(rows) {
			t.Errorf("segments %v do not match the store's rows %+v", got, rows)
		}
		if !strings.Contains(svg, `>¥4,680.00</text>`) {
			t.Errorf("the bar's total is not written at its end:\n%s", svg)
		}
		if !p.has("<td>华东</td>") || !p.has(`<td class="num">4,680.00</td>`) {
			t.Errorf("the table under the chart lacks the row:\n%s", p.body)
		}
	})

	t.Run("a chart is an image with a title and an accessible name", func(t *testing.T) {
		svg := svgOf(t, ssg.get("/reports/ageing"))
		for _, want := range []string{`role="img"`, `aria-label="应收账龄（按市场，截至今天）"`, `<title>应收账龄（按市场，截至今天）</title>`} {
			if !strings.Contains(svg, want) {
				t.Errorf("the chart lacks %s:\n%s", want, svg)
			}
		}
		if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
			t.Errorf("the chart carries what the CSP forbids:\n%s", svg)
		}
		en := ssg.get("/reports/ageing?lang=en")
		if !strings.Contains(svgOf(t, en), `aria-label="Receivables ageing by Market, as of today"`) {
			t.Errorf("the English chart is not named in English:\n%s", svgOf(t, en))
		}
		ssg.get("/?lang=zh-CN")
	})

	t.Run("every report has a chart, a table and its downloads", func(t *testing.T) {
		for _, rp := range reports {
			p := ssg.get("/reports/" + rp.Name)
			if p.status != http.StatusOK || !p.has(`role="img"`) || !p.has(`href="/reports/`+rp.Name+`.csv?`) ||
				!p.has(`href="/reports/`+rp.Name+`.xlsx?`) {
				t.Errorf("%s: %d\n%s", rp.Name, p.status, p.body)
			}
		}
		idx := ssg.get("/reports")
		for _, rp := range reports {
			if !idx.has(`href="/reports/` + rp.Name + `"`) {
				t.Errorf("the index lacks %s", rp.Name)
			}
		}
		if !idx.has(`href="/packs"`) {
			t.Errorf("the SSG's index does not link the meeting packs")
		}
	})

	t.Run("the CSV download is the API's, with the rows", func(t *testing.T) {
		p := ssg.get("/reports/ageing.csv?group_by=customer")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != export.CSVType ||
			!strings.HasPrefix(p.header.Get("Content-Disposition"), `attachment; filename="ageing-by-customer-`) {
			t.Fatalf("%d %v\n%s", p.status, p.header, p.body)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			found = found || (len(r) > 5 && r[0] == "C003" && r[5] == "4680.00")
		}
		if !found {
			t.Errorf("C003's 4680.00 overdue 1–30 days is not in the CSV:\n%s", p.body)
		}
		if q := ssg.get("/reports/ageing?format=csv"); q.status != http.StatusOK || q.header.Get("Content-Type") != export.CSVType {
			t.Errorf("?format=csv: %d %v", q.status, q.header)
		}
	})

	t.Run("the XLSX download opens with the rows", func(t *testing.T) {
		p := ssg.get("/reports/credit-ratings.xlsx")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != export.XLSXType ||
			!strings.Contains(p.header.Get("Content-Disposition"), `.xlsx"`) {
			t.Fatalf("%d %v", p.status, p.header)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(p.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows {
			if len(r) > 0 {
				ids = append(ids, r[0])
			}
		}
		for _, id := range []string{"C001", "C003", "C006"} {
			if !slices.Contains(ids, id) {
				t.Errorf("the workbook lacks %s: %v", id, ids)
			}
		}
	})

	t.Run("the FSF see only their customers, in pages and downloads", func(t *testing.T) {
		kam := f.browser()
		kam.signIn("kam-huadong-1")
		mine, err := f.store.Customer(ctx, "C001")
		if err != nil {
			t.Fatal(err)
		}
		others := map[string]string{}
		for _, id := range []string{"C003", "C006"} {
			c, err := f.store.Customer(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			others[id] = c.Name
		}
		p := kam.get("/reports/credit-ratings")
		if p.status != http.StatusOK || !p.has(mine.Name) {
			t.Fatalf("%d: own customer %s missing\n%s", p.status, mine.Name, p.body)
		}
		for id, name := range others {
			if p.has(name) || p.has(">"+id+"<") {
				t.Errorf("the FSF sees %s %s", id, name)
			}
		}
		if p := kam.get("/reports/ageing?group_by=customer"); p.has(others["C003"]) || len(segments(svgOf(t, p))) != 0 {
			t.Errorf("the FSF sees another KAM's overdue invoice:\n%s", svgOf(t, p))
		}
		if csv := kam.get("/reports/credit-ratings.csv"); csv.status != http.StatusOK || !strings.Contains(csv.body, "C001") ||
			strings.Contains(csv.body, "C003") || strings.Contains(csv.body, "C006") {
			t.Errorf("the FSF's download is not scoped:\n%s", csv.body)
		}
		if p := kam.get("/reports"); p.has(`href="/packs"`) {
			t.Errorf("the FSF are offered meeting packs")
		}
	})

	t.Run("a filter the API refuses is named beside its field", func(t *testing.T) {
		p := ssg.get("/reports/dso?month=2026-13")
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="f-month-error"`) || !p.has(`value="2026-13"`) || p.has("<svg") {
			t.Errorf("%d\n%s", p.status, p.body)
		}
		if p := ssg.get("/reports/dso.csv?month=2026-13"); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a refused download: %d", p.status)
		}
		if p := ssg.get("/reports/nothing"); p.status != http.StatusNotFound {
			t.Errorf("an unknown report: %d", p.status)
		}
	})
}

// drawnBands is how many segments the ageing of rows draws: its bands
// that are not empty.
func drawnBands(rows []sales.AgeingRow) int {
	n := 0
	for _, r := range rows {
		for _, v := range []sales.Fen{r.NotDue, r.Days1To30, r.Days31To60, r.Days61To90, r.Over90} {
			if v > 0 {
				n++
			}
		}
	}
	return n
}
