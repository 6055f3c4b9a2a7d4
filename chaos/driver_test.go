package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"osb/demo"
	"osb/sales"
	"osb/workflows"
)

// driver acts on orders through the HTTP API as the demo users, the way a
// careful client does: every action carries an Idempotency-Key, and an
// action that got no answer or a 5xx is sent again with the same key until
// it gets a real one.
type driver struct {
	url    string
	http   *http.Client
	slots  chan struct{} // requests in flight
	tokens map[string]string
	clock  *journal

	sent, retried atomic.Int64
}

func newDriver(s *stack, cfg config) *driver {
	return &driver{
		url:    s.api.URL,
		http:   &http.Client{Timeout: 45 * time.Second}, // the API gives up after 30 s
		slots:  make(chan struct{}, cfg.inFlight),
		tokens: demo.Tokens(),
		clock:  s.clock,
	}
}

// answer is a definitive answer of the API.
type answer struct {
	status int
	body   []byte
}

// send sends a request as user until it has a definitive answer (not 5xx),
// or ctx ends.
func (d *driver) send(ctx context.Context, user, key, method, path string, body any) (answer, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return answer{}, err
		}
	}
	pause := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		a, err := d.once(ctx, user, key, method, path, raw)
		if err == nil && a.status < 500 {
			return a, nil
		}
		last := ""
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("%d %s", a.status, bytes.TrimSpace(a.body))
		}
		select {
		case <-ctx.Done():
			return answer{}, fmt.Errorf("%s %s: no answer after %d attempts, the last: %s", method, path, attempt, last)
		case <-time.After(pause):
		}
		d.retried.Add(1)
		pause = min(2*pause, 8*time.Second)
	}
}

// once sends one request.
func (d *driver) once(ctx context.Context, user, key, method, path string, body []byte) (answer, error) {
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return answer{}, ctx.Err()
	}
	defer func() { <-d.slots }()
	d.sent.Add(1)
	req, err := http.NewRequestWithContext(ctx, method, d.url+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.tokens[user])
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: b}, err
}

// act sends one action on an order and decodes a 2xx answer into out; any
// other definitive answer is a refusal, returned as the error.
func (d *driver) act(ctx context.Context, user, key, method, path string, body, out any) error {
	a, err := d.send(ctx, user, key, method, path, body)
	if err != nil {
		return err
	}
	if a.status/100 != 2 {
		return fmt.Errorf("%s %s as %s refused: %d %s", method, path, user, a.status, bytes.TrimSpace(a.body))
	}
	if out != nil {
		return json.Unmarshal(a.body, out)
	}
	return nil
}

// users are the demo users the suite acts as.
var users = []string{"ssg-lead", "log1", "fin1", "sd"}

