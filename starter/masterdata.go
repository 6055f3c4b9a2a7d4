package starter

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/bankfile"
	"osb/sales"
)

// MasterDataService is the master data the department keeps (docs/master-data.md):
// customers with their KAM and shipment information, the catalogue and its
// prices, users and markets, their sheets, and the audit trail. Every write
// is audited by the store in its own transaction.
type MasterDataService interface {
	MasterCustomers(ctx context.Context, scope sales.Scope) ([]sales.CustomerRecord, error)
	MasterCustomer(ctx context.Context, id string) (sales.CustomerRecord, error)
	SaveCustomer(ctx context.Context, c sales.CustomerRecord, create bool, by sales.Actor, at time.Time) (sales.CustomerRecord, *sales.KAMHandover, error)
	ChangeKAM(ctx context.Context, customerID string, k sales.KAMChange, by sales.Actor, at time.Time) (sales.KAMHandover, bool, error)
	KAMHistory(ctx context.Context, customerID string) ([]sales.KAMHandover, error)
	CustomerShipmentInfo(ctx context.Context, customerID, month string) (sales.ShipmentInfo, error)
	SaveShipmentInfo(ctx context.Context, info sales.ShipmentInfo, by sales.Actor, at time.Time) (bool, error)
	KeepShipmentMonth(ctx context.Context, month string, by sales.Actor, at time.Time) (sales.ShipmentInfoVersion, error)
	ShipmentInfoVersions(ctx context.Context) ([]sales.ShipmentInfoVersion, error)

	MasterSKUs(ctx context.Context) ([]sales.SKU, error)
	SaveSKU(ctx context.Context, k sales.SKU, create bool, discountBP int64, by sales.Actor, at time.Time) (sales.SKU, error)
	PriceEntries(ctx context.Context, f sales.PriceFilter) ([]sales.PriceEntry, error)
	SavePrice(ctx context.Context, e sales.PriceEntry, discountBP int64, by sales.Actor, at time.Time) (sales.PriceSaved, error)
	PriceChanges(ctx context.Context, status sales.PriceChangeStatus) ([]sales.PriceChange, error)
	DecidePriceChange(ctx context.Context, id int64, d sales.PriceDecision, by sales.Actor, at time.Time) (sales.PriceChange, error)
	PricedCatalogue(ctx context.Context, customerID string, day time.Time, codes []string) (map[string]sales.PricedSKU, error)

	MasterUsers(ctx context.Context) ([]sales.UserRecord, error)
	MasterUser(ctx context.Context, id string) (sales.UserRecord, error)
	SaveUser(ctx context.Context, u sales.UserRecord, create bool, by sales.Actor, at time.Time) (sales.UserRecord, error)
	DeactivateUser(ctx context.Context, id string, by sales.Actor, at time.Time) (sales.UserRecord, error)
	MasterMarkets(ctx context.Context) ([]sales.MarketRecord, error)
	MasterMarket(ctx context.Context, code string) (sales.MarketRecord, error)
	SaveMarket(ctx context.Context, m sales.MarketRecord, create bool, by sales.Actor, at time.Time) (sales.MarketRecord, error)

	MasterSheet(ctx context.Context, kind sales.SheetKind, scope sales.Scope, month string) (sales.Table, error)
	ImportMasterData(ctx context.Context, sheet sales.Sheet, dryRun bool, keepMonth string, discountBP int64, by sales.Actor, at time.Time) (sales.ImportReport, error)
	AuditTrail(ctx context.Context, entity, key string, limit int) ([]sales.AuditEntry, error)
}

// LadderRefresh starts the refresh of the ladders of a customer's open
// orders after its KAM changed; the refresh is named by changeID, so
// starting it again for the same change is harmless.
type LadderRefresh func(ctx context.Context, customerID, changeID string) error

