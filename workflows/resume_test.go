package workflows

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"osb/sales"
)

// resumeGolden is the reopen input of a remitted order as format 1 stores it.
// OSB_RECORD_RESUME=1 writes it again from a run of the current code: only
// for a change that every format-1 input already stored decodes correctly
// (a new field); any other change bumps resumeFormat and adds a golden file.
var resumeGolden = filepath.Join("testdata", "resume", "1.json")

// The stored reopen input of every format still readable decodes, with
// every field it holds known to this release: a field renamed or removed
// from OrderInput, OrderState or RunBook fails here, not in a customer's
// return request weeks after the release.
func TestResumeFormats(t *testing.T) {
	if os.Getenv("OSB_RECORD_RESUME") != "" {
		h := newHarness(t)
		h.shipAll(hour)
		h.pay(sales.Day, "pay", "P", sales.Yuan(2000))
		h.run()
		raw := h.w.resumeRaw()
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, raw, "", " "); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(resumeGolden, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(resumeGolden)
	if err != nil {
		t.Fatal(err)
	}
	in, err := DecodeResume(raw)
	if err != nil {
		t.Fatalf("decoding %s: %v", resumeGolden, err)
	}
	if s := in.State; !in.Reopen || s.OrderNo == "" || s.Status != sales.StatusRemitted || s.ReturnsUntil == nil ||
		len(s.Lines) == 0 || len(s.Invoices) == 0 || len(s.Receipts) == 0 || s.Ladder.GM == "" {
		t.Errorf("decoded state %+v", s)
	}
	if b := in.Book; len(b.Written) == 0 || !b.SA.Identity || b.Memo == nil || len(b.Pending.Events) != 0 {
		t.Errorf("decoded bookkeeping %+v", b)
	}

	// Every field the stored input holds is one this release reads.
	var env resumeEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(env.Input))
	dec.DisallowUnknownFields()
	var strict OrderInput
	if err := dec.Decode(&strict); err != nil {
		t.Errorf("format %d holds a field this release does not read: %v (bump resumeFormat and decode the old one)", env.Format, err)
	}

	// What this release writes, it reads back as it was.
	again, err := EncodeResume(in)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeResume(again)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(in)
	b, _ := json.Marshal(back)
	if !bytes.Equal(a, b) {
		t.Errorf("encode and decode changed the input:\n%s\n%s", a, b)
	}
}

func TestResumeRefusesWhatItCannotRead(t *testing.T) {
	for _, raw := range []string{
		`{"format":2,"input":{}}`,                  // a newer release's
		`{"order_no":"SO-2026-000001","state":{}}`, // a bare OrderInput, from before the envelope
		`{"format":1,"input":{"order_no":"SO-1"}}`, // no state
		`not json`,
	} {
		if _, err := DecodeResume([]byte(raw)); err == nil {
			t.Errorf("%s: decoded", raw)
		} else if strings.Contains(raw, `"format":2`) && !strings.Contains(err.Error(), "format 2 is not known") {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

// The status query shows the order, never the run's bookkeeping.
func TestStatusShowsNoBookkeeping(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.pay(sales.Day, "pay", "P", sales.Yuan(1000))
	h.runFor(2 * sales.Day)
	b, err := json.Marshal(h.query())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["order_no"] == "" || got["invoices"] == nil {
		t.Fatalf("status %s", b)
	}
	for _, k := range []string{"pending", "sa", "memo", "written", "return_requests", "book"} {
		if _, ok := got[k]; ok {
			t.Errorf("the status shows %q", k)
		}
	}
}
