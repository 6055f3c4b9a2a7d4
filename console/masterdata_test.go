package console

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
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
		"/master":                                 {`href="/master/import/customers"`, `id="md-keep"`},
		"/master/import/customers":                {`id="md-upload"`, `id="md-dry"`, "客户编号 / id"},
		"/customers/C001/master":                  {`id="act-save"`, `id="act-kam"`, `id="act-shipping"`, "杭州宏达商贸有限公司"},
		"/master/catalogue":                       {`id="act-sku"`, `id="act-price"`, `id="act-customer-price"`, "SKU-1001"},
		"/master/catalogue?sku=SKU-1001":          {`id="sku-name"`, `name="code" value="SKU-1001"`},
		"/master/users":                           {"kam-huadong-1", "华东"},
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

// TestCustomerListFiltersByKAM: the customer list offers the KAMs of the
// customers in view and filters by one.
func TestCustomerListFiltersByKAM(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser()
	b.signIn("ssg-lead")
	p := b.get("/customers?kam=kam-huadong-2")
	if p.status != http.StatusOK || !p.has(`<option value="kam-huadong-2" selected>`) {
		t.Fatalf("the KAM filter: %d\n%s", p.status, p.body)
	}
	if !p.has(`href="/customers/C003"`) || p.has(`href="/customers/C001"`) {
		t.Errorf("customers of kam-huadong-2:\n%s", p.body)
	}
}

