package console

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestConsole(t *testing.T) {
	f := newFixture(t, false)

	t.Run("a page asks a stranger to sign in and comes back after", func(t *testing.T) {
		b := f.browser()
		p := b.get("/orders?status=held")
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/signin?next="+url.QueryEscape("/orders?status=held") {
			t.Fatalf("got %d to %q", p.status, p.header.Get("Location"))
		}
		form := b.get(p.header.Get("Location"))
		p = b.post("/signin", url.Values{"csrf": {form.csrf(t)}, "user": {"ssg-lead"}, "password": {testPassword},
			"next": {"/orders?status=held"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/orders?status=held" {
			t.Fatalf("signed in: %d to %q", p.status, p.header.Get("Location"))
		}
		if p := b.get("/orders?status=held"); p.status != http.StatusOK || !p.has(heldOrder) || p.has(logisticsWait) {
			t.Errorf("held orders: %d\n%s", p.status, p.body)
		}
	})

	t.Run("a wrong password or an unknown user is refused alike", func(t *testing.T) {
		for _, c := range []struct{ user, password string }{{"ssg-lead", "wrong password"}, {"nobody", testPassword}, {"csr1", testPassword}} {
			b := f.browser()
			form := b.get("/signin")
			p := b.post("/signin", url.Values{"csrf": {form.csrf(t)}, "user": {c.user}, "password": {c.password}})
			if p.status != http.StatusUnauthorized || !p.has("用户名或密码不正确") || p.header.Get("Set-Cookie") == "" {
				t.Errorf("%s: %d\n%s", c.user, p.status, p.body)
			}
			if strings.Contains(p.header.Get("Set-Cookie"), sessionCookie+"=") {
				t.Errorf("%s got a session", c.user)
			}
		}
	})

	t.Run("an empty field is named beside it", func(t *testing.T) {
		b := f.browser()
		form := b.get("/signin")
		p := b.post("/signin", url.Values{"csrf": {form.csrf(t)}, "user": {"ssg-lead"}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="password-error"`) || p.has(`id="user-error"`) {
			t.Errorf("%d\n%s", p.status, p.body)
		}
	})

	t.Run("the session lives in the store, hashed, and ends at sign-out", func(t *testing.T) {
		b := f.browser()
		b.signIn("fin1")
		u, _ := url.Parse(f.srv.URL)
		var id string
		for _, c := range b.client.Jar.Cookies(u) {
			if c.Name == sessionCookie {
				id = c.Value
			}
		}
		raw, err := base64Decode(id)
		if err != nil || len(raw) != 32 {
			t.Fatalf("session id %q is not 32 random bytes: %v", id, err)
		}
		conn, err := pgx.Connect(context.Background(), f.url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var plain, hashed int
		sum := sha256.Sum256([]byte(id))
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE id_hash = $1), count(*) FILTER (WHERE id_hash = $2)
			FROM console_sessions WHERE user_id = 'fin1'`, []byte(id), sum[:]).Scan(&plain, &hashed); err != nil {
			t.Fatal(err)
		}
		if plain != 0 || hashed != 1 {
			t.Errorf("sessions stored by the id itself %d, by its hash %d", plain, hashed)
		}
		home := b.get("/")
		if home.status != http.StatusOK || !home.has("周红") {
			t.Fatalf("home %d", home.status)
		}
		if p := b.post("/signout", url.Values{"csrf": {home.csrf(t)}}); p.status != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", p.status)
		}
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM console_sessions WHERE id_hash = $1`, sum[:]).Scan(&hashed); err != nil || hashed != 0 {
			t.Errorf("the session is still stored (%d, %v)", hashed, err)
		}
		// The old cookie, sent again, opens nothing.
		again := f.browser()
		again.client.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: id}})
		if p := again.get("/"); p.status != http.StatusSeeOther {
			t.Errorf("an ended session opened My work: %d", p.status)
		}
	})

	t.Run("an idle session ends", func(t *testing.T) {
		b := f.browser()
		b.signIn("log1")
		f.clock.add(3 * time.Hour)
		defer f.clock.add(-3 * time.Hour)
		if p := b.get("/"); p.status != http.StatusSeeOther {
			t.Errorf("after 3 idle hours: %d", p.status)
		}
	})

	t.Run("a POST without its CSRF token is refused", func(t *testing.T) {
		b := f.browser()
		home := b.signIn("ssg-lead")
		for _, form := range []url.Values{{}, {"csrf": {"forged"}}} {
			if p := b.post("/signout", form); p.status != http.StatusForbidden || !p.has("表单已过期") {
				t.Errorf("sign-out with %v: %d", form, p.status)
			}
		}
		if p := b.get("/"); p.status != http.StatusOK {
			t.Errorf("the refused sign-out ended the session: %d", p.status)
		}
		// Another session's token is not this session's.
		other := f.browser().signIn("ssg-lead")
		if other.csrf(t) == home.csrf(t) {
			t.Fatal("two sessions share a CSRF token")
		}
		if p := b.post("/signout", url.Values{"csrf": {other.csrf(t)}}); p.status != http.StatusForbidden {
			t.Errorf("another session's token: %d", p.status)
		}
		// Signing in needs the sign-in form's token too.
		stranger := f.browser()
		if p := stranger.post("/signin", url.Values{"user": {"ssg-lead"}, "password": {testPassword}}); p.status != http.StatusForbidden {
			t.Errorf("sign-in without the form: %d", p.status)
		}
	})

	t.Run("cookies are HttpOnly and SameSite=Lax", func(t *testing.T) {
		b := f.browser()
		form := b.get("/signin")
		p := b.post("/signin", url.Values{"csrf": {form.csrf(t)}, "user": {"dsd"}, "password": {testPassword}})
		var found bool
		for _, c := range (&http.Response{Header: p.header}).Cookies() {
			if c.Name == sessionCookie && c.Value != "" {
				found = true
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
					t.Errorf("session cookie %+v", c)
				}
			}
		}
		if !found {
			t.Error("no session cookie")
		}
	})

	t.Run("an FSF user sees only their customers' orders", func(t *testing.T) {
		b := f.browser()
		b.signIn("kam-huadong-1")
		if p := b.get("/orders/" + heldOrder); p.status != http.StatusOK || !p.has("杭州宏达商贸有限公司") {
			t.Errorf("own customer's order: %d", p.status)
		}
		other, missing := b.get("/orders/"+overdueOrder), b.get("/orders/SO-2026-999999")
		same := strings.ReplaceAll(other.body, overdueOrder, "X") == strings.ReplaceAll(missing.body, "SO-2026-999999", "X")
		if other.status != http.StatusNotFound || missing.status != http.StatusNotFound || !same {
			t.Errorf("another KAM's customer's order: %d, not the missing order's page", other.status)
		}
		list := b.get("/orders")
		if !list.has(heldOrder) || !list.has(remitted) || list.has(overdueOrder) || list.has(logisticsWait) {
			t.Errorf("order list:\n%s", list.body)
		}
		if p := b.get("/orders?number=" + overdueOrder); p.has("/orders/"+overdueOrder) || !p.has("没有符合条件的订单") {
			t.Errorf("found another KAM's order by number:\n%s", p.body)
		}
		// Their UM sees the KAM's customers, and not another UM's.
		um := f.browser()
		um.signIn("um-huadong-1")
		if um.get("/orders/"+heldOrder).status != http.StatusOK || um.get("/orders/"+logisticsWait).status != http.StatusNotFound {
			t.Error("the UM's scope is not their KAMs' customers")
		}
	})

	t.Run("the language is zh-CN by default and English on request", func(t *testing.T) {
		b := f.browser()
		p := b.signIn("fin1")
		if !p.has(`<html lang="zh-CN">`) || !p.has("我的工作") {
			t.Fatalf("default page:\n%s", p.body)
		}
		p = b.get("/?lang=en")
		if !p.has(`<html lang="en">`) || !p.has("My work") || p.has("我的工作") {
			t.Fatalf("English page:\n%s", p.body)
		}
		if p = b.get("/orders"); !p.has(`<html lang="en">`) || !p.has("Order number") {
			t.Error("the chosen language was not remembered")
		}
		if p = b.get("/orders?lang=zh-CN"); !p.has("订单号") {
			t.Error("no way back to Chinese")
		}
	})

	t.Run("My work lists each role's tasks with deadline, lateness and escalation", func(t *testing.T) {
		for _, c := range []struct {
			user    string
			want    []string
			notWant []string
		}{
			{"dsd", []string{heldOrder, "审批暂挂订单", "3 小时", "销售领导"}, []string{logisticsWait, overdueOrder}},
			{"log1", []string{logisticsWait, "物流：SP1"}, []string{heldOrder, overdueOrder}},
			{"fin1", []string{overdueOrder, "INV-2026-000003-1", "10 天 0 小时", "市场经理", "¥4,680.00"}, []string{heldOrder, remitted}},
			{"kam-huadong-1", nil, []string{overdueOrder, heldOrder}},
			{"ssg-lead", []string{"目前没有需要您处理的事项"}, nil},
		} {
			p := f.browser().signIn(c.user)
			for _, w := range c.want {
				if !p.has(w) {
					t.Errorf("%s: My work lacks %q", c.user, w)
				}
			}
			for _, w := range c.notWant {
				if p.has(w) {
					t.Errorf("%s: My work shows %q", c.user, w)
				}
			}
		}
	})

	t.Run("the order page shows the 21 steps and the order's documents", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/orders/" + overdueOrder + "?lang=en")
		for _, w := range []string{">Plan<", ">Close<", "step-done", "step-skipped", "step-current", "step-todo",
			"SF1234567890", "INV-2026-000003-1", "¥4,680.00", "10 d 0 h",
			"http://127.0.0.1:8233/namespaces/default/workflows?query=WorkflowId%3D%22order%2F" + overdueOrder + "%22"} {
			if !p.has(w) {
				t.Errorf("the order page lacks %q", w)
			}
		}
		if n := strings.Count(p.body, `class="step step-`); n != 21 {
			t.Errorf("%d steps on the timeline", n)
		}
		held := b.get("/orders/" + heldOrder + "?lang=en")
		if !held.has("step-late") || !held.has("credit limit exceeded") {
			t.Error("the held order's late step or hold reason is missing")
		}
	})

	t.Run("order filters refuse what is not on offer, beside the field", func(t *testing.T) {
		b := f.browser()
		b.signIn("ssg-lead")
		p := b.get("/orders?number=42&status=lost")
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="f-number-error"`) || !p.has(`id="f-status-error"`) {
			t.Errorf("%d\n%s", p.status, p.body)
		}
		if p := b.get("/orders?step=SP1"); !p.has(logisticsWait) || p.has(heldOrder) {
			t.Error("the step filter does not filter")
		}
		if p := b.get("/orders?customer=C003"); !p.has(overdueOrder) || p.has(heldOrder) {
			t.Error("the customer filter does not filter")
		}
		if p := b.get("/orders?kam=kam-huadong-1"); !p.has(heldOrder) || !p.has(remitted) || p.has(overdueOrder) {
			t.Error("the KAM filter does not filter")
		}
		if p := b.get("/orders?number=" + heldOrder); !p.has("/orders/"+heldOrder) || p.has(remitted) {
			t.Error("the number filter does not find the order")
		}
	})
}

func TestSecureCookiesWhenConfigured(t *testing.T) {
	h := New(Config{Store: nil, SecureCookies: true})
	rec := httptestRecorder(h, "/signin?lang=en")
	cookies := rec.Result().Cookies()
	if len(cookies) != 2 {
		t.Fatalf("cookies %v", cookies)
	}
	for _, c := range cookies {
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %+v", c)
		}
	}
}
