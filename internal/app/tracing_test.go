package app

import (
	"context"
	"log/slog"
	"testing"
)

func TestTracingIsOffWithoutAnOTLPEndpoint(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TracingEndpoint != "" {
		t.Fatalf("endpoint %q without any variable", cfg.TracingEndpoint)
	}
	tr, err := startTracing(context.Background(), cfg, "osb-api", slog.New(slog.DiscardHandler))
	if err != nil || tr != nil {
		t.Fatalf("tracing %v, %v: want off", tr, err)
	}
}

func TestTracingIsOnWithAnOTLPEndpoint(t *testing.T) {
	for _, c := range []struct{ name, value, want string }{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "http://127.0.0.1:4318"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces", "http://127.0.0.1:4318/v1/traces"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
			t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
			t.Setenv(c.name, c.value)
			cfg, err := loadConfig()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.TracingEndpoint != c.want {
				t.Fatalf("endpoint %q, want %q", cfg.TracingEndpoint, c.want)
			}
			tr, err := startTracing(context.Background(), cfg, "osb-worker", slog.New(slog.DiscardHandler))
			if err != nil || tr == nil {
				t.Fatalf("tracing %v, %v: want on", tr, err)
			}
			if len(tr.Temporal()) == 0 {
				t.Error("no Temporal interceptor")
			}
			if err := tr.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestOTELSDKDisabledTurnsTracingOff(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
	t.Setenv("OTEL_SDK_DISABLED", "true")
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TracingEndpoint != "" {
		t.Fatalf("endpoint %q with OTEL_SDK_DISABLED=true", cfg.TracingEndpoint)
	}
}

func TestServiceNames(t *testing.T) {
	for cmd, want := range map[string]string{"worker": "osb-worker", "api": "osb-api", "dev": "osb-dev"} {
		if got := (Program{Name: "osb-dev"}).serviceName(cmd); got != want {
			t.Errorf("%s: %s, want %s", cmd, got, want)
		}
	}
}
