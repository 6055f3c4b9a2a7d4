// Package metrics is OSB's telemetry for Prometheus: one registry per
// process with the Temporal SDK's metrics, the API's HTTP metrics and the
// business gauges read from the store, served at /metrics beside the
// liveness (/livez) and readiness (/readyz) answers.
//
// The SDK's metrics go through go.temporal.io/sdk/contrib/tally and tally's
// Prometheus reporter into the same client_golang registry: that is the
// SDK's own documented way to Prometheus, it names the series as Temporal's
// dashboards expect (temporal_workflow_task_schedule_to_start_latency_seconds
// and the rest, timers as histograms), and it copes with the SDK's varying
// tags, which a hand-written client.MetricsHandler would have to redo; tally
// was already in the module graph through the embedded server.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// Namespace prefixes OSB's own metric names (HTTP and business).
const Namespace = "osb"

// sdkReportInterval is how often tally hands the SDK's counts to the
// registry: a scrape sees them at most this late.
const sdkReportInterval = time.Second

// Registry is one process's metrics: give SDK() to every Temporal client,
// wrap the API in HTTP, add the store with Business, serve Handler.
type Registry struct {
	reg   *prometheus.Registry
	sdk   client.MetricsHandler
	close func()
	http  *httpMetrics
}

// New returns a registry with the Go runtime and process collectors and the
// SDK's handler; Close stops the SDK's reporting.
func New(log *slog.Logger) *Registry {
	if log == nil {
		log = slog.Default()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:       reg,
		DefaultTimerType: tallyprom.HistogramTimerType,
		OnRegisterError: func(err error) {
			log.Warn("metrics: an SDK metric could not be registered", "err", err)
		},
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, sdkReportInterval)
	r := &Registry{reg: reg, sdk: sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope)),
		close: func() { _ = closer.Close() }}
	r.http = newHTTPMetrics(reg)
	return r
}

// SDK is the metrics handler for client.Options.MetricsHandler.
func (r *Registry) SDK() client.MetricsHandler { return r.sdk }

// Prometheus is the registry itself, to register more collectors or gather.
func (r *Registry) Prometheus() *prometheus.Registry { return r.reg }

// Handler serves the registry in Prometheus' text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// Close stops the SDK's reporting.
func (r *Registry) Close() { r.close() }
