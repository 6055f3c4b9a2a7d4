package chaos

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"osb/projection"
	"osb/sales"
	"osb/workflows"
)

// check waits until every order's workflow has completed, then checks each
// order against its plan, its workflow, the store and the outbox.
func check(ctx context.Context, s *stack, cfg config, orders []*order, rep *report) {
	limit := 3 * time.Minute
	if cfg.full {
		limit = 10 * time.Minute
	}
	s.clock.printf("checking: waiting (at most %s) for every order's workflow to complete", limit)
	waitClosed(ctx, s, orders, rep, limit)
	s.clock.printf("checking each order: its end, the store against its workflow's record, duplicates")
	db, err := pgx.Connect(ctx, s.dbURL)
	if err != nil {
		rep.problems.add("connecting to the store to check it: %v", err)
		return
	}
	defer db.Close(context.WithoutCancel(ctx))
	src := projection.Temporal{Client: s.client, Namespace: s.namespace()}
	for _, o := range orders {
		checkOrder(ctx, s, db, src, o, rep)
	}
	checkWorkflows(ctx, s, orders, rep)
	checkStore(ctx, db, orders, rep)
	checkOutbox(ctx, s, db, rep)
}

// waitClosed waits until the latest run of every order's workflow has
// closed; the runs still open after limit are problems.
func waitClosed(ctx context.Context, s *stack, orders []*order, rep *report, limit time.Duration) {
	deadline := time.Now().Add(limit)
	pending := slices.DeleteFunc(slices.Clone(orders), func(o *order) bool { return o.no == "" })
	for {
		pending = slices.DeleteFunc(pending, func(o *order) bool {
			d, err := s.client.DescribeWorkflowExecution(ctx, workflows.WorkflowID(o.no), "")
			if err != nil {
				return false
			}
			o.workflow = d.GetWorkflowExecutionInfo().GetStatus()
			return o.workflow != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
		})
		if len(pending) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(2 * time.Second)
	}
	for _, o := range pending {
		rep.problems.add("%s: its workflow is still running %s after the faults: %s", o.no, limit, stuck(ctx, s, o))
	}
}

// stuck says where a workflow that did not complete stands.
func stuck(ctx context.Context, s *stack, o *order) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var parts []string
	if d, err := s.client.DescribeWorkflowExecution(ctx, workflows.WorkflowID(o.no), ""); err == nil {
		if t := d.GetPendingWorkflowTask(); t != nil && t.GetAttempt() > 1 {
			parts = append(parts, fmt.Sprintf("its workflow task failed %d times", t.GetAttempt()-1))
		}
		for _, a := range d.GetPendingActivities() {
			parts = append(parts, fmt.Sprintf("activity %s attempt %d: %s", a.GetActivityType().GetName(), a.GetAttempt(), a.GetLastFailure().GetMessage()))
		}
	}
	if v, err := s.client.QueryWorkflow(ctx, workflows.WorkflowID(o.no), "", workflows.QueryStatus); err == nil {
		var view workflows.OrderView
		if v.Get(&view) == nil {
			parts = append(parts, fmt.Sprintf("status %s at %s, expected %s", view.Status, view.Step, o.end))
			if lag := view.RecordBehind; lag != nil {
				parts = append(parts, fmt.Sprintf("record behind since %s after %d attempts: %s", lag.Since.Format(time.TimeOnly), lag.Attempts, lag.Error))
			}
		}
	} else {
		parts = append(parts, "status query: "+err.Error())
	}
	if o.err != nil {
		parts = append(parts, "the suite's last action: "+o.err.Error())
	}
	return strings.Join(parts, "; ")
}

// checkOrder checks one order: it ended as planned, the store holds what
// its workflow holds, and neither has a shipment, invoice or receipt more
// (or less) than the suite's actions made.
func checkOrder(ctx context.Context, s *stack, db *pgx.Conn, src projection.Temporal, o *order, rep *report) {
	if o.no == "" {
		rep.problems.add("order %d for %s was never placed: %v", o.i, o.customer, o.err)
		return
	}
	if o.err != nil {
		rep.problems.add("%s (%s): %v", o.no, o.customer, o.err)
	}
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	rec, err := src.Record(qctx, o.no)
	cancel()
	if err != nil || rec.Order == nil {
		rep.problems.add("%s: its workflow answers no record: %v", o.no, err)
		return
	}
	wf := *rec.Order
	rep.ended[wf.Status]++
	if wf.Status != o.end {
		rep.problems.add("%s (%s): ends %s at %s, expected %s", o.no, o.customer, wf.Status, wf.Step, o.end)
	}
	st, err := s.store.Order(ctx, o.no)
	if err != nil {
		rep.problems.add("%s: the store cannot read it: %v", o.no, err)
		return
	}
	if diff := differences(st, wf); len(diff) > 0 {
		rep.problems.add("%s: the store differs from its workflow: %s", o.no, strings.Join(diff, "; "))
	} else {
		rep.matched++
	}
	checkLedger(o, wf, st, rep)
	checkEvents(ctx, db, o, wf, rep)
}

