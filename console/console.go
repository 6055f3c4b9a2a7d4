// Package console is the OSB console: the department's own web pages, served
// by the API process at / beside the JSON API under /v1. Pages are rendered
// on the server with html/template and work as plain HTML forms; templates,
// the style sheet and the message catalogues (zh-CN by default, English) are
// embedded in the binary.
//
// People sign in with their user id and password; sessions live in the store
// and carry a CSRF token that every form posts back. A session resolves to
// the same sales.User, and so the same role and FSF scope, as an API token:
// what a page shows is decided by sales.ScopeFor and sales.CustomerVisible,
// the functions the API decides with. docs/console.md says how to add pages
// and kinds of work.
package console

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// Store is what the console reads and writes.
type Store interface {
	sales.Directory
	Customers(ctx context.Context, scope sales.Scope) ([]sales.Customer, error)
	ListOrders(ctx context.Context, f sales.OrderFilter) ([]sales.OrderSummary, error)
	Order(ctx context.Context, orderNo string) (sales.OrderSnapshot, error)
	OrderEvents(ctx context.Context, orderNo string) ([]sales.Event, error)
	OverdueInvoices(ctx context.Context, scope sales.Scope, asOf time.Time, limit int) ([]sales.OverdueInvoice, error)
	InvoicesAwaiting(ctx context.Context, scope sales.Scope, wait sales.InvoiceWait, limit int) ([]sales.OverdueInvoice, error)
	// What waits for someone, for My work.
	Markets(ctx context.Context) ([]sales.Market, error)
	OpenReturns(ctx context.Context, status sales.ReturnStatus, scope sales.Scope, limit int) ([]sales.OpenReturn, error)
	OpenEscalations(ctx context.Context, holder string, scope sales.Scope, limit int) ([]sales.Escalation, error)
	OwnedProblems(ctx context.Context, owners []string, scope sales.Scope, limit int) ([]sales.Problem, error)
	ListAdjustments(ctx context.Context, f sales.AdjustmentFilter) ([]sales.CreditAdjustment, error)
	DeadNotifications(ctx context.Context, limit int) ([]sales.NotificationRecord, error)
	ListRefunds(ctx context.Context, f sales.RefundFilter) ([]sales.Refund, error)
	ListReceipts(ctx context.Context, f sales.ReceiptFilter) ([]sales.BankReceipt, error)
	// What an order page shows beside the order, and the catalogue a new
	// order is placed from.
	Returns(ctx context.Context, orderNo string) ([]sales.Return, error)
	OrderCreditNotes(ctx context.Context, orderNo string) ([]sales.CreditNote, error)
	ListEscalations(ctx context.Context, f sales.EscalationFilter) ([]sales.Escalation, error)
	SKUs(ctx context.Context, codes []string) (map[string]sales.SKU, error)
	POPItems(ctx context.Context, codes []string) (map[string]sales.POPItem, error)
	Sessions
}

// Sessions is who is signed in, and with which password.
type Sessions interface {
	// PasswordHash returns a user and the bcrypt hash of their password;
	// unauthorized when there is no such user or no password.
	PasswordHash(ctx context.Context, userID string) (sales.User, string, error)
	CreateSession(ctx context.Context, userID string, now time.Time, ttl time.Duration) (sales.Session, error)
	// Session returns the live session whose secret is id; unauthorized
	// when it is unknown, expired or idle longer than idle.
	Session(ctx context.Context, id string, now time.Time, idle time.Duration) (sales.Session, error)
	DeleteSession(ctx context.Context, id string) error
}

