// Package bankfile reads the statement files Chinese banks export (CSV in
// UTF-8 or GBK, and XLSX): a few header rows, then a table whose columns are
// found by their header names. It turns each row into a statement line with
// its amount in fen, and refuses a file with bad rows, naming each row and
// column.
package bankfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"osb/sales"
)

// Limits of a statement file.
const (
	MaxLines      = 100_000 // rows of the table
	headerScan    = 30      // rows searched for the table's header
	maxRowReports = 20      // bad rows named in one refusal
)

// Line is one row of a statement's table.
type Line struct {
	Row          int            `json:"row"` // in the file, from 1
	ValueDate    string         `json:"value_date"`
	Amount       sales.Fen      `json:"amount_fen"`
	Debit        bool           `json:"debit"` // money that went out
	Currency     sales.Currency `json:"currency"`
	PayerName    string         `json:"payer_name"`
	PayerAccount string         `json:"payer_account"`
	Remittance   string         `json:"remittance"`
	Reference    string         `json:"reference"`
}

// Statement is what a file holds: the account it is a statement of, when
// its header rows say so, and its lines.
type Statement struct {
	BankAccount string
	Lines       []Line
}

// Parse reads a statement file: XLSX when it is a zip (or named .xlsx),
// otherwise CSV. A file it cannot read, without the columns it needs, or with
// bad rows is refused with an invalid *sales.Error whose field "file" names
// each problem's row and column.
func Parse(name string, data []byte, cols Columns) (Statement, error) {
	rows, workbook, err := Rows(name, data)
	if err != nil {
		return Statement{}, err
	}
	return parseRows(rows, cols, workbook)
}

func refuse(format string, args ...any) error {
	var p sales.Problems
	p.Add("file", format, args...)
	return p.Err("the statement file cannot be imported")
}

// csvRows decodes a CSV file in UTF-8 (with or without BOM) or GBK,
// separated by commas or tabs.
func csvRows(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, refuse("the file is neither UTF-8 nor GBK text")
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head := data[:min(len(data), 4096)]
	if bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}) {
		r.Comma = '\t'
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, refuse("row %d is not valid CSV: %v", pe.StartLine, pe.Err)
			}
			return nil, refuse("the file is not valid CSV: %v", err)
		}
		if len(rows) > MaxLines+headerScan {
			return nil, refuse("more than %d rows", MaxLines)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

// xlsxRows reads the first sheet of a workbook, cells as stored (numbers
// and dates unformatted).
func xlsxRows(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, refuse("the file is not a readable XLSX workbook")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, refuse("the workbook has no sheet")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, refuse("the first sheet cannot be read: %v", err)
	}
	if len(rows) > MaxLines+headerScan {
		return nil, refuse("more than %d rows", MaxLines)
	}
	return rows, nil
}

// table is the header found: each column key's cell indexes.
type table struct {
	row  int // index of the header row
	cols map[string][]int
}

// findHeader looks for the header row among the first rows: the first
// that holds every required column, and the credit column or an amount
// with its direction (or an amount column the upload named: signed).
func findHeader(rows [][]string, cols Columns) (table, error) {
	fields := cols.fields()
	for i := 0; i < len(rows) && i < headerScan; i++ {
		t := table{row: i, cols: map[string][]int{}}
		keys := make(map[string]int, len(rows[i]))
		for j, cell := range rows[i] {
			if k := headerKey(cell); k != "" {
				if _, dup := keys[k]; !dup {
					keys[k] = j
				}
			}
		}
		complete := true
		for _, f := range fields {
			for _, name := range f.names {
				if j, ok := keys[headerKey(name)]; ok {
					t.cols[f.key] = append(t.cols[f.key], j)
					if f.key != colRemittance {
						break // the first name found; remittance takes them all
					}
				}
			}
			if f.required && len(t.cols[f.key]) == 0 {
				complete = false
			}
		}
		switch {
		case len(t.cols[colCredit]) > 0:
			delete(t.cols, colAmount) // the credit and debit columns say it
			delete(t.cols, colDirection)
		case len(t.cols[colAmount]) > 0 && (len(t.cols[colDirection]) > 0 || cols.Amount != ""):
		default:
			complete = false
		}
		if complete {
			return t, nil
		}
	}
	var need []string
	for _, f := range fields {
		switch {
		case f.required:
			need = append(need, strings.Join(f.names, "/"))
		case f.key == colCredit:
			need = append(need, strings.Join(f.names, "/")+" (or an amount with 借贷标志)")
		}
	}
	return table{}, refuse("no header row with the columns %s among the first %d rows", strings.Join(need, ", "), headerScan)
}

// accountLabels name our account in the rows above the table.
var accountLabels = []string{"本方账号", "我方账号", "查询账号", "账号", "帐号", "账户", "帐户"}

// bankAccount finds our account in the rows above the table: a cell
// "账号：123…" or a cell "账号" followed by the number.
func bankAccount(rows [][]string) string {
	for _, row := range rows {
		for j, cell := range row {
			cell = strings.TrimSpace(strings.Map(halfWidthColon, cell))
			for _, label := range accountLabels {
				rest, ok := strings.CutPrefix(cell, label)
				if !ok {
					continue
				}
				rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				if rest == "" {
					for _, next := range row[j+1:] {
						if next = strings.TrimSpace(next); next != "" {
							rest = next
							break
						}
					}
				}
				if sales.NormalizeAccount(rest) != "" && strings.ContainsAny(rest, "0123456789") {
					return rest
				}
			}
		}
	}
	return ""
}

