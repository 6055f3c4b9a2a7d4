package console

import (
	"testing"
	"time"

	"osb/sales"
)

func TestMoneyIsYuanWithThousandsSeparators(t *testing.T) {
	for _, c := range []struct {
		fen  sales.Fen
		cur  sales.Currency
		want string
	}{
		{123456, sales.CNY, "¥1,234.56"},
		{5, "", "¥0.05"},
		{100, sales.CNY, "¥1.00"},
		{123456789012, sales.CNY, "¥1,234,567,890.12"},
		{-99999, sales.CNY, "-¥999.99"},
		{100000, "USD", "USD 1,000.00"},
	} {
		if got := money(c.fen, c.cur); got != c.want {
			t.Errorf("money(%d, %q) = %q, want %q", c.fen, c.cur, got, c.want)
		}
	}
}

func TestDatesAreBeijingDates(t *testing.T) {
	utc := time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC) // 01:30 on 1 January in Beijing
	if got := dateTime(utc); got != "2027-01-01 01:30" {
		t.Errorf("dateTime = %q", got)
	}
	if got := date(utc); got != "2027-01-01" {
		t.Errorf("date = %q", got)
	}
}

func TestLatenessInBothLanguages(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	for _, c := range []struct {
		deadline *time.Time
		zh, en   string
	}{
		{nil, "—", "—"},
		{at(-time.Hour), "—", "—"},
		{at(10 * time.Minute), "10 分钟", "10 min"},
		{at(5 * time.Hour), "5 小时", "5 h"},
		{at(3*sales.Day + 4*time.Hour), "3 天 4 小时", "3 d 4 h"},
	} {
		if got := zh.lateness(c.deadline, now); got != c.zh {
			t.Errorf("zh %v: %q, want %q", c.deadline, got, c.zh)
		}
		if got := en.lateness(c.deadline, now); got != c.en {
			t.Errorf("en %v: %q, want %q", c.deadline, got, c.en)
		}
	}
}
