package sales

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReturnable(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { v := t0.Add(time.Duration(days) * Day); return &v }
	lines := []Line{{LineNo: 1, Quantity: 10}, {LineNo: 2, Quantity: 20}}
	shipments := []Shipment{
		{No: "SH-1", Lines: []LineQty{{1, 6}, {2, 20}}, DeliveredAt: at(1), Shortages: []LineQty{{2, 2}}},
		{No: "SH-2", Lines: []LineQty{{1, 4}}, DeliveredAt: at(20)},
		{No: "SH-3", Lines: []LineQty{{1, 0}}}, // not delivered
	}
	window := 30 * Day
	for _, tc := range []struct {
		name    string
		now     time.Time
		returns []Return
		window  time.Duration
		except  string
		want    map[int]int64
	}{
		{"all delivered, less the shortage", *at(25), nil, window, "", map[int]int64{1: 10, 2: 18}},
		{"the first delivery left the window", *at(32), nil, window, "", map[int]int64{1: 4, 2: 0}},
		{"no window", *at(400), nil, 0, "", map[int]int64{1: 10, 2: 18}},
		{"asked and received returns count, rejected and shortage ones do not", *at(25), []Return{
			{No: "RT-1", Status: ReturnRequested, Lines: []LineQty{{1, 3}}},
			{No: "RT-2", Status: ReturnReceived, Lines: []LineQty{{2, 10}}, Received: []LineQty{{2, 4}}},
			{No: "RT-3", Status: ReturnRejected, Lines: []LineQty{{1, 7}}},
			{No: "RT-4", Status: ReturnRequested, Source: ReturnByShortage, Lines: []LineQty{{2, 2}}},
		}, window, "", map[int]int64{1: 7, 2: 14}},
		{"except the return being received", *at(25), []Return{
			{No: "RT-1", Status: ReturnApproved, Lines: []LineQty{{1, 3}}},
		}, 0, "RT-1", map[int]int64{1: 10, 2: 18}},
		{"never below zero", *at(32), []Return{
			{No: "RT-1", Status: ReturnReceived, Received: []LineQty{{1, 6}}},
		}, window, "", map[int]int64{1: 0, 2: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Returnable(lines, shipments, tc.returns, tc.now, tc.window, tc.except)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Returnable = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReturnLinesAndReceipts(t *testing.T) {
	left := map[int]int64{1: 5, 2: 0}
	fields := func(p Problems) string {
		var out []string
		for _, f := range p {
			out = append(out, f.Field)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name          string
		lines         []LineQty
		request, recv string
	}{
		{"fine", []LineQty{{1, 5}}, "", ""},
		{"nothing", nil, "lines", "lines"},
		{"too many", []LineQty{{1, 6}}, "lines[0].quantity", "lines[0].quantity"},
		{"zero: a receipt of nothing", []LineQty{{1, 0}}, "lines[0].quantity", ""},
		{"unknown line and twice", []LineQty{{3, 1}, {1, 1}, {1, 1}}, "lines[0].line_no lines[2].line_no", "lines[0].line_no lines[2].line_no"},
		{"a line with nothing left", []LineQty{{2, 1}}, "lines[0].quantity", "lines[0].quantity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fields(ValidateReturnLines("lines", left, tc.lines)); got != tc.request {
				t.Errorf("request problems %q, want %q", got, tc.request)
			}
			if got := fields(ValidateReceiptLines("lines", left, tc.lines)); got != tc.recv {
				t.Errorf("receipt problems %q, want %q", got, tc.recv)
			}
		})
	}
}

func TestReturnApprover(t *testing.T) {
	limit := Yuan(20_000)
	for _, tc := range []struct {
		value Fen
		want  Level
	}{{Yuan(1), LevelUM}, {limit, LevelUM}, {limit + 1, LevelSLT}} {
		if got := ReturnApprover(tc.value, limit); got != tc.want {
			t.Errorf("ReturnApprover(%s) = %s, want %s", tc.value, got, tc.want)
		}
	}
	if DefaultPolicy().ReturnApprovalLimit != limit {
		t.Errorf("default limit %s, want ¥20,000", DefaultPolicy().ReturnApprovalLimit)
	}
}
