package sales

import "time"

// Session is a person signed in to the console: the user it acts as, the
// CSRF token every form of the session carries, and when it ends. ID, the
// secret the browser's cookie holds, is set only when the session is made
// (the store keeps its hash).
type Session struct {
	ID        string    `json:"-"`
	User      User      `json:"user"`
	CSRF      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Actor is the session's user as the actor of what it does.
func (s Session) Actor() Actor { return Actor{UserID: s.User.ID, Role: s.User.Role} }