// Config is what the console needs.
type Config struct {
	Store Store
	// API is the JSON API's handler (starter.New): every action a page
	// offers is sent to it as the signed-in person (see call). Nil: pages
	// offer no actions.
	API http.Handler
	// Tasks are the sources of My work; nil means DefaultTasks(Store, Policies).
	Tasks []TaskSource
	// Policies are the deadlines My work shows for returns and credit
	// adjustments (the workflows' policies); zero fields are the defaults.
	Policies Policies
	// SecureCookies marks cookies Secure (sent over HTTPS only). Turn it off
	// only for a console served over plain http on a loopback address.
	SecureCookies bool
	// TemporalUIURL is the base address of the Temporal Web UI (e.g.
	// http://127.0.0.1:8233); an order page links to its workflow there.
	// Empty: no link.
	TemporalUIURL     string
	TemporalNamespace string // default "default"
	// SessionTTL is how long a session lasts at most (default 12h);
	// SessionIdle ends one unused for that long (default 2h).
	SessionTTL  time.Duration
	SessionIdle time.Duration
	Logger      *slog.Logger
	Now         func() time.Time // default time.Now
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type console struct {
	store   Store
	api     http.Handler
	tasks   []TaskSource
	secure  bool
	uiURL   string
	ns      string
	ttl     time.Duration
	idle    time.Duration
	log     *slog.Logger
	now     func() time.Time
	pages   pages
	signins *throttle
	cash    sales.CashPolicy // the refund limit the cash pages name
}

// New returns the console's HTTP handler, to be served at /.
func New(c Config) http.Handler {
	con := &console{store: c.Store, api: c.API, tasks: c.Tasks, secure: c.SecureCookies, uiURL: c.TemporalUIURL,
		ns: c.TemporalNamespace, ttl: c.SessionTTL, idle: c.SessionIdle, log: c.Logger, now: c.Now}
	if con.tasks == nil {
		con.tasks = DefaultTasks(c.Store, c.Policies)
	}
	if con.ns == "" {
		con.ns = "default"
	}
	if con.ttl <= 0 {
		con.ttl = 12 * time.Hour
	}
	if con.idle <= 0 {
		con.idle = 2 * time.Hour
	}
	if con.log == nil {
		con.log = slog.Default()
	}
	if con.now == nil {
		con.now = time.Now
	}
	con.pages = mustParsePages()
	con.cash = c.Policies.orDefaults().Cash
	con.signins = newThrottle(con.now)

	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the folder is embedded
	}
	r := chi.NewRouter()
	r.Use(con.recoverPanic, securityHeaders, con.language, con.loadSession, con.checkCSRF)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { con.fail(w, r, http.StatusNotFound, "error.not_found") })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		con.fail(w, r, http.StatusMethodNotAllowed, "error.method")
	})
	r.Handle("/static/*", http.StripPrefix("/static/", staticFiles(static)))
	r.Get("/signin", con.signInPage)
	r.Post("/signin", con.signIn)
	r.Post("/signout", con.signOut)
	r.Group(func(r chi.Router) {
		r.Use(con.requireSignIn)
		r.Get("/", con.myWork)
		r.Get("/work/stamp", con.myWork)
		r.Get("/orders", con.orderList)
		r.Get("/orders/stamp", con.orderList)
		r.Get("/orders/new", con.newOrderPage)
		r.Post("/orders/new", con.placeOrder)
		r.Get("/orders/{orderNo}", con.orderPage)
		r.Get("/reports", con.reportIndex)
		r.Get("/reports/{name}", con.reportPage)
		r.Get("/packs", con.packList)
		r.Post("/packs", con.runPack)
		r.Get("/packs/{id}", con.packPage)
		r.Get("/problems", con.problemLog)
		r.Post("/problems", con.fileProblem)
		r.Post("/problems/{number}", con.updateProblem)
		r.Get("/orders/{orderNo}/stamp", con.orderStamp)
		r.Post("/orders/{orderNo}/act/{action}", con.act)
		r.Get("/customers", con.customerList)
		r.Get("/customers/{customerID}", con.customerPage)
		r.Post("/customers/{customerID}/act/{action}", con.customerAct)
		r.Get("/notifications/dead", con.deadLetters)
		r.Post("/notifications/dead/retry", con.retryDeadLetter)
		r.Get("/quota", con.quotaPage)
		r.Get("/invoices", con.invoicePage)
		r.Post("/quota/act/{action}", con.quotaAct)
		con.cashRoutes(r)
		con.statementRoutes(r)
		con.documentRoutes(r)
		con.calendarRoutes(r)
		con.visitRoutes(r)
		con.planRoutes(r)
		con.masterRoutes(r)
	})
	return con.masterUploads(con.statementUploads(r))
}

// staticFiles serves the embedded assets; they change only with the binary.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages out of frames, scripts other than the
// console's own files out of pages, and pages out of caches.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// recoverPanic turns a panicking handler into a logged error page.
func (con *console) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			con.log.ErrorContext(r.Context(), "console: panic", "path", r.URL.Path, "panic", v)
			con.fail(w, r, http.StatusInternalServerError, "error.internal")
		}()
		next.ServeHTTP(w, r)
	})
}