// masterDataRoutes mounts the master data API.
func (a *api) masterDataRoutes(r chi.Router) {
	read := r.With(a.allow(sales.PermReadMasterData))
	customers := r.With(a.allow(sales.PermManageCustomers))
	catalogue := r.With(a.allow(sales.PermManageCatalogue))
	users := r.With(a.allow(sales.PermManageUsers))

	read.Get("/master/customers", a.listMasterCustomers)
	customers.Post("/master/customers", a.createMasterCustomer)
	read.Get("/master/customers/{customerID}", a.getMasterCustomer)
	customers.Put("/master/customers/{customerID}", a.updateMasterCustomer)
	read.Get("/master/customers/{customerID}/shipment-info", a.getShipmentInfo)
	customers.Put("/master/customers/{customerID}/shipment-info", a.putShipmentInfo)
	customers.Post("/master/customers/{customerID}/kam", a.changeKAM)
	read.Get("/master/customers/{customerID}/kam-history", a.kamHistory)
	read.Get("/master/shipment-info/versions", a.shipmentInfoVersions)
	customers.Post("/master/shipment-info/versions/{month}", a.keepShipmentMonth)

	read.Get("/master/skus", a.listMasterSKUs)
	catalogue.Post("/master/skus", a.createSKU)
	catalogue.Put("/master/skus/{code}", a.updateSKU)
	read.Get("/master/prices", a.listPrices(false))
	catalogue.Post("/master/prices", a.savePrice(false))
	read.Get("/master/customer-prices", a.listPrices(true))
	catalogue.Post("/master/customer-prices", a.savePrice(true))
	read.Get("/master/priced-skus", a.pricedSKUs)
	read.Get("/master/price-changes", a.listPriceChanges)
	r.With(a.allow(sales.PermApprovePrice)).Post("/master/price-changes/{id}/decision", a.decidePriceChange)

	read.Get("/master/users", a.listMasterUsers)
	users.Post("/master/users", a.createUser)
	read.Get("/master/users/{userID}", a.getMasterUser)
	users.Put("/master/users/{userID}", a.updateUser)
	users.Post("/master/users/{userID}/deactivate", a.deactivateUser)
	read.Get("/master/markets", a.listMasterMarkets)
	users.Post("/master/markets", a.createMarket)
	read.Get("/master/markets/{market}", a.getMasterMarket)
	users.Put("/master/markets/{market}", a.updateMarket)

	for _, kind := range sales.SheetKinds {
		read.Get("/master/"+string(kind)+".csv", a.exportSheet(kind, formatCSV))
		read.Get("/master/"+string(kind)+".xlsx", a.exportSheet(kind, formatXLSX))
		r.With(a.allow(kind.Permission())).Post("/master/"+string(kind)+"/import", a.importSheet(kind))
	}
	read.Get("/audit", a.auditTrail)
}

// now is the time of a change.
func (a *api) changeTime() time.Time { return a.now() }

// decodeValid decodes the body into v and checks it.
func decodeValid(r *http.Request, v any, validate func() sales.Problems, what string) error {
	if err := decode(r, v); err != nil {
		return err
	}
	return validate().Err(what + " is invalid")
}

// pathMatches refuses a body whose key is not the path's.
// masterRecord decodes a master record from the request: on an update
// (create false) its key (field in the body) must be the path's param, or
// is taken from it; normalise fills defaults before validate checks it. It
// answers the request itself and returns false when the record is refused.
func masterRecord[T any](a *api, w http.ResponseWriter, r *http.Request, create bool, param, field string,
	key func(*T) *string, normalise func(*T), validate func(T) sales.Problems, what string) (T, bool) {
	var rec T
	err := decode(r, &rec)
	if err == nil && !create {
		err = pathMatches(field, chi.URLParam(r, param), key(&rec))
	}
	if err == nil {
		if normalise != nil {
			normalise(&rec)
		}
		err = validate(rec).Err(what + " is invalid")
	}
	if err != nil {
		a.fail(w, r, err)
		return rec, false
	}
	return rec, true
}

// savedStatus is the status of a saved record: 201 when created.
func savedStatus(create bool) int {
	if create {
		return http.StatusCreated
	}
	return http.StatusOK
}

func pathMatches(field, inPath string, inBody *string) error {
	if *inBody == "" {
		*inBody = inPath
	}
	if *inBody != inPath {
		var p sales.Problems
		p.Add(field, "is %q, the path names %q", *inBody, inPath)
		return p.Err("the body and the path disagree")
	}
	return nil
}

func (a *api) listMasterCustomers(w http.ResponseWriter, r *http.Request) {
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.master.MasterCustomers(r.Context(), scope)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) getMasterCustomer(w http.ResponseWriter, r *http.Request) {
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.master.MasterCustomer(r.Context(), c.ID)
	a.reply(w, r, http.StatusOK, rec, err)
}