// signIn has the API check every user's token once, so that it trusts
// them while PostgreSQL is down later (startAPI).
func (d *driver) signIn(ctx context.Context) error {
	for _, u := range users {
		if err := d.act(ctx, u, "", "GET", "/v1/me", nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// createBefore places the orders that exist before the faults begin.
func (d *driver) createBefore(ctx context.Context, orders []*order) {
	begun := time.Now()
	var wg sync.WaitGroup
	n := 0
	for _, o := range orders {
		if o.createAt < 0 {
			n++
			wg.Go(func() {
				if err := d.create(ctx, o); err != nil {
					o.fail(err)
				}
			})
		}
	}
	wg.Wait()
	d.clock.printf("%d orders placed through POST /v1/orders before the faults (%s); %d more are placed during them", n, since(begun), len(orders)-n)
}

// create places the order as the SSG and checks that OP1–OP7 released it,
// or held it for the SLT when its customer is frozen.
func (d *driver) create(ctx context.Context, o *order) error {
	var out struct {
		OrderNo string            `json:"order_no"`
		Status  sales.OrderStatus `json:"status"`
		Reason  string            `json:"reason"`
	}
	req := sales.OrderRequest{CustomerID: o.customer, Lines: o.lines}
	if err := d.act(ctx, "ssg-lead", fmt.Sprintf("chaos-order-%d", o.i), "POST", "/v1/orders", req, &out); err != nil {
		return fmt.Errorf("placing order %d: %w", o.i, err)
	}
	o.no = out.OrderNo
	want := sales.StatusReleased
	if o.held {
		want = sales.StatusHeld
	}
	if out.Status != want {
		return fmt.Errorf("placed for %s, answered %s (%s), expected %s", o.customer, out.Status, out.Reason, want)
	}
	return nil
}

// walk takes the order to its point before the faults are over, then to
// its end.
func (d *driver) walk(ctx context.Context, o *order, start time.Time, faultsOver <-chan struct{}) {
	if o.createAt >= 0 {
		sleepUntil(ctx, start.Add(o.createAt))
		if err := d.create(ctx, o); err != nil {
			o.fail(err)
			return
		}
	}
	if o.no == "" {
		return // its creation failed
	}
	for o.done < o.stop && o.err == nil {
		sleepUntil(ctx, start.Add(o.steps[o.done].at))
		if o.outage && o.done == len(o.steps)-2 {
			d.clock.printf("%s is paid in full, then delivered, while PostgreSQL is down", o.no)
		}
		d.step(ctx, o)
	}
	o.point = o.where()
	select {
	case <-faultsOver:
	case <-ctx.Done():
		return
	}
	for o.done < len(o.steps) && o.err == nil {
		d.step(ctx, o)
	}
}

// step takes the order's next step.
func (d *driver) step(ctx context.Context, o *order) {
	s := o.steps[o.done]
	if err := s.run(ctx, d, o); err != nil {
		o.fail(fmt.Errorf("step %q: %w", s.name, err))
		return
	}
	o.done++
}

// order is one order of the run: its plan, and what the suite did and was
// answered (its ledger, checked against the workflow and the store).
type order struct {
	i        int
	customer string
	lines    []sales.LineRequest
	held     bool              // placed for a frozen customer: held for the SLT
	end      sales.OrderStatus // the status it must end in
	steps    []step            // from its placing to its end
	stop     int               // steps taken before the faults are over
	createAt time.Duration     // when it is placed, from the start of the faults; <0 before them
	outage   bool              // its last two steps are taken while PostgreSQL is down

	no        string
	done      int    // steps taken
	point     string // where it stood when the faults were over
	shipments []workflows.GoodsIssueResult
	receipts  []sales.Receipt                 // as answered
	err       error                           // the first refusal or failure; the walk stops there
	workflow  enumspb.WorkflowExecutionStatus // of its latest run, once closed
}

// step is one action of an order's walk.
type step struct {
	name string        // where the order stands once it is done
	at   time.Duration // when the walk takes it before the faults are over
	run  func(ctx context.Context, d *driver, o *order) error
}

func (o *order) fail(err error) {
	if o.err == nil {
		o.err = err
	}
}

// where is the name of the point the order's walk has reached.
func (o *order) where() string {
	if o.done > 0 {
		return o.steps[o.done-1].name
	}
	if o.held {
		return "held for the SLT"
	}
	return "released"
}

func (o *order) key(what string) string { return fmt.Sprintf("chaos/%s/%d/%s", o.no, o.done, what) }

func (o *order) path(rest string) string { return "/v1/orders/" + o.no + rest }

// billed is what the invoices of the order's goods issues add up to.
func (o *order) billed() sales.Fen {
	var t sales.Fen
	for _, g := range o.shipments {
		t += g.Amount
	}
	return t
}

// paid is what the order's receipts add up to.
func (o *order) paid() sales.Fen {
	var t sales.Fen
	for _, r := range o.receipts {
		t += r.Amount
	}
	return t
}

// The actions of the walks.

func acknowledge(ctx context.Context, d *driver, o *order) error {
	planned := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	return d.act(ctx, "log1", o.key("acknowledge"), "POST", o.path("/acknowledge"), map[string]string{"planned_date": planned}, nil)
}

func goodsIssue(lines []sales.LineQty) func(context.Context, *driver, *order) error {
	return func(ctx context.Context, d *driver, o *order) error {
		var gi workflows.GoodsIssueResult
		body := map[string]any{"carrier": "顺丰速运", "waybill": fmt.Sprintf("WB-%s-%d", o.no, len(o.shipments)+1), "lines": lines}
		if err := d.act(ctx, "log1", o.key("goods-issue"), "POST", o.path("/goods-issues"), body, &gi); err != nil {
			return err
		}
		o.shipments = append(o.shipments, gi)
		return nil
	}
}

func deliver(n int) func(context.Context, *driver, *order) error {
	return func(ctx context.Context, d *driver, o *order) error {
		return d.act(ctx, "log1", o.key("delivery"), "POST", o.path("/shipments/"+o.shipments[n].ShipmentNo+"/delivery"), map[string]any{}, nil)
	}
}

func dispute(ctx context.Context, d *driver, o *order) error {
	return d.act(ctx, "ssg-lead", o.key("dispute"), "POST", o.path("/invoices/"+o.shipments[0].InvoiceNo+"/dispute"),
		map[string]string{"reason": "price differs from the quotation"}, nil)
}

func acknowledgeInvoices(ctx context.Context, d *driver, o *order) error {
	for _, g := range o.shipments {
		if err := d.act(ctx, "ssg-lead", o.key("invoice-ack-"+g.InvoiceNo), "POST", o.path("/invoices/"+g.InvoiceNo+"/acknowledge"), map[string]any{}, nil); err != nil {
			return err
		}
	}
	return nil
}

// pay confirms a receipt of half of what the order owes, or of all of it.
func pay(half bool) func(context.Context, *driver, *order) error {
	return func(ctx context.Context, d *driver, o *order) error {
		amount := o.billed() - o.paid()
		if half {
			amount = max(amount/2, 1)
		}
		ref := fmt.Sprintf("BANK-%s-%d", o.no, len(o.receipts)+1)
		var res workflows.ConfirmPaymentResult
		body := map[string]any{"reference": ref, "amount_fen": amount, "currency": "CNY"}
		if err := d.act(ctx, "fin1", o.key("receipt"), "POST", o.path("/receipts"), body, &res); err != nil {
			return err
		}
		o.receipts = append(o.receipts, res.Receipt)
		return nil
	}
}

func cancel(ctx context.Context, d *driver, o *order) error {
	return d.act(ctx, "ssg-lead", o.key("cancel"), "POST", o.path("/cancel"), map[string]string{"reason": "customer withdrew the order"}, nil)
}

func reject(ctx context.Context, d *driver, o *order) error {
	return d.act(ctx, "sd", o.key("decision"), "POST", o.path("/decision"), map[string]string{"decision": "reject", "reason": "customer is frozen"}, nil)
}
