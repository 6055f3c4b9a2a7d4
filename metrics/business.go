package metrics

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"osb/postgres"
)

// The business metric names.
const (
	OpenOrders          = Namespace + "_orders_open"
	LateOrders          = Namespace + "_orders_late"
	EscalatedOrders     = Namespace + "_escalations_open"
	OverdueFen          = Namespace + "_receivables_overdue_fen"
	OverdueInvoices     = Namespace + "_receivables_overdue_invoices"
	OutboxPending       = Namespace + "_outbox_pending"
	OutboxDead          = Namespace + "_outbox_dead_letters"
	ReviewDone          = Namespace + "_credit_review_customers_done"
	ReviewTotal         = Namespace + "_credit_review_customers_total"
	ReviewFinished      = Namespace + "_credit_review_finished"
	BusinessScrapeError = Namespace + "_business_scrape_errors_total"
)

// GaugeSource is the store as the business collector reads it.
type GaugeSource interface {
	Gauges(ctx context.Context, now time.Time) (postgres.Gauges, error)
}

// BusinessTimeout bounds one read of the store; BusinessCache is how long a
// read serves the scrapes after it.
const (
	BusinessTimeout = 3 * time.Second
	BusinessCache   = 5 * time.Second
)

var (
	openDesc       = prometheus.NewDesc(OpenOrders, "Open orders (not remitted, rejected or cancelled) by stage and step.", []string{"stage", "step"}, nil)
	lateDesc       = prometheus.NewDesc(LateOrders, "Open orders past their step's deadline, by the role owning the step.", []string{"owner"}, nil)
	escDesc        = prometheus.NewDesc(EscalatedOrders, "Open orders by the escalation level they reached (1 KAM … 5 MD).", []string{"level"}, nil)
	overdueFenDesc = prometheus.NewDesc(OverdueFen, "Open amount of invoices past due, in fen, by ageing band.", []string{"band"}, nil)
	overdueNDesc   = prometheus.NewDesc(OverdueInvoices, "Invoices past due with something still owed, by ageing band.", []string{"band"}, nil)
	pendingDesc    = prometheus.NewDesc(OutboxPending, "Notifications waiting to be delivered to the webhook.", nil, nil)
	deadDesc       = prometheus.NewDesc(OutboxDead, "Notifications the webhook kept refusing (dead letters).", nil, nil)
	doneDesc       = prometheus.NewDesc(ReviewDone, "Customers the latest quarterly credit review has done.", []string{"quarter"}, nil)
	totalDesc      = prometheus.NewDesc(ReviewTotal, "Active customers the latest quarterly credit review covers.", []string{"quarter"}, nil)
	finishedDesc   = prometheus.NewDesc(ReviewFinished, "1 when the latest quarterly credit review finished.", []string{"quarter"}, nil)
)

// business reads the store at scrape time, at most once per BusinessCache.
type business struct {
	src      GaugeSource
	log      *slog.Logger
	now      func() time.Time
	errors   prometheus.Counter
	mu       sync.Mutex
	cached   postgres.Gauges
	cachedAt time.Time
	ok       bool
}

// Business adds the business gauges read from src to the registry.
func (r *Registry) Business(src GaugeSource, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	b := &business{src: src, log: log, now: time.Now,
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: BusinessScrapeError,
			Help: "Reads of the business gauges from the store that failed (the scrape then has none)."})}
	r.reg.MustRegister(b) // b collects its error counter itself: see Collect
}

func (b *business) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{openDesc, lateDesc, escDesc, overdueFenDesc, overdueNDesc, pendingDesc, deadDesc, doneDesc, totalDesc, finishedDesc} {
		ch <- d
	}
	ch <- b.errors.Desc()
}

// Collect reads the gauges (or the cache) and then sends the error counter,
// so a scrape whose read failed already counts that failure: registered as
// a collector of its own, the counter could be gathered before the read.
func (b *business) Collect(ch chan<- prometheus.Metric) {
	g, ok := b.read()
	ch <- b.errors
	if !ok {
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, o := range g.OpenOrders {
		gauge(openDesc, float64(o.Count), o.Stage, o.Step)
	}
	for _, l := range g.LateOrders {
		gauge(lateDesc, float64(l.Count), l.Owner)
	}
	for _, e := range g.Escalations {
		gauge(escDesc, float64(e.Count), strconv.Itoa(e.Level))
	}
	for _, o := range g.Overdue {
		gauge(overdueFenDesc, float64(o.Fen), o.Band)
		gauge(overdueNDesc, float64(o.Count), o.Band)
	}
	gauge(pendingDesc, float64(g.Outbox.Pending))
	gauge(deadDesc, float64(g.Outbox.Dead))
	if r := g.Review; r.Found {
		gauge(doneDesc, float64(r.Done), r.Quarter)
		gauge(totalDesc, float64(r.Total), r.Quarter)
		finished := 0.0
		if r.Finished {
			finished = 1
		}
		gauge(finishedDesc, finished, r.Quarter)
	}
}

// read returns the cached gauges while fresh, else reads the store within
// BusinessTimeout; ok is false when the store did not answer.
func (b *business) read() (postgres.Gauges, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.ok && now.Sub(b.cachedAt) < BusinessCache {
		return b.cached, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), BusinessTimeout)
	defer cancel()
	g, err := b.src.Gauges(ctx, now)
	if err != nil {
		b.errors.Inc()
		b.ok = false
		b.log.Warn("metrics: reading the business gauges failed", "err", err)
		return postgres.Gauges{}, false
	}
	b.cached, b.cachedAt, b.ok = g, now, true
	return g, true
}
