package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// Meeting packs are what the SLT's and the SSG's monthly meetings review.
// The list and a pack come from the API's /v1/packs routes (the FSF, whose
// scope is their own customers, read none); the SLT may have one generated
// now.

// packListData is what the list of packs shows.
type packListData struct {
	Packs   []sales.PackRecord
	Kind    string // the filters as given
	Month   string
	Kinds   []sales.PackKind
	Errors  map[string]string // the filters' problems
	Run     *problemForm      // the form to run a pack now; nil when the viewer may not
	Running string            // a pack still being generated, "slt 2026-05"
}

// packList lists the stored meeting packs, newest month first.
func (con *console) packList(w http.ResponseWriter, r *http.Request) {
	con.showPacks(w, r, http.StatusOK, nil)
}

// showPacks renders the list of packs with status; run is the run form as
// posted when it was refused.
func (con *console) showPacks(w http.ResponseWriter, r *http.Request, status int, run *problemForm) {
	l, q := langOf(r), r.URL.Query()
	d := packListData{Kind: q.Get("kind"), Month: q.Get("month"), Kinds: []sales.PackKind{sales.PackSLT, sales.PackSSG},
		Errors: map[string]string{}}
	if sessionOf(r).User.May(sales.PermRunPack) {
		d.Run = run
		if d.Run == nil {
			d.Run = &problemForm{ID: "run"}
		}
	}
	if s := q.Get("running"); s != "" && run == nil {
		d.Running = s
	}
	api := url.Values{}
	for _, name := range []string{"kind", "month"} {
		if s := strings.TrimSpace(q.Get(name)); s != "" {
			api.Set(name, s)
		}
	}
	err := con.call(r, http.MethodGet, "/v1/packs?"+api.Encode(), nil, &d.Packs)
	switch e, refused := err.(*sales.Error); {
	case err == nil:
	case refused && e.Code == sales.ErrInvalid:
		for _, fe := range e.Fields {
			d.Errors[fe.Field] = fe.Message
		}
		status = http.StatusUnprocessableEntity
	case refused && e.Code == sales.ErrForbidden:
		con.fail(w, r, http.StatusForbidden, "pack.forbidden")
		return
	default:
		con.failWith(w, r, err)
		return
	}
	con.render(w, r, status, "packs", l.text("pack.title"), d)
}

// runPack has a meeting pack generated now (the SLT): to the pack when it is
// ready in time, else back to the list saying it is being generated.
func (con *console) runPack(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		con.fail(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	f := &problemForm{ID: "run", Values: r.PostForm}
	var out struct {
		ID    int64          `json:"id"` // the pack, when it is ready
		Kind  sales.PackKind `json:"kind"`
		Month string         `json:"month"`
	}
	err := con.call(r, http.MethodPost, "/v1/packs", map[string]any{"kind": f.Val("kind"), "month": f.Val("month")}, &out)
	if err != nil {
		con.refused(w, r, err, f, func(status int) { con.showPacks(w, r, status, f) })
		return
	}
	if out.ID > 0 {
		http.Redirect(w, r, "/packs/"+strconv.FormatInt(out.ID, 10), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/packs?running="+url.QueryEscape(string(out.Kind)+" "+out.Month), http.StatusSeeOther)
}

// packData is what a pack's page shows.
type packData struct {
	Pack     sales.PackRecord
	Sections []tableView
	XLSX     string
}

// packPage shows a stored pack, its sections as tables; /packs/{id}.xlsx
// downloads its workbook.
func (con *console) packPage(w http.ResponseWriter, r *http.Request) {
	id, xlsx := strings.CutSuffix(chi.URLParam(r, "id"), ".xlsx")
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if xlsx {
		con.streamAPI(w, r, "/v1/packs/"+id+"?format=xlsx")
		return
	}
	l := langOf(r)
	var d packData
	if err := con.call(r, http.MethodGet, "/v1/packs/"+id, nil, &d.Pack); err != nil {
		if sales.ErrorCode(err) == sales.ErrForbidden {
			con.fail(w, r, http.StatusForbidden, "pack.forbidden")
			return
		}
		con.failWith(w, r, err)
		return
	}
	if d.Pack.Content != nil {
		for _, t := range d.Pack.Content.Tables() {
			d.Sections = append(d.Sections, l.table(t))
		}
	}
	d.XLSX = "/packs/" + id + ".xlsx"
	con.render(w, r, http.StatusOK, "pack", l.text("pack.one", l.text("pack.kind."+string(d.Pack.Kind)), d.Pack.Month), d)
}
