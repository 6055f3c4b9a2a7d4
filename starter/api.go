// Package starter is OSB's front door: the HTTP JSON API through which people
// register orders and act on them. It starts one order workflow per order and
// sends the running workflows updates and signals; lists and history come from
// the store. Every rule about orders lives in sales and workflows: the API
// decodes, checks who may ask, calls and encodes.
package starter

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"osb/sales"
	"osb/workflows"
)

// Store is what the API reads from OSB's database, and the two writes that
// must happen before a workflow starts (the order number and the client
// reference).
type Store interface {
	Ping(ctx context.Context) error
	Authenticate(ctx context.Context, token string) (sales.User, error)
	Reports(ctx context.Context, managerID string) ([]string, error)
	Customer(ctx context.Context, id string) (sales.Customer, error)
	Customers(ctx context.Context, scope sales.Scope) ([]sales.Customer, error)
	SKUs(ctx context.Context, codes []string) (map[string]sales.SKU, error) // nil = all
	// PricedSKUs returns the SKUs with codes, each with the price in force
	// for the customer on day as its list price (OP2 validates against it).
	PricedSKUs(ctx context.Context, customerID string, day time.Time, codes []string) (map[string]sales.SKU, error)
	Ladder(ctx context.Context, customerID string) (sales.Ladder, error)
	POPItems(ctx context.Context, codes []string) (map[string]sales.POPItem, error)
	NextOrderNo(ctx context.Context, year int) (string, error)
	// ClaimOrder records that claims name orderNo (all or none) and
	// returns the order owning them, and whether it came from the same
	// request (hash); MoveOrderClaims and SkipOrderNos get past order
	// numbers whose workflows exist already.
	ClaimOrder(ctx context.Context, orderNo, hash string, claims []sales.OrderClaim) (owner string, same bool, err error)
	MoveOrderClaims(ctx context.Context, from, to string) error
	SkipOrderNos(ctx context.Context, n int64) error
	Order(ctx context.Context, orderNo string) (sales.OrderSnapshot, error)
	OrderResume(ctx context.Context, orderNo string) ([]byte, error) // a remitted order's reopen input, nil if none
	Returns(ctx context.Context, orderNo string) ([]sales.Return, error)
	OrderCreditNotes(ctx context.Context, orderNo string) ([]sales.CreditNote, error)
	ListOrders(ctx context.Context, f sales.OrderFilter) ([]sales.OrderSummary, error)
	OrderEvents(ctx context.Context, orderNo string) ([]sales.Event, error)
	ListEscalations(ctx context.Context, f sales.EscalationFilter) ([]sales.Escalation, error)
	ListNotifications(ctx context.Context, f sales.NotificationFilter) ([]sales.NotificationRecord, error)
	DeadNotifications(ctx context.Context, limit int) ([]sales.NotificationRecord, error)
	RetryNotification(ctx context.Context, key string, at time.Time) (sales.NotificationRecord, error)
	// Tokens lists the bearer tokens of a user ("" for everyone's), never
	// their secrets; RevokeToken revokes one by id.
	Tokens(ctx context.Context, userID string) ([]sales.Token, error)
	RevokeToken(ctx context.Context, id int64, at time.Time) (sales.Token, error)
}

// Orders is the running order workflows. Errors are *sales.Error where the
// cause is known: a refused update keeps the workflow's code and message, a
// missing workflow is not_found.
type Orders interface {
	// Start starts the workflow of a new order and returns where it stands
	// once OP1–OP7 ran; existed is true when a workflow with its id was
	// already there (nothing is started then).
	Start(ctx context.Context, in workflows.OrderInput, customer sales.Customer) (p workflows.Progress, existed bool, err error)
	// Status returns the live status of an order.
	Status(ctx context.Context, orderNo string) (workflows.OrderView, error)
	// Update sends an update and waits for its result; updateID makes a
	// retried request count once ("" lets Temporal choose).
	Update(ctx context.Context, orderNo, update, updateID string, arg, result any) error
	// Reopen sends an update to a new run of a remitted order's workflow,
	// started from from (what its last run left in the store).
	Reopen(ctx context.Context, orderNo string, from workflows.OrderInput, update, updateID string, arg, result any) error
	// Signal sends a signal.
	Signal(ctx context.Context, orderNo, signal string, arg any) error
	// Healthy reports whether Temporal answers.
	Healthy(ctx context.Context) error
}