// checkLedger compares what the suite's actions made (its ledger) with the
// workflow's record and the store: as many shipments and invoices as goods
// issues answered, as many receipts as confirmed, nothing twice.
func checkLedger(o *order, wf, st sales.OrderSnapshot, rep *report) {
	for _, c := range []struct {
		what      string
		wf, store int
	}{
		{"shipments", len(wf.Shipments), len(st.Shipments)},
		{"invoices", len(wf.Invoices), len(st.Invoices)},
	} {
		if c.wf != len(o.shipments) || c.store != len(o.shipments) {
			rep.problems.add("%s: %d goods issues answered, but %d %s in its workflow and %d in the store", o.no, len(o.shipments), c.wf, c.what, c.store)
		}
	}
	if len(wf.Receipts) != len(o.receipts) || len(st.Receipts) != len(o.receipts) {
		rep.problems.add("%s: %d receipts confirmed, but %d in its workflow and %d in the store", o.no, len(o.receipts), len(wf.Receipts), len(st.Receipts))
	}
	for _, d := range twice(wf) {
		rep.problems.add("%s: its workflow has %s", o.no, d)
	}
}

// checkEvents checks the store has every audit event of the workflow
// (numbered 1 to its version), each once.
func checkEvents(ctx context.Context, db *pgx.Conn, o *order, wf sales.OrderSnapshot, rep *report) {
	var events, last int
	if err := db.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), 0) FROM order_events WHERE order_no = $1`, o.no).Scan(&events, &last); err != nil {
		rep.problems.add("%s: counting its audit events: %v", o.no, err)
	} else if events != wf.Version || last != wf.Version {
		rep.problems.add("%s: its workflow has %d audit events, the store %d (the last numbered %d)", o.no, wf.Version, events, last)
	}
}

// twice names what the workflow's own record holds twice: a shipment
// (number or waybill: one per goods issue), an invoice of one shipment, a
// receipt reference.
func twice(o sales.OrderSnapshot) []string {
	var out []string
	seen := map[string]bool{}
	dup := func(kind, key string) {
		if seen[kind+key] {
			out = append(out, kind+" "+key+" twice")
		}
		seen[kind+key] = true
	}
	for _, sh := range o.Shipments {
		dup("shipment", sh.No)
		dup("waybill", sh.Waybill)
	}
	for _, inv := range o.Invoices {
		dup("invoice", inv.No)
		dup("invoice of shipment", inv.ShipmentNo)
	}
	for _, r := range o.Receipts {
		dup("receipt", r.Reference)
	}
	return out
}

// checkWorkflows lists every order workflow run Temporal has: none may
// have failed, been terminated or timed out, and none may belong to an
// order the API never answered.
func checkWorkflows(ctx context.Context, s *stack, orders []*order, rep *report) {
	ours := map[string]bool{}
	for _, o := range orders {
		if o.no != "" {
			ours[workflows.WorkflowID(o.no)] = true
		}
	}
	var token []byte
	for {
		resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: s.namespace(), Query: fmt.Sprintf("WorkflowType = %q", workflows.OrderWorkflowName),
			PageSize: 1000, NextPageToken: token,
		})
		if err != nil {
			rep.problems.add("listing the order workflows: %v", err)
			return
		}
		for _, e := range resp.GetExecutions() {
			st := e.GetStatus()
			rep.runs[st]++
			id := e.GetExecution().GetWorkflowId()
			switch st {
			case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED,
				enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
				rep.problems.add("%s (run %s) %s", id, e.GetExecution().GetRunId(), strings.ToLower(st.String()))
			}
			if !ours[id] {
				rep.problems.add("%s: a workflow of an order no request was answered with", id)
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return
		}
	}
}

// storeChecks are queries whose every row is a problem.
var storeChecks = []struct{ what, sql string }{
	{"one goods issue recorded as two shipments (same waybill)",
		`SELECT order_no || ' ' || waybill || ' ×' || count(*) FROM shipments GROUP BY order_no, waybill HAVING count(*) > 1`},
	{"two invoices for one shipment",
		`SELECT shipment_no || ' ×' || count(*) FROM invoices GROUP BY shipment_no HAVING count(*) > 1`},
	{"a receipt recorded twice",
		`SELECT order_no || ' ' || reference || ' ×' || count(*) FROM receipts GROUP BY order_no, reference HAVING count(*) > 1`},
	{"what invoices were paid differs from what receipts applied",
		`SELECT o.order_no || ': paid ' || coalesce(i.paid, 0) || ', applied ' || coalesce(r.applied, 0) FROM orders o
		 LEFT JOIN (SELECT order_no, sum(paid_fen) AS paid FROM invoices GROUP BY order_no) i ON i.order_no = o.order_no
		 LEFT JOIN (SELECT order_no, sum(amount_fen - excess_fen) AS applied FROM receipts GROUP BY order_no) r ON r.order_no = o.order_no
		 WHERE coalesce(i.paid, 0) <> coalesce(r.applied, 0)`},
	{"a notification key twice",
		`SELECT dedupe_key || ' ×' || count(*) FROM notifications GROUP BY dedupe_key HAVING count(*) > 1`},
	{"one event notified twice to one recipient",
		`SELECT order_no || ' ' || kind || ' to ' || recipient_id || ' "' || subject || '" ×' || count(*) FROM notifications
		 WHERE order_no IS NOT NULL GROUP BY order_no, kind, recipient_id, subject HAVING count(*) > 1`},
	{"one escalation twice",
		`SELECT order_no || ' ' || kind || ' level ' || level || ' "' || subject || '" ×' || count(*) FROM escalations
		 GROUP BY order_no, kind, level, subject HAVING count(*) > 1`},
	{"an escalation without its notification",
		`SELECT e.dedupe_key || ' to ' || r FROM escalations e CROSS JOIN LATERAL unnest(e.recipients) AS r
		 WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = e.dedupe_key || '/' || r)`},
}

// checkStore runs the store's duplicate checks by key and counts what it holds.
func checkStore(ctx context.Context, db *pgx.Conn, orders []*order, rep *report) {
	for _, c := range storeChecks {
		rows, err := db.Query(ctx, c.sql)
		if err != nil {
			rep.problems.add("checking the store for %s: %v", c.what, err)
			continue
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			rep.problems.add("checking the store for %s: %v", c.what, err)
		}
		for _, f := range found {
			rep.problems.add("%s: %s", c.what, f)
		}
	}
	placed := 0
	for _, o := range orders {
		if o.no != "" {
			placed++
		}
	}
	counts := []struct {
		name string
		n    *int
	}{
		{"orders", &rep.stored.orders}, {"shipments", &rep.stored.shipments}, {"invoices", &rep.stored.invoices},
		{"receipts", &rep.stored.receipts}, {"order_events", &rep.stored.events}, {"escalations", &rep.stored.escalations},
		{"notifications", &rep.stored.notifications},
	}
	for _, c := range counts {
		if err := db.QueryRow(ctx, `SELECT count(*) FROM `+c.name).Scan(c.n); err != nil {
			rep.problems.add("counting %s: %v", c.name, err)
		}
	}
	if rep.stored.orders != placed {
		rep.problems.add("the store has %d orders, the API answered %d placed", rep.stored.orders, placed)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM problems WHERE source = $1`, string(sales.SourceStoreBehind)).Scan(&rep.stored.behind); err != nil {
		rep.problems.add("counting store_behind problems: %v", err)
	}
}

