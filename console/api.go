package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/starter"
)

// call sends a request to the JSON API in this process as the signed-in
// person (starter.AsUser) and decodes its answer into out (nil: ignored).
// Every action a page offers goes this way, so a form meets exactly the
// permissions, FSF scope and validation of the API route it stands for. A
// refusal comes back as the API's *sales.Error (its code, message and
// fields); anything else that fails is returned as it is.
func (con *console) call(r *http.Request, method, path string, body, out any) error {
	return con.callKeyed(r, method, path, "", body, out)
}

// apiContext is the context of an in-process call to the API: the signed-in
// person, and no routing of the console's (chi would route the API's request
// by the page's route context and change it, so a second call went astray).
func apiContext(r *http.Request) context.Context {
	return context.WithValue(starter.AsUser(r.Context(), sessionOf(r).User), chi.RouteCtxKey, (*chi.Context)(nil))
}

// callKeyed is call with an Idempotency-Key (none when ""): a form carries
// one, so that posting it twice acts once.
func (con *console) callKeyed(r *http.Request, method, path, key string, body, out any) error {
	rec, err := con.send(r, method, path, key, body)
	if err != nil || out == nil || rec.Code == http.StatusNoContent {
		return err
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		return fmt.Errorf("console: decoding the answer of %s %s: %w", method, path, err)
	}
	return nil
}

// callRaw is call for an answer passed on as it is (a download): the API's
// status, headers and body. A refusal is the API's *sales.Error, as with call.
func (con *console) callRaw(r *http.Request, method, path string, body any) (*recorder, error) {
	return con.send(r, method, path, "", body)
}

// send runs the API's handler on the request and returns its answer; an
// answer of 300 or more is an error: the API's *sales.Error when it sent
// one.
func (con *console) send(r *http.Request, method, path, key string, body any) (*recorder, error) {
	if con.api == nil {
		return nil, fmt.Errorf("console: no API to send %s %s to", method, path)
	}
	var in bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&in).Encode(body); err != nil {
			return nil, fmt.Errorf("console: encoding the body of %s %s: %w", method, path, err)
		}
	}
	req, err := http.NewRequestWithContext(apiContext(r), method, path, &in)
	if err != nil {
		return nil, fmt.Errorf("console: %s %s: %w", method, path, err)
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := &recorder{header: http.Header{}, Code: http.StatusOK}
	con.api.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		var e struct {
			Error *sales.Error `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == nil {
			return rec, fmt.Errorf("console: %s %s answered %d", method, path, rec.Code)
		}
		return rec, e.Error
	}
	return rec, nil
}

// recorder keeps the API's answer to an in-process call.
type recorder struct {
	header http.Header
	Code   int
	Body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.Code, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.Body.Write(b)
}
