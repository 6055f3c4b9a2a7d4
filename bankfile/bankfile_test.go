package bankfile

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"osb/sales"
)

// icbcCSV is a statement as a bank's online banking exports it: header rows
// with our account, the table, a totals row.
const icbcCSV = `中国工商银行账户明细
账号：1001 2345 6789 0123,户名：某某销售有限公司
起止日期：2026-11-01至2026-11-30
交易日期,交易时间,借方发生额(元),贷方发生额(元),余额,对方户名,对方账号,对方开户行,摘要,附言,交易流水号
2026-11-03,10:22:01,,"1,234.50",10000.00,华东经销有限公司,6222 0210 0100 1234,工行上海分行,货款,IV-2026-000123-1,TX0001
2026/11/04,09:00:00,500.00,,9500.00,某供应商,6222999,,付款,,TX0002
20261105,11:00:00,,20000,29500.00,ＡＢＣ Trading,,,,ＳＯ２０２６ ０００３００,TX0003
合计,,500.00,"21,234.50",,,,,,,
`

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseGBKCSVWithHeaderRows(t *testing.T) {
	data := gbk(t, icbcCSV)
	if bytes.Contains(data, []byte("交易日期")) {
		t.Fatal("the test file is not GBK")
	}
	st, err := Parse("明细.csv", data, Columns{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if st.BankAccount != "1001 2345 6789 0123" {
		t.Errorf("bank account %q", st.BankAccount)
	}
	want := []Line{
		{Row: 5, ValueDate: "2026-11-03", Amount: 123450, Currency: sales.CNY, PayerName: "华东经销有限公司", PayerAccount: "6222 0210 0100 1234",
			Remittance: "货款 / IV-2026-000123-1", Reference: "TX0001"},
		{Row: 6, ValueDate: "2026-11-04", Amount: 50000, Debit: true, Currency: sales.CNY, PayerName: "某供应商", PayerAccount: "6222999", Remittance: "付款", Reference: "TX0002"},
		{Row: 7, ValueDate: "2026-11-05", Amount: 2000000, Currency: sales.CNY, PayerName: "ＡＢＣ Trading", Remittance: "ＳＯ２０２６ ０００３００", Reference: "TX0003"},
	}
	if len(st.Lines) != len(want) {
		t.Fatalf("lines %+v", st.Lines)
	}
	for i := range want {
		if st.Lines[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, st.Lines[i], want[i])
		}
	}
}

func TestParseUTF8WithBOMAndOwnColumnNames(t *testing.T) {
	data := "\xEF\xBB\xBF记账日,收款金额,汇款人,汇款账号,说明,银行单号,币种\n2026-11-03,88.8,张三,123,IV-1,R1,人民币\n2026-11-03,1.00,李四,456,,R2,美元\n"
	cols := Columns{Date: "记账日", Credit: "收款金额", PayerName: "汇款人", PayerAccount: "汇款账号", Remittance: []string{"说明"}, Reference: "银行单号"}
	st, err := Parse("x.csv", []byte(data), cols)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(st.Lines) != 2 || st.Lines[0].Amount != 8880 || st.Lines[0].PayerName != "张三" || st.Lines[0].Remittance != "IV-1" || st.Lines[1].Currency != "USD" {
		t.Errorf("lines %+v", st.Lines)
	}
	if _, err := Parse("x.csv", []byte(data), Columns{}); err == nil || !strings.Contains(err.Error(), "no header row") {
		t.Errorf("default names on a file without them: %v", err)
	}
}

func TestParseRefusesBadRowsNamingRowAndColumn(t *testing.T) {
	data := "交易日期,贷方发生额,借方发生额,流水号\n" +
		"2026-11-03,12.345,,R1\n" + // three decimals
		"2026-13-03,10.00,,R2\n" + // no such date
		"2026-11-03,,,R3\n" + // no amount
		"2026-11-03,5.00,,\n" + // no reference
		"2026-11-03,-5.00,,R5\n" + // negative
		"2026-11-03,5.00,,R6\n" // good
	_, err := Parse("bad.csv", []byte(data), Columns{})
	if sales.ErrorCode(err) != sales.ErrInvalid {
		t.Fatalf("err %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"row 2, column 贷方发生额: \"12.345\" has more than two decimals",
		"row 3, column 交易日期",
		"row 4, column 贷方发生额: no amount",
		"row 5, column 流水号",
		"row 6, column 贷方发生额: \"-5.00\" is negative",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "row 7") {
		t.Errorf("a good row is reported: %s", msg)
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"账户明细查询"},
		{"账号", "1001234567890"},
		{},
		{"记账日期", "收入金额", "支出金额", "对方户名", "对方账号", "用途", "流水号"},
		{"2026-11-03", 1234.5, nil, "华东经销有限公司", "6222021001001234", "IV-2026-000123-1", "X1"},
		{46330, "2,000.00", nil, "李四", "", "", "X2"}, // a date serial, an amount as text
		{"2026-11-05", 1234.5599999999999, nil, "王五", "", "", "X3"},
		{"2026-11-06", nil, 99.9, "电费", "", "", "X4"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	st, err := Parse("statement.xlsx", buf.Bytes(), Columns{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if st.BankAccount != "1001234567890" {
		t.Errorf("bank account %q", st.BankAccount)
	}
	got := make([]string, len(st.Lines))
	for i, l := range st.Lines {
		got[i] = l.ValueDate + " " + l.Amount.String() + " " + l.Reference
		if l.Debit {
			got[i] += " debit"
		}
	}
	want := []string{"2026-11-03 1234.50 X1", "2026-11-04 2000.00 X2", "2026-11-05 1234.56 X3", "2026-11-06 99.90 X4 debit"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in      string
		numeric bool
		want    sales.Fen
		ok      bool
	}{
		{"1,234.50", false, 123450, true},
		{"¥ 1234.5", false, 123450, true},
		{"１２３.４５", false, 12345, true},
		{"0.01", false, 1, true},
		{"7", false, 700, true},
		{"", false, 0, true},
		{"-", false, 0, true},
		{"1.230", false, 123, true}, // a trailing zero is no third decimal
		{"1.235", false, 0, false},
		{"1.2349999999", false, 0, false}, // typed text is held to two decimals
		{"1.2399999999", true, 124, true}, // a stored binary number is not
		{"1.2300000001", true, 123, true},
		{"1.2.3", false, 0, false},
		{"abc", false, 0, false},
		{"-1.00", false, 0, false},
		{"1e5", false, 0, false},
		{"1000000000000000", false, 0, false},
	}
	for _, tt := range tests {
		got, err := parseYuan(tt.in, tt.numeric)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseYuan(%q, %v) = %d, %v; want %d ok=%v", tt.in, tt.numeric, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	for name, data := range map[string][]byte{
		"old.xls":     {0xD0, 0xCF, 0x11, 0xE0, 0, 0},
		"broken.xlsx": []byte("PK\x03\x04garbage"),
		"empty.csv":   []byte("交易日期,贷方发生额,流水号\n合计,0,\n"),
	} {
		if _, err := Parse(name, data, Columns{}); sales.ErrorCode(err) != sales.ErrInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if p := (Columns{Credit: strings.Repeat("x", 100)}).Validate(); len(p) != 1 || p[0].Field != "columns.credit" {
		t.Errorf("Validate: %v", p)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-03": "2026-11-03", "2026/1/3": "2026-01-03", "20261103": "2026-11-03", "2026年11月3日": "2026-11-03",
		"2026-11-03 10:22:01": "2026-11-03", "2026.11.03": "2026-11-03", "2026-02-30": "", "1999-01-01": "", "11/03/2026": "", "": "",
	} {
		got, err := parseDate(in, false)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, err := parseDate("46330", true); got != "2026-11-04" || err != nil {
		t.Errorf("a workbook's serial date: %q %v", got, err)
	}
}

func TestParseOneAmountColumnWithItsDirection(t *testing.T) {
	data := "交易日期,交易金额,借贷标志,对方户名,摘要,流水号\n" +
		"2026-11-03,\"1,000.00\",贷,华东经销,货款,A1\n" +
		"2026-11-03,20.00,借,电力公司,电费,A2\n" +
		"2026-11-04,5.00,CR,某公司,,A3\n"
	st, err := Parse("one-amount.csv", []byte(data), Columns{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(st.Lines) != 3 || st.Lines[0].Amount != 100000 || st.Lines[0].Debit || !st.Lines[1].Debit || st.Lines[1].Amount != 2000 || st.Lines[2].Debit {
		t.Errorf("lines %+v", st.Lines)
	}
	bad := "交易日期,交易金额,借贷标志,流水号\n2026-11-03,1.00,转,B1\n2026-11-03,-1.00,贷,B2\n"
	_, err = Parse("bad.csv", []byte(bad), Columns{})
	if msg := fmt.Sprint(err); !strings.Contains(msg, "row 2, column 借贷标志") || !strings.Contains(msg, "row 3, column 交易金额") {
		t.Errorf("bad directions: %v", err)
	}
	// An amount column the upload names, without a direction: signed.
	signed := "日期,金额(元),单号\n2026-11-03,-3.50,C1\n2026-11-03,7.25,C2\n"
	st, err = Parse("signed.csv", []byte(signed), Columns{Date: "日期", Amount: "金额", Reference: "单号"})
	if err != nil || len(st.Lines) != 2 || !st.Lines[0].Debit || st.Lines[0].Amount != 350 || st.Lines[1].Debit || st.Lines[1].Amount != 725 {
		t.Errorf("signed amounts: %+v %v", st.Lines, err)
	}
	// By default an amount alone is not enough: it may be a balance.
	if _, err := Parse("signed.csv", []byte("交易日期,金额,流水号\n2026-11-03,1.00,D1\n"), Columns{}); err == nil || !strings.Contains(err.Error(), "借贷标志") {
		t.Errorf("an amount without direction by default: %v", err)
	}
	// Credit and debit columns win over an amount column.
	both := "交易日期,贷方发生额,借方发生额,金额,借贷标志,流水号\n2026-11-03,9.00,,9.00,借,E1\n"
	if st, err := Parse("both.csv", []byte(both), Columns{}); err != nil || st.Lines[0].Debit || st.Lines[0].Amount != 900 {
		t.Errorf("credit and amount columns: %+v %v", st.Lines, err)
	}
}