// Config is what the API needs.
type Config struct {
	Store  Store
	Orders Orders
	Policy sales.Policy // goes into every new order's workflow input
	// The other areas of OSB; a nil area leaves its routes out.
	Credit  CreditService // credit management (CMR)
	Quota   QuotaService  // quota, POP material, returns
	Reports ReportService // the information system: problem log, reports, meeting packs
	Cash    CashService   // cash application and refunds; the per-order receipt route uses it when set
	Logger  *slog.Logger
	Now     func() time.Time // default time.Now
	// Metrics, when set, wraps every request inside the router, where chi's
	// route pattern is known (metrics.Registry.HTTP).
	Metrics func(http.Handler) http.Handler
	// AuthCacheTTL is how long an accepted token is trusted without asking
	// the store again: zero means DefaultAuthCacheTTL, negative never.
	AuthCacheTTL time.Duration
	// Statements is the bank statement import; nil leaves its routes out.
	Statements StatementService
	// Documents renders order documents and keeps customer statements; nil
	// leaves their routes out.
	Documents DocumentService
	// MasterData is the master data the department keeps; nil leaves its
	// routes out. RefreshLadders starts the ladder refresh of a customer's
	// open orders after a KAM change (nil: the answer says it was not).
	MasterData     MasterDataService
	RefreshLadders LadderRefresh
	// Invoices lists invoices waiting for Finance or the SLT, and credit
	// notes; nil leaves their routes out.
	Invoices InvoiceLists
	// Calendar is the PRC working calendar; nil leaves its routes out.
	Calendar CalendarService
	// Visits is the weekly visit log; nil leaves its routes out.
	// VisitPolicy is its weekly rhythm (zero: sales.DefaultVisitPolicy).
	Visits      VisitService
	VisitPolicy sales.VisitPolicy
}

// RequestTimeout bounds every /v1 request: at it the client gets 504
// timeout. A server's write timeout must be longer.
const RequestTimeout = 30 * time.Second

// maxBodyBytes limits every request body.
const maxBodyBytes = 1 << 20

type api struct {
	store   Store
	orders  Orders
	credit  CreditService
	quota   QuotaService
	reports ReportService
	cash    CashService
	policy  sales.Policy
	log     *slog.Logger
	now     func() time.Time
	auth    *authCache

	statements StatementService
	documents  DocumentService
	invoices   InvoiceLists
	master     MasterDataService
	ladders    LadderRefresh

	calendar    CalendarService
	visits      VisitService
	visitPolicy sales.VisitPolicy
}

