package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"osb/sales"
)

// Cookies of the console.
const (
	sessionCookie = "osb_session" // the session's secret id
	signInCookie  = "osb_signin"  // the sign-in form's CSRF token (no session yet)
	csrfField     = "csrf"        // the form field every POST carries
)

type sessionKey struct{}

// sessionOf returns the request's session, nil when nobody is signed in.
func sessionOf(r *http.Request) *sales.Session {
	s, _ := r.Context().Value(sessionKey{}).(*sales.Session)
	return s
}

// loadSession puts the session of the request's cookie in its context; an
// unknown or ended session counts as none.
func (con *console) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		s, err := con.store.Session(r.Context(), c.Value, con.now(), con.idle)
		switch sales.ErrorCode(err) {
		case "":
			r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, &s))
		case sales.ErrUnauthorized:
			con.clearCookie(w, sessionCookie)
		default:
			con.log.ErrorContext(r.Context(), "console: reading the session failed", "err", err)
			con.fail(w, r, http.StatusServiceUnavailable, "error.unavailable")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireSignIn sends a person who is not signed in to the sign-in page,
// coming back to where they were going.
func (con *console) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessionOf(r) == nil {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkCSRF refuses every POST whose form does not carry the CSRF token of
// its session (or, for signing in, of the sign-in cookie) with 403.
func (con *console) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		want := ""
		if s := sessionOf(r); s != nil {
			want = s.CSRF
		} else if c, err := r.Cookie(signInCookie); err == nil && r.URL.Path == "/signin" {
			want = c.Value
		}
		got := r.PostFormValue(csrfField)
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			con.log.WarnContext(r.Context(), "console: a POST without its CSRF token was refused", "path", r.URL.Path)
			con.fail(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// signInData is what the sign-in page shows.
type signInData struct {
	CSRF      string // the sign-in cookie's
	Next      string
	User      string
	UserError string // beside the user field
	PassError string // beside the password field
	Error     string // above the form
}

// signInPage shows the sign-in form with a fresh CSRF token in a cookie of
// its own: nobody has a session yet.
func (con *console) signInPage(w http.ResponseWriter, r *http.Request) {
	if sessionOf(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	d := signInData{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Has("ended") {
		d.Error = langOf(r).text("signin.ended")
	}
	con.showSignIn(w, r, http.StatusOK, d)
}

func (con *console) showSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: token, Path: "/signin", MaxAge: 3600,
		Secure: con.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	d.CSRF = token
	con.render(w, r, status, "signin", langOf(r).text("signin.title"), d)
}

// signIn checks the user id and password and starts a session.
func (con *console) signIn(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	d := signInData{Next: safeNext(r.PostFormValue("next")), User: strings.TrimSpace(r.PostFormValue("user"))}
	password := r.PostFormValue("password")
	if d.User == "" {
		d.UserError = l.text("signin.required")
	}
	if password == "" {
		d.PassError = l.text("signin.required")
	}
	if d.UserError != "" || d.PassError != "" {
		con.showSignIn(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if wait := con.signins.blocked(d.User); wait > 0 {
		d.Error = l.text("signin.throttled", int((wait+time.Minute-1)/time.Minute))
		con.showSignIn(w, r, http.StatusTooManyRequests, d)
		return
	}
	u, hash, err := con.store.PasswordHash(r.Context(), d.User)
	switch sales.ErrorCode(err) {
	case "", sales.ErrUnauthorized:
	default:
		con.log.ErrorContext(r.Context(), "console: reading a password failed", "err", err)
		con.fail(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	if !CheckPassword(hash, password) || err != nil {
		con.signins.failed(d.User)
		con.log.InfoContext(r.Context(), "console: sign-in refused", "user", d.User)
		d.Error = l.text("signin.failed")
		con.showSignIn(w, r, http.StatusUnauthorized, d)
		return
	}
	con.signins.succeeded(d.User)
	s, err := con.store.CreateSession(r.Context(), u.ID, con.now(), con.ttl)
	if err != nil {
		con.log.ErrorContext(r.Context(), "console: creating a session failed", "err", err)
		con.fail(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.ID, Path: "/", Expires: s.ExpiresAt,
		Secure: con.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	con.clearCookie(w, signInCookie)
	con.log.InfoContext(r.Context(), "console: signed in", "user", u.ID, "role", u.Role)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// signOut ends the session.
func (con *console) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := con.store.DeleteSession(r.Context(), c.Value); err != nil {
			con.log.ErrorContext(r.Context(), "console: ending a session failed", "err", err)
			con.fail(w, r, http.StatusServiceUnavailable, "error.unavailable")
			return
		}
	}
	con.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func (con *console) clearCookie(w http.ResponseWriter, name string) {
	path := "/"
	if name == signInCookie {
		path = "/signin"
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
		Secure: con.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// safeNext is where to go after signing in: a path of this site, never
// another site (//host or a scheme).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails; see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b)
}
