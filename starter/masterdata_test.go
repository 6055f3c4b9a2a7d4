package starter

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/workflows"
)

// masterFixture is the API on a real PostgreSQL with the demo
// organisation, a token "demo-<id>" for every demo user, and the ladder
// refreshes it was asked for.
type masterFixture struct {
	*fixture
	st        *postgres.Store
	refreshes []string
	refuse    error // the ladder refresh fails with it
}

func newMasterFixture(t *testing.T) *masterFixture {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	for id, token := range demo.Tokens() {
		if err := st.SaveToken(ctx, id, "test", token, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	f := &masterFixture{st: st}
	f.fixture = &fixture{handler: New(Config{Store: st, Orders: &fakeOrders{views: map[string]workflows.OrderView{}}, Policy: sales.DefaultPolicy(),
		MasterData: st, AuthCacheTTL: -1, Logger: slog.New(slog.DiscardHandler),
		RefreshLadders: func(_ context.Context, customerID, changeID string) error {
			if f.refuse != nil {
				return f.refuse
			}
			f.refreshes = append(f.refreshes, customerID+" "+changeID)
			return nil
		}})}
	return f
}

// upload posts a file as a multipart form.
func (f *masterFixture) upload(t *testing.T, path, token, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

func TestAKAMChangeMovesTheCustomerToTheNewKAMAndRefreshesLadders(t *testing.T) {
	f := newMasterFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/master/customers/C001", "demo-kam-huadong-1", nil), http.StatusOK)
	wantStatus(t, f.do(t, "GET", "/v1/master/customers/C001", "demo-kam-huadong-2", nil), http.StatusForbidden)
	wantError(t, f.do(t, "POST", "/v1/master/customers/C001/kam", "demo-kam-huadong-1", map[string]string{"kam_id": "kam-huadong-2"}), http.StatusForbidden, sales.ErrForbidden)

	rec := f.do(t, "POST", "/v1/master/customers/C001/kam", "demo-csr1", map[string]string{"kam_id": "kam-huadong-2", "reason": "调岗"})
	wantStatus(t, rec, http.StatusOK)
	k := decodeAs[kamChanged](t, rec)
	if !k.Changed || k.From != "kam-huadong-1" || k.LadderRefresh != "started" || len(f.refreshes) != 1 || f.refreshes[0] != "C001 "+k.ChangeID {
		t.Errorf("change = %+v, refreshes %v", k, f.refreshes)
	}
	wantStatus(t, f.do(t, "GET", "/v1/master/customers/C001", "demo-kam-huadong-1", nil), http.StatusForbidden)
	wantStatus(t, f.do(t, "GET", "/v1/master/customers/C001/shipment-info", "demo-kam-huadong-2", nil), http.StatusOK)
	mine := decodeAs[[]sales.CustomerRecord](t, f.do(t, "GET", "/v1/master/customers", "demo-kam-huadong-2", nil))
	if len(mine) != 2 || mine[0].ID != "C001" {
		t.Errorf("the new KAM's customers = %+v", mine)
	}

	// Sent again after the refresh failed to start: the same change, started now.
	f.refuse = errors.New("temporal is down")
	k = decodeAs[kamChanged](t, f.do(t, "POST", "/v1/master/customers/C001/kam", "demo-csr1", map[string]string{"kam_id": "kam-huadong-2"}))
	if k.Changed || k.LadderRefresh != "not_started" || k.LadderRefreshError == "" {
		t.Errorf("with the refresh failing: %+v", k)
	}
	f.refuse = nil
	again := decodeAs[kamChanged](t, f.do(t, "POST", "/v1/master/customers/C001/kam", "demo-csr1", map[string]string{"kam_id": "kam-huadong-2"}))
	if again.ChangeID != k.ChangeID || again.LadderRefresh != "started" || len(f.refreshes) != 2 || f.refreshes[1] != f.refreshes[0] {
		t.Errorf("sent again: %+v, refreshes %v", again, f.refreshes)
	}
	hist := decodeAs[[]sales.KAMHandover](t, f.do(t, "GET", "/v1/master/customers/C001/kam-history", "demo-kam-huadong-2", nil))
	if len(hist) != 1 {
		t.Errorf("history = %+v", hist)
	}
	trail := decodeAs[[]sales.AuditEntry](t, f.do(t, "GET", "/v1/audit?entity=customer&key=C001", "demo-kam-huadong-2", nil))
	if len(trail) != 1 || trail[0].Action != sales.AuditKAMChange || trail[0].Actor != "csr1" {
		t.Errorf("trail = %+v", trail)
	}
	wantStatus(t, f.do(t, "GET", "/v1/audit?entity=customer&key=C001", "demo-kam-huadong-1", nil), http.StatusForbidden)
}

func TestAPriceChangeBeyondTheAuthorityWaitsForAnotherSLTMember(t *testing.T) {
	f := newMasterFixture(t)
	entry := map[string]any{"customer_id": "C001", "sku": "SKU-1001", "price_fen": 2000, "effective_from": "2026-12-01"}
	wantStatus(t, f.do(t, "POST", "/v1/master/customer-prices", "demo-kam-huadong-1", entry), http.StatusForbidden)
	rec := f.do(t, "POST", "/v1/master/customer-prices", "demo-csr1", entry)
	wantStatus(t, rec, http.StatusAccepted)
	saved := decodeAs[sales.PriceSaved](t, rec)
	if saved.Pending == nil || saved.Pending.InForce != 2880 {
		t.Fatalf("saved = %+v", saved)
	}
	pending := decodeAs[[]sales.PriceChange](t, f.do(t, "GET", "/v1/master/price-changes?status=pending", "demo-sd", nil))
	if len(pending) != 1 {
		t.Fatalf("pending = %+v", pending)
	}
	path := "/v1/master/price-changes/" + itoa64(pending[0].ID) + "/decision"
	wantStatus(t, f.do(t, "POST", path, "demo-csr1", map[string]any{"approve": true}), http.StatusForbidden)
	wantError(t, f.do(t, "POST", path, "demo-sd", map[string]any{"approve": false}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantStatus(t, f.do(t, "POST", path, "demo-sd", map[string]any{"approve": true}), http.StatusOK)
	priced := decodeAs[[]sales.PricedSKU](t, f.do(t, "GET", "/v1/master/priced-skus?customer_id=C001&on=2026-12-02&sku=SKU-1001", "demo-kam-huadong-1", nil))
	if len(priced) != 1 || priced[0].ListPrice != 2000 || priced[0].Source != sales.PriceFromCustomer {
		t.Errorf("priced = %+v", priced)
	}
	wantStatus(t, f.do(t, "GET", "/v1/master/priced-skus?customer_id=C001", "demo-kam-huanan-1", nil), http.StatusForbidden)
	mine := decodeAs[[]sales.PriceEntry](t, f.do(t, "GET", "/v1/master/customer-prices", "demo-kam-huanan-1", nil))
	if len(mine) != 0 {
		t.Errorf("another KAM sees C001's prices: %+v", mine)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func TestDeactivatingAUserThroughTheAPISignsThemOut(t *testing.T) {
	f := newMasterFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/me", "demo-csr2", nil), http.StatusOK)
	wantStatus(t, f.do(t, "POST", "/v1/master/users/csr2/deactivate", "demo-csr1", nil), http.StatusForbidden)
	rec := f.do(t, "POST", "/v1/master/users/csr2/deactivate", "demo-admin", nil)
	wantStatus(t, rec, http.StatusOK)
	if u := decodeAs[sales.UserRecord](t, rec); u.Active {
		t.Errorf("user = %+v", u)
	}
	wantStatus(t, f.do(t, "GET", "/v1/me", "demo-csr2", nil), http.StatusUnauthorized)
	e := wantError(t, f.do(t, "POST", "/v1/master/users/kam-huadong-1/deactivate", "demo-admin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if !strings.Contains(e.Error(), "C001, C002") {
		t.Errorf("refusal %v does not name the KAM's customers", e.Error())
	}
	wantError(t, f.do(t, "POST", "/v1/master/users/admin/deactivate", "demo-admin", nil), http.StatusConflict, sales.ErrConflict)
}

func TestImportingASheetThroughTheAPI(t *testing.T) {
	f := newMasterFixture(t)
	rec := f.do(t, "GET", "/v1/master/skus.csv", "demo-kam-huadong-1", nil)
	wantStatus(t, rec, http.StatusOK)
	export := rec.Body.Bytes()
	if !bytes.HasPrefix(export, []byte("\uFEFF产品编号 / code,")) {
		t.Fatalf("export starts %q", export[:min(len(export), 60)])
	}
	wantStatus(t, f.upload(t, "/v1/master/skus/import", "demo-kam-huadong-1", "skus.csv", export), http.StatusForbidden)
	rep := decodeAs[importAnswer](t, f.upload(t, "/v1/master/skus/import", "demo-csr1", "skus.csv", export))
	if !rep.Applied || rep.Unchanged != 15 || rep.Changed+rep.Created != 0 {
		t.Errorf("importing the export = %+v", rep)
	}
	bad := "code,name,unit,list_price,currency,tax_rate_bp,quota_controlled,active\nSKU-9001,新品,箱,abc,CNY,1300,否,是\nSKU-9002,,箱,10.00,CNY,1300,否,是\n"
	rec = f.do(t, "POST", "/v1/master/skus/import?dry_run=true", "demo-csr1", bad, "Content-Type", "text/csv")
	wantStatus(t, rec, http.StatusOK)
	if dry := decodeAs[importAnswer](t, rec); dry.Applied || len(dry.Problems) != 2 || dry.Problems[0].Row != 2 || dry.Problems[1].Column != "name" {
		t.Errorf("dry run = %+v", dry)
	}
	rec = f.do(t, "POST", "/v1/master/skus/import", "demo-csr1", bad, "Content-Type", "text/csv")
	wantStatus(t, rec, http.StatusUnprocessableEntity)
	if refused := decodeAs[importRefused](t, rec); refused.Error == nil || refused.Error.Code != sales.ErrInvalid || len(refused.Report.Problems) != 2 {
		t.Errorf("refused = %s", rec.Body)
	}
	good := strings.Replace(strings.Replace(bad, "abc", "12.50", 1), ",,箱", ",新品二,箱", 1)
	rep = decodeAs[importAnswer](t, f.do(t, "POST", "/v1/master/skus/import", "demo-csr1", good, "Content-Type", "text/csv"))
	if !rep.Applied || rep.Created != 2 {
		t.Errorf("good file = %+v", rep)
	}
	rec = f.do(t, "GET", "/v1/master/customers.xlsx", "demo-kam-huadong-1", nil)
	wantStatus(t, rec, http.StatusOK)
	if rec.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("xlsx content type %q", rec.Header().Get("Content-Type"))
	}
	rep = decodeAs[importAnswer](t, f.upload(t, "/v1/master/customers/import", "demo-csr1", "c.xlsx", rec.Body.Bytes()))
	if !rep.Applied || rep.Unchanged != 2 {
		t.Errorf("the KAM's customers back = %+v", rep)
	}
}