// customerSaved is the answer to saving a customer: the customer, and the
// KAM change it made, with its ladder refresh.
type customerSaved struct {
	Customer  sales.CustomerRecord `json:"customer"`
	KAMChange *kamChanged          `json:"kam_change,omitempty"`
}

func (a *api) createMasterCustomer(w http.ResponseWriter, r *http.Request) {
	a.saveMasterCustomer(w, r, true)
}

func (a *api) updateMasterCustomer(w http.ResponseWriter, r *http.Request) {
	a.saveMasterCustomer(w, r, false)
}

func (a *api) saveMasterCustomer(w http.ResponseWriter, r *http.Request, create bool) {
	c, ok := masterRecord(a, w, r, create, "customerID", "id",
		func(c *sales.CustomerRecord) *string { return &c.ID },
		func(c *sales.CustomerRecord) {
			c.Currency = sales.Currency(strings.ToUpper(string(c.Currency)))
			if c.Currency == "" {
				c.Currency = sales.CNY
			}
		},
		sales.CustomerRecord.Validate, "the customer")
	if !ok {
		return
	}
	saved, h, err := a.master.SaveCustomer(r.Context(), c, create, actorOf(r), a.changeTime())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := customerSaved{Customer: saved}
	if h != nil {
		k := a.refreshLadders(r.Context(), *h, true)
		out.KAMChange = &k
	}
	if create {
		w.Header().Set("Location", "/v1/master/customers/"+saved.ID)
	}
	writeJSON(w, savedStatus(create), out)
}

// kamChanged is the answer to a KAM change: the change, and whether the
// ladder refresh of the customer's open orders was started.
type kamChanged struct {
	sales.KAMHandover
	Changed bool `json:"changed"` // false: the customer had this KAM already (the last change to them is shown)
	// LadderRefresh is started, or not_started (LadderRefreshError says
	// why: send the change again to start it), or none (nothing to refresh).
	LadderRefresh      string `json:"ladder_refresh"`
	LadderRefreshError string `json:"ladder_refresh_error,omitempty"`
}

// refreshLadders starts the ladder refresh of a KAM change, after the
// store has kept the change; a failure is said in the answer, and sending
// the change again starts the refresh again (it is named by the change).
func (a *api) refreshLadders(ctx context.Context, h sales.KAMHandover, changed bool) kamChanged {
	k := kamChanged{KAMHandover: h, Changed: changed, LadderRefresh: "none"}
	if h.ChangeID == "" {
		return k
	}
	if a.ladders == nil {
		k.LadderRefresh, k.LadderRefreshError = "not_started", "the ladder refresh is not available on this server"
		return k
	}
	if err := a.ladders(ctx, h.CustomerID, h.ChangeID); err != nil {
		a.log.WarnContext(ctx, "the ladder refresh of a KAM change did not start", "customer", h.CustomerID, "change", h.ChangeID, "err", err)
		k.LadderRefresh, k.LadderRefreshError = "not_started", sales.ErrorMessage(err)
		return k
	}
	k.LadderRefresh = "started"
	return k
}

func (a *api) changeKAM(w http.ResponseWriter, r *http.Request) {
	var k sales.KAMChange
	if err := decodeValid(r, &k, func() sales.Problems { return k.Validate() }, "the KAM change"); err != nil {
		a.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "customerID")
	h, changed, err := a.master.ChangeKAM(r.Context(), id, k, actorOf(r), a.changeTime())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if changed {
		a.log.InfoContext(r.Context(), "KAM changed", "customer", id, "from", h.From, "to", h.To, "by", actorOf(r).UserID)
	}
	writeJSON(w, http.StatusOK, a.refreshLadders(r.Context(), h, changed))
}

func (a *api) kamHistory(w http.ResponseWriter, r *http.Request) {
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.master.KAMHistory(r.Context(), c.ID)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) getShipmentInfo(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "month")
	month := q.month("month", "")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	info, err := a.master.CustomerShipmentInfo(r.Context(), c.ID, month)
	a.reply(w, r, http.StatusOK, info, err)
}