// TestCustomerMasterForms: the SSG renames a customer and keeps its
// shipment information; an address without its address is refused beside
// its field with nothing saved, and the audit trail shows both changes.
func TestCustomerMasterForms(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser()
	b.signIn("ssg-lead")
	page := b.get("/customers/C005/master")
	csrf := page.csrf(t)

	newCustomer := url.Values{"csrf": {csrf}, "id": {"C200"}, "name": {""}, "market": {"华东"}, "kam_id": {"kam-huadong-3"},
		"payment_terms_days": {"30"}, "currency": {"CNY"}}
	if p := b.post("/master/customers", newCustomer); p.status != http.StatusUnprocessableEntity || !p.has(`id="nc-name-error"`) {
		t.Errorf("a new customer without its name: %d\n%s", p.status, p.body)
	}
	newCustomer.Set("name", "绍兴新越商贸有限公司")
	p := b.post("/master/customers", newCustomer)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/customers/C200/master?done=created" {
		t.Fatalf("a new customer: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.get(p.header.Get("Location")); !p.has("客户已新增") || !p.has("绍兴新越商贸有限公司") {
		t.Errorf("the new customer's page:\n%s", p.body)
	}
	if p := b.post("/master/customers", newCustomer); p.status != http.StatusConflict && p.status != http.StatusUnprocessableEntity {
		t.Errorf("the same customer again: %d", p.status)
	}

	p = b.post("/customers/C005/master/save", url.Values{"csrf": {csrf}, "name": {"宁波海盛商贸集团"}, "market": {"华东"},
		"kam_id": {"kam-huadong-3"}, "payment_terms_days": {"45"}, "currency": {"CNY"}, "active": {"yes"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("saving the record: %d\n%s", p.status, p.body)
	}
	if p := b.get(p.header.Get("Location")); !p.has("宁波海盛商贸集团") || !p.has("客户资料已保存") {
		t.Errorf("after saving:\n%s", p.body)
	}
	p = b.post("/customers/C005/master/save", url.Values{"csrf": {csrf}, "name": {"x"}, "market": {"华东"},
		"kam_id": {"kam-huadong-3"}, "payment_terms_days": {"400"}, "currency": {"CNY"}, "active": {"yes"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="save-terms-error"`) {
		t.Errorf("terms of 400 days: %d\n%s", p.status, p.body)
	}

	ship := url.Values{"csrf": {csrf}, "rows": {"2"}, "default": {"0"},
		"code-0": {"1"}, "address-0": {"浙江省宁波市鄞州区首南街道天童南路588号"}, "consignee-0": {"王仓管"}, "phone-0": {"0574-88886666"},
		"code-1": {"WH-2"}, "carrier-1": {"顺丰"}}
	p = b.post("/customers/C005/master/shipping", ship)
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="si-address-1-error"`) {
		t.Fatalf("an address without its address: %d\n%s", p.status, p.body)
	}
	ship.Set("address-1", "浙江省宁波市北仑区新碶街道明州路1号")
	ship.Set("unloading_notes-1", "仅限工作日 9:00-16:00 卸货")
	p = b.post("/customers/C005/master/shipping", ship)
	if p.status != http.StatusSeeOther {
		t.Fatalf("saving the shipment information: %d\n%s", p.status, p.body)
	}
	p = b.get(p.header.Get("Location"))
	for _, want := range []string{"储运信息已保存", `value="WH-2"`, `value="仅限工作日 9:00-16:00 卸货"`, `value="王仓管"`, "储运信息 C005"} {
		if !p.has(want) {
			t.Errorf("after saving the shipment information, the page lacks %q", want)
		}
	}
	if strings.Count(p.body, `<td>ssg-lead</td>`) < 2 {
		t.Errorf("the audit trail lacks the two changes:\n%s", p.body)
	}
}

// TestPriceChangeWaitsForTheSLT: a price far below the one in force waits
// for the SLT; its maker is not offered the decision, an SLT member
// approves it and it leaves the pending list.
func TestPriceChangeWaitsForTheSLT(t *testing.T) {
	f := newFixture(t, false)
	ssg := f.browser()
	ssg.signIn("ssg-lead")
	page := ssg.get("/master/catalogue")
	today := f.now.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	p := ssg.post("/master/catalogue/price", url.Values{"csrf": {page.csrf(t)}, "sku": {"SKU-1001"}, "price": {"10.00"},
		"currency": {"CNY"}, "effective_from": {today}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=pending") {
		t.Fatalf("a price below the discount authority: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	p = ssg.get(p.header.Get("Location"))
	if !p.has(`id="md-pending"`) || p.has(`action="/master/catalogue/decide"`) {
		t.Errorf("the SSG's view of the pending change:\n%s", p.body)
	}
	p = ssg.post("/master/catalogue/price", url.Values{"csrf": {page.csrf(t)}, "sku": {"SKU-1001"}, "price": {"十块"},
		"currency": {"CNY"}, "effective_from": {today}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="price-price-error"`) {
		t.Errorf("a price that is not an amount: %d", p.status)
	}

	slt := f.browser()
	slt.signIn("dsd")
	p = slt.get("/master/catalogue")
	m := regexp.MustCompile(`name="target" value="(\d+)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the SLT is not offered the decision:\n%s", p.body)
	}
	p = slt.post("/master/catalogue/decide", url.Values{"csrf": {p.csrf(t)}, "target": {m[1]}, "decision": {"reject"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="act-decide-`+m[1]+`-reason-error"`) {
		t.Errorf("a rejection without its reason: %d\n%s", p.status, p.body)
	}
	p = slt.post("/master/catalogue/decide", url.Values{"csrf": {p.csrf(t)}, "target": {m[1]}, "decision": {"approve"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=approved") {
		t.Fatalf("approving: %d\n%s", p.status, p.body)
	}
	p = slt.get("/master/catalogue")
	if p.has(`id="md-pending"`) || !p.has("¥10.00") {
		t.Errorf("after the approval:\n%s", p.body)
	}
}

// TestAdminKeepsUsersAndMarkets: the admin moves a KAM to another manager
// and gives a market a second SLT member and its SSG division of work; a
// duty typed wrongly is refused beside its field; the audit trails show
// the changes.
func TestAdminKeepsUsersAndMarkets(t *testing.T) {
	f := newFixture(t, false)
	f.seedPasswords("admin")
	admin := f.browser()
	admin.signIn("admin")
	page := admin.get("/master/users/kam-huadong-3")
	csrf := page.csrf(t)
	p := admin.post("/master/users/kam-huadong-3/save", url.Values{"csrf": {csrf}, "name": {"新名字"}, "email": {"kam3@osb.example"},
		"role": {"fsf"}, "title": {"KAM"}, "market": {"华东"}, "markets": {""}, "manager_id": {"um-huadong-1"}, "active": {"yes"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("saving a user: %d\n%s", p.status, p.body)
	}
	p = admin.get(p.header.Get("Location"))
	if !p.has("用户已保存") || !p.has("新名字") || !p.has("<b>manager_id</b>") {
		t.Errorf("the user's page after saving:\n%s", p.body)
	}
	p = admin.post("/master/users/kam-huadong-3/save", url.Values{"csrf": {csrf}, "name": {"新名字"}, "role": {"boss"}, "title": {"KAM"},
		"market": {"华东"}, "manager_id": {"kam-huadong-3"}, "active": {"yes"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="user-manager-error"`) {
		t.Errorf("a user their own manager: %d\n%s", p.status, p.body)
	}

	market := "/master/markets/" + url.PathEscape("华南")
	p = admin.post(market+"/save", url.Values{"csrf": {csrf}, "name": {"华南区"}, "mm_id": {"mm-huanan"}, "slt": {"dsd, sd"},
		"ssg": {"settlement ssg-lead"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="market-ssg-error"`) {
		t.Errorf("a duty without its user: %d\n%s", p.status, p.body)
	}
	p = admin.post(market+"/save", url.Values{"csrf": {csrf}, "name": {"华南区"}, "mm_id": {"mm-huanan"}, "slt": {"dsd, sd"},
		"ssg": {"settlement:ssg-lead; visits:ssg-lead"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("saving a market: %d\n%s", p.status, p.body)
	}
	p = admin.get(p.header.Get("Location"))
	for _, want := range []string{"市场已保存", "华南区", "dsd, sd", "结算: ssg-lead", `id="md-audit"`} {
		if !p.has(want) {
			t.Errorf("the market's page after saving lacks %q", want)
		}
	}
}

// postFile posts a multipart form with the CSRF token, mode and a file.
func (b *browser) postFile(path, csrf, mode, name string, content []byte) page {
	b.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	_ = mw.WriteField("mode", mode)
	part, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.f.t.Fatal(err)
	}
	_, _ = part.Write(content)
	_ = mw.Close()
	resp, err := b.client.Post(b.f.srv.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		b.f.t.Fatal(err)
	}
	return readPage(b.f.t, resp)
}

// TestMasterImportRefusals: a KAM may not import customers; a file larger
// than the limit is refused with 413 and a sentence; an empty file is
// refused beside the file field; an XLSX export imports back unchanged.
func TestMasterImportRefusals(t *testing.T) {
	f := newFixture(t, false)
	kam := f.browser()
	page := kam.signIn("kam-huadong-1")
	csv := []byte("id,name,market,kam_id,payment_terms_days,currency,active\nC001,x,华东,kam-huadong-1,30,CNY,是\n")
	if p := kam.postFile("/master/import/customers", page.csrf(t), "import", "c.csv", csv); p.status != http.StatusForbidden {
		t.Errorf("a KAM's import: %d", p.status)
	}

	ssg := f.browser()
	page = ssg.signIn("ssg-lead")
	csrf := page.csrf(t)
	if p := ssg.postFile("/master/import/customers", csrf, "dry", "big.csv", bytes.Repeat([]byte("x"), maxSheetUpload+1)); p.status != http.StatusRequestEntityTooLarge || !p.has("文件太大") {
		t.Errorf("a file too large: %d", p.status)
	}
	if p := ssg.postFile("/master/import/customers", csrf, "dry", "empty.csv", nil); p.status != http.StatusUnprocessableEntity || !p.has(`id="md-file-error"`) {
		t.Errorf("an empty file: %d\n%s", p.status, p.body)
	}

	export := ssg.get("/master/export/skus.xlsx")
	if export.status != http.StatusOK || !strings.Contains(export.header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("the SKUs' export: %d %s", export.status, export.header.Get("Content-Type"))
	}
	p := ssg.postFile("/master/import/skus", csrf, "import", "skus.xlsx", []byte(export.body))
	if p.status != http.StatusOK || !p.has(`id="md-ok"`) || !p.has("新增 0，修改 0") {
		t.Errorf("the SKUs' export imported back: %d\n%s", p.status, p.body)
	}
}

// TestShipmentInfoMonthVersion: the SSG keeps this month's version of the
// shipment information; a customer's tab then offers the month and shows it
// as kept, read-only.
func TestShipmentInfoMonthVersion(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser()
	page := b.signIn("ssg-lead")
	month := f.now.In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	p := b.post("/master/shipment-info/keep", url.Values{"csrf": {page.csrf(t)}, "month": {""}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("keeping the month: %d\n%s", p.status, p.body)
	}
	if p := b.get(p.header.Get("Location")); !p.has("已保存该月版本") || !p.has("<td>"+month+"</td>") {
		t.Errorf("the master data page after keeping %s:\n%s", month, p.body)
	}
	p = b.get("/customers/C001/master?month=" + month)
	if p.status != http.StatusOK || !p.has(`<option value="`+month+`" selected>`) || p.has(`id="act-shipping"`) || !p.has("文一西路1288号") {
		t.Errorf("C001's shipment information of %s: %d\n%s", month, p.status, p.body)
	}
	if p := b.post("/master/shipment-info/keep", url.Values{"csrf": {page.csrf(t)}, "month": {"2026-13"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("keeping month 2026-13: %d", p.status)
	}
}
