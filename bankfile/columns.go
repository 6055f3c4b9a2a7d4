package bankfile

import (
	"strings"

	"osb/sales"
)

// Columns names the header of each column a statement is read from; an
// empty name leaves the column to the names Chinese banks use (交易日期, 贷方发生额, 对方户名, 流水号…). Remittance may name
// several columns: their texts are joined.
type Columns struct {
	Date         string   `json:"date,omitempty"`
	Credit       string   `json:"credit,omitempty"`
	Debit        string   `json:"debit,omitempty"`
	PayerName    string   `json:"payer_name,omitempty"`
	PayerAccount string   `json:"payer_account,omitempty"`
	Remittance   []string `json:"remittance,omitempty"`
	Reference    string   `json:"reference,omitempty"`
	Currency     string   `json:"currency,omitempty"`
	// Amount and Direction are for a statement with one amount column and
	// a column saying credit or debit (借贷标志); an amount column named
	// here without a direction is signed: negative is a debit.
	Amount    string `json:"amount,omitempty"`
	Direction string `json:"direction,omitempty"`
}

// Validate checks column names as a person typed them.
func (c Columns) Validate() sales.Problems {
	var p sales.Problems
	for _, f := range c.fields() {
		for _, name := range f.names {
			p.Text("columns."+f.key, name, sales.MaxCode, false)
		}
	}
	if len(c.Remittance) > 8 {
		p.Add("columns.remittance", "at most 8 columns")
	}
	return p
}

// field is one column of a statement: its key, the header names it is
// known by, and whether a statement must have it.
type field struct {
	key      string
	names    []string
	required bool
}

// Keys of the columns.
const (
	colDate         = "date"
	colCredit       = "credit"
	colDebit        = "debit"
	colPayerName    = "payer_name"
	colPayerAccount = "payer_account"
	colRemittance   = "remittance"
	colReference    = "reference"
	colCurrency     = "currency"
	colAmount       = "amount"
	colDirection    = "direction"
)

// defaultNames are the header names Chinese banks' exports use for each
// column, in order of preference.
var defaultNames = map[string][]string{
	colDate:         {"交易日期", "记账日期", "入账日期", "交易时间", "日期"},
	colCredit:       {"贷方发生额", "收入金额", "贷方金额", "收入", "存入金额", "贷方"},
	colDebit:        {"借方发生额", "支出金额", "借方金额", "支出", "借方"},
	colPayerName:    {"对方户名", "付款人名称", "对方名称", "对方账户名称", "付款人户名", "付款人"},
	colPayerAccount: {"对方账号", "付款人账号", "对方账户", "付款账号", "对方帐号"},
	colRemittance:   {"摘要", "用途", "附言", "备注"},
	colReference:    {"流水号", "交易流水号", "银行流水号", "交易流水", "交易参考号"},
	colCurrency:     {"币种", "币别"},
	colAmount:       {"交易金额", "发生额", "金额"},
	colDirection:    {"借贷标志", "借贷方向", "收支标志", "收支方向", "借贷"},
}

// fields are the columns with the names given or the defaults.
func (c Columns) fields() []field {
	one := func(s string) []string {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return []string{s}
	}
	given := []field{
		{colDate, one(c.Date), true},
		{colCredit, one(c.Credit), false}, // or amount and direction: findHeader
		{colDebit, one(c.Debit), false},
		{colPayerName, one(c.PayerName), false},
		{colPayerAccount, one(c.PayerAccount), false},
		{colRemittance, nonBlank(c.Remittance), false},
		{colReference, one(c.Reference), true},
		{colCurrency, one(c.Currency), false},
		{colAmount, one(c.Amount), false},
		{colDirection, one(c.Direction), false},
	}
	for i, f := range given {
		if len(f.names) == 0 {
			given[i].names = defaultNames[f.key]
		}
	}
	return given
}

func nonBlank(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			out = append(out, n)
		}
	}
	return out
}

// headerKey is a header cell as compared with column names: without
// spaces, half-width, and without a unit in brackets ("贷方发生额(元)").
func headerKey(s string) string {
	s = sales.NormalizeName(s)
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = s[:i]
	}
	return strings.ReplaceAll(s, " ", "")
}
