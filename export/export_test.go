package export

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"osb/sales"
)

func table() sales.Table {
	pct := 43.75
	at := time.Date(2026, 3, 31, 17, 30, 0, 0, time.UTC) // 1 April 01:30 in Beijing
	return sales.Table{Name: "测试", English: "Test", Columns: []sales.Column{
		{Local: "客户", English: "Customer", Kind: sales.Text},
		{Local: "金额", English: "Amount", Kind: sales.Money},
		{Local: "比例", English: "Share", Kind: sales.Decimal},
		{Local: "天数", English: "Days", Kind: sales.Integer},
		{Local: "日期", English: "Day", Kind: sales.Date},
		{Local: "时间", English: "When", Kind: sales.DateTime},
		{Local: "冻结", English: "Frozen", Kind: sales.YesNo},
	}, Rows: [][]any{
		{`上海"锦程", 贸易`, sales.Fen(-123456), &pct, 91, at, &at, true},
		{"空", sales.Fen(5), (*float64)(nil), int64(0), (*time.Time)(nil), time.Time{}, false},
	}}
}

func TestCSVHasABOMTitlesInBothLanguagesAndYuan(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, table()); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF客户 / Customer,金额 / Amount,比例 / Share,天数 / Days,日期 / Day,时间 / When,冻结 / Frozen\n" +
		"\"上海\"\"锦程\"\", 贸易\",-1234.56,43.8,91,2026-04-01,2026-04-01 01:30,是\n" +
		"空,0.05,,0,,,否\n"
	if buf.String() != want {
		t.Errorf("CSV\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestXLSXWritesNumbersAsNumbersAndNamesSheetsOnce(t *testing.T) {
	second := table()
	second.Name = "很长的名字[一]:里面有不能用的字符*以及更多更多更多更多的字"
	b, err := XLSX(table(), table(), second)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 || sheets[0] != "测试" || sheets[1] != "测试(2)" || len([]rune(sheets[2])) > 31 {
		t.Fatalf("sheets %q", sheets)
	}
	rows, err := f.GetRows("测试")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0][:2], []string{"客户 / Customer", "金额 / Amount"}) || rows[1][0] != `上海"锦程", 贸易` {
		t.Errorf("rows %q", rows)
	}
	for cell, want := range map[string]string{"B2": "-1234.56", "C2": "43.8", "D2": "91", "B3": "0.05"} {
		v, _ := f.GetCellValue("测试", cell, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("测试", cell)
		if v != want || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Errorf("%s holds %q of type %v, want the number %s", cell, v, typ, want)
		}
	}
	if v, _ := f.GetCellValue("测试", "C3"); v != "" {
		t.Errorf("a missing ratio is written as %q", v)
	}
	panes, err := f.GetPanes("测试")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the heading row is not frozen: %+v (%v)", panes, err)
	}
}

// A text cell a spreadsheet would run as a formula is quoted; numbers, the
// amounts a spreadsheet must sum, are not, whatever their sign.
func TestCSVQuotesCellsThatWouldRunAsFormulas(t *testing.T) {
	tbl := sales.Table{Name: "注入", English: "Injection", Columns: []sales.Column{
		{Local: "客户", English: "Customer", Kind: sales.Text},
		{Local: "金额", English: "Amount", Kind: sales.Money},
	}}
	cases := []struct{ text, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+86 21 5555 0101", "'+86 21 5555 0101"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-Inf", "'-Inf"},
		{"-42", "-42"},             // a plain number in a text column stays a number
		{"+7.5", "+7.5"},           // so does a signed decimal
		{"上海=锦程", "上海=锦程"},         // only the first character counts
		{"'=already", "'=already"}, // quoted by someone already: left alone
		{"", ""},
	}
	for _, c := range cases {
		tbl.Rows = append(tbl.Rows, []any{c.text, sales.Fen(-123456)})
	}
	var buf bytes.Buffer
	if err := CSV(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got := records[i+1]
		if got[0] != c.want {
			t.Errorf("%q written as %q, want %q", c.text, got[0], c.want)
		}
		if got[1] != "-1234.56" {
			t.Errorf("the amount beside %q written as %q, want the number -1234.56", c.text, got[1])
		}
	}
}

// In a workbook a text that looks like a formula is a string cell, never a
// formula: nothing to quote there.
func TestXLSXWritesFormulaLikeTextAsText(t *testing.T) {
	tbl := sales.Table{Name: "注入", English: "Injection", Columns: []sales.Column{{Local: "客户", English: "Customer", Kind: sales.Text}},
		Rows: [][]any{{"=1+1"}}}
	b, err := XLSX(tbl)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	formula, _ := f.GetCellFormula("注入", "A2")
	v, _ := f.GetCellValue("注入", "A2")
	if formula != "" || v != "=1+1" {
		t.Errorf("A2 holds %q with formula %q, want the text =1+1", v, formula)
	}
}
