package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// flushRetry is how long a failed write of the order waits before it is tried
// again; the pending changes stay in the state meanwhile.
const flushRetry = time.Minute

// flush writes what changed to the store in one local activity and mirrors
// the status into search attributes and memo.
func (r *orderRun) flush() error {
	s := r.s
	if r.dirty {
		s.Pending.Order = r.snapshot()
		r.dirty = false
	}
	if !s.Pending.Empty() {
		// Take the batch out first: handlers may add to Pending while the
		// write is in flight, and those additions must not be lost.
		batch := s.Pending
		s.Pending = sales.OrderChanges{}
		err := r.local(r.ctx, ActivitySyncOrder, batch, nil)
		if err == nil && batch.Order != nil {
			s.Written = written(s.Written, batch.Order)
		}
		if err != nil && !isBusinessError(err) {
			workflow.GetLogger(r.ctx).Warn("writing order to the store failed; retrying", "order", s.OrderNo, "error", err)
			s.Pending = batch.Merge(s.Pending)
			r.retryAt = r.now.Add(flushRetry)
			return nil
		}
		if err != nil {
			return err
		}
		r.retryAt = time.Time{}
	}
	return r.upsertAttributes()
}

func isBusinessError(err error) bool {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return false
	}
	switch app.Type() {
	case sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict:
		return true
	}
	return false
}

func (r *orderRun) snapshot() *sales.OrderSnapshot {
	s := r.s
	snap := &sales.OrderSnapshot{
		OrderNo: s.OrderNo, Version: s.Seq, CustomerID: s.CustomerID, Market: s.Market, KAMID: s.Ladder.KAM,
		ClientRef: s.ClientRef, Currency: s.Currency, Total: s.Total(), Status: s.Status, Step: s.Step,
		Level: s.Level, Unbilled: s.Unbilled(), Outstanding: s.Outstanding(), RequestedDate: s.RequestedDate,
		CreatedBy: s.CreatedBy.UserID, CreatedAt: s.CreatedAt, UpdatedAt: r.now, ClosedAt: s.ClosedAt,
		Lines: s.Lines, Shipments: s.Shipments, Invoices: s.Invoices, Receipts: s.Receipts,
	}
	snap.Shipped = snap.ShippedByLine()
	changedOnly(snap, s.Written)
	if s.Hold != nil {
		snap.HoldReason = s.Hold.Reason
	}
	if at, ok := r.nextDeadline(false); ok {
		snap.NextDeadline = &at
	}
	return snap
}

// upsertAttributes writes the search attributes that changed since the last
// write, so the Web UI filters see the order where it is.
func (r *orderRun) upsertAttributes() error {
	s := r.s
	want := savedAttrs{Status: string(s.Status), Step: string(s.Step), Level: int64(s.Level), Outstanding: int64(s.Outstanding())}
	if at, ok := r.nextDeadline(false); ok {
		want.Deadline = at.UTC()
	}
	old := s.SA
	identity := old == (savedAttrs{})
	if r.code >= 1 {
		want.Identity, identity = true, !old.Identity
	}
	var upd []temporal.SearchAttributeUpdate
	if want.Status != old.Status {
		upd = append(upd, SAOrderStatus.ValueSet(want.Status))
	}
	if want.Step != old.Step {
		upd = append(upd, SAStep.ValueSet(want.Step), SAStage.ValueSet(string(s.Step.Stage())))
	}
	if want.Level != old.Level {
		upd = append(upd, SAEscalationLevel.ValueSet(want.Level))
	}
	if want.Outstanding != old.Outstanding {
		upd = append(upd, SAAmountOutstanding.ValueSet(want.Outstanding))
	}
	if !want.Deadline.Equal(old.Deadline) {
		if want.Deadline.IsZero() {
			upd = append(upd, SANextDeadline.ValueUnset())
		} else {
			upd = append(upd, SANextDeadline.ValueSet(want.Deadline))
		}
	}
	if identity {
		upd = append(upd, SAOrderNo.ValueSet(s.OrderNo), SACustomerID.ValueSet(s.CustomerID),
			SAMarket.ValueSet(s.Market), SAKAM.ValueSet(s.Ladder.KAM))
	}
	if r.code >= 1 {
		// Each upsert is a write of the visibility record: the search
		// attributes change at every step, the memo only with the total.
		if len(upd) > 0 {
			s.SA = want
			if err := workflow.UpsertTypedSearchAttributes(r.ctx, upd...); err != nil {
				return err
			}
		}
		return r.upsertMemo()
	}
	if len(upd) == 0 {
		return nil
	}
	s.SA = want
	if err := workflow.UpsertTypedSearchAttributes(r.ctx, upd...); err != nil {
		return err
	}
	if want.Status == old.Status && (r.memoOnStatusOnly || want.Step == old.Step) {
		return nil
	}
	// The memo changes with the status only: every visibility write costs the
	// server, and the step is in the search attributes already.
	return workflow.UpsertMemo(r.ctx, map[string]any{
		"customer": s.CustomerName, "status": string(s.Status),
		"total": s.Total().String() + " " + string(s.Currency),
	})
}

