package starter

import (
	"crypto/sha256"
	"sync"
	"time"

	"osb/sales"
)

// DefaultAuthCacheTTL is how long the API trusts a token it checked: every
// request of an order's cycle would otherwise read the token from the store.
// A revoked or expired token, or a user's changed role, takes effect within it.
const DefaultAuthCacheTTL = 10 * time.Second

// authCacheMax bounds the cache; when full, expired entries are dropped
// first, then all of them.
const authCacheMax = 10_000

// authCache remembers the users of tokens the store accepted, for a while.
// Refusals are never remembered, so a new token works at once.
type authCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[[sha256.Size]byte]authEntry
}

type authEntry struct {
	user    sales.User
	expires time.Time
}

func newAuthCache(ttl time.Duration, now func() time.Time) *authCache {
	return &authCache{ttl: ttl, now: now, entries: make(map[[sha256.Size]byte]authEntry)}
}

// get returns the user of token if it was accepted less than ttl ago.
func (c *authCache) get(token string) (sales.User, bool) {
	if c.ttl <= 0 {
		return sales.User{}, false
	}
	key := sha256.Sum256([]byte(token))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !c.now().Before(e.expires) {
		return sales.User{}, false
	}
	return e.user, true
}

// put remembers that token belongs to u.
func (c *authCache) put(token string, u sales.User) {
	if c.ttl <= 0 {
		return
	}
	key := sha256.Sum256([]byte(token))
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= authCacheMax {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= authCacheMax {
			clear(c.entries)
		}
	}
	c.entries[key] = authEntry{user: u, expires: now.Add(c.ttl)}
}
