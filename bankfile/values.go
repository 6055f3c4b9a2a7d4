package bankfile

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"osb/sales"
)

// parseYuan reads an amount in yuan ("1,234.50", "¥1234.5", "1234") as fen,
// exactly, with integers only; blank, "-" and zero are no amount. More than
// two decimals are refused, except in a workbook's stored numbers, whose
// binary rounding ("1234.5599999999999") is undone when it is only that.
func parseYuan(s string, numeric bool) (sales.Fen, error) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．':
			return '.'
		case r == ',' || r == '，' || r == ' ' || r == '¥' || r == '￥' || r == '元':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimSuffix(s, "CNY"), "CNY")
	if s == "" || s == "-" {
		return 0, nil
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "(") {
		return 0, fmt.Errorf("%q is negative: a statement shows credits and debits in their own columns", s)
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, _ := strings.Cut(s, ".")
	if !digits(whole) || (frac != "" && !digits(frac)) || whole == "" && frac == "" {
		return 0, fmt.Errorf("%q is not an amount in yuan like 1,234.50", s)
	}
	carry := int64(0)
	if len(frac) > 2 {
		tail := frac[2:]
		switch {
		case strings.Trim(tail, "0") == "":
		case numeric && len(tail) >= 6 && strings.HasPrefix(tail, "000000"):
		case numeric && len(tail) >= 6 && strings.HasPrefix(tail, "999999"):
			carry = 1
		default:
			return 0, fmt.Errorf("%q has more than two decimals: amounts are in yuan and fen", s)
		}
		frac = frac[:2]
	}
	frac = (frac + "00")[:2]
	if len(strings.TrimLeft(whole, "0")) > 12 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := sales.Fen(w*100 + f + carry)
	if fen > sales.MaxAmount {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return fen, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// excelEpoch is day 0 of a workbook's date serial numbers.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date ("2026-11-03", "2026/11/3", "20261103",
// "2026年11月3日", with or without a time; in a workbook also a serial
// number) as a Beijing date 2006-01-02.
func parseDate(s string, numeric bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("the date is missing")
	}
	if numeric {
		whole, _, _ := strings.Cut(s, ".")
		if n, err := strconv.Atoi(whole); err == nil && n > 20000 && n < 80000 {
			return excelEpoch.AddDate(0, 0, n).Format(time.DateOnly), nil
		}
	}
	day, _, _ := strings.Cut(s, " ")
	day, _, _ = strings.Cut(day, "T")
	day = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(day)
	if len(day) == 8 && digits(day) {
		day = day[:4] + "-" + day[4:6] + "-" + day[6:]
	}
	parts := strings.Split(day, "-")
	if len(parts) == 3 {
		y, ey := strconv.Atoi(parts[0])
		m, em := strconv.Atoi(parts[1])
		d, ed := strconv.Atoi(parts[2])
		// A calendar date: time.Date normalises 2026-02-30, so compare.
		if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); ey == nil && em == nil && ed == nil &&
			y >= 2000 && y <= 2100 && t.Month() == time.Month(m) && t.Day() == d {
			return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
		}
	}
	return "", fmt.Errorf("%q is not a date like 2026-11-03", s)
}

// Directions of a line in a statement with one amount column.
var (
	creditWords = []string{"贷", "贷方", "收", "收入", "入", "来账", "C", "CR", "CREDIT"}
	debitWords  = []string{"借", "借方", "支", "支出", "出", "往账", "D", "DR", "DEBIT"}
)

// directed reads a line of a statement with one amount column: the amount
// is a credit or a debit as direction says, or, without a direction, as
// its sign says. why says what is wrong; it starts with "!" when the
// direction is.
func directed(amount, direction string, numeric bool) (in, out sales.Fen, why string) {
	amount = strings.TrimSpace(amount)
	negative := strings.HasPrefix(amount, "-") || strings.HasPrefix(amount, "－")
	if negative {
		amount = strings.TrimPrefix(strings.TrimPrefix(amount, "-"), "－")
	}
	fen, err := parseYuan(amount, numeric)
	if err != nil {
		return 0, 0, err.Error()
	}
	d := strings.ToUpper(strings.TrimSpace(direction))
	switch {
	case d != "" && negative:
		return 0, 0, fmt.Sprintf("-%s is negative while the direction says %s", amount, direction)
	case d == "" && negative:
		return 0, fen, ""
	case d == "":
		return fen, 0, ""
	case slices.Contains(creditWords, d):
		return fen, 0, ""
	case slices.Contains(debitWords, d):
		return 0, fen, ""
	}
	return 0, 0, fmt.Sprintf("!%q is neither a credit (贷) nor a debit (借)", direction)
}
