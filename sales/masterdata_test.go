package sales

import (
	"strings"
	"testing"
)

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Fen
		ok   bool
	}{
		{"28.80", 2880, true}, {"28.8", 2880, true}, {"1,234.50", 123450, true}, {"¥12", 1200, true}, {"12元", 1200, true},
		{"28.799999999999997", 2880, true}, {"28.800000000000001", 2880, true}, {"0.10", 10, true},
		{"", 0, false}, {"abc", 0, false}, {"1.234", 0, false}, {"-5", 0, false}, {"1e3", 0, false}, {".5", 0, false},
	} {
		got, err := ParseYuan(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseYuan(%q) = %s, %v; want %s, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestThePriceInForceIsTheLatestStartedAndNotEnded(t *testing.T) {
	entries := []PriceEntry{
		{Price: 100, EffectiveFrom: "2026-01-01"},
		{Price: 110, EffectiveFrom: "2026-06-01", EffectiveTo: "2026-06-30"},
		{Price: 120, EffectiveFrom: "2027-01-01"},
	}
	for day, want := range map[string]Fen{"2025-12-31": 0, "2026-01-01": 100, "2026-06-15": 110, "2026-06-30": 110,
		"2026-07-01": 100, "2027-01-01": 120} {
		e, ok := InForce(entries, day)
		if e.Price != want || ok != (want != 0) {
			t.Errorf("on %s: %s (%v), want %s", day, e.Price, ok, want)
		}
	}
	if !NeedsSLT(9400, 10000, 500) || NeedsSLT(9500, 10000, 500) || NeedsSLT(12000, 10000, 500) || NeedsSLT(1, 0, 500) {
		t.Error("NeedsSLT: 5% below 100.00 is 95.00")
	}
}

func TestASheetIsReadByCodeLabelOrBoth(t *testing.T) {
	rows := [][]string{
		{"\uFEFF客户编号 / id", "客户名称", "market", "KAM_ID", "账期天数 / payment_terms_days", "币种", "有效"},
		{"C1", "'=一号", "华东", "kam1", "30", "cny", "否"},
		{}, // blank rows are skipped
		{"C2", "二号", "华东", "kam1", "45", "CNY", ""},
	}
	s := ReadSheet(SheetCustomers, rows)
	if len(s.Problems) != 0 || len(s.Customers) != 2 || s.Lines != 2 {
		t.Fatalf("sheet = %+v", s)
	}
	if c := s.Customers[0]; c.Name != "=一号" || c.Currency != CNY || c.Active || s.Rows[1] != 4 || !s.Customers[1].Active {
		t.Errorf("read %+v, rows %v", s.Customers, s.Rows)
	}
	s = ReadSheet(SheetCustomers, [][]string{{"id", "name", "colour"}})
	var cols []string
	for _, p := range s.Problems {
		cols = append(cols, p.Column)
	}
	if got := strings.Join(cols, " "); got != "colour market kam_id payment_terms_days currency active" {
		t.Errorf("problems of a bad heading on columns %q", got)
	}
}

func TestATableReadsBackAsTheSameRecords(t *testing.T) {
	m := MarketRecord{Market: Market{Code: "华东", Name: "华东", MMID: "mm", SLTOwner: "dsd", SLTMembers: []string{"dsd", "sd"},
		SSG: []MarketDuty{{UserID: "csr1", Duty: DutyOrders}}}}
	table := MasterTable(SheetMarkets, []MarketRecord{m})
	rows := [][]string{make([]string, len(table.Columns))}
	for i, c := range table.Columns {
		rows[0][i] = c.Title()
	}
	row := make([]string, len(table.Rows[0]))
	for i, v := range table.Rows[0] {
		row[i] = v.(string)
	}
	s := ReadSheet(SheetMarkets, append(rows, row))
	if len(s.Problems) != 0 || len(s.Markets) != 1 {
		t.Fatalf("sheet = %+v", s)
	}
	got := s.Markets[0]
	if got.SLTOwner != "dsd" || strings.Join(got.SLTMembers, ",") != "dsd,sd" || len(got.SSG) != 1 || got.SSG[0] != m.SSG[0] {
		t.Errorf("read back %+v, want %+v", got, m)
	}
}
