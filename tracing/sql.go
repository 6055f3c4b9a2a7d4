package tracing

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// SQL is the tracer for pgx's ConnConfig.Tracer: a client span per
// statement and per batch, named after the statement's verb, with its text
// (never its arguments, which hold customer data). Only a statement run
// inside a traced call gets a span: the outbox's polling and other
// background reads make no traces of their own.
func (t *Tracing) SQL() pgx.QueryTracer { return sqlTracer{t.tracer} }

type sqlTracer struct{ tracer trace.Tracer }

var (
	_ pgx.QueryTracer = sqlTracer{}
	_ pgx.BatchTracer = sqlTracer{}
)

var dbSystem = attribute.String("db.system.name", "postgresql")

func (s sqlTracer) start(ctx context.Context, name string, attrs ...attribute.KeyValue) context.Context {
	if !trace.SpanFromContext(ctx).SpanContext().IsValid() {
		return ctx
	}
	ctx, _ = s.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(append(attrs, dbSystem)...))
	return ctx
}

func end(ctx context.Context, err error) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// TraceQueryStart starts the statement's span.
func (s sqlTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return s.start(ctx, "SQL "+verb(data.SQL), attribute.String("db.query.text", data.SQL))
}

// TraceQueryEnd ends it.
func (s sqlTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	end(ctx, data.Err)
}

// TraceBatchStart starts the batch's span.
func (s sqlTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	n := 0
	if data.Batch != nil {
		n = data.Batch.Len()
	}
	return s.start(ctx, "SQL batch", attribute.Int("db.operation.batch.size", n))
}

// TraceBatchQuery records each statement of the batch as an event.
func (s sqlTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		span.AddEvent(verb(data.SQL), trace.WithAttributes(attribute.String("db.query.text", data.SQL)))
		if data.Err != nil {
			span.RecordError(data.Err)
		}
	}
}

// TraceBatchEnd ends the batch's span.
func (s sqlTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	end(ctx, data.Err)
}

// verb is a statement's first word in capitals: SELECT, INSERT, BEGIN, ….
func verb(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return "statement"
	}
	return strings.ToUpper(strings.TrimRight(f[0], "(;"))
}
