package console

import (
	"strconv"
	"strings"
	"time"

	"osb/sales"
)

// money formats an amount for people: ¥1,234.56 for yuan, the ISO code
// before the number for any other currency (USD 1,234.56).
func money(f sales.Fen, c sales.Currency) string {
	v := int64(f)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	cents := strconv.FormatInt(v%100+100, 10)[1:]
	prefix := "¥"
	if c != "" && c != sales.CNY {
		prefix = string(c) + " "
	}
	return sign + prefix + b.String() + "." + cents
}

// dateTime is an instant as a Beijing date and time, e.g. 2026-12-02 17:27.
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sales.Beijing).Format("2006-01-02 15:04")
}

// date is an instant's Beijing date, e.g. 2026-12-02.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sales.Beijing).Format(time.DateOnly)
}

// lateness says how far past deadline now is in l ("3 d 4 h"); on time
// (or no deadline) is a dash.
func (l lang) lateness(deadline *time.Time, now time.Time) string {
	if deadline == nil || !now.After(*deadline) {
		return l.text("late.on_time")
	}
	d := now.Sub(*deadline)
	switch {
	case d < time.Hour:
		return l.text("late.minutes", max(1, int(d/time.Minute)))
	case d < sales.Day:
		return l.text("late.hours", int(d/time.Hour))
	}
	return l.text("late.days", int(d/sales.Day), int(d%sales.Day/time.Hour))
}
