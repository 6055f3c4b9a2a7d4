package console

import (
	"sync"
	"time"
)

// Sign-in throttling: after maxFailures wrong passwords for one user id
// within throttleWindow, that user id may not sign in for the rest of the
// window. It is per process, which with a few API processes still bounds
// guessing to a few dozen tries per hour.
const (
	maxFailures    = 5
	throttleWindow = 15 * time.Minute
	throttleMax    = 10_000 // user ids remembered at most
)

type throttle struct {
	now func() time.Time

	mu    sync.Mutex
	users map[string]failures
}

type failures struct {
	count int
	since time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, users: make(map[string]failures)}
}

// blocked returns how long user may not try again (zero: may try).
func (t *throttle) blocked(user string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.users[user]
	if !ok {
		return 0
	}
	left := throttleWindow - t.now().Sub(f.since)
	if left <= 0 {
		delete(t.users, user)
		return 0
	}
	if f.count < maxFailures {
		return 0
	}
	return left
}

// failed counts a wrong password for user.
func (t *throttle) failed(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f, ok := t.users[user]
	if !ok || now.Sub(f.since) >= throttleWindow {
		if len(t.users) >= throttleMax {
			clear(t.users)
		}
		f = failures{since: now}
	}
	f.count++
	t.users[user] = f
}

// succeeded forgets user's failures.
func (t *throttle) succeeded(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.users, user)
}
