package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// seedPasswords gives more demo users the test password.
func (f *fixture) seedPasswords(users ...string) {
	f.t.Helper()
	hash, err := hashOnce()
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.SeedDemoPasswords(context.Background(), users, hash); err != nil {
		f.t.Fatal(err)
	}
}

// TestMasterDataPagesByRole: the SSG is offered the forms of customers and
// the catalogue, not of users; the admin those of users and markets; a KAM
// reads their own customer's master data without a form, and another's is
// not found; the SLT is offered the decision on a pending price change
// but not on their own.
func TestMasterDataPagesByRole(t *testing.T) {
	f := newFixture(t, false)
	f.seedPasswords("admin")

	ssg := f.browser()
	ssg.signIn("ssg-lead")
	for path, want := range map[string][]string{
		"/master":                        {`href="/master/import/customers"`, `id="md-keep"`},
		"/master/import/customers":       {`id="md-upload"`, `id="md-dry"`, "客户编号 / id"},
		"/customers/C001/master":         {`id="act-save"`, `id="act-kam"`, `id="act-shipping"`, "杭州宏达商贸有限公司"},
		"/master/catalogue":              {`id="act-sku"`, `id="act-price"`, `id="act-customer-price"`, "SKU-1001"},
		"/master/catalogue?sku=SKU-1001": {`id="sku-name"`, `name="code" value="SKU-1001"`},
		"/master/users":                  {"kam-huadong-1", "华东"},
		"/master/markets/" + url.PathEscape("华东"): {"mm-huadong"},
	} {
		p := ssg.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s as the SSG: %d\n%s", path, p.status, p.body)
		}
		for _, w := range want {
			if !p.has(w) {
				t.Errorf("GET %s as the SSG lacks %q", path, w)
			}
		}
	}
	if p := ssg.get("/master/users"); p.has(`id="act-user-new"`) {
		t.Error("the SSG is offered the new user form")
	}
	if p := ssg.get("/master/users/kam-huadong-1"); p.has(`id="act-save"`) || p.has(`id="act-deactivate"`) {
		t.Error("the SSG is offered to edit a user")
	}
	if p := ssg.get("/"); !p.has(`href="/master"`) {
		t.Error("the nav lacks master data")
	}

	admin := f.browser()
	admin.signIn("admin")
	if p := admin.get("/master/users"); !p.has(`id="act-user-new"`) {
		t.Errorf("the admin is not offered the new user form")
	}
	if p := admin.get("/master/users/kam-huadong-1"); !p.has(`id="act-save"`) || !p.has(`id="act-deactivate"`) {
		t.Errorf("the admin is not offered to edit and deactivate a user:\n%s", p.body)
	}
	if p := admin.get("/master/markets/" + url.PathEscape("华东")); !p.has(`id="act-market"`) {
		t.Errorf("the admin is not offered to edit a market")
	}
	if p := admin.get("/master/import/users"); !p.has(`id="md-upload"`) {
		t.Errorf("the admin is not offered the users' import")
	}
	if p := admin.get("/master/import/customers"); p.has(`id="md-upload"`) {
		t.Errorf("the admin is offered the customers' import")
	}

	kam := f.browser()
	kam.signIn("kam-huadong-1")
	p := kam.get("/customers/C001/master")
	if p.status != http.StatusOK || !p.has("杭州宏达商贸有限公司") || p.has(`id="act-kam"`) || p.has(`id="act-save"`) {
		t.Errorf("a KAM's own customer's master data: %d, forms offered or record missing\n%s", p.status, p.body)
	}
	if p := kam.get("/customers/C003/master"); p.status != http.StatusNotFound {
		t.Errorf("a KAM reads another KAM's customer: %d", p.status)
	}
	// A form the page never offered is refused as the API refuses it.
	form := url.Values{"csrf": {p.csrf(t)}, "kam_id": {"kam-huadong-1"}}
	if p := kam.post("/customers/C001/master/kam", form); p.status != http.StatusForbidden {
		t.Errorf("a KAM changed a KAM: %d", p.status)
	}
}

// TestDeactivatingAUserNeedsTheConfirmation: without the tick nothing
// happens and the page says why; with it the user is deactivated and can
// no longer sign in, and the audit trail shows it.
func TestDeactivatingAUserNeedsTheConfirmation(t *testing.T) {
	f := newFixture(t, false)
	f.seedPasswords("admin")
	admin := f.browser()
	admin.signIn("admin")
	page := admin.get("/master/users/log1")
	p := admin.post("/master/users/log1/deactivate", url.Values{"csrf": {page.csrf(t)}})
	if p.status != http.StatusUnprocessableEntity || !p.has("请勾选确认") {
		t.Fatalf("deactivating without the confirmation: %d\n%s", p.status, p.body)
	}
	if p := admin.get("/master/users/log1"); !p.has(`id="act-deactivate"`) {
		t.Fatal("the user was deactivated without the confirmation")
	}
	p = admin.post("/master/users/log1/deactivate", url.Values{"csrf": {page.csrf(t)}, "confirm": {"yes"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("deactivating: %d\n%s", p.status, p.body)
	}
	p = admin.get(p.header.Get("Location"))
	if !p.has("已停用") || !p.has("令牌和会话已吊销") || !p.has(`id="md-audit"`) || strings.Count(p.body, "停用") < 3 {
		t.Errorf("the user's page after deactivating:\n%s", p.body)
	}
	b := f.browser()
	form := b.get("/signin")
	if p := b.post("/signin", url.Values{"csrf": {form.csrf(t)}, "user": {"log1"}, "password": {testPassword}, "next": {"/"}}); p.status == http.StatusSeeOther {
		t.Error("a deactivated user signed in")
	}
}
