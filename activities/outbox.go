package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"osb/sales"
)

// OutboxStore is the notification outbox.
type OutboxStore interface {
	ClaimNotifications(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]sales.NotificationRecord, error)
	MarkDelivered(ctx context.Context, id int64, at time.Time) error
	MarkFailed(ctx context.Context, id int64, errText string, next time.Time) error
}

// Dispatcher delivers the outbox to a webhook: at least once, each with its
// de-duplication key in the Idempotency-Key header, so the receiver never acts
// twice on the same event. Several dispatchers may run: claims are leased.
type Dispatcher struct {
	Store   OutboxStore
	URL     string // "" = log only: notifications stay listable through the API
	Client  *http.Client
	Logger  *slog.Logger
	Every   time.Duration // poll interval, default 2s
	Batch   int           // default 50
	Lease   time.Duration // how long a claim is held, default 1m
	MaxWait time.Duration // longest back-off between attempts, default 1h
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	every := d.Every
	if every <= 0 {
		every = 2 * time.Second
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

// DeliverOnce claims one batch and tries each notification once; it returns
// how many were delivered.
func (d *Dispatcher) DeliverOnce(ctx context.Context) (int, error) {
	batch, lease := d.Batch, d.Lease
	if batch <= 0 {
		batch = 50
	}
	if lease <= 0 {
		lease = time.Minute
	}
	claimed, err := d.Store.ClaimNotifications(ctx, batch, time.Now(), lease)
	if err != nil {
		return 0, fmt.Errorf("claim notifications: %w", err)
	}
	delivered := 0
	for _, n := range claimed {
		if err := d.send(ctx, n); err != nil {
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

func (d *Dispatcher) send(ctx context.Context, n sales.NotificationRecord) error {
	if d.URL == "" {
		d.Logger.Info("notification", "to", n.RecipientID, "kind", n.Kind, "subject", n.Subject, "order", n.OrderNo, "key", n.Key)
		return nil
	}
	body, err := json.Marshal(n.Notification)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", n.Key)
	client := d.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
