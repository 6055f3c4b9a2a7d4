package starter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/api/serviceerror"

	"osb/sales"
)

// pgDown is the error pgx gives when PostgreSQL does not answer: a
// connection refused by a port nothing listens on, as the store wraps it.
func pgDown(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = pgconn.Connect(context.Background(), "postgres://osb@"+addr+"/osb?sslmode=disable&connect_timeout=5")
	var connect *pgconn.ConnectError
	if !errors.As(err, &connect) {
		t.Fatalf("connecting to a closed port gave %T %v, want a *pgconn.ConnectError", err, err)
	}
	return fmt.Errorf("store: list orders: %w", err)
}

func TestAnOutageOfPostgreSQLOrTemporalIs503WithRetryAfter(t *testing.T) {
	for name, err := range map[string]error{
		"PostgreSQL refuses connections":    pgDown(t),
		"PostgreSQL shuts down":             fmt.Errorf("store: list orders: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}),
		"PostgreSQL has no connection left": fmt.Errorf("store: list orders: %w", &pgconn.PgError{Code: "53300", Message: "too many clients"}),
		"no pooled connection in time":      fmt.Errorf("store: list orders: begin: %w", context.DeadlineExceeded),
		"the connection is reset":           fmt.Errorf("store: list orders: %w", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}),
		"Temporal is unavailable":           fmt.Errorf("order SO-2026-000001: %w", serviceerror.NewUnavailable("connection refused")),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.store.listErr = err
			rec := f.do(t, "GET", "/v1/orders", "t-ssg", nil)
			e := wantError(t, rec, http.StatusServiceUnavailable, sales.ErrUnavailable)
			if got := rec.Header().Get("Retry-After"); got != retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, retryAfter)
			}
			if strings.Contains(rec.Body.String(), "127.0.0.1") || strings.Contains(e.Message, "SQLSTATE") {
				t.Errorf("the client sees the cause: %s", rec.Body)
			}
		})
	}
}

func TestAnUpdateWhileTemporalIsDownIs503(t *testing.T) {
	f := newFixture(t)
	no := f.startOrder(t, "C-001")
	f.orders.updateErr = serviceerror.NewUnavailable("dial tcp 127.0.0.1:7233: connect: connection refused")
	rec := f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-1/dispute", "t-fin", `{"reason":"price"}`)
	wantError(t, rec, http.StatusServiceUnavailable, sales.ErrUnavailable)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	f.orders.updateErr = serviceerror.NewDeadlineExceeded("context deadline exceeded")
	wantError(t, f.do(t, "POST", "/v1/orders/"+no+"/invoices/IV-1/dispute", "t-fin", `{"reason":"price"}`), http.StatusGatewayTimeout, sales.ErrTimeout)
}

func TestOtherFailuresStayInternal(t *testing.T) {
	for _, err := range []error{
		errors.New("pq: connection to 10.0.0.7:5432 refused"), // words are not a connection error
		&pgconn.PgError{Code: "42P01", Message: `relation "orders" does not exist`},
	} {
		f := newFixture(t)
		f.store.listErr = err
		rec := f.do(t, "GET", "/v1/orders", "t-ssg", nil)
		wantError(t, rec, http.StatusInternalServerError, sales.ErrInternal)
		if rec.Header().Get("Retry-After") != "" {
			t.Errorf("%v: Retry-After on a 500", err)
		}
	}
}

// timeoutAPI serves next behind the API's timeout of d.
func timeoutAPI(d time.Duration, next http.HandlerFunc) http.Handler {
	a := &api{log: slog.New(slog.DiscardHandler)}
	return a.recoverPanic(a.timeout(d)(next))
}

func TestAHandlerThatOverrunsItsTimeoutIsAnswered504(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	a := &api{log: slog.New(slog.DiscardHandler)}
	for name, h := range map[string]http.HandlerFunc{
		// stuck in a call that ignores its context
		"ignores its context": func(w http.ResponseWriter, r *http.Request) {
			<-release
			writeJSON(w, http.StatusOK, "too late")
		},
		// gives up when its context ends, as pgx and Temporal do
		"honours its context": func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
			a.fail(w, r, fmt.Errorf("store: list orders: %w", r.Context().Err()))
		},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			start := time.Now()
			timeoutAPI(20*time.Millisecond, h).ServeHTTP(rec, httptest.NewRequest("GET", "/v1/orders", nil))
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("answered after %s", took)
			}
			e := wantError(t, rec, http.StatusGatewayTimeout, sales.ErrTimeout)
			if !strings.Contains(e.Message, "Idempotency-Key") {
				t.Errorf("message %q does not say how to retry safely", e.Message)
			}
		})
	}
}

func TestAHandlerWithinItsTimeoutAnswersAsItWrote(t *testing.T) {
	rec := httptest.NewRecorder()
	timeoutAPI(time.Minute, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/v1/orders/SO-2026-000001")
		writeJSON(w, http.StatusCreated, map[string]string{"order_no": "SO-2026-000001"})
	}).ServeHTTP(rec, httptest.NewRequest("POST", "/v1/orders", nil))
	wantStatus(t, rec, http.StatusCreated)
	if rec.Header().Get("Location") == "" || !strings.Contains(rec.Body.String(), "SO-2026-000001") {
		t.Errorf("answer lost: %v %s", rec.Header(), rec.Body)
	}
}

func TestAPanicBehindTheTimeoutIsAnInternalError(t *testing.T) {
	rec := httptest.NewRecorder()
	timeoutAPI(time.Minute, func(http.ResponseWriter, *http.Request) { panic("boom") }).
		ServeHTTP(rec, httptest.NewRequest("GET", "/v1/me", nil))
	wantError(t, rec, http.StatusInternalServerError, sales.ErrInternal)
}

func TestEveryResponseCarriesSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		method, path, token string
		status              int
	}{
		{"GET", "/healthz", "", http.StatusOK},
		{"GET", "/openapi.json", "", http.StatusOK},
		{"GET", "/v1/orders", "t-ssg", http.StatusOK},
		{"GET", "/v1/orders", "", http.StatusUnauthorized},
		{"GET", "/v1/nothing", "t-ssg", http.StatusNotFound},
		{"GET", "/nothing", "", http.StatusNotFound},
		{"GET", "/v1/reports/dso?format=csv", "t-ssg", http.StatusOK},
		{"POST", "/v1/orders", "t-ssg", http.StatusBadRequest},
	} {
		body := any(nil)
		if c.method == "POST" {
			body = "{"
		}
		rec := f.do(t, c.method, c.path, c.token, body)
		wantStatus(t, rec, c.status)
		h := rec.Header()
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "no-referrer",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s %s: %s = %q, want %q", c.method, c.path, name, got, want)
			}
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s %s: Content-Security-Policy = %q", c.method, c.path, csp)
		}
		if strings.HasPrefix(c.path, "/v1/") && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: Cache-Control = %q, want no-store", c.method, c.path, h.Get("Cache-Control"))
		}
	}
}
