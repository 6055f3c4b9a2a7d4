package sales

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for _, c := range []struct {
		value    string
		max      int
		required bool
		want     string // "" = accepted
	}{
		{"wrong price", 100, true, ""},
		{"价格有误\n第二行\t备注", 100, true, ""},
		{"", 100, false, ""},
		{"", 100, true, "is required"},
		{"  \n", 100, true, "is required"},
		{"wrong price\u0000x", 100, true, "control characters"},
		{"bell\u0007", 100, false, "control characters"},
		{"esc\u001b[31m", 100, false, "control characters"},
		{"c1\u0085", 100, false, "control characters"},
		{"bad \xff utf-8", 100, false, "valid UTF-8"},
		{strings.Repeat("价", 10), 10, true, ""},
		{strings.Repeat("价", 11), 10, true, "at most 10 characters"},
	} {
		var p Problems
		p.Text("reason", c.value, c.max, c.required)
		switch {
		case c.want == "" && len(p) > 0:
			t.Errorf("%q refused: %v", c.value, p)
		case c.want != "" && (len(p) != 1 || p[0].Field != "reason" || !strings.Contains(p[0].Message, c.want)):
			t.Errorf("%q: %v, want %q on reason", c.value, p, c.want)
		}
	}
}
