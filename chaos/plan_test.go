package chaos

import (
	"math/rand/v2"
	"slices"
	"time"

	"osb/demo"
	"osb/sales"
)

// Shares of the orders' plans, in percent (at least one order each): held
// for the SLT (a frozen customer) and then rejected or cancelled; released
// and then cancelled; remitted while PostgreSQL is down (shipped before,
// then paid in full and delivered back to back in the outage, so the
// delivery that remits the order arrives while the write of the payment
// waits for the store); the rest go to remittance at random times.
const (
	heldShare   = 10
	cancelShare = 10
	outageShare = 10
	// placedDuring is the share placed while the faults happen rather
	// than before them.
	placedDuring = 30
)

// plan draws the orders of a run from its seed: customer, lines, the walk
// to the end and how far it goes before the faults are over.
func plan(cfg config) []*order {
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	cat := demoCatalog()
	orders := make([]*order, cfg.orders)
	for i, w := range walks(rng, cfg.orders) {
		orders[i] = drawOrder(rng, cfg, cat, i+1, w)
	}
	return orders
}

// walk is the kind of an order's walk.
type walk int

const (
	remitWalk  walk = iota // to remittance, steps at random times
	heldWalk               // held for the SLT, then rejected or cancelled
	cancelWalk             // released, perhaps acknowledged, then cancelled
	outageWalk             // paid, then delivered, while PostgreSQL is down
)

// walks deals the kinds of walk to n orders by their shares, shuffled.
func walks(rng *rand.Rand, n int) []walk {
	var ws []walk
	for _, k := range []struct {
		walk
		share int
	}{{heldWalk, heldShare}, {cancelWalk, cancelShare}, {outageWalk, outageShare}} {
		for range max(1, n*k.share/100) {
			ws = append(ws, k.walk)
		}
	}
	for len(ws) < n {
		ws = append(ws, remitWalk)
	}
	rng.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
	return ws[:n]
}

// catalog is what the demo organisation offers the orders: customers who
// may order, frozen ones (held for the SLT), SKUs outside the quota.
type catalog struct {
	open, frozen []string
	skus         []sales.SKU
}

func demoCatalog() catalog {
	var c catalog
	org := demo.Organisation()
	for _, cu := range org.Customers {
		switch {
		case cu.Active && cu.Frozen:
			c.frozen = append(c.frozen, cu.ID)
		case cu.Active:
			c.open = append(c.open, cu.ID)
		}
	}
	for _, s := range org.SKUs {
		if s.Active && !s.Quota {
			c.skus = append(c.skus, s)
		}
	}
	return c
}

// drawOrder draws order i of kind w.
func drawOrder(rng *rand.Rand, cfg config, cat catalog, i int, w walk) *order {
	o := &order{i: i, createAt: -1, lines: drawLines(rng, cat.skus), customer: cat.open[rng.IntN(len(cat.open))]}
	if w != outageWalk && rng.IntN(100) < placedDuring {
		o.createAt = time.Duration(rng.Int64N(int64(cfg.window() - cfg.gap)))
	}
	switch w {
	case heldWalk:
		o.customer, o.held = cat.frozen[rng.IntN(len(cat.frozen))], true
		o.end, o.steps = sales.StatusRejected, []step{{name: "rejected by the SLT", run: reject}}
		if rng.IntN(2) == 0 {
			o.end, o.steps = sales.StatusCancelled, []step{{name: "cancelled while held", run: cancel}}
		}
	case cancelWalk:
		o.end = sales.StatusCancelled
		if rng.IntN(2) == 0 {
			o.steps = append(o.steps, step{name: "acknowledged", run: acknowledge})
		}
		o.steps = append(o.steps, step{name: "cancelled", run: cancel})
	case outageWalk:
		o.end, o.outage, o.steps = sales.StatusRemitted, true, paidThenDelivered(o.lines)
		o.stop = len(o.steps)
		timeOutage(rng, o, cfg)
		return o
	default:
		o.end, o.steps = sales.StatusRemitted, remittance(rng, o.lines)
	}
	o.stop = rng.IntN(len(o.steps) + 1)
	timeSteps(rng, o, cfg)
	return o
}