// checkOutbox waits until the worker's dispatcher has delivered every
// notification it may send now, and checks each arrived at the webhook. A
// notification still leased to a batch that a fault interrupted waits for
// the lease to end (by design: at least once, never twice at the same
// time); it is noted, not waited for.
func checkOutbox(ctx context.Context, s *stack, db *pgx.Conn, rep *report) {
	deadline := time.Now().Add(time.Minute)
	var due, leased, dead int
	var leaseEnds *time.Time
	for {
		err := db.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()),
			count(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at > now()),
			count(*) FILTER (WHERE dead_at IS NOT NULL),
			max(next_attempt_at) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL)
			FROM notifications`).Scan(&due, &leased, &dead, &leaseEnds)
		if err != nil {
			rep.problems.add("reading the outbox: %v", err)
			return
		}
		if due+leased == 0 || (due == 0 && time.Now().After(deadline)) || time.Now().After(deadline.Add(time.Minute)) {
			break
		}
		time.Sleep(time.Second)
	}
	if due > 0 || dead > 0 {
		rep.problems.add("the outbox kept %d notifications due but undelivered and %d dead", due, dead)
	}
	if leased > 0 && leaseEnds != nil {
		rep.leased, rep.leaseEnds = leased, leaseEnds.Sub(s.clock.start)
	}
	rows, _ := db.Query(ctx, `SELECT dedupe_key FROM notifications WHERE delivered_at IS NOT NULL`)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		rep.problems.add("reading the delivered notifications: %v", err)
		return
	}
	got := s.hook.deliveries()
	for _, k := range keys {
		switch n := got[k]; {
		case n == 0:
			rep.problems.add("notification %s is marked delivered but never reached the webhook", k)
		case n > 1:
			rep.redelivered++
		}
	}
}

// findings are the problems a run found.
type findings struct {
	mu    sync.Mutex
	items []string
}

func (f *findings) add(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, fmt.Sprintf(format, args...))
}

func (f *findings) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.items...)
}
