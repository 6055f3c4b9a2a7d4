package chaos

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"osb/sales"
)

var (
	fullFlag   = flag.Bool("chaos.full", false, "the full suite: 200 orders, PostgreSQL stopped for three minutes")
	ordersFlag = flag.Int("chaos.orders", 0, "orders to drive (default 20, 200 with -chaos.full)")
	pgStopFlag = flag.Duration("chaos.pgstop", 0, "how long PostgreSQL stays stopped (default 20s, 3m with -chaos.full)")
	seedFlag   = flag.Uint64("chaos.seed", 0, "seed of the orders' plans (default: from the clock; every run prints its own)")
	keepFlag   = flag.Bool("chaos.keep", false, "keep the working folder (logs, databases); it is kept anyway when the suite fails")
)

// config is one run of the suite.
type config struct {
	full   bool
	orders int
	pgStop time.Duration
	seed   uint64
	// gap is the time between two faults, and the unit of the shortened
	// step deadlines (so that escalations fire while the faults happen).
	gap time.Duration
	// inFlight bounds the API requests in flight, for two cores.
	inFlight int
	// finish bounds driving every order to its end once the faults are over.
	finish time.Duration
}

func configure() config {
	c := config{orders: 20, pgStop: 20 * time.Second, gap: 10 * time.Second, inFlight: 6, finish: 4 * time.Minute}
	if *fullFlag {
		c = config{full: true, orders: 200, pgStop: 3 * time.Minute, gap: 30 * time.Second, inFlight: 8, finish: 15 * time.Minute}
	}
	if *ordersFlag > 0 {
		c.orders = *ordersFlag
	}
	if *pgStopFlag > 0 {
		c.pgStop = *pgStopFlag
	}
	c.seed = *seedFlag
	if c.seed == 0 {
		c.seed = uint64(time.Now().UnixNano())
	}
	return c
}

// window is how long the faults last, from the first to the end of the
// last: a worker kill, a Temporal restart, PostgreSQL stopped, another kill.
func (c config) window() time.Duration { return 5*c.gap + c.pgStop }

// pgStopAt is when PostgreSQL stops, from the start of the faults.
func (c config) pgStopAt() time.Duration { return 3 * c.gap }

// policy is the default one with deadlines short enough that steps escalate
// (and notify) while the faults happen: Logistics' planning, the transit
// and the customer's acknowledgement of an invoice.
func (c config) policy() sales.Policy {
	p := sales.DefaultPolicy()
	for _, s := range []sales.Step{sales.SP1Plan, sales.SP5InTransit, sales.BC2Acknowledge} {
		p.StepDeadlines[s] = sales.D(2 * c.gap)
	}
	p.EscalateEvery = sales.D(c.gap)
	return p
}

// TestChaos is the fault suite (package doc). The short form takes about a
// minute and a half: 20 orders, the worker killed twice, a Temporal restart
// and PostgreSQL stopped for 20 s, longer than a local activity retries in
// process (about 13 s), so that writes of the store wait on a timer.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault suite takes minutes")
	}
	cfg := configure()
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		// End in time to report, before go test's timeout panics.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-time.Minute))
		defer cancel()
	}
	clock := newJournal(os.Stdout)
	clock.printf("OSB fault suite: %d orders, PostgreSQL stopped for %s, seed %d", cfg.orders, cfg.pgStop, cfg.seed)
	s := startStack(t, ctx, cfg, clock)
	rep := run(ctx, s, cfg)
	rep.print(os.Stdout)
	if n := len(rep.problems.list()); n > 0 {
		t.Errorf("the fault suite found %d problems, listed above", n)
	}
}

