package starter

import (
	"context"
	"net/http"
	"strings"

	"osb/sales"
)

type userKey struct{}

// signedInKey holds a user whom the process itself authenticated: the
// console's signed-in person, whose actions it sends through this API.
type signedInKey struct{}

// AsUser returns ctx carrying u as a user this process authenticated: a
// request to the API's handler with it is u's, without a bearer token, and
// meets the same permissions, scope and validation as u's own requests. Only
// code in this process can set it (the key is unexported); the console uses
// it so that a page and the API decide alike.
func AsUser(ctx context.Context, u sales.User) context.Context {
	return context.WithValue(ctx, signedInKey{}, u)
}

// authenticate lets a request through only with a valid bearer token, or a
// user set by AsUser, and puts its user in the context.
func (a *api) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := r.Context().Value(signedInKey{}).(sales.User); ok {
			noteUser(r.Context(), u.ID)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
			return
		}
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			a.fail(w, r, sales.Errorf(sales.ErrUnauthorized, "send your API token as Authorization: Bearer <token>"))
			return
		}
		u, cached := a.auth.get(token)
		var err error
		if !cached {
			u, err = a.store.Authenticate(r.Context(), token)
		}
		switch sales.ErrorCode(err) {
		case "":
			if !cached {
				a.auth.put(token, u)
			}
		case sales.ErrUnauthorized, sales.ErrNotFound, sales.ErrInvalid:
			a.fail(w, r, sales.Errorf(sales.ErrUnauthorized, "the bearer token is invalid or expired"))
			return
		default:
			a.fail(w, r, err)
			return
		}
		noteUser(r.Context(), u.ID)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

// bearerToken returns the token of an Authorization header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// userOf returns the authenticated user of the request.
func userOf(r *http.Request) sales.User {
	u, _ := r.Context().Value(userKey{}).(sales.User)
	return u
}

// actorOf is the user as the actor of what the request does: always the
// token's user, never anything the body says.
func actorOf(r *http.Request) sales.Actor {
	u := userOf(r)
	return sales.Actor{UserID: u.ID, Role: u.Role}
}

// allow lets through only users whose role sales.Permissions grants p.
func (a *api) allow(p sales.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u := userOf(r); !u.May(p) {
				a.fail(w, r, sales.Errorf(sales.ErrForbidden, "only %s may do this; you are %s", roleList(p.Roles()), u.Role))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// roleList names roles for people: "ssg, fsf or admin".
func roleList(roles []sales.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// scopeOf returns what the user of r may see: sales.ScopeFor, as the
// console decides it for the same user.
func (a *api) scopeOf(r *http.Request) (sales.Scope, error) {
	return sales.ScopeFor(r.Context(), a.store, userOf(r))
}
