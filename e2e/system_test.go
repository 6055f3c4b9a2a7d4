package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"osb/activities"
	"osb/demo"
	"osb/devserver"
	"osb/devserver/localpg"
	"osb/internal/app"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/starter"
	"osb/worker"
	"osb/workflows"
)

// system is one OSB: embedded Temporal (in memory), a fresh database, a
// worker and the store, shared by the tests of this package. Each test gets
// its own API with its own policy.
type system struct {
	server *devserver.Server
	client client.Client
	store  *postgres.Store
	dbURL  string
	log    *slog.Logger
}

var (
	shared     *system
	sharedErr  error
	sharedOnce sync.Once
	cleanups   []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

// osb returns the shared system, starting it on first use.
func osb(t testing.TB) *system {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = startSystem(t) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func startSystem(t testing.TB) (*system, error) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	admin := pgtest.AdminURL(t)
	name := fmt.Sprintf("osb_e2e_%d", time.Now().UnixNano())
	dbURL, err := localpg.CreateDatabase(ctx, admin, name)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { _ = localpg.DropDatabase(context.Background(), admin, name) })
	if err := postgres.Migrate(ctx, dbURL, log); err != nil {
		return nil, err
	}
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, store.Close)
	org := demo.Organisation()
	org.Customers = append(org.Customers, testCustomers(org)...)
	if err := store.SaveOrganisation(ctx, org); err != nil {
		return nil, err
	}
	for user, tok := range demo.Tokens() {
		if err := store.SaveToken(ctx, user, "demo", tok, time.Now().Add(sales.DefaultTokenTTL)); err != nil {
			return nil, err
		}
	}
	srv, err := devserver.Start(ctx, devserver.Options{SearchAttributes: workflows.SearchAttributes(), Logger: log})
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, srv.Stop)
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Namespace: srv.Namespace(),
		Logger:            sdklog.NewStructuredLogger(log),
		ConnectionOptions: client.ConnectionOptions{GrpcCompression: app.ClientCompression(srv.FrontendAddress())}})
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, c.Close)
	w := worker.New(c, &activities.Activities{Store: store, Logger: log, Orders: starter.NewTemporalOrders(c),
		Statements: &activities.BankStatements{Store: store, Receipts: starter.NewTemporalCash(c, store, sales.DefaultCashPolicy(), nil)}}, worker.Options{})
	if err := w.Start(); err != nil {
		return nil, err
	}
	cleanups = append(cleanups, w.Stop)
	return &system{server: srv, client: c, store: store, dbURL: dbURL, log: log}, nil
}

// Test customers beside the demo ones: invoices due at once (for the
// dunning ladder in seconds) and a tiny credit limit (for holds).
const (
	dueAtOnce  = "T901"
	tinyCredit = "T902"
)

func testCustomers(org sales.Organisation) []sales.Customer {
	base := org.Customers[0]
	a, b := base, base
	a.ID, a.Name, a.PaymentTermsDays, a.Frozen, a.Active = dueAtOnce, "测试即期客户", 0, false, true
	a.CreditLimit = sales.Yuan(10_000_000)
	b.ID, b.Name, b.CreditLimit, b.Frozen, b.Active = tinyCredit, "测试小额客户", sales.Yuan(1), false, true
	return []sales.Customer{a, b}
}

// api is one HTTP API over the shared system with its own policy.
type api struct {
	t   testing.TB
	sys *system
	url string
}

func newAPI(t testing.TB, policy sales.Policy) *api {
	t.Helper()
	return newAPIWith(t, policy, sales.DefaultCreditPolicy())
}

// newAPIWith is newAPI with a credit policy of its own.
func newAPIWith(t testing.TB, policy sales.Policy, credit sales.CreditPolicy) *api {
	t.Helper()
	sys := osb(t)
	h := starter.New(starter.Config{Store: sys.store, Orders: starter.NewTemporalOrders(sys.client), Policy: policy, Quota: sys.store, Credit: starter.NewTemporalCredit(sys.client, sys.store, credit), Logger: sys.log,
		Cash:       starter.NewTemporalCash(sys.client, sys.store, sales.DefaultCashPolicy(), nil),
		MasterData: sys.store, RefreshLadders: starter.NewLadderRefresher(sys.client).RefreshLadders})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &api{t: t, sys: sys, url: srv.URL}
}

// httpClient keeps a connection per request in flight for reuse, as an API
// client of the department would: http.DefaultClient keeps two per host, so
// a benchmark with 128 requests in flight would mostly measure new TCP
// connections.
var httpClient = &http.Client{Transport: &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	MaxIdleConns:        512,
	MaxIdleConnsPerHost: 512,
	IdleConnTimeout:     90 * time.Second,
}}

// call sends a JSON request as the holder of token and decodes the answer
// into out; it returns the HTTP status.
func (a *api) call(token, method, path string, body, out any) int {
	a.t.Helper()
	return a.callKeyed(token, "", method, path, body, out)
}

// callKeyed is call with an Idempotency-Key (none when key is empty).
func (a *api) callKeyed(token, key, method, path string, body, out any) int {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// must is call that fails the test unless the status is want.
func (a *api) must(want int, token, method, path string, body, out any) {
	a.t.Helper()
	var raw json.RawMessage
	got := a.call(token, method, path, body, &raw)
	if got != want {
		a.t.Fatalf("%s %s: status %d, want %d: %s", method, path, got, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatal(err)
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// demoTokens are built once: the benchmarks ask for a token at every call.
var demoTokens = sync.OnceValue(demo.Tokens)

func token(user string) string {
	tok, ok := demoTokens()[user]
	if !ok {
		panic("no demo token for " + user)
	}
	return tok
}