func (a *api) putShipmentInfo(w http.ResponseWriter, r *http.Request) {
	var info sales.ShipmentInfo
	if err := decode(r, &info); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := pathMatches("customer_id", chi.URLParam(r, "customerID"), &info.CustomerID); err != nil {
		a.fail(w, r, err)
		return
	}
	p := sales.ValidateShipTos(info.Addresses)
	if info.Month != "" {
		p.Add("month", "only the current information is edited: keep a month with POST /v1/master/shipment-info/versions/{month}")
	}
	if err := p.Err("the shipment information is invalid"); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.master.SaveShipmentInfo(r.Context(), info, actorOf(r), a.changeTime()); err != nil {
		a.fail(w, r, err)
		return
	}
	saved, err := a.master.CustomerShipmentInfo(r.Context(), info.CustomerID, "")
	a.reply(w, r, http.StatusOK, saved, err)
}

func (a *api) shipmentInfoVersions(w http.ResponseWriter, r *http.Request) {
	list, err := a.master.ShipmentInfoVersions(r.Context())
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) keepShipmentMonth(w http.ResponseWriter, r *http.Request) {
	v, err := a.master.KeepShipmentMonth(r.Context(), chi.URLParam(r, "month"), actorOf(r), a.changeTime())
	a.reply(w, r, http.StatusOK, v, err)
}

func (a *api) listMasterSKUs(w http.ResponseWriter, r *http.Request) {
	list, err := a.master.MasterSKUs(r.Context())
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) createSKU(w http.ResponseWriter, r *http.Request) { a.saveSKU(w, r, true) }
func (a *api) updateSKU(w http.ResponseWriter, r *http.Request) { a.saveSKU(w, r, false) }

func (a *api) saveSKU(w http.ResponseWriter, r *http.Request, create bool) {
	k, ok := masterRecord(a, w, r, create, "code", "code", func(k *sales.SKU) *string { return &k.Code },
		func(k *sales.SKU) {
			if k.Currency == "" {
				k.Currency = sales.CNY
			}
		}, sales.ValidateSKU, "the SKU")
	if !ok {
		return
	}
	saved, err := a.master.SaveSKU(r.Context(), k, create, a.policy.DiscountBasisPoints, actorOf(r), a.changeTime())
	a.reply(w, r, savedStatus(create), saved, err)
}

// listPrices lists the price list's entries, or customers' own prices
// (the FSF: their customers'), filtered by customer_id= and sku=.
func (a *api) listPrices(customers bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		known := []string{"sku"}
		if customers {
			known = append(known, "customer_id")
		}
		q := newParams(r, known...)
		f := sales.PriceFilter{Customers: customers, SKU: q.text("sku"), CustomerID: q.text("customer_id")}
		if err := q.err(); err != nil {
			a.fail(w, r, err)
			return
		}
		if customers {
			scope, err := a.scopeOf(r)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			if !scope.All {
				mine, err := a.master.MasterCustomers(r.Context(), scope)
				if err != nil {
					a.fail(w, r, err)
					return
				}
				f.CustomerIDs = []string{}
				for _, c := range mine {
					f.CustomerIDs = append(f.CustomerIDs, c.ID)
				}
			}
		}
		list, err := a.master.PriceEntries(r.Context(), f)
		a.reply(w, r, http.StatusOK, nonNil(list), err)
	}
}

func (a *api) savePrice(customers bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var e sales.PriceEntry
		if err := decode(r, &e); err != nil {
			a.fail(w, r, err)
			return
		}
		if e.Currency == "" {
			e.Currency = sales.CNY
		}
		p := e.Validate()
		if customers && e.CustomerID == "" {
			p.Add("customer_id", "is required")
		} else if !customers && e.CustomerID != "" {
			p.Add("customer_id", "a customer's price is saved with POST /v1/master/customer-prices")
		}
		if err := p.Err("the price is invalid"); err != nil {
			a.fail(w, r, err)
			return
		}
		saved, err := a.master.SavePrice(r.Context(), e, a.policy.DiscountBasisPoints, actorOf(r), a.changeTime())
		status := http.StatusOK
		if err == nil && saved.Pending != nil {
			status = http.StatusAccepted
		}
		a.reply(w, r, status, saved, err)
	}
}

