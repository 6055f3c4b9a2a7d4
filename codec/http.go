package codec

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"osb/sales"
	"osb/starter"
)

// Authenticator finds the user of a bearer token: the store's Authenticate.
type Authenticator = starter.Authenticator

// maxBody bounds a request: Temporal refuses payloads above 2 MB, and the
// Web UI sends one event's payloads at a time.
const maxBody = 8 << 20

// Handler serves Temporal's remote codec protocol at /codec/encode and
// /codec/decode (POST {"payloads":[...]} as protobuf JSON) for the bearer
// tokens auth accepts, to users sales.Permissions lets decode payloads
// (starter.Guard: the API's own check), and answers the CORS preflight of
// the Web UI at origin ("" = no CORS).
func Handler(c *Codec, auth Authenticator, origin string, log *slog.Logger) http.Handler {
	h := &handler{codec: c, origin: origin, log: log}
	h.guarded = starter.Guard(auth, sales.PermDecodePayloads, log)(http.HandlerFunc(h.convert))
	return h
}

type handler struct {
	codec   *Codec
	origin  string
	log     *slog.Logger
	guarded http.Handler // convert behind the API's authentication and permission check
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "" && h.origin != "" && o == h.origin {
		w.Header().Set("Access-Control-Allow-Origin", h.origin)
	}
	w.Header().Add("Vary", "Origin")
	convert := map[string]func([]*commonpb.Payload) ([]*commonpb.Payload, error){
		"/codec/encode": h.codec.Encode, "/codec/decode": h.codec.Decode}[r.URL.Path]
	switch {
	case convert == nil:
		fail(w, http.StatusNotFound, sales.Errorf(sales.ErrNotFound, "the codec serves POST /codec/encode and /codec/decode"))
		return
	case r.Method == http.MethodOptions:
		h.preflight(w, r)
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", "POST, OPTIONS")
		fail(w, http.StatusMethodNotAllowed, sales.Errorf(sales.ErrInvalid, "use POST"))
		return
	}
	h.guarded.ServeHTTP(w, r)
}

// convert encodes or decodes the posted payloads, for a user Guard let
// through.
func (h *handler) convert(w http.ResponseWriter, r *http.Request) {
	convert := map[string]func([]*commonpb.Payload) ([]*commonpb.Payload, error){
		"/codec/encode": h.codec.Encode, "/codec/decode": h.codec.Decode}[r.URL.Path]
	h.log.InfoContext(r.Context(), "codec used", "user", starter.UserOf(r).ID, "path", r.URL.Path, "namespace", r.Header.Get("X-Namespace"))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		fail(w, http.StatusBadRequest, sales.Errorf(sales.ErrInvalid, "the body cannot be read (at most %d MiB): %v", maxBody>>20, err))
		return
	}
	var in commonpb.Payloads
	if err := protojson.Unmarshal(body, &in); err != nil {
		fail(w, http.StatusBadRequest, sales.Errorf(sales.ErrInvalid, `the body is not {"payloads":[...]} as protobuf JSON: %v`, err))
		return
	}
	out, err := convert(in.Payloads)
	if err != nil {
		fail(w, http.StatusBadRequest, sales.Errorf(sales.ErrInvalid, "%v", err))
		return
	}
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: out})
	if err != nil {
		h.log.ErrorContext(r.Context(), "codec: encoding the answer failed", "err", err)
		fail(w, http.StatusInternalServerError, sales.Errorf(sales.ErrInternal, "internal error"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// preflight answers the browser's CORS question for the Web UI's origin.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request) {
	if h.origin == "" || r.Header.Get("Origin") != h.origin {
		fail(w, http.StatusForbidden, sales.Errorf(sales.ErrForbidden, "this origin may not call the codec (OSB_CODEC_CORS_ORIGIN)"))
		return
	}
	w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// fail writes the API's one error shape, {"error":{"code":…,"message":…}}.
func fail(w http.ResponseWriter, status int, e *sales.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error *sales.Error `json:"error"`
	}{e})
}
