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
//	go test ./e2e -run '^$' -bench Cycle -benchtime 3000x
//
// osb: create (update-with-start, OP1–OP7 with their store writes),
// acknowledge, goods issue (invoice, due timer), delivery and payment through
// the HTTP API, until the workflow completes as remitted.
// bare: start, four no-op activities, three signals, one due timer cancelled
// by the payment signal.
//
// After warmUp cycles of each kind, unmeasured, b.N cycles of each run in
// rounds of roundSize, bare and osb taking turns and the first of a round
// alternating, so a machine that speeds up or slows down during the run
// weighs on both alike. A round is measured in its steady state only, from
// settle after its start until its last cycle started: the server's work
// that one round leaves for later (timeout timers) is then paid by the same
// kind in the same round, not by the next one. Each kind also reports the
// CPU the whole machine spent per cycle meanwhile (PostgreSQL included):
// both saturate the cores, so its ratio is the ratio of throughputs, with
// less of the machine's noise. OSB_BENCH_KIND=osb (or bare) runs one kind
// alone, to profile it; OSB_BENCH_PARALLEL sets how many cycles of each kind
// are in flight (default 128).
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
	switch {
	case b.N == 1: // the framework's first call: both kinds work
		for _, kind := range kinds {
			if err := kind.run(0); err != nil {
				b.Fatal(err)
			}
		}
		return
	case b.N < roundSize:
		b.Fatalf("%d cycles are too few to reach a steady state: run rounds of %d, e.g. -benchtime %dx", b.N, roundSize, 2*roundSize)
	}
	// A server that has run nothing yet is faster than one that has (its
	// tables are small): both kinds first run warmUp cycles unmeasured.
	for _, kind := range kinds {
		if _, err := kind.runCycles(parallel, warmUp, 0); err != nil {
			b.Fatal(err)
		}
	}
	rounds := b.N / roundSize
	b.ResetTimer()
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - n*(rounds-1)
		}
		for k := range kinds {
			kind := kinds[(k+r)%len(kinds)]
			m, err := kind.runCycles(parallel, n, settle)
			if err != nil {
				b.Fatal(err)
			}
			kind.add(m)
			b.Logf("round %d: %s %d cycles, %d measured: %.1f/s, %.1f ms of CPU each", r+1, kind.name, n, m.cycles,
				m.perSecond(), msPer(m.cpu, m.cycles))
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

const (
	// roundSize is how many cycles of one kind a round runs: about 35 s on
	// two cores, half of it measured.
	roundSize = 1500
	// warmUp is how many cycles of each kind run before the measured rounds.
	warmUp = 500
	// settle is how long a round runs before it is measured. Every workflow
	// task and activity task leaves a timeout timer that fires up to 10 s
	// later (start-to-close); before settle the server still fires those of
	// the round before, after it those of this round.
	settle = 12 * time.Second
)

// cycleKind is one of the two cycles the benchmark compares, with what its
// rounds measured.
type cycleKind struct {
	name string
	run  func(i int) error
	ran  int // cycles run, measured or not
	measured
}

// measured is what rounds measured of a kind in their steady state.
type measured struct {
	cycles  int // completed in the steady state
	elapsed time.Duration
	cpu     time.Duration   // the whole machine's
	lat     []time.Duration // of the cycles that started in the steady state
}

// add adds what another round measured.
func (m *measured) add(o measured) {
	m.cycles += o.cycles
	m.elapsed += o.elapsed
	m.cpu += o.cpu
	m.lat = append(m.lat, o.lat...)
}

func (m measured) perSecond() float64 { return float64(m.cycles) / m.elapsed.Seconds() }

// runCycles runs n cycles, parallel at a time, and returns what their steady
// state measured: from settle after the start until the last cycle started
// (after that, fewer are in flight), the cycles that completed, the time, the
// machine's CPU meanwhile and the latencies of the cycles that started in it.
func (k *cycleKind) runCycles(parallel, n int, settle time.Duration) (measured, error) {
	starts, ends := make([]time.Time, n), make([]time.Time, n)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	var settled sync.Once
	var from, last time.Time // the steady state: first cycle started after settle, last cycle started
	var cpuFrom, cpuLast time.Duration
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
				now := time.Now()
				starts[i] = now
				if now.Sub(start) >= settle {
					settled.Do(func() { from, cpuFrom = now, machineCPU() })
				}
				if i == n-1 {
					last, cpuLast = now, machineCPU()
				}
				if err := k.run(k.ran + i); err != nil {
					failed.Store(err)
					return
				}
				ends[i] = time.Now()
			}
		}()
	}
	wg.Wait()
	k.ran += n
	if err, ok := failed.Load().(error); ok {
		return measured{}, fmt.Errorf("%s: %w", k.name, err)
	}
	if from.IsZero() || !last.After(from) {
		return measured{}, fmt.Errorf("%s: %d cycles started within %v, no longer than the %v they need to settle",
			k.name, n, last.Sub(start).Round(time.Second), settle)
	}
	m := measured{elapsed: last.Sub(from), cpu: cpuLast - cpuFrom}
	for i := range n {
		if in(ends[i], from, last) {
			m.cycles++
		}
		if in(starts[i], from, last) {
			m.lat = append(m.lat, ends[i].Sub(starts[i]))
		}
	}
	return m, nil
}

// in reports whether t is in [from, to).
func in(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

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
	if !it.HasNext() {
		return fmt.Errorf("the workflow has no close event")
	}
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
