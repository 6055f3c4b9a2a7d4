package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
	"osb/worker"
	"osb/workflows"
)

// BenchmarkCycle drives whole order cycles through the HTTP API and, on the
// same server in the same run, a bare Temporal workflow of the same shape,
// and prints cycles per second and latency percentiles of both and their
// ratio:
//
//	go test ./e2e -run '^$' -bench Cycle -benchtime 1600x
//
// osb: create (update-with-start, OP1–OP7 with their store writes),
// acknowledge, goods issue (invoice, due timer), delivery and payment through
// the HTTP API, until the workflow completes as remitted.
// bare: start, four no-op activities, three signals, one due timer cancelled
// by the payment signal.
//
// b.N cycles of each run in rounds of 400 (fewer for a small b.N), bare and
// osb taking turns and the first of a round alternating, so a machine that
// speeds up or slows down during the run weighs on both alike. Each kind
// also reports the CPU the whole machine spent per cycle while it ran
// (PostgreSQL included): both saturate the cores, so its ratio is the ratio
// of throughputs, with less of the machine's noise. OSB_BENCH_KIND=osb (or
// bare) runs one kind alone, to profile it; OSB_BENCH_PARALLEL sets how many
// cycles of each kind are in flight (default 128).
func BenchmarkCycle(b *testing.B) {
	sys := osb(b)
	parallel := 128
	if v, err := strconv.Atoi(os.Getenv("OSB_BENCH_PARALLEL")); err == nil && v > 0 {
		parallel = v
	}
	// The same pollers as OSB's worker: the comparison is of the workflows.
	w := sdkworker.New(sys.client, bareQueue, sdkworker.Options{
		MaxConcurrentWorkflowTaskPollers: worker.DefaultPollers,
		MaxConcurrentActivityTaskPollers: worker.DefaultPollers,
	})
	w.RegisterWorkflowWithOptions(bareCycle, workflow.RegisterOptions{Name: "BareCycle"})
	w.RegisterActivityWithOptions(func(context.Context) error { return nil }, activityName("Noop"))
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	a := newAPI(b, sales.DefaultPolicy())
	sku := benchSKU(b, sys)
	kinds := []*cycleKind{
		{name: "bare", run: func(i int) error { return sys.bare(fmt.Sprintf("bare-%d-%d", time.Now().UnixNano(), i)) }},
		{name: "osb", run: func(int) error { return a.cycle(sku) }},
	}
	if only := os.Getenv("OSB_BENCH_KIND"); only != "" { // bare or osb alone, to profile it
		kinds = slices.DeleteFunc(kinds, func(k *cycleKind) bool { return k.name != only })
	}
	rounds := max(1, b.N/400)
	b.ResetTimer()
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		for k := range kinds {
			kind := kinds[(k+r)%len(kinds)]
			elapsed, cpu := kind.elapsed, kind.cpu
			if err := kind.runCycles(parallel, n); err != nil {
				b.Fatal(err)
			}
			b.Logf("round %d: %s %d cycles, %.1f/s, %.1f ms of CPU each", r+1, kind.name, n,
				float64(n)/(kind.elapsed-elapsed).Seconds(), msPer(kind.cpu-cpu, n))
		}
	}
	b.StopTimer()
	for _, k := range kinds {
		k.report(b)
	}
	if len(kinds) == 2 {
		b.ReportMetric(kinds[1].perSecond()/kinds[0].perSecond(), "osb/bare")
	}
	b.ReportMetric(0, "ns/op")
}

// cycleKind is one of the two cycles the benchmark compares, with what its
// rounds measured.
type cycleKind struct {
	name    string
	run     func(i int) error
	cycles  int
	elapsed time.Duration
	cpu     time.Duration // the whole machine's, while this kind ran
	lat     []time.Duration
}

