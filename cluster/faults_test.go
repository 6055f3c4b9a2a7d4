package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"osb/demo"
	"osb/devserver/localpg"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/workflows"
)

// TestClusterUnderFaults is the short form of the run under faults (60
// orders), in `make test`; BenchmarkClusterUnderFaults is the full one
// (300 orders), in `make bench`, whose printed figures docs/benchmarks.md
// records.
func TestClusterUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server on PostgreSQL and six processes: not with -short")
	}
	runUnderFaults(t, 60)
}

// BenchmarkClusterUnderFaults drives 300 orders through the cluster as
// TestClusterUnderFaults does 60, and prints what it measured; run it once:
//
//	go test -run '^$' -bench ClusterUnderFaults -benchtime 1x ./cluster/
func BenchmarkClusterUnderFaults(b *testing.B) {
	r := runUnderFaults(b, 300)
	for _, p := range r.phases {
		b.ReportMetric(p.perSecond(), "orders/s-"+strings.ReplaceAll(p.name, " ", "-"))
	}
	b.ReportMetric(0, "ns/op")
}

// inFlight is how many orders the run drives at once.
const inFlight = 24

// runUnderFaults starts a cluster of two workers and two API processes on
// the tests' PostgreSQL and drives orders through both API processes, each
// from its placing to its remittance, in three phases of a third each:
// with one worker (the second stopped), with two, and with two while one
// worker and one API process are killed with SIGKILL a third of the way
// into the phase (neither is started again: the rest of the run is served
// by the survivors). A request that finds its API process dead is sent to
// the other one with the same Idempotency-Key. Then every order must have
// completed as remitted, once, with one shipment, one invoice and one
// receipt in PostgreSQL, and the invoice paid exactly once.
func runUnderFaults(tb testing.TB, orders int) *run {
	ctx := context.Background()
	c, db := startCluster(tb)
	tc, err := client.Dial(client.Options{HostPort: c.TemporalAddress(), Namespace: c.Namespace(),
		Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(tc.Close)
	r := &run{apis: c.APIURLs(), http: &http.Client{Timeout: 45 * time.Second}, temporal: tc,
		tokens: demo.Tokens(), sku: plainSKU(tb)}
	third := orders / 3

	c.Workers[1].Stop()
	r.phase(ctx, "1 worker", third, nil)

	if err := c.Workers[1].Start(); err != nil {
		tb.Fatal(err)
	}
	if err := c.Workers[1].WaitReady(ctx); err != nil {
		tb.Fatal(err)
	}
	r.phase(ctx, "2 workers", third, nil)

	rest := orders - 2*third
	r.phase(ctx, "2 workers, 1 worker and 1 API killed", rest, func(placed int) {
		if placed != rest/3 {
			return
		}
		w, a := c.Workers[0], c.APIs[0]
		wp, ap := w.PID(), a.PID()
		w.Kill()
		a.Kill()
		r.note("after %d of the phase's %d orders were placed: SIGKILL to %s (pid %d) and %s (pid %d, %s); neither is started again",
			placed, rest, w.Name, wp, a.Name, ap, a.Addr)
	})

	r.checkStore(ctx, tb, db, orders)
	fmt.Print(r.report(runtime.NumCPU()))
	if len(r.problems) > 0 {
		tb.Fatalf("%d problems:\n%s", len(r.problems), strings.Join(r.problems, "\n"))
	}
	return r
}

// startCluster starts a cluster on three new databases of the tests'
// PostgreSQL, all dropped when the test ends, and returns it with OSB's
// database.
func startCluster(tb testing.TB) (*Cluster, string) {
	tb.Helper()
	admin := pgtest.AdminURL(tb)
	suffix := randomSuffix()
	dbs := Databases{Temporal: "temporal_" + suffix, Visibility: "temporal_visibility_" + suffix, OSB: "osb_cluster_" + suffix}
	tb.Cleanup(func() {
		for _, name := range []string{dbs.Temporal, dbs.Visibility, dbs.OSB} {
			if err := localpg.DropDatabase(context.Background(), admin, name); err != nil {
				tb.Errorf("dropping %s: %v", name, err)
			}
		}
	})
	dir := tb.TempDir()
	logFile, err := os.Create(filepath.Join(dir, "cluster.log"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { logFile.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	begun := time.Now()
	c, err := Start(ctx, Options{Dir: dir, AdminURL: admin, Databases: dbs, Demo: true,
		Log: slog.New(slog.NewTextHandler(logFile, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		c.Stop()
		if tb.Failed() {
			for _, p := range append([]string{logFile.Name()}, logsOf(c)...) {
				b, _ := os.ReadFile(p)
				tb.Logf("--- %s (last 3000 bytes)\n%s", filepath.Base(p), tail(b, 3000))
			}
		}
	})
	tb.Logf("cluster started in %s: Temporal on PostgreSQL at %s, %d workers, %d API processes", time.Since(begun).Round(time.Second),
		c.TemporalAddress(), len(c.Workers), len(c.APIs))
	return c, c.DatabaseURL
}

func logsOf(c *Cluster) []string {
	var out []string
	for _, p := range c.All() {
		out = append(out, p.Log())
	}
	return out
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// plainSKU is a demo SKU without quota, ordered at its list price.
func plainSKU(tb testing.TB) sales.SKU {
	for _, s := range demo.Organisation().SKUs {
		if s.Active && !s.Quota {
			return s
		}
	}
	tb.Fatal("the demo has no SKU without quota")
	return sales.SKU{}
}

// run is the run's driver and what it saw.
type run struct {
	apis     []string
	http     *http.Client
	temporal client.Client
	tokens   map[string]string
	sku      sales.SKU

	next      atomic.Int64 // orders begun, over all phases: picks the API process
	requests  atomic.Int64
	failovers atomic.Int64 // requests sent again to the other API process
	refused   atomic.Int64 // of those: no process answered
	failed    atomic.Int64 // of those: a 5xx answer (e.g. 504 after the API's 30 s timeout)

	mu       sync.Mutex
	samples  []string // the first few 5xx answers
	placed   []string // order numbers the API answered
	phases   []phase
	notes    []string
	problems []string
}

// phase is what one phase measured.
type phase struct {
	name    string
	orders  int
	elapsed time.Duration   // from the first order's placing to the last one's remittance
	took    []time.Duration // each order's, from its placing to its remittance, sorted
}

// percentile is the p-th percentile of the orders' times, in seconds.
func (p phase) percentile(q float64) float64 {
	if len(p.took) == 0 {
		return 0
	}
	return p.took[int(q*float64(len(p.took)-1))].Seconds()
}

func (p phase) perSecond() float64 { return float64(p.orders) / p.elapsed.Seconds() }

// phase drives n orders, inFlight at a time, each from its placing to its
// remittance; placed, when not nil, is called after each placing with how
// many the phase has placed.
func (r *run) phase(ctx context.Context, name string, n int, placed func(int)) {
	var count atomic.Int64
	var wg sync.WaitGroup
	var tookMu sync.Mutex
	var took []time.Duration
	work := make(chan int)
	begun := time.Now()
	for range min(inFlight, n) {
		wg.Go(func() {
			for i := range work {
				started := time.Now()
				if err := r.order(ctx, i, func() {
					if placed != nil {
						placed(int(count.Add(1)))
					}
				}); err != nil {
					r.problem("order %d: %v", i, err)
				}
				tookMu.Lock()
				took = append(took, time.Since(started))
				tookMu.Unlock()
			}
		})
	}
	for range n {
		work <- int(r.next.Add(1))
	}
	close(work)
	wg.Wait()
	r.mu.Lock()
	slices.Sort(took)
	r.phases = append(r.phases, phase{name: name, orders: n, elapsed: time.Since(begun), took: took})
	r.mu.Unlock()
}

// order takes order i from its placing to its remittance through the API,
// then waits until its workflow has completed as remitted.
func (r *run) order(ctx context.Context, i int, placed func()) error {
	var c struct {
		OrderNo string            `json:"order_no"`
		Status  sales.OrderStatus `json:"status"`
	}
	req := sales.OrderRequest{CustomerID: "C001", Lines: []sales.LineRequest{{SKU: r.sku.Code, Quantity: 1, UnitPrice: r.sku.ListPrice}}}
	key := fmt.Sprintf("cluster-%d", i)
	if err := r.act(ctx, i, "ssg-lead", key, "/v1/orders", req, &c); err != nil {
		return fmt.Errorf("placing: %w", err)
	}
	if c.Status != sales.StatusReleased {
		return fmt.Errorf("%s placed as %s, not released", c.OrderNo, c.Status)
	}
	r.mu.Lock()
	r.placed = append(r.placed, c.OrderNo)
	r.mu.Unlock()
	placed()
	no, path := c.OrderNo, "/v1/orders/"+c.OrderNo
	if err := r.act(ctx, i, "log1", key+"/ack", path+"/acknowledge",
		map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil); err != nil {
		return fmt.Errorf("%s: acknowledging: %w", no, err)
	}
	var gi workflows.GoodsIssueResult
	if err := r.act(ctx, i, "log1", key+"/gi", path+"/goods-issues",
		map[string]any{"carrier": "EMS", "waybill": "WB-" + no, "lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}}, &gi); err != nil {
		return fmt.Errorf("%s: goods issue: %w", no, err)
	}
	if err := r.act(ctx, i, "log1", key+"/delivery", path+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, nil); err != nil {
		return fmt.Errorf("%s: delivery: %w", no, err)
	}
	if err := r.act(ctx, i, "fin1", key+"/receipt", path+"/receipts",
		map[string]any{"reference": "BANK-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil); err != nil {
		return fmt.Errorf("%s: receipt: %w", no, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	var res workflows.OrderResult
	if err := r.temporal.GetWorkflow(wctx, workflows.WorkflowID(no), "").Get(wctx, &res); err != nil {
		return fmt.Errorf("%s: its workflow: %w", no, err)
	}
	if res.Status != sales.StatusRemitted {
		return fmt.Errorf("%s: its workflow completed as %s (%s), not remitted", no, res.Status, res.Reason)
	}
	return nil
}

// act POSTs body as user to the API process order i is served by, with key
// as its Idempotency-Key, until it gets a definitive answer: a request that
// finds no process or gets a 5xx is sent again, to the other process, with
// the same key, for at most two minutes. A 2xx answer is decoded into out;
// any other is the error.
func (r *run) act(ctx context.Context, i int, user, key, path string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Minute)
	pause := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		api := r.apis[(i+attempt)%len(r.apis)]
		status, answer, err := r.post(ctx, api+path, user, key, raw)
		if err == nil && status < 500 {
			if status/100 != 2 {
				return fmt.Errorf("POST %s as %s: %d %s", path, user, status, bytes.TrimSpace(answer))
			}
			if out != nil {
				return json.Unmarshal(answer, out)
			}
			return nil
		}
		if err == nil {
			err = fmt.Errorf("%d %s", status, bytes.TrimSpace(answer))
			r.failed.Add(1)
			r.sample(path, err)
		} else {
			r.refused.Add(1)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("POST %s as %s: no answer after %d attempts, the last: %w", path, user, attempt+1, err)
		}
		r.failovers.Add(1)
		time.Sleep(pause)
		pause = min(2*pause, 2*time.Second)
	}
}

func (r *run) post(ctx context.Context, url, user, key string, body []byte) (int, []byte, error) {
	r.requests.Add(1)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.tokens[user])
	req.Header.Set("Idempotency-Key", key)
	resp, err := r.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// checkStore checks in OSB's database that each order the API answered is
// there once, remitted, with one shipment, one invoice paid exactly once
// and one receipt, and that the database holds no other order.
func (r *run) checkStore(ctx context.Context, tb testing.TB, dbURL string, orders int) {
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close(ctx)
	if len(r.placed) != orders {
		r.problem("the API placed %d orders, not %d", len(r.placed), orders)
	}
	var stored, distinct int
	if err := db.QueryRow(ctx, `SELECT count(*), count(DISTINCT order_no) FROM orders WHERE order_no = ANY($1)`, r.placed).Scan(&stored, &distinct); err != nil {
		tb.Fatal(err)
	}
	var all int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&all); err != nil {
		tb.Fatal(err)
	}
	if all != len(r.placed) || stored != len(r.placed) || distinct != stored {
		r.problem("the database holds %d orders (%d of those the API placed), the API placed %d", all, stored, len(r.placed))
	}
	rows, err := db.Query(ctx, `
		SELECT o.order_no || ': ' || o.status
			|| ', ' || (SELECT count(*) FROM shipments s WHERE s.order_no = o.order_no) || ' shipment(s)'
			|| ', ' || (SELECT count(*) FROM invoices i WHERE i.order_no = o.order_no) || ' invoice(s)'
			|| ', ' || (SELECT count(*) FROM receipts c WHERE c.order_no = o.order_no) || ' receipt(s)'
			|| ', invoiced ' || (SELECT coalesce(sum(amount_fen), 0) FROM invoices i WHERE i.order_no = o.order_no)
			|| ', paid ' || (SELECT coalesce(sum(paid_fen), 0) FROM invoices i WHERE i.order_no = o.order_no)
			|| ', received ' || (SELECT coalesce(sum(amount_fen), 0) FROM receipts c WHERE c.order_no = o.order_no)
		FROM orders o
		WHERE o.status <> $1
			OR (SELECT count(*) FROM shipments s WHERE s.order_no = o.order_no) <> 1
			OR (SELECT count(*) FROM invoices i WHERE i.order_no = o.order_no) <> 1
			OR (SELECT count(*) FROM receipts c WHERE c.order_no = o.order_no) <> 1
			OR (SELECT sum(paid_fen) <> sum(amount_fen) FROM invoices i WHERE i.order_no = o.order_no)
			OR (SELECT sum(amount_fen) FROM receipts c WHERE c.order_no = o.order_no) <> o.total_fen
		ORDER BY o.order_no`, string(sales.StatusRemitted))
	if err != nil {
		tb.Fatal(err)
	}
	wrong, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		tb.Fatal(err)
	}
	for _, w := range wrong {
		r.problem("in the database: %s", w)
	}
	r.note("PostgreSQL: %d orders, each once, each remitted with 1 shipment, 1 invoice paid once and 1 receipt: %d do not", all, len(wrong))
}

// sample keeps the first few 5xx answers, for the report.
func (r *run) sample(path string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.samples) < 3 {
		msg := err.Error()
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		r.samples = append(r.samples, path+": "+msg)
	}
}

func (r *run) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *run) problem(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// report is what the run prints.
func (r *run) report(cpus int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nOSB cluster under faults: Temporal on PostgreSQL, osb worker ×2, osb api ×2, %d CPUs, %d orders in flight\n", cpus, inFlight)
	fmt.Fprintf(&b, "%-38s %6s %8s %8s   %s\n", "phase", "orders", "seconds", "orders/s", "an order's placing to remittance: p50 p95 max (s)")
	for _, p := range r.phases {
		fmt.Fprintf(&b, "%-38s %6d %8.1f %8.1f   %.1f %.1f %.1f\n", p.name, p.orders, p.elapsed.Seconds(), p.perSecond(),
			p.percentile(0.5), p.percentile(0.95), p.percentile(1))
	}
	for _, n := range r.notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	fmt.Fprintf(&b, "- %d requests; %d sent again to the other API process, %d after no answer (a dead process), %d after a 5xx; %d problems\n",
		r.requests.Load(), r.failovers.Load(), r.refused.Load(), r.failed.Load(), len(r.problems))
	for _, s := range r.samples {
		fmt.Fprintf(&b, "  a 5xx: %s\n", s)
	}
	return b.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
