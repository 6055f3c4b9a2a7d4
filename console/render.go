package console

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"osb/sales"
)

// pages are the console's templates: each page is the layout with the
// page's "content" (and the partials) beside it.
type pages map[string]*template.Template

// pageNames are the pages in templates/, one file each.
var pageNames = []string{"signin", "mywork", "orders", "order", "reports", "report", "packs", "pack", "problems", "neworder", "customers", "customer", "quota", "deadletters", "error"}

func mustParsePages() pages {
	funcs := template.FuncMap{"money": money, "dateTime": anyTime(dateTime), "date": anyTime(date), "dict": dict,
		"ptr": func(t time.Time) *time.Time { return &t }, "list": func(s ...string) []string { return s },
		"add": func(a, b int) int { return a + b }}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	p := make(pages, len(pageNames))
	for _, name := range pageNames {
		p[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return p
}

// view is what every template gets: the page's data and what the layout
// needs, with the language's helpers as methods.
type view struct {
	lang    lang
	Title   string
	Session *sales.Session
	CSRF    string // the session's, for the forms of the page
	Path    *url.URL
	Now     time.Time
	Data    any
}

// T returns the message key in the page's language.
func (v view) T(key string, args ...any) string { return v.lang.text(key, args...) }

// Lang is the page's language tag.
func (v view) Lang() string { return v.lang.code() }

// LangLink is the current page in another language.
func (v view) LangLink(code string) string {
	q := v.Path.Query()
	q.Set("lang", code)
	return v.Path.Path + "?" + q.Encode()
}

// IsLang reports whether the page is in the language code.
func (v view) IsLang(code string) bool { l, _ := parseLang(code); return l == v.lang }

// Late says how long ago deadline passed ("—" when it has not).
func (v view) Late(deadline *time.Time) string { return v.lang.lateness(deadline, v.Now) }

// IsLate reports whether deadline has passed.
func (v view) IsLate(deadline *time.Time) bool { return deadline != nil && v.Now.After(*deadline) }

// Status names an order status.
func (v view) Status(s sales.OrderStatus) string { return v.lang.text("status." + string(s)) }

// Level names an escalation level.
func (v view) Level(l sales.Level) string { return v.lang.text("level." + strconv.Itoa(int(l))) }

// Role names a role.
func (v view) Role(r sales.Role) string { return v.lang.text("role." + string(r)) }

// Step names a step, e.g. "SP1 发运计划".
func (v view) Step(s sales.Step) string {
	info, ok := s.Info()
	if !ok {
		return string(s)
	}
	if v.lang == en {
		return string(s) + " " + info.Name
	}
	return string(s) + " " + info.Local
}

// StepName is a step's name alone, e.g. "发运计划".
func (v view) StepName(s sales.Step) string {
	info, ok := s.Info()
	switch {
	case !ok:
		return string(s)
	case v.lang == en:
		return info.Name
	}
	return info.Local
}

// StepOwner names the role owning a step.
func (v view) StepOwner(s sales.Step) string {
	info, ok := s.Info()
	if !ok {
		return ""
	}
	return v.Role(info.Owner)
}

// render writes page with data under title (in the page's language).
func (con *console) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	v := view{lang: langOf(r), Title: title, Session: sessionOf(r), Path: r.URL, Now: con.now(), Data: data}
	if v.Session != nil {
		v.CSRF = v.Session.CSRF
	}
	var b bytes.Buffer
	if err := con.pages[page].ExecuteTemplate(&b, "layout.html", v); err != nil {
		con.log.ErrorContext(r.Context(), "console: rendering failed", "page", page, "err", err)
		http.Error(w, v.T("error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// fail shows the error page with the message key.
func (con *console) fail(w http.ResponseWriter, r *http.Request, status int, key string) {
	l := langOf(r)
	con.render(w, r, status, "error", l.text("error.title"), l.text(key))
}

// failWith shows the error page for err: not found, or a logged failure.
func (con *console) failWith(w http.ResponseWriter, r *http.Request, err error) {
	if sales.ErrorCode(err) == sales.ErrNotFound {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	con.log.ErrorContext(r.Context(), "console: a page failed", "path", r.URL.Path, "err", err)
	con.fail(w, r, http.StatusServiceUnavailable, "error.unavailable")
}

// anyTime lets a template format a time.Time or a *time.Time (nil: empty).
func anyTime(format func(time.Time) string) func(any) string {
	return func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return format(t)
		case *time.Time:
			if t != nil {
				return format(*t)
			}
		}
		return ""
	}
}

// dict makes a map of key, value pairs, to hand a partial more than one
// value.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict takes key, value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict keys are strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