// pricedSKUs lists the SKUs with the price in force for a customer (in
// scope; none: the price list) on a day (on=, default today in Beijing).
func (a *api) pricedSKUs(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "customer_id", "on", "sku")
	customer, on := q.text("customer_id"), q.text("on")
	day := a.now()
	if on != "" {
		d, err := sales.ParseDay(on)
		if err != nil {
			q.p.Add("on", "must be a date YYYY-MM-DD")
		}
		day = d
	}
	var codes []string
	if s := q.text("sku"); s != "" {
		codes = strings.Split(s, ",")
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	if customer != "" {
		scope, err := a.scopeOf(r)
		if err == nil {
			var ok bool
			if ok, err = sales.CustomerVisible(r.Context(), a.store, scope, customer); err == nil && !ok {
				err = sales.Errorf(sales.ErrForbidden, "customer %s is not one of your customers", customer)
			}
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
	}
	priced, err := a.master.PricedCatalogue(r.Context(), customer, day, codes)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]sales.PricedSKU, 0, len(priced))
	for _, k := range priced {
		out = append(out, k)
	}
	slices.SortFunc(out, func(x, y sales.PricedSKU) int { return strings.Compare(x.Code, y.Code) })
	writeJSON(w, http.StatusOK, out)
}

func (a *api) listPriceChanges(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "status")
	status := sales.PriceChangeStatus(q.text("status"))
	switch status {
	case "", sales.PricePending, sales.PriceApproved, sales.PriceRejected:
	default:
		q.p.Add("status", "must be pending, approved or rejected")
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.master.PriceChanges(r.Context(), status)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) decidePriceChange(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "price change")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var d sales.PriceDecision
	if err := decodeValid(r, &d, func() sales.Problems { return d.Validate() }, "the decision"); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.master.DecidePriceChange(r.Context(), id, d, actorOf(r), a.changeTime())
	a.reply(w, r, http.StatusOK, c, err)
}

func (a *api) listMasterUsers(w http.ResponseWriter, r *http.Request) {
	list, err := a.master.MasterUsers(r.Context())
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) getMasterUser(w http.ResponseWriter, r *http.Request) {
	u, err := a.master.MasterUser(r.Context(), chi.URLParam(r, "userID"))
	a.reply(w, r, http.StatusOK, u, err)
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request) { a.saveUser(w, r, true) }
func (a *api) updateUser(w http.ResponseWriter, r *http.Request) { a.saveUser(w, r, false) }

func (a *api) saveUser(w http.ResponseWriter, r *http.Request, create bool) {
	u, ok := masterRecord(a, w, r, create, "userID", "id", func(u *sales.UserRecord) *string { return &u.ID },
		nil, sales.UserRecord.Validate, "the user")
	if !ok {
		return
	}
	saved, err := a.master.SaveUser(r.Context(), u, create, actorOf(r), a.changeTime())
	a.reply(w, r, savedStatus(create), saved, err)
}

func (a *api) deactivateUser(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "userID")
	if id == actorOf(r).UserID {
		a.fail(w, r, sales.Errorf(sales.ErrConflict, "you cannot deactivate yourself"))
		return
	}
	u, err := a.master.DeactivateUser(r.Context(), id, actorOf(r), a.changeTime())
	if err == nil {
		a.log.InfoContext(r.Context(), "user deactivated, tokens revoked", "user", id, "by", actorOf(r).UserID)
	}
	a.reply(w, r, http.StatusOK, u, err)
}

