package tracing

import (
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
)

func pgxStart(sql string) pgx.TraceQueryStartData { return pgx.TraceQueryStartData{SQL: sql} }

func pgxEnd() pgx.TraceQueryEndData { return pgx.TraceQueryEndData{} }

func hasService(attrs []attribute.KeyValue, name string) bool {
	for _, a := range attrs {
		if a.Key == "service.name" && a.Value.AsString() == name {
			return true
		}
	}
	return false
}