// run drives the orders through the faults and checks them.
func run(ctx context.Context, s *stack, cfg config) *report {
	rep := newReport(cfg)
	d := newDriver(s, cfg)
	orders := plan(cfg)
	rep.orders = orders
	if err := d.signIn(ctx); err != nil {
		rep.problems.add("signing in: %v", err)
		return rep
	}
	d.createBefore(ctx, orders)

	faultsOver := make(chan struct{})
	start := time.Now()
	s.clock.printf("faults begin: %d orders walk to their points meanwhile", len(orders))
	var wg sync.WaitGroup
	driveCtx, cancel := context.WithTimeout(ctx, cfg.window()+cfg.finish)
	defer cancel()
	for _, o := range orders {
		wg.Go(func() { d.walk(driveCtx, o, start, faultsOver) })
	}
	inject(driveCtx, s, cfg, start)
	s.clock.printf("faults over: every order is driven to its end")
	close(faultsOver)
	wg.Wait()
	s.clock.printf("every order was driven (%d requests, %d sent again after no answer or a 5xx)", d.sent.Load(), d.retried.Load())
	rep.requests, rep.retried = d.sent.Load(), d.retried.Load()
	rep.faults = s.clock.faultList()
	check(ctx, s, cfg, orders, rep)
	rep.workerExits = s.worker.unasked()
	rep.elapsed = time.Since(s.clock.start)
	return rep
}

// inject runs the faults at their times from start; it returns when the
// last is over.
func inject(ctx context.Context, s *stack, cfg config, start time.Time) {
	kill := func(n int) {
		at := s.clock.since()
		s.clock.printf("kill -9 osb worker")
		old, pid, err := s.worker.kill(time.Second)
		if err != nil {
			s.clock.fault(fault{what: fmt.Sprintf("kill -9 worker %d", n), at: at, end: s.clock.since(), detail: err.Error()})
			return
		}
		s.clock.fault(fault{what: fmt.Sprintf("kill -9 worker %d", n), at: at, end: s.clock.since(), detail: fmt.Sprintf("pid %d killed, pid %d started", old, pid)})
	}
	sleepUntil(ctx, start.Add(cfg.gap))
	kill(1)

	sleepUntil(ctx, start.Add(2*cfg.gap))
	at := s.clock.since()
	s.clock.printf("Temporal server stops")
	down, err := s.restartTemporal(ctx, 2*time.Second)
	detail := fmt.Sprintf("frontend down %s", down.Round(100*time.Millisecond))
	if err != nil {
		detail = err.Error()
	}
	s.clock.fault(fault{what: "Temporal server restarted", at: at, end: s.clock.since(), detail: detail})
	s.clock.printf("Temporal server answers again (%s)", detail)

	sleepUntil(ctx, start.Add(cfg.pgStopAt()))
	at = s.clock.since()
	s.clock.printf("PostgreSQL stops for %s", cfg.pgStop)
	detail = "pg_ctl stop -m fast, then start"
	if err := s.stopPostgres(ctx); err != nil {
		detail = "stop: " + err.Error()
	}
	sleepUntil(ctx, start.Add(cfg.pgStopAt()+cfg.pgStop))
	if err := s.resumePostgres(context.WithoutCancel(ctx)); err != nil {
		detail += "; start: " + err.Error()
	}
	s.clock.fault(fault{what: "PostgreSQL stopped", at: at, end: s.clock.since(), detail: detail})
	s.clock.printf("PostgreSQL answers again")

	sleepUntil(ctx, start.Add(cfg.pgStopAt()+cfg.pgStop+cfg.gap))
	kill(2)
	sleepUntil(ctx, start.Add(cfg.window()))
}

// sleepUntil waits until t or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(t)):
	}
}

// journal prints what the suite does, each line with the time since the
// start, and keeps the faults for the summary.
type journal struct {
	start time.Time
	out   io.Writer

	mu     sync.Mutex
	faults []fault
}

// fault is one fault injected, in time since the start.
type fault struct {
	what    string
	at, end time.Duration
	detail  string
}

func newJournal(out io.Writer) *journal { return &journal{start: time.Now(), out: out} }

func (j *journal) since() time.Duration { return time.Since(j.start) }

func (j *journal) now() string { return clockTime(j.since()) }

func (j *journal) printf(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fmt.Fprintf(j.out, "%8s  %s\n", j.now(), fmt.Sprintf(format, args...))
}

func (j *journal) fault(f fault) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.faults = append(j.faults, f)
}

func (j *journal) faultList() []fault {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]fault(nil), j.faults...)
}

// clockTime writes d as +1m02s.
func clockTime(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("+%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// since is the time since begun, rounded for a log line.
func since(begun time.Time) string { return time.Since(begun).Round(100 * time.Millisecond).String() }