func halfWidthColon(r rune) rune {
	if r == '：' {
		return ':'
	}
	return r
}

// parseRows turns the table into lines; numeric says cells are stored
// values of a workbook (dates as serial numbers, amounts as decimals).
func parseRows(rows [][]string, cols Columns, numeric bool) (Statement, error) {
	t, err := findHeader(rows, cols)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{BankAccount: bankAccount(rows[:t.row])}
	var bad []string
	badRows := 0
	header := rows[t.row]
	for i := t.row + 1; i < len(rows); i++ {
		line, problems, ok := parseRow(rows[i], header, t, numeric)
		if len(problems) > 0 {
			badRows++
			if len(bad) < maxRowReports {
				for _, p := range problems {
					bad = append(bad, fmt.Sprintf("row %d, %s", i+1, p))
				}
			}
			continue
		}
		if ok {
			line.Row = i + 1
			st.Lines = append(st.Lines, line)
		}
	}
	if badRows > 0 {
		var p sales.Problems
		for _, b := range bad {
			p.Add("file", "%s", b)
		}
		if badRows > maxRowReports {
			p.Add("file", "and more: %d rows in all are wrong", badRows)
		}
		return Statement{}, p.Err("the statement file has bad rows: correct them and upload it again")
	}
	if len(st.Lines) == 0 {
		return Statement{}, refuse("the table has no lines")
	}
	return st, nil
}

// totalsPrefixes start the rows banks put below the table.
var totalsPrefixes = []string{"合计", "总计", "本页合计", "本期合计", "以下空白"}

// parseRow reads one row: ok is false for a row that is no line (blank, a
// total); problems name the column of each bad cell.
func parseRow(row, header []string, t table, numeric bool) (line Line, problems []string, ok bool) {
	cell := func(key string) string {
		var parts []string
		for _, j := range t.cols[key] {
			if j < len(row) {
				if v := strings.TrimSpace(row[j]); v != "" {
					parts = append(parts, v)
				}
			}
		}
		return strings.Join(parts, " / ")
	}
	name := func(key string) string {
		if js := t.cols[key]; len(js) > 0 {
			return strings.TrimSpace(header[js[0]])
		}
		return key
	}
	for _, v := range row {
		v = strings.TrimSpace(v)
		for _, p := range totalsPrefixes {
			if strings.HasPrefix(v, p) {
				return line, nil, false
			}
		}
	}
	date, credit, debit, ref := cell(colDate), cell(colCredit), cell(colDebit), cell(colReference)
	amount, direction := cell(colAmount), cell(colDirection)
	if date == "" && credit == "" && debit == "" && ref == "" && amount == "" {
		return line, nil, false
	}
	bad := func(key, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("column %s: ", name(key))+fmt.Sprintf(format, args...))
	}
	var err error
	if line.ValueDate, err = parseDate(date, numeric); err != nil {
		bad(colDate, "%v", err)
	}
	var in, out sales.Fen
	if _, split := t.cols[colCredit]; split {
		if in, err = parseYuan(credit, numeric); err != nil {
			bad(colCredit, "%v", err)
		}
		if out, err = parseYuan(debit, numeric); err != nil {
			bad(colDebit, "%v", err)
		}
	} else {
		var why string
		if in, out, why = directed(amount, direction, numeric); why != "" {
			key := colAmount
			if strings.HasPrefix(why, "!") {
				key, why = colDirection, why[1:]
			}
			bad(key, "%s", why)
		}
	}
	switch {
	case in > 0 && out > 0:
		bad(colCredit, "a line is either a credit or a debit, not both")
	case in > 0:
		line.Amount = in
	case out > 0:
		line.Amount, line.Debit = out, true
	case len(problems) == 0:
		key := colCredit
		if _, split := t.cols[colCredit]; !split {
			key = colAmount
		}
		bad(key, "no amount in the credit or the debit column")
	}
	if line.Reference = ref; ref == "" {
		bad(colReference, "the bank's transaction number is missing")
	} else if why := sales.TextProblem(ref, sales.MaxReference, true); why != "" {
		bad(colReference, "%s", why)
	}
	line.Currency = sales.CNY
	if c := cell(colCurrency); c != "" {
		if line.Currency = currency(c); line.Currency == "" {
			bad(colCurrency, "%q is not a currency (人民币, CNY, USD…)", c)
		}
	}
	line.PayerName, line.PayerAccount, line.Remittance = cell(colPayerName), cell(colPayerAccount), cell(colRemittance)
	for _, f := range []struct {
		key, v string
		max    int
	}{{colPayerName, line.PayerName, sales.MaxName}, {colPayerAccount, line.PayerAccount, sales.MaxReference}, {colRemittance, line.Remittance, sales.MaxReason}} {
		if why := sales.TextProblem(f.v, f.max, false); why != "" {
			bad(f.key, "%s", why)
		}
	}
	return line, problems, true
}

// currency reads a currency cell: a code or its Chinese name.
func currency(s string) sales.Currency {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "人民币", "RMB", "CNY", "本币":
		return sales.CNY
	case "美元":
		return "USD"
	case "欧元":
		return "EUR"
	case "港币", "港元":
		return "HKD"
	}
	if c := sales.Currency(strings.ToUpper(strings.TrimSpace(s))); c.Valid() {
		return c
	}
	return ""
}
