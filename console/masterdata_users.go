package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// Users and markets, kept by the admin: each user's role, title, manager,
// markets and whether they may sign in (deactivating a user revokes their
// tokens and sessions), and each market's MM, SLT members and the SSG's
// division of work. Everyone who reads master data sees them.

// usersData is what the users and markets page shows.
type usersData struct {
	mdPage
	Users   []sales.UserRecord
	Markets []sales.MarketRecord
	CanEdit bool
	Form    *form // a new user
	Done    string
}

// userData is what a user's page shows.
type userData struct {
	mdPage
	User    sales.UserRecord
	Users   []sales.UserRecord // the managers to choose from
	Markets []sales.MarketRecord
	Audit   []auditRow
	Forms   map[string]*form // save, deactivate: for the admin
	Done    string
}

// Form is the form of action name (nil: not offered).
func (d userData) Form(name string) *form { return d.Forms[name] }

// marketData is what a market's page shows.
type marketData struct {
	mdPage
	Market sales.MarketRecord
	Users  []sales.UserRecord
	Audit  []auditRow
	Form   *form // for the admin
	Done   string
}

// Roles are the roles a user may have.
func (usersData) Roles() []sales.Role { return allRoles }

// Roles are the roles a user may have.
func (userData) Roles() []sales.Role { return allRoles }

var allRoles = []sales.Role{sales.RoleSSG, sales.RoleFSF, sales.RoleFinance, sales.RoleLogistics, sales.RoleSLT, sales.RoleAdmin}

// Titles are the titles a user may hold.
func (userData) Titles() []sales.Title { return allTitles }

// Titles are the titles a user may hold.
func (usersData) Titles() []sales.Title { return allTitles }

var allTitles = []sales.Title{sales.TitleGM, sales.TitleDirector, sales.TitleDeputy, sales.TitleSSGLead, sales.TitleCSR,
	sales.TitleMM, sales.TitleUM, sales.TitleKAM, sales.TitleFinance, sales.TitleLogistic, sales.TitleAdmin}

// SSGText writes a market's SSG division of work as it is typed:
// "settlement:ssg-1; visits:ssg-2".
func (d marketData) SSGText() string {
	parts := make([]string, len(d.Market.SSG))
	for i, s := range d.Market.SSG {
		parts[i] = string(s.Duty) + ":" + s.UserID
	}
	return strings.Join(parts, "; ")
}

// SLTText writes a market's SLT members, the first SLT owner first.
func (d marketData) SLTText() string { return strings.Join(d.Market.SLT(), ", ") }

func (con *console) usersPage(w http.ResponseWriter, r *http.Request) {
	con.showUsers(w, r, http.StatusOK, &form{Action: "create"})
}

func (con *console) showUsers(w http.ResponseWriter, r *http.Request, status int, f *form) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	d := usersData{mdPage: "users", CanEdit: sessionOf(r).User.May(sales.PermManageUsers), Form: f, Done: doneOf(r, "created")}
	if err := con.call(r, http.MethodGet, "/v1/master/users", nil, &d.Users); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/master/markets", nil, &d.Markets); err != nil {
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, status, "masterdata", langOf(r).text("md.users_title"), d)
}

// userOf reads a user form.
func userOf(id string, pf url.Values) sales.UserRecord {
	u := sales.UserRecord{Active: pf.Get("active") != "no", Markets: splitList(pf.Get("markets"))}
	u.ID, u.Name, u.Email = id, strings.TrimSpace(pf.Get("name")), strings.TrimSpace(pf.Get("email"))
	u.Role, u.Title = sales.Role(pf.Get("role")), sales.Title(strings.TrimSpace(pf.Get("title")))
	u.Market, u.ManagerID = strings.TrimSpace(pf.Get("market")), strings.TrimSpace(pf.Get("manager_id"))
	return u
}

// createUserAct adds a user.
func (con *console) createUserAct(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: "create", Values: r.PostForm}
	u := userOf(strings.TrimSpace(r.PostForm.Get("id")), r.PostForm)
	if err := con.call(r, http.MethodPost, "/v1/master/users", u, nil); err != nil {
		con.mdRefused(w, r, err, f, sales.PermManageUsers, func(status int) { con.showUsers(w, r, status, f) })
		return
	}
	http.Redirect(w, r, "/master/users/"+url.PathEscape(u.ID)+"?done=created", http.StatusSeeOther)
}

func (con *console) userPage(w http.ResponseWriter, r *http.Request) {
	con.showUser(w, r, chi.URLParam(r, "userID"), http.StatusOK, nil)
}

