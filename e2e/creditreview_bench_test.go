package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"osb/activities"
	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/worker"
	"osb/workflows"
)

// benchCustomers is how many customers the quarterly review goes through.
const benchCustomers = 10_000

// BenchmarkQuarterlyCreditReview runs the quarterly credit review workflow
// over 10,000 generated customers (and the 20 demo ones) on the real embedded Temporal and a fresh
// PostgreSQL database, and prints how long one review takes:
//
//	go test ./e2e -run '^$' -bench QuarterlyCreditReview -benchtime 3x
//
// Each customer has six invoices (the last quarter and the same quarter a
// year earlier) paid between on time and 79 days late; one review reads
// them in batches of 200 customers (50 activities), computes every limit and
// writes every new rating and limit with its inputs.
func BenchmarkQuarterlyCreditReview(b *testing.B) {
	sys := osb(b)
	ctx := context.Background()
	url := pgtest.NewDatabase(b)
	store, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(store.Close)
	seedStart := time.Now()
	all := seedCreditCustomers(b, store, url, benchCustomers)
	b.Logf("generated %d customers with %d invoices in %s", benchCustomers, 6*benchCustomers, time.Since(seedStart).Round(time.Millisecond))

	const queue = "credit-review-bench"
	w := sdkworker.New(sys.client, queue, sdkworker.Options{})
	acts := &activities.Activities{Store: store, Logger: sys.log}
	worker.Register(w, acts)
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()

	b.ResetTimer()
	var total time.Duration
	for i := range b.N {
		id := fmt.Sprintf("credit-review-bench/%d-%d", time.Now().UnixNano(), i)
		start := time.Now()
		run, err := sys.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue},
			workflows.CreditReviewWorkflowName, workflows.CreditReviewInput{ReviewID: id, StartedBy: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		var p workflows.CreditReviewProgress
		if err := run.Get(ctx, &p); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		if !p.Done || p.Processed != all || p.Batches != all/workflows.DefaultReviewBatchSize+1 {
			b.Fatalf("review %+v, want every one of the %d customers", p, all)
		}
	}
	b.StopTimer()
	b.ReportMetric(total.Seconds()/float64(b.N), "s/review")
	b.ReportMetric(float64(all*b.N)/total.Seconds(), "customers/s")
	b.ReportMetric(directReview(b, acts, all).Seconds(), "s/review-without-temporal")

	// What the last review wrote.
	var ratings map[string]int
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT rating, count(*) FROM customers WHERE id LIKE 'B%' GROUP BY 1`)
	ratings = map[string]int{}
	var r string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&r, &n}, func() error { ratings[r] = n; return nil }); err != nil {
		b.Fatal(err)
	}
	if len(ratings) != 4 {
		b.Errorf("ratings after the review %v, want all of A to D among the generated customers", ratings)
	}
	b.Logf("ratings %v", ratings)
}

// directReview runs the batch activity page after page in the benchmark's
// process, without Temporal: what the store and the formula cost alone.
func directReview(b *testing.B, acts *activities.Activities, all int) time.Duration {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	r := sales.CreditReview{ID: fmt.Sprintf("credit-review-direct/%d", now.UnixNano()), Quarter: sales.QuarterOf(now), AsOf: now, StartedBy: "bench", StartedAt: now}
	start := time.Now()
	started, err := acts.StartCreditReview(ctx, workflows.StartCreditReviewInput{Review: r})
	if err != nil {
		b.Fatal(err)
	}
	in := workflows.CreditBatchInput{ReviewID: r.ID, Actor: "bench", AsOf: now, Policy: started.Policy, Limit: workflows.DefaultReviewBatchSize}
	done := 0
	for {
		res, err := acts.ReviewCreditBatch(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		done += res.Customers
		if res.Customers < in.Limit {
			break
		}
		in.After = res.Last
	}
	if done != all {
		b.Fatalf("the direct review went through %d customers, want %d", done, all)
	}
	return time.Since(start)
}

// seedCreditCustomers writes the demo organisation and n customers B00001…
// with six invoices each, in bulk (COPY): ¥10,000 to ¥100,000 a month in the
// last quarter, 80% of it in the same quarter a year earlier, paid i%80 days
// late. It returns how many customers there are in all.
func seedCreditCustomers(b *testing.B, store *postgres.Store, url string, n int) int {
	b.Helper()
	ctx := context.Background()
	org := demo.Organisation()
	if err := store.SaveOrganisation(ctx, org); err != nil {
		b.Fatal(err)
	}
	var kams []sales.User
	for _, u := range org.Users {
		if u.Title == sales.TitleKAM {
			kams = append(kams, u)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)

	quarter := sales.QuarterStart(time.Now())
	var customers, orders, invoices [][]any
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("B%05d", i)
		kam := kams[i%len(kams)]
		customers = append(customers, []any{id, "批量客户 " + id, kam.Market, kam.ID, 30, int64(sales.Yuan(100_000)), "C"})
		monthly := sales.Yuan(int64(10_000 + (i%10)*10_000))
		for k, back := range []int{-3, -2, -1, -15, -14, -13} {
			amount := monthly
			if back < -12 {
				amount = monthly * 8 / 10
			}
			issued := quarter.AddDate(0, back, 4)
			due := issued.AddDate(0, 0, 30)
			paid := due.AddDate(0, 0, i%80)
			no := fmt.Sprintf("SO-1999-%s-%d", id, k)
			orders = append(orders, []any{no, id, kam.Market, kam.ID, "CNY", int64(amount), string(sales.StatusRemitted),
				string(sales.BC7Close), issued, paid, paid})
			invoices = append(invoices, []any{"IV-" + no[3:], no, id, "SH-" + no[3:], "CNY", int64(amount), int64(amount),
				issued, due, paid, 0})
		}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"customers", []string{"id", "name", "market", "kam_id", "payment_terms_days", "credit_limit_fen", "rating"}, customers},
		{"orders", []string{"order_no", "customer_id", "market", "kam_id", "currency", "total_fen", "status", "step",
			"created_at", "updated_at", "closed_at"}, orders},
		{"invoices", []string{"invoice_no", "order_no", "customer_id", "shipment_no", "currency", "amount_fen", "paid_fen",
			"issued_at", "due_at", "paid_at", "dunning_level"}, invoices},
	} {
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			b.Fatalf("copy %s: %v", c.table, err)
		}
	}
	if _, err := conn.Exec(ctx, `ANALYZE customers, orders, invoices`); err != nil {
		b.Fatal(err)
	}
	return n + len(org.Customers)
}