// drawLines orders 1–3 SKUs, 2–12 cases each, at list price.
func drawLines(rng *rand.Rand, skus []sales.SKU) []sales.LineRequest {
	pick := rng.Perm(len(skus))[:1+rng.IntN(3)]
	lines := make([]sales.LineRequest, len(pick))
	for i, p := range pick {
		lines[i] = sales.LineRequest{SKU: skus[p].Code, Quantity: 2 + rng.Int64N(11), UnitPrice: skus[p].ListPrice}
	}
	return lines
}

// remittance is the walk of a released order to remittance: planned,
// shipped in one or two goods issues, delivered, perhaps an invoice
// disputed first, invoices acknowledged, paid in one or two receipts.
func remittance(rng *rand.Rand, lines []sales.LineRequest) []step {
	all := allLines(lines)
	s := []step{{name: "acknowledged", run: acknowledge}}
	if rng.IntN(2) == 0 {
		var first, second []sales.LineQty
		if len(all) > 1 {
			first, second = all[:1], all[1:]
		} else {
			half := all[0].Quantity / 2
			first = []sales.LineQty{{LineNo: 1, Quantity: half}}
			second = []sales.LineQty{{LineNo: 1, Quantity: all[0].Quantity - half}}
		}
		s = append(s,
			step{name: "partly shipped", run: goodsIssue(first)},
			step{name: "shipped", run: goodsIssue(second)},
			step{name: "partly delivered", run: deliver(0)},
			step{name: "delivered", run: deliver(1)})
	} else {
		s = append(s, step{name: "shipped", run: goodsIssue(all)}, step{name: "delivered", run: deliver(0)})
	}
	if rng.IntN(4) == 0 {
		s = append(s, step{name: "invoice disputed", run: dispute})
	}
	s = append(s, step{name: "invoices acknowledged", run: acknowledgeInvoices})
	if rng.IntN(2) == 0 {
		s = append(s, step{name: "partly paid", run: pay(true)})
	}
	return append(s, step{name: "remitted", run: pay(false)})
}

// paidThenDelivered is the walk of an order paid in full before its proof
// of delivery, which remits it.
func paidThenDelivered(lines []sales.LineRequest) []step {
	return []step{
		{name: "acknowledged", run: acknowledge},
		{name: "shipped", run: goodsIssue(allLines(lines))},
		{name: "paid before delivery", run: pay(false)},
		{name: "remitted while PostgreSQL was down", run: deliver(0)},
	}
}

// allLines is every line's whole quantity.
func allLines(lines []sales.LineRequest) []sales.LineQty {
	all := make([]sales.LineQty, len(lines))
	for i, l := range lines {
		all[i] = sales.LineQty{LineNo: i + 1, Quantity: l.Quantity}
	}
	return all
}

// timeSteps spreads the steps taken before the faults are over across
// them, after the order is placed.
func timeSteps(rng *rand.Rand, o *order, cfg config) {
	from := max(o.createAt, 0) + time.Second
	span := int64(cfg.window() - cfg.gap/2 - from)
	at := make([]time.Duration, o.stop)
	for i := range at {
		at[i] = from + time.Duration(rng.Int64N(span))
	}
	slices.Sort(at)
	for i, t := range at {
		o.steps[i].at = t
	}
}

// timeOutage spreads all steps but the last two before PostgreSQL stops;
// the last two are taken back to back a second after it stopped.
func timeOutage(rng *rand.Rand, o *order, cfg config) {
	down := cfg.pgStopAt() + time.Second
	span := int64(cfg.pgStopAt() - 2*time.Second)
	n := len(o.steps) - 2
	at := make([]time.Duration, n)
	for i := range at {
		at[i] = time.Second + time.Duration(rng.Int64N(span))
	}
	slices.Sort(at)
	for i, t := range at {
		o.steps[i].at = t
	}
	o.steps[n].at, o.steps[n+1].at = down, down
}