// New returns the HTTP handler of the API.
func New(c Config) http.Handler {
	a := &api{store: c.Store, orders: c.Orders, credit: c.Credit, quota: c.Quota, reports: c.Reports, cash: c.Cash,
		policy: c.Policy, log: c.Logger, now: c.Now}
	a.statements = c.Statements
	a.documents = c.Documents
	a.invoices = c.Invoices
	a.master, a.ladders = c.MasterData, c.RefreshLadders
	a.calendar, a.visits, a.visitPolicy = c.Calendar, c.Visits, c.VisitPolicy
	if a.visitPolicy == (sales.VisitPolicy{}) {
		a.visitPolicy = sales.DefaultVisitPolicy()
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	ttl := c.AuthCacheTTL
	if ttl == 0 {
		ttl = DefaultAuthCacheTTL
	}
	a.auth = newAuthCache(ttl, a.now)

	r := chi.NewRouter()
	if c.Metrics != nil {
		r.Use(c.Metrics)
	}
	r.Use(securityHeaders, middleware.RequestID, a.accessLog, a.recoverPanic, limitBody, a.refuseControlCharacters)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, sales.Errorf(sales.ErrNotFound, "there is no %s %s", r.Method, r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, withStatus(http.StatusMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
	})

	r.Get("/healthz", a.health)
	r.Get("/openapi.json", serveOpenAPI)

	r.Route("/v1", func(r chi.Router) {
		// Calls to Temporal wait for the worker: bound them, so a stopped worker
		// gives a 504 instead of a request that hangs.
		r.Use(a.timeout(RequestTimeout), a.authenticate)
		r.Get("/me", a.me)
		r.Get("/customers", a.customers)
		r.Get("/skus", a.skus)
		r.Get("/escalations", a.escalations)
		r.Get("/notifications", a.notifications)
		a.deadLetterRoutes(r)
		a.tokenRoutes(r)

		r.With(a.allow(sales.PermPlaceOrder)).Post("/orders", a.createOrder)
		r.Get("/orders", a.listOrders)
		r.Get("/orders/{orderNo}", a.getOrder)
		r.Get("/orders/{orderNo}/events", a.events)
		r.With(a.allow(sales.PermDecideOrder)).Post("/orders/{orderNo}/decision", a.decide)
		r.With(a.allow(sales.PermAcknowledgeOrder)).Post("/orders/{orderNo}/acknowledge", a.acknowledge)
		r.With(a.allow(sales.PermIssueGoods)).Post("/orders/{orderNo}/goods-issues", a.goodsIssue)
		r.With(a.allow(sales.PermRecordDelivery)).Post("/orders/{orderNo}/shipments/{shipmentNo}/delivery", a.deliver)
		r.With(a.allow(sales.PermAcknowledgeInvoice)).Post("/orders/{orderNo}/invoices/{invoiceNo}/acknowledge", a.acknowledgeInvoice)
		r.With(a.allow(sales.PermDisputeInvoice)).Post("/orders/{orderNo}/invoices/{invoiceNo}/dispute", a.dispute)
		r.With(a.allow(sales.PermExtendDue)).Post("/orders/{orderNo}/invoices/{invoiceNo}/extension", a.extendDue)
		r.With(a.allow(sales.PermConfirmReceipt)).Post("/orders/{orderNo}/receipts", a.confirmReceipt)
		r.With(a.allow(sales.PermCancelOrder)).Post("/orders/{orderNo}/cancel", a.cancel)
		r.With(a.allow(sales.PermCloseBackorder)).Post("/orders/{orderNo}/close-backorder", a.closeBackorder)
		a.invoiceRoutes(r)
		if a.invoices != nil {
			a.invoiceListRoutes(r)
		}
		if a.credit != nil {
			a.creditRoutes(r)
		}
		if a.quota != nil {
			a.quotaRoutes(r)
		}
		if a.reports != nil {
			a.reportRoutes(r)
		}
		if a.cash != nil {
			a.cashRoutes(r)
		}
		if a.statements != nil {
			a.statementRoutes(r)
		}
		if a.documents != nil {
			a.documentRoutes(r)
		}
		if a.master != nil {
			a.masterDataRoutes(r)
		}
		if a.calendar != nil {
			a.calendarRoutes(r)
		}
		if a.visits != nil {
			a.visitRoutes(r)
		}
	})
	return r
}

// healthTimeout bounds how long /healthz waits for the store and Temporal.
const healthTimeout = 3 * time.Second

type healthBody struct {
	Status   string `json:"status"`   // ok or unavailable
	Store    string `json:"store"`    // ok or down
	Temporal string `json:"temporal"` // ok or down
}

// health answers 200 only when both the store and Temporal answer.
func (a *api) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	var storeErr, temporalErr error
	var wg sync.WaitGroup
	wg.Go(func() { storeErr = a.store.Ping(ctx) })
	wg.Go(func() { temporalErr = a.orders.Healthy(ctx) })
	wg.Wait()

	body, status := healthBody{Status: "ok", Store: "ok", Temporal: "ok"}, http.StatusOK
	if storeErr != nil {
		a.log.WarnContext(ctx, "health: the store is down", "err", storeErr)
		body.Store, body.Status, status = "down", "unavailable", http.StatusServiceUnavailable
	}
	if temporalErr != nil {
		a.log.WarnContext(ctx, "health: Temporal is down", "err", temporalErr)
		body.Temporal, body.Status, status = "down", "unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}
