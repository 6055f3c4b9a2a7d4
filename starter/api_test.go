package starter

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

func TestHealthzNeedsTheStoreAndTemporal(t *testing.T) {
	for name, tc := range map[string]struct {
		storeErr, temporalErr error
		status                int
		want                  healthBody
	}{
		"both up":       {nil, nil, http.StatusOK, healthBody{Status: "ok", Store: "ok", Temporal: "ok"}},
		"store down":    {errors.New("dial tcp: refused"), nil, http.StatusServiceUnavailable, healthBody{Status: "unavailable", Store: "down", Temporal: "ok"}},
		"temporal down": {nil, errors.New("unavailable"), http.StatusServiceUnavailable, healthBody{Status: "unavailable", Store: "ok", Temporal: "down"}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.store.pingErr, f.orders.healthErr = tc.storeErr, tc.temporalErr
			rec := f.do(t, "GET", "/healthz", "", nil)
			wantStatus(t, rec, tc.status)
			if got := decodeAs[healthBody](t, rec); got != tc.want {
				t.Errorf("body = %+v, want %+v", got, tc.want)
			}
			if strings.Contains(rec.Body.String(), "refused") {
				t.Error("health shows an internal error")
			}
		})
	}
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/openapi.json", "", nil)
	wantStatus(t, rec, http.StatusOK)
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components map[string]map[string]any            `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
	}

	var routes, documented []string
	err := chi.Walk(f.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(routes)
	slices.Sort(documented)
	if !reflect.DeepEqual(routes, documented) {
		t.Errorf("routes and document differ:\nroutes:     %v\ndocumented: %v", routes, documented)
	}

	// Every reference points at a component.
	var all any
	_ = json.Unmarshal(rec.Body.Bytes(), &all)
	walkRefs(all, func(ref string) {
		parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
		if len(parts) != 2 || doc.Components[parts[0]][parts[1]] == nil {
			t.Errorf("dangling $ref %s", ref)
		}
	})
}

func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				fn(s)
			}
			walkRefs(x, fn)
		}
	case []any:
		for _, x := range v {
			walkRefs(x, fn)
		}
	}
}

func TestMeReturnsTheTokensUser(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/me", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decodeAs[sales.User](t, rec); got.ID != "u-kam1" || got.Role != sales.RoleFSF {
		t.Errorf("me = %+v", got)
	}
}

func TestCustomersAreLimitedToTheUsersScope(t *testing.T) {
	f := newFixture(t)
	got := decodeAs[[]sales.Customer](t, f.do(t, "GET", "/v1/customers", "t-kam1", nil))
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if !reflect.DeepEqual(ids, []string{"C-001", "C-003"}) {
		t.Errorf("customers = %v, want the KAM's own", ids)
	}
	got = decodeAs[[]sales.Customer](t, f.do(t, "GET", "/v1/customers", "t-fin", nil))
	if len(got) != 3 {
		t.Errorf("finance sees %d customers, want all 3", len(got))
	}
}

func TestSKUsAreListedByCode(t *testing.T) {
	f := newFixture(t)
	got := decodeAs[[]sales.SKU](t, f.do(t, "GET", "/v1/skus", "t-log", nil))
	var codes []string
	for _, s := range got {
		codes = append(codes, s.Code)
	}
	if !reflect.DeepEqual(codes, []string{"SKU-A", "SKU-B", "SKU-OLD"}) {
		t.Errorf("skus = %v", codes)
	}
}

func TestEscalationsAreScoped(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/escalations?order_no=SO-2026-000001&min_level=3&limit=10", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Errorf("an empty list is %s, want []", rec.Body)
	}
	want := sales.EscalationFilter{OrderNo: "SO-2026-000001", MinLevel: sales.LevelMM, Limit: 10, Scope: sales.Scope{KAMIDs: []string{"u-kam1"}}}
	if !reflect.DeepEqual(*f.store.escFilter, want) {
		t.Errorf("filter = %+v, want %+v", *f.store.escFilter, want)
	}
	wantError(t, f.do(t, "GET", "/v1/escalations?min_level=7", "t-ssg", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestNotificationsOfOthersNeedARole(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/notifications?recipient_id=me&pending=true", "t-log", nil), http.StatusOK)
	if got := *f.store.notifyFilter; got.RecipientID != "u-log" || !got.Pending {
		t.Errorf("filter = %+v, want the user's own pending ones", got)
	}
	wantStatus(t, f.do(t, "GET", "/v1/notifications?recipient_id=dept:logistics", "t-log", nil), http.StatusOK)
	e := wantError(t, f.do(t, "GET", "/v1/notifications", "t-log", nil), http.StatusForbidden, sales.ErrForbidden)
	if !strings.Contains(e.Message, "recipient_id=me") {
		t.Errorf("message %q should say how to list one's own", e.Message)
	}
	wantError(t, f.do(t, "GET", "/v1/notifications?recipient_id=u-ssg", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantStatus(t, f.do(t, "GET", "/v1/notifications?order_no=SO-2026-000001", "t-slt", nil), http.StatusOK)
}

func TestInternalErrorsShowNoDetails(t *testing.T) {
	f := newFixture(t)
	f.store.listErr = errors.New("pq: connection to 10.0.0.7:5432 refused")
	e := wantError(t, f.do(t, "GET", "/v1/orders", "t-ssg", nil), http.StatusInternalServerError, sales.ErrInternal)
	if e.Message != "internal error" || strings.Contains(f.do(t, "GET", "/v1/orders", "t-ssg", nil).Body.String(), "10.0.0.7") {
		t.Errorf("the client sees %q", e.Message)
	}
}

func TestAPanicIsAnInternalError(t *testing.T) {
	f := newFixture(t)
	e := wantError(t, f.do(t, "GET", "/v1/me", "t-panic", nil), http.StatusInternalServerError, sales.ErrInternal)
	if e.Message != "internal error" {
		t.Errorf("message = %q", e.Message)
	}
}

func TestABodyOverOneMebibyteIsRefused(t *testing.T) {
	f := newFixture(t)
	big := `{"customer_id":"C-001","note":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	wantError(t, f.do(t, "POST", "/v1/orders", "t-ssg", big), http.StatusRequestEntityTooLarge, sales.ErrInvalid)
	if f.store.seq != 0 {
		t.Error("a refused body wrote something")
	}
}

func TestUnknownRoutesAndMethodsAnswerInJSON(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(t, "GET", "/v2/orders", "", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "GET", "/v1/nothing", "t-ssg", nil), http.StatusNotFound, sales.ErrNotFound)
	wantError(t, f.do(t, "DELETE", "/v1/orders", "t-ssg", nil), http.StatusMethodNotAllowed, sales.ErrInvalid)
}
