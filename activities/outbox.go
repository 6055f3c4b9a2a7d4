package activities

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"osb/sales"
)

// OutboxStore is the notification outbox.
type OutboxStore interface {
	ClaimNotifications(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]sales.NotificationRecord, error)
	MarkDelivered(ctx context.Context, id int64, at time.Time) error
	MarkFailed(ctx context.Context, id int64, errText string, next time.Time) error
	MarkDead(ctx context.Context, id int64, errText string, at time.Time) error
}

// Webhook request headers besides Idempotency-Key: when the dispatcher has a
// signing secret, every request carries the Unix time it was signed at and
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
const (
	HeaderTimestamp = "X-OSB-Timestamp"
	HeaderSignature = "X-OSB-Signature"
)

// Defaults of the Dispatcher.
const (
	DefaultSendTimeout = 10 * time.Second
	DefaultMaxAttempts = 20 // with the back-off, about 11 hours of trying
	// leaseMargin is what a claim's lease adds to the batch's worst case, for
	// the claim and the marks.
	leaseMargin = 30 * time.Second
)

// Dispatcher delivers the outbox to a webhook: at least once, each with its
// de-duplication key in the Idempotency-Key header, so the receiver never acts
// twice on the same event. Several dispatchers may run: claims are leased for
// at least as long as trying the whole batch can take. A notification that
// fails MaxAttempts times becomes a dead letter.
type Dispatcher struct {
	Store  OutboxStore
	URL    string // "" = log only: notifications stay listable through the API
	Client *http.Client
	Logger *slog.Logger
	// SigningSecret signs every webhook request (HMAC-SHA256 over the
	// timestamp and the body, see docs/notifications.md); "" = unsigned.
	SigningSecret string
	Every         time.Duration // poll interval, default 2s
	Batch         int           // default 50
	SendTimeout   time.Duration // longest wait for the webhook per notification, default DefaultSendTimeout
	// Lease is how long a claim is held; it is raised to the batch's worst
	// case, Batch × SendTimeout + a margin, when shorter.
	Lease       time.Duration
	MaxWait     time.Duration // longest back-off between attempts, default 1h
	MaxAttempts int           // attempts before a dead letter, default DefaultMaxAttempts
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	every := d.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	if d.URL != "" && d.SigningSecret == "" {
		d.Logger.Warn("webhook requests are not signed: the receiver cannot tell them from forgeries; set a signing secret")
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := d.DeliverOnce(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Warn("outbox delivery failed", "error", err)
		} else if n > 0 {
			d.Logger.Debug("outbox delivered", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Dispatcher) batch() int {
	if d.Batch <= 0 {
		return 50
	}
	return d.Batch
}

func (d *Dispatcher) sendTimeout() time.Duration {
	if d.SendTimeout <= 0 {
		return DefaultSendTimeout
	}
	return d.SendTimeout
}

func (d *Dispatcher) maxAttempts() int {
	if d.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return d.MaxAttempts
}

// lease is how long a claim is held: never shorter than trying every
// notification of a batch to its timeout, so no other dispatcher claims one
// again while this one may still send it.
func (d *Dispatcher) lease() time.Duration {
	return max(d.Lease, time.Duration(d.batch())*d.sendTimeout()+leaseMargin)
}

// DeliverOnce claims one batch and tries each notification once; it returns
// how many were delivered. It stops early when what is left of the lease
// could not cover one more send: the rest is claimed again once it ends.
func (d *Dispatcher) DeliverOnce(ctx context.Context) (int, error) {
	lease, timeout := d.lease(), d.sendTimeout()
	claimedAt := time.Now()
	claimed, err := d.Store.ClaimNotifications(ctx, d.batch(), claimedAt, lease)
	if err != nil {
		return 0, fmt.Errorf("claim notifications: %w", err)
	}
	leaseEnds := claimedAt.Add(lease)
	delivered := 0
	for i, n := range claimed {
		if time.Until(leaseEnds) < timeout {
			d.Logger.Warn("outbox lease running out: the rest of the batch waits for the next claim", "left", len(claimed)-i)
			break
		}
		if n.Attempts > d.maxAttempts() { // its last attempt never finished
			if err := d.giveUp(ctx, n, ""); err != nil {
				return delivered, err
			}
			continue
		}
		if err := d.send(ctx, n, timeout); err != nil {
			if n.Attempts >= d.maxAttempts() {
				if err := d.giveUp(ctx, n, err.Error()); err != nil {
					return delivered, err
				}
				continue
			}
			next := time.Now().Add(d.backoff(n.Attempts))
			d.Logger.Warn("notification not delivered", "id", n.ID, "key", n.Key, "attempt", n.Attempts, "next", next, "error", err)
			if err := d.Store.MarkFailed(ctx, n.ID, err.Error(), next); err != nil {
				return delivered, fmt.Errorf("mark notification %d failed: %w", n.ID, err)
			}
			continue
		}
		if err := d.Store.MarkDelivered(ctx, n.ID, time.Now()); err != nil {
			return delivered, fmt.Errorf("mark notification %d delivered: %w", n.ID, err)
		}
		delivered++
	}
	return delivered, nil
}

// giveUp makes n a dead letter; why is its last error ("" keeps the stored one).
func (d *Dispatcher) giveUp(ctx context.Context, n sales.NotificationRecord, why string) error {
	d.Logger.Error("notification is a dead letter: retry it through the API once the webhook is fixed",
		"id", n.ID, "key", n.Key, "attempts", n.Attempts, "error", why)
	if err := d.Store.MarkDead(ctx, n.ID, why, time.Now()); err != nil {
		return fmt.Errorf("mark notification %d dead: %w", n.ID, err)
	}
	return nil
}

func (d *Dispatcher) backoff(attempts int) time.Duration {
	maxWait := d.MaxWait
	if maxWait <= 0 {
		maxWait = time.Hour
	}
	wait := 5 * time.Second
	for i := 1; i < attempts && wait < maxWait; i++ {
		wait *= 2
	}
	return min(wait, maxWait)
}

// send posts n to the webhook within timeout. Its error never contains the
// webhook's URL, which may hold a secret: it is stored and logged.
func (d *Dispatcher) send(ctx context.Context, n sales.NotificationRecord, timeout time.Duration) error {
	if d.URL == "" {
		d.Logger.Info("notification", "to", n.RecipientID, "kind", n.Kind, "subject", n.Subject, "order", n.OrderNo, "key", n.Key)
		return nil
	}
	body, err := json.Marshal(n.Notification)
	if err != nil {
		return fmt.Errorf("encode notification: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return d.redact(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", n.Key)
	if d.SigningSecret != "" {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, SignWebhook(d.SigningSecret, ts, body))
	}
	resp, err := d.client(timeout).Do(req)
	if err != nil {
		return d.redact(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return fmt.Errorf("webhook answered %s: redirects are not followed, configure the final address", resp.Status)
	case resp.StatusCode >= 400 || resp.StatusCode < 200:
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// client is the configured client (or one with timeout) that never follows
// a redirect: a notification and its signature go to the configured address
// only.
func (d *Dispatcher) client(timeout time.Duration) *http.Client {
	c := http.Client{Timeout: timeout}
	if d.Client != nil {
		c = *d.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// redact returns err without the webhook's URL: the *url.Error the client
// wraps every failure in is dropped, and any other mention is replaced.
func (d *Dispatcher) redact(err error) error {
	msg := err.Error()
	if ue, ok := errors.AsType[*url.Error](err); ok {
		msg = strings.ToLower(ue.Op) + " to webhook: " + ue.Err.Error()
	}
	urls := []string{d.URL}
	if u, err := url.Parse(d.URL); err == nil {
		urls = append(urls, u.String(), u.Redacted())
	}
	for _, s := range urls {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "<webhook>")
		}
	}
	return errors.New(msg)
}

// SignWebhook returns the X-OSB-Signature value of body sent with the
// X-OSB-Timestamp value ts: "sha256=" and the hex HMAC-SHA256 of
// ts + "." + body under secret.
func SignWebhook(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
