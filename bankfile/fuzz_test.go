package bankfile

import (
	"testing"
	"time"

	"osb/sales"
)

// FuzzParse feeds Parse any bytes: it never panics, and what it accepts are
// lines a receipt can be made of.
func FuzzParse(f *testing.F) {
	f.Add([]byte(icbcCSV), false)
	f.Add([]byte("交易日期,贷方发生额,流水号\n2026-11-02,\"1,234.5\",X\n"), false)
	f.Add([]byte("\xEF\xBB\xBF交易日期\t贷方发生额\t流水号\n20261102\t7\tY\n"), false)
	f.Add([]byte("交易日期,贷方发生额,借方发生额,流水号\n2026-02-30,1.005,-3,\n合计,,,\n"), false)
	f.Add([]byte("PK\x03\x04"), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "f.csv"
		if xlsx {
			name = "f.xlsx"
		}
		st, err := Parse(name, data, Columns{})
		if err != nil {
			if sales.ErrorCode(err) != sales.ErrInvalid {
				t.Fatalf("a refusal that is not invalid: %v", err)
			}
			return
		}
		for _, l := range st.Lines {
			if _, derr := time.Parse(time.DateOnly, l.ValueDate); derr != nil || l.Amount <= 0 || l.Amount > sales.MaxAmount ||
				l.Reference == "" || !l.Currency.Valid() || l.Row < 2 {
				t.Fatalf("accepted a line no receipt can be made of: %+v", l)
			}
		}
	})
}