func (con *console) showUser(w http.ResponseWriter, r *http.Request, id string, status int, f *form) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	d := userData{mdPage: "user", Forms: map[string]*form{}, Done: doneOf(r, "created", "save", "deactivate")}
	if err := con.call(r, http.MethodGet, "/v1/master/users/"+url.PathEscape(id), nil, &d.User); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/master/users", nil, &d.Users); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/master/markets", nil, &d.Markets); err != nil {
		con.failWith(w, r, err)
		return
	}
	audit, err := con.auditTrail(r, [2]string{sales.EntityUser, id})
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Audit = audit
	if sessionOf(r).User.May(sales.PermManageUsers) {
		d.Forms["save"] = &form{Action: "save"}
		if d.User.Active && d.User.ID != sessionOf(r).User.ID {
			d.Forms["deactivate"] = &form{Action: "deactivate"}
		}
		if f != nil {
			d.Forms[f.Action] = f
		}
	}
	con.render(w, r, status, "masterdata", langOf(r).text("md.user_title", d.User.ID, d.User.Name), d)
}

// userAct saves a user, or deactivates them once the admin has confirmed
// that their tokens and sessions are revoked.
func (con *console) userAct(w http.ResponseWriter, r *http.Request) {
	id, action := chi.URLParam(r, "userID"), chi.URLParam(r, "action")
	if action != "save" && action != "deactivate" {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &form{Action: action, Values: r.PostForm}
	show := func(status int) { con.showUser(w, r, id, status, f) }
	base := "/v1/master/users/" + url.PathEscape(id)
	var err error
	if action == "deactivate" {
		if r.PostForm.Get("confirm") != "yes" {
			f.Errors = map[string]string{"confirm": langOf(r).text("md.confirm_needed")}
			show(http.StatusUnprocessableEntity)
			return
		}
		err = con.call(r, http.MethodPost, base+"/deactivate", nil, nil)
	} else {
		err = con.call(r, http.MethodPut, base, userOf(id, r.PostForm), nil)
	}
	if err != nil {
		con.mdRefused(w, r, err, f, sales.PermManageUsers, show)
		return
	}
	http.Redirect(w, r, "/master/users/"+url.PathEscape(id)+"?done="+action, http.StatusSeeOther)
}

func (con *console) marketPage(w http.ResponseWriter, r *http.Request) {
	con.showMarket(w, r, chi.URLParam(r, "market"), http.StatusOK, nil)
}

func (con *console) showMarket(w http.ResponseWriter, r *http.Request, code string, status int, f *form) {
	if !con.mayRead(w, r, sales.PermReadMasterData) {
		return
	}
	d := marketData{mdPage: "market", Done: doneOf(r, "save")}
	if err := con.call(r, http.MethodGet, "/v1/master/markets/"+url.PathEscape(code), nil, &d.Market); err != nil {
		con.failWith(w, r, err)
		return
	}
	if err := con.call(r, http.MethodGet, "/v1/master/users", nil, &d.Users); err != nil {
		con.failWith(w, r, err)
		return
	}
	audit, err := con.auditTrail(r, [2]string{sales.EntityMarket, code})
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	d.Audit = audit
	if sessionOf(r).User.May(sales.PermManageUsers) {
		d.Form = &form{Action: "save"}
		if f != nil {
			d.Form = f
		}
	}
	con.render(w, r, status, "masterdata", langOf(r).text("md.market_title", d.Market.Code, d.Market.Name), d)
}

// marketAct saves a market: its name, MM, SLT members (the first decides
// a held order first) and the SSG's division of work.
func (con *console) marketAct(w http.ResponseWriter, r *http.Request) {
	code := chi.URLParam(r, "market")
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	pf := r.PostForm
	f := &form{Action: "save", Values: pf}
	show := func(status int) { con.showMarket(w, r, code, status, f) }
	m := sales.MarketRecord{Market: sales.Market{Code: code, Name: strings.TrimSpace(pf.Get("name")), MMID: strings.TrimSpace(pf.Get("mm_id"))}}
	if slt := splitList(pf.Get("slt")); len(slt) > 0 {
		m.SLTOwner, m.SLTMembers = slt[0], slt
	}
	for _, item := range strings.FieldsFunc(pf.Get("ssg"), func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '\n' }) {
		duty, user, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			f.Errors = map[string]string{"ssg": langOf(r).text("md.bad_duty", strings.TrimSpace(item))}
			show(http.StatusUnprocessableEntity)
			return
		}
		m.SSG = append(m.SSG, sales.MarketDuty{Duty: sales.SSGDuty(strings.TrimSpace(duty)), UserID: strings.TrimSpace(user)})
	}
	if err := con.call(r, http.MethodPut, "/v1/master/markets/"+url.PathEscape(code), m, nil); err != nil {
		con.mdRefused(w, r, err, f, sales.PermManageUsers, show)
		return
	}
	http.Redirect(w, r, "/master/markets/"+url.PathEscape(code)+"?done=save", http.StatusSeeOther)
}
