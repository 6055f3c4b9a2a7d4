package chaos

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"osb/sales"
)

// report is what a run did and found.
type report struct {
	cfg    config
	orders []*order
	faults []fault

	requests, retried int64
	ended             map[sales.OrderStatus]int // by the status each workflow ended in
	runs              map[enumspb.WorkflowExecutionStatus]int
	matched           int // orders whose store equals their workflow's record
	redelivered       int // notifications the webhook got more than once
	leased            int // notifications left to a batch a fault interrupted
	leaseEnds         time.Duration
	stored            struct {
		orders, shipments, invoices, receipts, events, escalations, notifications, behind int
	}
	workerExits []string
	problems    findings
	elapsed     time.Duration
}

func newReport(cfg config) *report {
	return &report{cfg: cfg, ended: map[sales.OrderStatus]int{}, runs: map[enumspb.WorkflowExecutionStatus]int{}}
}

// print writes the summary table.
func (r *report) print(out io.Writer) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	line := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	line("")
	line("OSB fault suite: summary")
	line("orders\t%d placed through the API (seed %d); %d requests, %d sent again after no answer or a 5xx", r.placed(), r.cfg.seed, r.requests, r.retried)
	line("faults injected\t")
	for _, f := range r.faults {
		line("  %s → %s\t%s: %s", clockTime(f.at), clockTime(f.end), f.what, f.detail)
	}
	line("points reached when the faults were over\t")
	points, byPoint := r.points()
	for _, p := range points {
		line("  %s\t%d", p, byPoint[p])
	}
	line("end state\texpected\treached")
	for _, st := range []sales.OrderStatus{sales.StatusRemitted, sales.StatusCancelled, sales.StatusRejected} {
		line("  %s\t%d\t%d", st, r.expected(st), r.ended[st])
	}
	for st, n := range r.ended {
		if st != sales.StatusRemitted && st != sales.StatusCancelled && st != sales.StatusRejected {
			line("  %s\t0\t%d", st, n)
		}
	}
	line("order workflow runs\t%s", r.runText())
	line("store = workflow record\t%d of %d orders", r.matched, r.placed())
	s := r.stored
	line("store holds\t%d orders, %d shipments, %d invoices, %d receipts, %d audit events, %d escalations, %d notifications",
		s.orders, s.shipments, s.invoices, s.receipts, s.events, s.escalations, s.notifications)
	outbox := "every notification delivered to the webhook"
	if r.leased > 0 {
		outbox = fmt.Sprintf("%d notifications wait for the lease of a batch a fault interrupted (until %s), the rest delivered", r.leased, clockTime(r.leaseEnds))
	}
	line("outbox\t%s; %d arrived more than once (at least once: the receiver drops repeats by key)", outbox, r.redelivered)
	line("store_behind problems filed\t%d", s.behind)
	exits := "none"
	if len(r.workerExits) > 0 {
		exits = strings.Join(r.workerExits, "; ")
	}
	line("worker exits nobody asked for\t%s", exits)
	problems := r.problems.list()
	line("problems found\t%d", len(problems))
	line("elapsed\t%s", r.elapsed.Round(time.Second))
	w.Flush()
	for _, p := range problems {
		fmt.Fprintf(out, "  - %s\n", p)
	}
}

func (r *report) placed() int {
	n := 0
	for _, o := range r.orders {
		if o.no != "" {
			n++
		}
	}
	return n
}

func (r *report) expected(st sales.OrderStatus) int {
	n := 0
	for _, o := range r.orders {
		if o.end == st {
			n++
		}
	}
	return n
}

// points counts the orders by the point their walk had reached when the
// faults were over, in the order of the cycle.
func (r *report) points() ([]string, map[string]int) {
	count := map[string]int{}
	for _, o := range r.orders {
		if o.point != "" {
			count[o.point]++
		}
	}
	cycle := []string{"held for the SLT", "rejected by the SLT", "cancelled while held", "released", "acknowledged", "cancelled",
		"partly shipped", "shipped", "partly delivered", "delivered", "invoice disputed", "invoices acknowledged", "partly paid", "remitted", "paid before delivery",
		"remitted while PostgreSQL was down"}
	names := make([]string, 0, len(count))
	for p := range count {
		names = append(names, p)
	}
	slices.SortFunc(names, func(a, b string) int {
		ia, ib := slices.Index(cycle, a), slices.Index(cycle, b)
		return ia - ib
	})
	return names, count
}

func (r *report) runText() string {
	if len(r.runs) == 0 {
		return "none listed"
	}
	var parts []string
	for st, n := range r.runs {
		parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(strings.TrimPrefix(st.String(), "WORKFLOW_EXECUTION_STATUS_"))))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