// runCycles runs n cycles, parallel at a time, and adds their time and
// latencies to k.
func (k *cycleKind) runCycles(parallel, n int) error {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	cpu0 := machineCPU()
	start := time.Now()
	for range min(parallel, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := k.run(k.cycles + i); err != nil {
					failed.Store(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	k.elapsed += time.Since(start)
	k.cpu += machineCPU() - cpu0
	k.cycles += n
	k.lat = append(k.lat, lat...)
	if err, ok := failed.Load().(error); ok {
		return fmt.Errorf("%s: %w", k.name, err)
	}
	return nil
}

func (k *cycleKind) perSecond() float64 { return float64(k.cycles) / k.elapsed.Seconds() }

// msPer is d in milliseconds per one of n.
func msPer(d time.Duration, n int) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }

// report prints k's cycles per second and latency percentiles.
func (k *cycleKind) report(b *testing.B) {
	sort.Slice(k.lat, func(i, j int) bool { return k.lat[i] < k.lat[j] })
	pct := func(p float64) float64 { return float64(k.lat[int(p*float64(len(k.lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(k.perSecond(), k.name+"-cycles/s")
	if k.cpu > 0 {
		b.ReportMetric(msPer(k.cpu, k.cycles), k.name+"-cpu-ms/cycle")
	}
	b.ReportMetric(pct(0.50), k.name+"-p50-ms")
	b.ReportMetric(pct(0.95), k.name+"-p95-ms")
	b.ReportMetric(pct(0.99), k.name+"-p99-ms")
}

const bareQueue = "bare-bench"

// bareCycle is the shape of an order cycle with nothing in it.
func bareCycle(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}})
	noop := func() error { return workflow.ExecuteActivity(ctx, "Noop").Get(ctx, nil) }
	if err := noop(); err != nil {
		return err
	}
	for _, name := range []string{"acknowledge", "goods-issue"} {
		workflow.GetSignalChannel(ctx, name).Receive(ctx, nil)
		if err := noop(); err != nil {
			return err
		}
	}
	due := workflow.NewTimer(ctx, 30*24*time.Hour)
	paid := false
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(due, func(workflow.Future) {})
	sel.AddReceive(workflow.GetSignalChannel(ctx, "payment"), func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil); paid = true })
	sel.Select(ctx)
	if !paid {
		return fmt.Errorf("not paid")
	}
	return noop()
}

func (s *system) bare(id string) error {
	ctx := context.Background()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: bareQueue}, "BareCycle")
	if err != nil {
		return err
	}
	for _, sig := range []string{"acknowledge", "goods-issue", "payment"} {
		if err := s.client.SignalWorkflow(ctx, id, "", sig, nil); err != nil {
			return err
		}
	}
	return run.Get(ctx, nil)
}

// cycle runs one order from creation to remittance through the API.
func (a *api) cycle(sku sales.SKU) error {
	var c created
	if st := a.call(token("ssg-lead"), "POST", "/v1/orders", sales.OrderRequest{CustomerID: "C001",
		Lines: []sales.LineRequest{{SKU: sku.Code, Quantity: 1, UnitPrice: sku.ListPrice}}}, &c); st != 201 {
		return fmt.Errorf("create: %d", st)
	}
	no := c.OrderNo
	steps := []struct {
		who, path string
		body      any
		want      int
	}{
		{"log1", "/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, 200},
		{"log1", "/goods-issues", map[string]any{"carrier": "EMS", "lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}}, 201},
		{"log1", "/shipments/SH-" + no[3:] + "-1/delivery", map[string]any{}, 200},
		{"fin1", "/receipts", map[string]any{"reference": "B-" + no, "amount_fen": sku.ListPrice, "currency": "CNY"}, 201},
	}
	for _, s := range steps {
		if st := a.call(token(s.who), "POST", "/v1/orders/"+no+s.path, s.body, nil); st != s.want {
			return fmt.Errorf("%s: %d", s.path, st)
		}
	}
	var res workflows.OrderResult
	if err := a.sys.result(workflows.WorkflowID(no), &res); err != nil {
		return fmt.Errorf("%s: %w", no, err)
	}
	if res.Status != sales.StatusRemitted {
		return fmt.Errorf("%s ended %s", no, res.Status)
	}
	return nil
}

// result waits for the current run of workflow id to close and decodes its
// result into valuePtr. It asks the server as the bare cycle's run.Get does
// (one long poll for the close event); GetWorkflow with no run id would first
// look the run up with one more call, which only the OSB cycle would pay.
func (s *system) result(id string, valuePtr any) error {
	it := s.client.GetWorkflowHistory(context.Background(), id, "", true, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return err
		}
		done := e.GetWorkflowExecutionCompletedEventAttributes()
		if done == nil {
			return fmt.Errorf("the workflow closed with %s", e.GetEventType())
		}
		return converter.GetDefaultDataConverter().FromPayloads(done.GetResult(), valuePtr)
	}
	return fmt.Errorf("the workflow has no close event")
}
