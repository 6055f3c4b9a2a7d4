package codec

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"osb/sales"
)

// Authenticator finds the user of a bearer token: the store's Authenticate,
// as the JSON API uses it.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (sales.User, error)
}

// maxBody bounds a request: Temporal refuses payloads above 2 MB, and the
// Web UI sends one event's payloads at a time.
const maxBody = 8 << 20

// Handler serves Temporal's remote codec protocol at /codec/encode and
// /codec/decode (POST {"payloads":[...]} as protobuf JSON) for the bearer
// tokens auth accepts, to users who may see every order (MayDecode), and
// answers the CORS preflight of the Web UI at origin ("" = no CORS).
func Handler(c *Codec, auth Authenticator, origin string, log *slog.Logger) http.Handler {
	return &handler{codec: c, auth: auth, origin: origin, log: log}
}

type handler struct {
	codec  *Codec
	auth   Authenticator
	origin string
	log    *slog.Logger
}

// MayDecode reports whether u may have payloads decoded: the endpoint cannot
// tell which order a payload belongs to, so only roles that see every order
// (all but the FSF, whose scope is their own customers) may.
func MayDecode(u sales.User) bool { return sales.ScopeOf(u, nil).All }

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
	if !h.authorised(w, r) {
		return
	}
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

// authorised lets through a bearer token of a user who may decode, and
// answers every other request.
func (h *handler) authorised(w http.ResponseWriter, r *http.Request) bool {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		unauthorised(w, "send your API token as Authorization: Bearer <token>")
		return false
	}
	u, err := h.auth.Authenticate(r.Context(), token)
	switch sales.ErrorCode(err) {
	case "":
	case sales.ErrUnauthorized, sales.ErrNotFound, sales.ErrInvalid:
		unauthorised(w, "the bearer token is invalid or expired")
		return false
	default:
		h.log.ErrorContext(r.Context(), "codec: authentication failed", "err", err)
		w.Header().Set("Retry-After", "5")
		fail(w, http.StatusServiceUnavailable, sales.Errorf(sales.ErrUnavailable, "OSB cannot check the token just now; try again in a few seconds"))
		return false
	}
	if !MayDecode(u) {
		fail(w, http.StatusForbidden, sales.Errorf(sales.ErrForbidden, "only roles that see every order may use the codec; you are %s", u.Role))
		return false
	}
	h.log.InfoContext(r.Context(), "codec used", "user", u.ID, "path", r.URL.Path, "namespace", r.Header.Get("X-Namespace"))
	return true
}

func unauthorised(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="osb"`)
	fail(w, http.StatusUnauthorized, sales.Errorf(sales.ErrUnauthorized, "%s", msg))
}

// fail writes the API's one error shape, {"error":{"code":…,"message":…}}.
func fail(w http.ResponseWriter, status int, e *sales.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error *sales.Error `json:"error"`
	}{e})
}
