// Package tracing is OSB's OpenTelemetry tracing: one trace follows a request
// from the HTTP API through the Temporal client call, the workflow's update
// handler and the activities it leads to, down to the SQL the store runs.
//
// Each link is an interceptor or a hook, never code in the workflows or the
// handlers: HTTP is the middleware of otelhttp (server span, W3C trace
// context from the request's headers) with the chi route as its name; the
// Temporal client and worker carry the SDK's OpenTelemetry interceptor
// (go.temporal.io/sdk/contrib/opentelemetry), which passes the span in the
// headers of workflows, updates and activities; a small interceptor of ours
// (updates.go) hangs the activities the order workflow's loop schedules right
// after an update under that update; and the store's pgx pool carries SQL(),
// a pgx tracer that emits a span per statement inside a traced call.
//
// A nil *Tracing is tracing off: the wiring then adds nothing at all.
package tracing

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Service names of the OSB processes (OTEL_SERVICE_NAME overrides them).
const (
	ServiceAPI    = "osb-api"
	ServiceWorker = "osb-worker"
	ServiceDev    = "osb-dev"
)

// instrumentation names the tracer of OSB's own spans (HTTP routes, SQL).
const instrumentation = "osb"

// Tracing is one process's tracer provider with the interceptors and
// middleware built on it.
type Tracing struct {
	provider   *sdktrace.TracerProvider
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	temporal   []interceptor.ClientInterceptor
}

// Start exports the spans of service by OTLP over HTTP (protobuf) to where
// the standard variables say: OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with their headers, TLS and timeout
// settings; OTEL_TRACES_SAMPLER chooses the sampler. Shutdown sends what is
// left.
func Start(ctx context.Context, service string) (*Tracing, error) {
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: the OTLP exporter: %w", err)
	}
	return New(ctx, service, sdktrace.NewBatchSpanProcessor(exp))
}

// New returns tracing for service whose finished spans go to processor (a
// test gives a simple processor over an in-memory exporter).
func New(ctx context.Context, service string, processor sdktrace.SpanProcessor) (*Tracing, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", service)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
		resource.WithTelemetrySDK(), resource.WithHost(), resource.WithProcessPID())
	if err != nil {
		return nil, fmt.Errorf("tracing: the resource of %s: %w", service, err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSpanProcessor(processor))
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	sdk, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:            tp.Tracer("temporal-sdk-go"),
		TextMapPropagator: prop,
		SpanContextKey:    spanKey{},
	})
	if err != nil {
		return nil, fmt.Errorf("tracing: the Temporal interceptor: %w", err)
	}
	return &Tracing{provider: tp, tracer: tp.Tracer(instrumentation), propagator: prop,
		temporal: []interceptor.ClientInterceptor{sdk, &updateActivities{}}}, nil
}

// Provider is the tracer provider, e.g. for otel.SetTracerProvider.
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// Propagator is the W3C trace context and baggage propagator.
func (t *Tracing) Propagator() propagation.TextMapPropagator { return t.propagator }

// Temporal are the interceptors for client.Options.Interceptors; a worker
// created from that client uses them too.
func (t *Tracing) Temporal() []interceptor.ClientInterceptor { return t.temporal }

// HTTP starts a server span for each request next answers, continuing the
// trace of the request's traceparent header; scrapes and health checks get
// none. Put it outermost; Route, inside the router, names the span after
// the route.
func (t *Tracing) HTTP(next http.Handler) http.Handler {
	return otelhttp.NewHandler(next, "http",
		otelhttp.WithTracerProvider(t.provider), otelhttp.WithPropagators(t.propagator),
		otelhttp.WithFilter(func(r *http.Request) bool { return !untraced[r.URL.Path] }),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }))
}

// untraced are the paths of machines that ask often and cause nothing.
var untraced = map[string]bool{"/metrics": true, "/livez": true, "/readyz": true, "/healthz": true}

// Shutdown sends the spans not yet exported and stops the provider.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}
