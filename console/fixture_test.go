package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/demo"
	"osb/documents"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/starter"
)

// testPassword is every test user's password.
const testPassword = "correct horse"

// fixture is a console on a fresh store holding the demo organisation,
// passwords for a few users and four orders: one held (late), one waiting on
// Logistics, one with an overdue invoice, one remitted.
type fixture struct {
	t       *testing.T
	store   *postgres.Store
	url     string // database
	now     time.Time
	clock   *clock
	srv     *httptest.Server
	api     http.Handler // the JSON API the console sends actions to (reads: the store; credit, quota and reports without Temporal)
	orders  *fakeOrders  // the order workflows the API talks to: records what it is sent
	ladders *ladderLog   // the ladder refreshes of KAM changes the API started
}

// The orders of the fixture.
const (
	heldOrder     = "SO-2026-000001" // C001, kam-huadong-1: held for the SLT, late
	logisticsWait = "SO-2026-000002" // C006, kam-huanan-1: released, at SP1
	overdueOrder  = "SO-2026-000003" // C003, kam-huadong-2: an invoice 10 days overdue
	remitted      = "SO-2026-000004" // C002, kam-huadong-1: remitted
)

// clock is a settable now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// hashOnce is the bcrypt hash of testPassword, made once per test binary.
var hashOnce = sync.OnceValues(func() (string, error) { return HashPassword(testPassword) })

