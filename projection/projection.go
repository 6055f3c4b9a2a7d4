// Package projection rebuilds the store's record of orders from their
// workflows. While an order is open its workflow is the truth and
// PostgreSQL a projection of it; after PostgreSQL is restored from a
// backup, the store is behind. Every order's workflow that Temporal still
// has (running, or closed within the namespace's retention) answers its
// whole record (workflows.QueryRecord), and writing it is idempotent, so
// Rebuild can be run at any time, as often as needed.
package projection

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"osb/sales"
)

// Source lists the orders whose workflows Temporal still has and answers
// each one's whole record.
type Source interface {
	OrderNos(ctx context.Context) ([]string, error)
	Record(ctx context.Context, orderNo string) (sales.OrderChanges, error)
}

// Store is where the record is written.
type Store interface {
	Order(ctx context.Context, orderNo string) (sales.OrderSnapshot, error)
	ApplyOrderChanges(ctx context.Context, c sales.OrderChanges) error
}

// Change is what a rebuild did to one order's record.
type Change struct {
	OrderNo string `json:"order_no"`
	// What: "added" (the store did not have the order), or the fields that
	// differed, e.g. "status released→billed, invoices 0→1".
	What string `json:"what"`
}

// Report is what a rebuild found and did.
type Report struct {
	Orders    int      `json:"orders"`
	Added     int      `json:"added"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Changes   []Change `json:"changes,omitempty"`
	// Failed are orders whose record could not be read or written; the
	// rest were rebuilt all the same.
	Failed []Change `json:"failed,omitempty"`
}

// Rebuild writes the whole record of every order src knows to st and
// reports what it changed. An order that fails is reported and skipped;
// only a failure to list the orders ends it early.
func Rebuild(ctx context.Context, src Source, st Store, log *slog.Logger) (Report, error) {
	var rep Report
	nos, err := src.OrderNos(ctx)
	if err != nil {
		return rep, fmt.Errorf("rebuild: listing the orders: %w", err)
	}
	for _, no := range nos {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Orders++
		change, err := rebuildOne(ctx, src, st, no)
		switch {
		case err != nil:
			rep.Failed = append(rep.Failed, Change{OrderNo: no, What: err.Error()})
			log.Warn("rebuild: order skipped", "order", no, "error", err)
		case change == "":
			rep.Unchanged++
		case change == "added":
			rep.Added++
			rep.Changes = append(rep.Changes, Change{OrderNo: no, What: change})
		default:
			rep.Updated++
			rep.Changes = append(rep.Changes, Change{OrderNo: no, What: change})
		}
	}
	log.Info("rebuild done", "orders", rep.Orders, "added", rep.Added, "updated", rep.Updated,
		"unchanged", rep.Unchanged, "failed", len(rep.Failed))
	return rep, nil
}

// rebuildOne writes one order's record and says what changed ("" nothing).
func rebuildOne(ctx context.Context, src Source, st Store, no string) (string, error) {
	rec, err := src.Record(ctx, no)
	if err != nil {
		return "", fmt.Errorf("reading the record of %s from its workflow: %w", no, err)
	}
	if rec.Order == nil || rec.Order.OrderNo != no {
		return "", fmt.Errorf("the workflow of %s answered no record of it", no)
	}
	before, err := st.Order(ctx, no)
	found := err == nil
	if err != nil && sales.ErrorCode(err) != sales.ErrNotFound {
		return "", fmt.Errorf("reading %s from the store: %w", no, err)
	}
	if err := st.ApplyOrderChanges(ctx, rec); err != nil {
		return "", fmt.Errorf("writing the record of %s: %w", no, err)
	}
	if !found {
		return "added", nil
	}
	return diff(before, *rec.Order), nil
}

// diff names what differs between the stored order and its record.
func diff(was, is sales.OrderSnapshot) string {
	var d []string
	note := func(field string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			d = append(d, fmt.Sprintf("%s %v→%v", field, a, b))
		}
	}
	note("version", was.Version, is.Version)
	note("status", was.Status, is.Status)
	note("step", was.Step, is.Step)
	note("escalation_level", was.Level, is.Level)
	note("outstanding", was.Outstanding, is.Outstanding)
	note("unbilled", was.Unbilled, is.Unbilled)
	note("lines", len(was.Lines), len(is.Lines))
	note("shipments", len(was.Shipments), len(is.Shipments))
	note("invoices", len(was.Invoices), len(is.Invoices))
	note("receipts", len(was.Receipts), len(is.Receipts))
	return strings.Join(d, ", ")
}
