package sales

import "time"

// Token is a bearer token as it is listed: who it belongs to and how long
// it works, never its secret (only its hash is kept).
type Token struct {
	ID         int64      `json:"id"`
	UserID     string     `json:"user_id"`
	Label      string     `json:"label"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Active reports whether the token works at now: not revoked, not expired.
func (t Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// DefaultTokenTTL is how long a new bearer token works unless configured.
const DefaultTokenTTL = 90 * Day
