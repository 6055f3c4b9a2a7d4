// Package export writes OSB's report tables as the downloads people open in a
// spreadsheet: CSV (UTF-8 with a byte order mark, so Excel reads the Chinese
// titles) and XLSX workbooks with one sheet per table. Money is written in
// yuan from its integer fen, never through a float.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"osb/sales"
)

// Content types of the downloads.
const (
	CSVType  = "text/csv; charset=utf-8"
	XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// bom makes Excel read a CSV file as UTF-8.
const bom = "\uFEFF"

// CSV writes t as CSV: one heading row ("客户名称 / Customer"), then the rows.
func CSV(w io.Writer, t sales.Table) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Title()
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			rec[i] = defuse(Text(c.Kind, value(row, i)))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStart are the characters that make a spreadsheet opening a CSV file
// read a cell as a formula (=, +, -, @), and tab and carriage return, which
// can hide one behind them.
const formulaStart = "=+-@\t\r"

// plainNumber is a number as OSB writes amounts, counts and ratios.
var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// defuse neutralises a CSV cell against formula injection: a cell that
// starts with one of formulaStart gets a leading single quote, so Excel,
// LibreOffice and Google Sheets show it as the text it is instead of running
// it (a customer named "=HYPERLINK(…)", a note "+86 21 5555 0101"). A plain
// number is left as it is, whatever its column: "-1234.56" is the number a
// spreadsheet reads, never a formula, and quoting it would turn amounts
// into text that no longer sums. Only text is ever quoted. XLSX needs none
// of this: its text cells are strings, never formulas, and its amounts are
// numbers.
func defuse(cell string) string {
	if cell == "" || !strings.ContainsRune(formulaStart, rune(cell[0])) || plainNumber.MatchString(cell) {
		return cell
	}
	return "'" + cell
}

func value(row []any, i int) any {
	if i < len(row) {
		return row[i]
	}
	return nil
}

// Text formats v as a value of a column of kind: yuan with two decimals for
// money, one decimal for ratios, days and minutes in Beijing time, "" for
// what is missing.
func Text(kind sales.ColumnKind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case sales.Fen:
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "是"
		}
		return "否"
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', 1, 64)
	case *time.Time:
		if x == nil {
			return ""
		}
		return Text(kind, *x)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		if kind == sales.DateTime {
			return x.In(sales.Beijing).Format("2006-01-02 15:04")
		}
		return x.In(sales.Beijing).Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// XLSX returns a workbook with one sheet per table, named after it: a bold
// heading row that stays in view, then the rows; amounts, counts and ratios
// are numbers a spreadsheet can sum.
func XLSX(tables ...sales.Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for i, t := range tables {
		name := sheetName(t.Name, used)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return nil, fmt.Errorf("export: sheet %s: %w", name, err)
		}
		if err := writeSheet(f, name, t, styles); err != nil {
			return nil, fmt.Errorf("export: sheet %s: %w", name, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("export: write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// styles are the cell styles of a workbook.
type styles struct {
	head, money, decimal, integer int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	oneDecimal := "0.0"
	for _, x := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{&s.money, excelize.Style{NumFmt: 4}}, // #,##0.00
		{&s.decimal, excelize.Style{CustomNumFmt: &oneDecimal}},
		{&s.integer, excelize.Style{NumFmt: 1}}, // 0
	} {
		id, err := f.NewStyle(&x.style)
		if err != nil {
			return s, fmt.Errorf("export: style: %w", err)
		}
		*x.id = id
	}
	return s, nil
}

func writeSheet(f *excelize.File, sheet string, t sales.Table, st styles) error {
	for i, c := range t.Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, c.Title()); err != nil {
			return err
		}
		colName, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, colName, colName, width(c)); err != nil {
			return err
		}
	}
	if len(t.Columns) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
		if err := f.SetCellStyle(sheet, "A1", last, st.head); err != nil {
			return err
		}
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		for i, c := range t.Columns {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := writeCell(f, sheet, cell, c.Kind, value(row, i), st); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCell writes one value: numbers from their exact decimal text, so no
// amount passes through a float.
func writeCell(f *excelize.File, sheet, cell string, kind sales.ColumnKind, v any, st styles) error {
	text := Text(kind, v)
	if text == "" {
		return nil
	}
	switch kind {
	case sales.Money, sales.Decimal, sales.Integer:
		style := map[sales.ColumnKind]int{sales.Money: st.money, sales.Decimal: st.decimal, sales.Integer: st.integer}[kind]
		if err := f.SetCellDefault(sheet, cell, text); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	return f.SetCellStr(sheet, cell, text)
}

// width is a column width that fits its heading and usual values.
func width(c sales.Column) float64 {
	w := float64(len([]rune(c.Title()))) * 1.6
	switch c.Kind {
	case sales.Text:
		w = max(w, 16)
	case sales.DateTime:
		w = max(w, 18)
	}
	return min(max(w, 10), 60)
}

// sheetName makes name a valid, unused sheet name: at most 31 characters,
// none of []:*?/\.
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		name = "Sheet"
	}
	base := []rune(name)
	if len(base) > 28 {
		base = base[:28]
	}
	out := string(base)
	for n := 2; used[out]; n++ {
		out = fmt.Sprintf("%s(%d)", string(base), n)
	}
	used[out] = true
	return out
}
