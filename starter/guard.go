package starter

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"osb/sales"
)

// Authenticator finds the user of a bearer token: the store's Authenticate.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (sales.User, error)
}

// authOnlyStore is a Store that only authenticates: what Guard's checks read.
type authOnlyStore struct {
	Store
	auth Authenticator
}

func (s authOnlyStore) Authenticate(ctx context.Context, token string) (sales.User, error) {
	return s.auth.Authenticate(ctx, token)
}

// Guard is the API's own check for the handlers the API process serves
// beside the JSON API (the payload codec, /metrics): a bearer token as the
// API takes it, of a user whom sales.Permissions grants p, refused in the
// API's error shape otherwise. One authentication and one permission table
// for every route of the process.
func Guard(auth Authenticator, p sales.Permission, log *slog.Logger) func(http.Handler) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	a := &api{store: authOnlyStore{auth: auth}, log: log, now: time.Now, auth: newAuthCache(DefaultAuthCacheTTL, time.Now)}
	return func(next http.Handler) http.Handler { return a.authenticate(a.allow(p)(next)) }
}

// UserOf is the user Guard let through.
func UserOf(r *http.Request) sales.User { return userOf(r) }
