package sales

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// Properties of applying a receipt to an order's invoices, over random
// invoices (paid, part paid, credited, over-credited, due on the same day)
// and amounts from nothing to more than everything owed. Amounts are never
// negative: the payment validator refuses them before AllocateReceipt runs.
func TestAllocateReceiptProperties(t *testing.T) {
	const seed, cases = 20260310, 20_000
	rng := rand.New(rand.NewPCG(seed, 0))
	for n := range cases {
		invoices, amount, preferred := randomReceipt(rng)
		allocs, excess := AllocateReceipt(invoices, amount, preferred)
		if why := allocationBreaks(invoices, amount, preferred, allocs, excess); why != "" {
			t.Fatalf("case %d (seed %d): %s\ninvoices %s\namount %d, preferred %q\nallocations %+v, excess %d",
				n, seed, why, describe(invoices), amount, preferred, allocs, excess)
		}
	}
}

// randomReceipt is up to eight invoices, an amount and the invoice named
// first: one of them, an unknown one or none.
func randomReceipt(rng *rand.Rand) ([]Invoice, Fen, string) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, Beijing)
	invoices := make([]Invoice, rng.IntN(9))
	var owed Fen
	for i := range invoices {
		inv := Invoice{No: fmt.Sprintf("IV-%d", i+1), Amount: Fen(1 + rng.Int64N(1_000_000)), DueAt: day.AddDate(0, 0, rng.IntN(5))}
		switch rng.IntN(5) {
		case 0: // paid in full
			inv.Paid = inv.Amount
		case 1: // part paid, part credited
			inv.Paid = Fen(rng.Int64N(int64(inv.Amount)))
			inv.Credited = Fen(rng.Int64N(int64(inv.Amount - inv.Paid)))
		case 2: // a credit note larger than what was left
			inv.Paid = inv.Amount / 2
			inv.Credited = inv.Amount
		}
		owed += max(inv.Outstanding(), 0)
		invoices[i] = inv
	}
	var amount Fen
	switch rng.IntN(4) {
	case 0:
		amount = owed // exactly everything
	case 1:
		amount = owed + Fen(1+rng.Int64N(100_000)) // more than everything
	case 2:
		amount = Fen(rng.IntN(3)) // nothing or almost
	default:
		amount = Fen(rng.Int64N(int64(owed) + 1))
	}
	preferred := ""
	switch r := rng.IntN(4); {
	case r == 0 && len(invoices) > 0:
		preferred = invoices[rng.IntN(len(invoices))].No
	case r == 1:
		preferred = "IV-404"
	}
	return invoices, amount, preferred
}

// allocationBreaks says which property allocs and excess break ("" for
// none): nothing negative, no invoice paid more than it owes or twice,
// sum(allocations)+excess == amount, the named invoice first and then the
// oldest due date, and no later invoice paid while an earlier one still owes.
func allocationBreaks(invoices []Invoice, amount Fen, preferred string, allocs []Allocation, excess Fen) string {
	index := map[string]int{}
	for i, inv := range invoices {
		index[inv.No] = i
	}
	if excess < 0 {
		return "negative excess"
	}
	sum := excess
	got := map[string]Fen{}
	for _, a := range allocs {
		i, ok := index[a.InvoiceNo]
		switch {
		case !ok:
			return "an allocation to an unknown invoice " + a.InvoiceNo
		case a.Amount <= 0:
			return "an allocation that is not positive"
		case got[a.InvoiceNo] != 0:
			return "two allocations to " + a.InvoiceNo
		case a.Amount > invoices[i].Outstanding():
			return "more allocated to " + a.InvoiceNo + " than it owes"
		}
		got[a.InvoiceNo] = a.Amount
		sum += a.Amount
	}
	if sum != amount {
		return fmt.Sprintf("allocations and excess add up to %d, not %d", sum, amount)
	}
	// first reports whether invoice a comes before b: the named one, then
	// the earlier due date, then the order on the order.
	first := func(a, b int) bool {
		pa, pb := invoices[a].No == preferred, invoices[b].No == preferred
		if pa != pb {
			return pa
		}
		if !invoices[a].DueAt.Equal(invoices[b].DueAt) {
			return invoices[a].DueAt.Before(invoices[b].DueAt)
		}
		return a < b
	}
	for k := 1; k < len(allocs); k++ {
		if !first(index[allocs[k-1].InvoiceNo], index[allocs[k].InvoiceNo]) {
			return fmt.Sprintf("%s is paid before %s", allocs[k-1].InvoiceNo, allocs[k].InvoiceNo)
		}
	}
	for i, inv := range invoices {
		short := inv.Outstanding() - got[inv.No]
		if short <= 0 {
			continue
		}
		if excess > 0 {
			return fmt.Sprintf("%d kept as excess while %s still owes %d", excess, inv.No, short)
		}
		for j := range invoices {
			if got[invoices[j].No] > 0 && first(i, j) {
				return fmt.Sprintf("%s is paid while %s, which comes first, still owes %d", invoices[j].No, inv.No, short)
			}
		}
	}
	return ""
}

func describe(invoices []Invoice) string {
	s := ""
	for _, inv := range invoices {
		s += fmt.Sprintf("\n  %s due %s amount %d paid %d credited %d", inv.No, inv.DueAt.Format(time.DateOnly), inv.Amount, inv.Paid, inv.Credited)
	}
	return s
}

// The property check itself catches a wrong allocation.
func TestAllocationBreaksCatchesAWrongAllocation(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, Beijing)
	invoices := []Invoice{{No: "IV-1", Amount: 100, DueAt: day.AddDate(0, 0, 1)}, {No: "IV-2", Amount: 100, DueAt: day}}
	for _, c := range []struct {
		allocs []Allocation
		excess Fen
	}{
		{[]Allocation{{"IV-1", 100}, {"IV-2", 50}}, 0},   // the later due date first
		{[]Allocation{{"IV-2", 100}, {"IV-1", 40}}, 10},  // excess while IV-1 owes
		{[]Allocation{{"IV-2", 150}}, 0},                 // more than owed
		{[]Allocation{{"IV-2", 100}, {"IV-1", 60}}, 0},   // does not add up
		{[]Allocation{{"IV-2", 100}, {"IV-1", 60}}, -10}, // negative excess
	} {
		if allocationBreaks(invoices, 150, "", c.allocs, c.excess) == "" {
			t.Errorf("%+v with excess %d passed", c.allocs, c.excess)
		}
	}
	if why := allocationBreaks(invoices, 150, "", []Allocation{{"IV-2", 100}, {"IV-1", 50}}, 0); why != "" {
		t.Errorf("the right allocation fails: %s", why)
	}
}