func (a *api) listMasterMarkets(w http.ResponseWriter, r *http.Request) {
	list, err := a.master.MasterMarkets(r.Context())
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

func (a *api) getMasterMarket(w http.ResponseWriter, r *http.Request) {
	m, err := a.master.MasterMarket(r.Context(), chi.URLParam(r, "market"))
	a.reply(w, r, http.StatusOK, m, err)
}

func (a *api) createMarket(w http.ResponseWriter, r *http.Request) { a.saveMarket(w, r, true) }
func (a *api) updateMarket(w http.ResponseWriter, r *http.Request) { a.saveMarket(w, r, false) }

func (a *api) saveMarket(w http.ResponseWriter, r *http.Request, create bool) {
	m, ok := masterRecord(a, w, r, create, "market", "code", func(m *sales.MarketRecord) *string { return &m.Code },
		nil, sales.MarketRecord.Validate, "the market")
	if !ok {
		return
	}
	saved, err := a.master.SaveMarket(r.Context(), m, create, actorOf(r), a.changeTime())
	a.reply(w, r, savedStatus(create), saved, err)
}

// exportSheet downloads kind's sheet (customers and their shipment
// information and prices: those in the user's scope); month= picks a kept
// version of the shipment information.
func (a *api) exportSheet(kind sales.SheetKind, format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		known := []string{}
		if kind == sales.SheetShipmentInfo {
			known = append(known, "month")
		}
		q := newParams(r, known...)
		month := q.month("month", "")
		if err := q.err(); err != nil {
			a.fail(w, r, err)
			return
		}
		scope, err := a.scopeOf(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		t, err := a.master.MasterSheet(r.Context(), kind, scope, month)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		name := string(kind)
		if month != "" {
			name += "-" + month
		}
		r.URL.RawQuery = "format=" + format
		a.download(w, r, name, nil, func() sales.Table { return t })
	}
}

// importAnswer is the answer to an import: its report, and the ladder
// refresh of each KAM change it made.
type importAnswer struct {
	sales.ImportReport
	LadderRefreshes []kamChanged `json:"ladder_refreshes,omitempty"`
}

// importRefused is the answer to an import with problems: nothing was
// written, the report names every problem.
type importRefused struct {
	Error  *sales.Error       `json:"error"`
	Report sales.ImportReport `json:"report"`
}

// importSheet imports kind's sheet from a CSV or XLSX file, sent as the
// multipart form's file or as the body: dry_run=true reports what it would
// do; month= (shipment information) keeps that month's version with it.
func (a *api) importSheet(kind sales.SheetKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		known := []string{"dry_run"}
		if kind == sales.SheetShipmentInfo {
			known = append(known, "month")
		}
		q := newParams(r, known...)
		dry, month := q.flag("dry_run"), q.month("month", "")
		if err := q.err(); err != nil {
			a.fail(w, r, err)
			return
		}
		name, data, err := readImportFile(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		rows, _, err := bankfile.Rows(name, data)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		sheet := sales.ReadSheet(kind, rows)
		rep, err := a.master.ImportMasterData(r.Context(), sheet, dry, month, a.policy.DiscountBasisPoints, actorOf(r), a.changeTime())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if len(rep.Problems) > 0 && !dry {
			writeJSON(w, http.StatusUnprocessableEntity, importRefused{Report: rep,
				Error: sales.Errorf(sales.ErrInvalid, "%d problems in the file: nothing was imported", len(rep.Problems))})
			return
		}
		out := importAnswer{ImportReport: rep}
		for _, h := range rep.KAMChanges {
			if rep.Applied {
				out.LadderRefreshes = append(out.LadderRefreshes, a.refreshLadders(r.Context(), h, true))
			}
		}
		if rep.Applied {
			a.log.InfoContext(r.Context(), "master data imported", "kind", kind, "rows", rep.Rows, "created", rep.Created,
				"changed", rep.Changed, "pending", rep.Pending, "by", actorOf(r).UserID)
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// MaxSheetBytes bounds an imported master data file.
const MaxSheetBytes = MaxStatementBytes

// auditTrail lists the changes of one record (entity=, key=), newest
// first. The FSF sees the trail of their customers only.
func (a *api) auditTrail(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "entity", "key", "limit")
	entity, key, limit := q.text("entity"), q.text("key"), q.limit("limit")
	if entity == "" {
		q.p.Add("entity", "is required: customer, shipment_info, sku, price, customer_price, price_change, user or market")
	}
	if key == "" {
		q.p.Add("key", "is required")
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !scope.All {
		switch entity {
		case sales.EntityCustomer, sales.EntityShipmentInfo, sales.EntityCustomerPrice:
			customer, _, _ := strings.Cut(key, "/")
			ok, err := sales.CustomerVisible(r.Context(), a.store, scope, customer)
			if err == nil && !ok {
				err = sales.Errorf(sales.ErrForbidden, "customer %s is not one of your customers", customer)
			}
			if err != nil {
				a.fail(w, r, err)
				return
			}
		}
	}
	list, err := a.master.AuditTrail(r.Context(), entity, key, limit)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

// isSheetImport reports whether path is a master data import, whose body
// may be as large as a statement's.
func isSheetImport(path string) bool {
	return strings.HasPrefix(path, "/v1/master/") && strings.HasSuffix(path, "/import")
}