func newFixture(t *testing.T, secure bool) *fixture {
	t.Helper()
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if err := store.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	hash, err := hashOnce()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SeedDemoPasswords(ctx, []string{"ssg-lead", "dsd", "log1", "fin1", "kam-huadong-1", "um-huadong-1"}, hash); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: store, url: dbURL, now: time.Now().Truncate(time.Second)}
	f.clock = &clock{t: f.now}
	f.writeOrders()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.orders = &fakeOrders{}
	f.ladders = &ladderLog{}
	f.api = starter.New(starter.Config{Store: store, Orders: f.orders, Policy: sales.DefaultPolicy(), Quota: store, RefreshLadders: f.ladders.refresh,
		Credit: starter.NewTemporalCredit(nil, store, sales.DefaultCreditPolicy()), Reports: starter.NewReports(store, nil),
		Documents:  starter.NewDocuments(store, documents.NewPDF("")),
		Invoices:   store,
		MasterData: store,
		Calendar:   store,
		Visits:     store,
		Logger:     quiet, Now: f.clock.now})
	h := New(Config{Store: store, API: f.api, SecureCookies: secure, TemporalUIURL: "http://127.0.0.1:8233",
		Logger: quiet, Now: f.clock.now})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) writeOrders() {
	f.t.Helper()
	now := f.now
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	ev := func(seq int, d time.Duration, step sales.Step, kind string) sales.Event {
		return sales.Event{Seq: seq, At: now.Add(d), Step: step, Kind: kind, Actor: "ssg-lead"}
	}
	line := []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 100, UnitPrice: 2880}, {LineNo: 2, SKU: "SKU-1003", Quantity: 40, UnitPrice: 4500}}
	total := sales.Total(line) // ¥4,680.00
	base := func(no, customer, market, kam string, status sales.OrderStatus, step sales.Step, created time.Duration) *sales.OrderSnapshot {
		return &sales.OrderSnapshot{OrderNo: no, Version: 1, CustomerID: customer, Market: market, KAMID: kam, Currency: sales.CNY,
			Total: total, Unbilled: total, Status: status, Step: step, CreatedBy: "ssg-lead", CreatedAt: now.Add(created),
			UpdatedAt: now, Lines: line}
	}
	held := base(heldOrder, "C001", "华东", "kam-huadong-1", sales.StatusHeld, sales.OP5Hold, -50*time.Hour)
	held.HoldReason, held.NextDeadline, held.Level = "credit limit exceeded", at(-3*time.Hour), sales.LevelSLT
	released := base(logisticsWait, "C006", "华南", "kam-huanan-1", sales.StatusReleased, sales.SP1Plan, -2*time.Hour)
	released.NextDeadline = at(20 * time.Hour)
	billed := base(overdueOrder, "C003", "华东", "kam-huadong-2", sales.StatusBilled, sales.BC5Dunning, -45*24*time.Hour)
	billed.Unbilled, billed.Outstanding, billed.Level, billed.NextDeadline = 0, total, sales.LevelMM, at(4*24*time.Hour)
	billed.Shipments = []sales.Shipment{{No: "SH-2026-000003-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 100}, {LineNo: 2, Quantity: 40}},
		Carrier: "顺丰", Waybill: "SF1234567890", IssuedAt: now.Add(-44 * 24 * time.Hour), DeliveredAt: at(-42 * 24 * time.Hour), InvoiceNo: "INV-2026-000003-1"}}
	billed.Invoices = []sales.Invoice{{No: "INV-2026-000003-1", ShipmentNo: "SH-2026-000003-1", Currency: sales.CNY, Amount: total,
		IssuedAt: now.Add(-40 * 24 * time.Hour), DueAt: now.Add(-10 * 24 * time.Hour), Acknowledged: true, Level: sales.LevelMM}}
	done := base(remitted, "C002", "华东", "kam-huadong-1", sales.StatusRemitted, sales.BC7Close, -60*24*time.Hour)
	done.Unbilled, done.ClosedAt = 0, at(-24*time.Hour)
	done.Shipments = []sales.Shipment{{No: "SH-2026-000004-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 100}, {LineNo: 2, Quantity: 40}},
		Carrier: "德邦", Waybill: "DB42", IssuedAt: now.Add(-58 * 24 * time.Hour), DeliveredAt: at(-56 * 24 * time.Hour), InvoiceNo: "INV-2026-000004-1"}}
	paidAt := now.Add(-24 * time.Hour)
	done.Invoices = []sales.Invoice{{No: "INV-2026-000004-1", ShipmentNo: "SH-2026-000004-1", Currency: sales.CNY, Amount: total, Paid: total,
		IssuedAt: now.Add(-57 * 24 * time.Hour), DueAt: now.Add(-12 * 24 * time.Hour), Acknowledged: true, PaidAt: &paidAt}}
	done.Receipts = []sales.Receipt{{Reference: "20261201-0001", Amount: total, Currency: sales.CNY, ReceivedAt: paidAt, ConfirmedBy: "fin1",
		Allocations: []sales.Allocation{{InvoiceNo: "INV-2026-000004-1", Amount: total}}}}

	steps := func(upTo sales.Step, skip ...sales.Step) []sales.Event {
		var out []sales.Event
		for i, info := range sales.Steps {
			skipped := false
			for _, s := range skip {
				skipped = skipped || s == info.Step
			}
			if !skipped {
				out = append(out, ev(len(out)+1, time.Duration(i-30)*time.Hour, info.Step, "step"))
			}
			if info.Step == upTo {
				break
			}
		}
		return out
	}
	for _, c := range []sales.OrderChanges{
		{Order: held, Events: steps(sales.OP5Hold)},
		{Order: released, Events: steps(sales.SP1Plan, sales.OP5Hold)},
		{Order: billed, Events: steps(sales.BC5Dunning, sales.OP5Hold)},
		{Order: done, Events: steps(sales.BC7Close, sales.OP5Hold)},
	} {
		if err := f.store.ApplyOrderChanges(context.Background(), c); err != nil {
			f.t.Fatalf("writing %s: %v", c.Order.OrderNo, err)
		}
	}
}

// browser is a client of the fixture's console that keeps its cookies and
// does not follow redirects.
type browser struct {
	f      *fixture
	client *http.Client
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{f: f, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is an answer: status, headers, body.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.f.t.Helper()
	resp, err := b.client.Get(b.f.srv.URL + path)
	if err != nil {
		b.f.t.Fatal(err)
	}
	return readPage(b.f.t, resp)
}

func (b *browser) post(path string, form url.Values) page {
	b.f.t.Helper()
	resp, err := b.client.PostForm(b.f.srv.URL+path, form)
	if err != nil {
		b.f.t.Fatal(err)
	}
	return readPage(b.f.t, resp)
}

func readPage(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the page's first form.
func (p page) csrf(t *testing.T) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", p.body)
	}
	return m[1]
}

// signIn signs in as user and returns the page it lands on.
func (b *browser) signIn(user string) page {
	b.f.t.Helper()
	form := b.get("/signin")
	p := b.post("/signin", url.Values{"csrf": {form.csrf(b.f.t)}, "user": {user}, "password": {testPassword}, "next": {"/"}})
	if p.status != http.StatusSeeOther {
		b.f.t.Fatalf("signing in as %s: %d\n%s", user, p.status, p.body)
	}
	return b.get(p.header.Get("Location"))
}

func (p page) has(s string) bool { return strings.Contains(p.body, s) }
