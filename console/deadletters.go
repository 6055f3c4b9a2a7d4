package console

import (
	"net/http"
	"net/url"

	"osb/sales"
)

// The dead letters: notifications the outbox gave up on, for those who may
// send them again (sales.PermDeadLetters). My work lists them; this page
// shows each with why it failed and a form to send it back to the outbox.

// deadLettersData is what the dead letters page shows.
type deadLettersData struct {
	Letters []sales.NotificationRecord
	Done    string // the key just sent back
	Refused string // why the last retry was refused
}

// deadLetters lists the dead letters, the newest first.
func (con *console) deadLetters(w http.ResponseWriter, r *http.Request) {
	con.showDeadLetters(w, r, http.StatusOK, "")
}

func (con *console) showDeadLetters(w http.ResponseWriter, r *http.Request, status int, refused string) {
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	if !v.User.May(sales.PermDeadLetters) {
		con.fail(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	d := deadLettersData{Done: r.URL.Query().Get("done"), Refused: refused}
	if err := con.call(r, http.MethodGet, "/v1/notifications/dead?limit=500", nil, &d.Letters); err != nil {
		con.failWith(w, r, err)
		return
	}
	if d.Refused != "" {
		d.Done = ""
	}
	con.render(w, r, status, "deadletters", langOf(r).text("dead.title"), d)
}

// retryDeadLetter sends one dead letter back to the outbox, due now.
func (con *console) retryDeadLetter(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	key := r.PostForm.Get("key")
	err := con.call(r, http.MethodPost, "/v1/notifications/"+url.PathEscape(key)+"/retry", nil, nil)
	if err != nil {
		status := refusalStatus(err)
		if _, refused := err.(*sales.Error); !refused || status >= 500 {
			con.failWith(w, r, err)
			return
		}
		con.showDeadLetters(w, r, status, err.Error())
		return
	}
	http.Redirect(w, r, "/notifications/dead?done="+url.QueryEscape(key), http.StatusSeeOther)
}