// upsertMemo writes the memo when what it shows changed: the customer, the
// total and the currency (status and step are search attributes).
func (r *orderRun) upsertMemo() error {
	s := r.s
	if s.CustomerName == "" {
		return nil // OP1 has not read the customer: nothing to show yet
	}
	want := memoAttrs{CustomerName: s.CustomerName, TotalFen: int64(s.Total()), Currency: string(s.Currency)}
	if s.Memo != nil && *s.Memo == want {
		return nil
	}
	s.Memo = &want
	return workflow.UpsertMemo(r.ctx, map[string]any{
		"customer_name": want.CustomerName, "total_fen": want.TotalFen, "currency": want.Currency,
	})
}

// changedOnly leaves in snap the lines, shipments, invoices and receipts
// that differ from what was last written: most steps change one of them, and
// each costs a statement.
func changedOnly(snap *sales.OrderSnapshot, last map[string]uint64) {
	if len(last) == 0 {
		return
	}
	keep := func(key string, v any) bool { return last[key] != hashOf(v) }
	snap.Lines = filter(snap.Lines, func(l sales.Line) bool { return keep(lineKey(l, snap.Shipped)) })
	snap.Shipments = filter(snap.Shipments, func(sh sales.Shipment) bool { return keep("shipment/"+sh.No, sh) })
	snap.Invoices = filter(snap.Invoices, func(inv sales.Invoice) bool { return keep("invoice/"+inv.No, inv) })
	snap.Receipts = filter(snap.Receipts, func(rc sales.Receipt) bool { return keep("receipt/"+rc.Reference, rc) })
}

// written returns last with the hashes of what snap carried, now stored.
func written(last map[string]uint64, snap *sales.OrderSnapshot) map[string]uint64 {
	out := make(map[string]uint64, len(last)+len(snap.Lines)+len(snap.Shipments)+len(snap.Invoices)+len(snap.Receipts))
	// A copy: the order of iteration does not matter.
	//workflowcheck:ignore
	for k, v := range last {
		out[k] = v
	}
	for _, l := range snap.Lines {
		k, v := lineKey(l, snap.Shipped)
		out[k] = hashOf(v)
	}
	for _, sh := range snap.Shipments {
		out["shipment/"+sh.No] = hashOf(sh)
	}
	for _, inv := range snap.Invoices {
		out["invoice/"+inv.No] = hashOf(inv)
	}
	for _, rc := range snap.Receipts {
		out["receipt/"+rc.Reference] = hashOf(rc)
	}
	return out
}

// lineKey is a line's key and what is written of it: the line and its
// shipped quantity.
func lineKey(l sales.Line, shipped map[int]int64) (string, any) {
	return fmt.Sprintf("line/%d", l.LineNo), struct {
		Line    sales.Line
		Shipped int64
	}{l, shipped[l.LineNo]}
}

// hashOf hashes v's JSON encoding, which is deterministic for the plain
// records it is given (struct fields in order, map keys sorted).
//
//workflowcheck:ignore
func hashOf(v any) uint64 {
	b, err := json.Marshal(v)
	if err != nil {
		return 0 // never equal to a stored hash of a written value: written again
	}
	h := fnv.New64a()
	_, _ = h.Write(b)
	return h.Sum64()
}

func filter[T any](in []T, keep func(T) bool) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
