package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// flushRetry is how long a failed write of the order waits before it is tried
// again the first time; each failure after doubles the wait, up to
// flushRetryMax. The pending changes stay in the bookkeeping meanwhile.
const (
	flushRetry    = time.Minute
	flushRetryMax = time.Hour
)

// flush writes what changed to the store in one local activity and mirrors
// the status into search attributes and memo.
func (r *orderRun) flush() error {
	b := r.b
	if r.dirty {
		b.Pending.Order = r.snapshot()
		b.Pending.Resume = r.resume(b.Pending.Order)
		r.dirty = false
	}
	if !b.Pending.Empty() && !r.now.Before(r.retryAt) {
		// Take the batch out first: handlers may add to Pending while the
		// write is in flight, and those additions must not be lost.
		batch := b.Pending
		b.Pending = sales.OrderChanges{}
		if err := SyncOrder.try(r, r.ctx, batch); err != nil {
			// No store error fails the order, whatever its kind: the
			// changes wait and the write is tried again.
			b.Pending = batch.Merge(b.Pending)
			r.behind(err)
			return nil
		}
		if batch.Order != nil {
			b.Written = written(b.Written, batch.Order)
		}
		if b.Lag != nil {
			workflow.GetLogger(r.ctx).Info("the order's record caught up", "order", r.s.OrderNo,
				"behind_since", b.Lag.Since, "attempts", b.Lag.Attempts)
			b.Lag = nil
		}
		r.retryAt = time.Time{}
	}
	return r.upsertAttributes()
}

// behind notes that the write of the order failed with err: it is tried
// again after a back-off that doubles with each failure, and the first
// failure files an OSB problem (once; until the filing itself passes).
func (r *orderRun) behind(err error) {
	lag := r.b.Lag
	if lag == nil {
		lag = &StoreLag{Since: r.now}
		r.b.Lag = lag
	}
	lag.Attempts++
	lag.Error = clip(causeOf(err), 500)
	wait := min(flushRetry<<min(lag.Attempts-1, 8), flushRetryMax)
	r.retryAt = r.now.Add(wait)
	workflow.GetLogger(r.ctx).Warn("writing the order to the store failed; its changes wait", "order", r.s.OrderNo,
		"attempts", lag.Attempts, "retry_in", wait, "error", err)
	if lag.Reported {
		return
	}
	s := r.s
	f := sales.ProblemFiling{
		Key:        fmt.Sprintf("%s/store_behind/%d", s.OrderNo, lag.Since.Unix()),
		Department: sales.DeptSales, Source: sales.SourceStoreBehind, OrderNo: s.OrderNo, CustomerID: s.CustomerID,
		Title:  fmt.Sprintf("The record of order %s in the store is behind its workflow", s.OrderNo),
		Detail: fmt.Sprintf("Writes fail since %s: %s. OSB tries again by itself; lists and reports show the order as it was.", lag.Since.In(sales.Beijing).Format(time.DateTime), lag.Error),
		Step:   s.Step, Owner: "dept:admin", CreatedBy: sales.System.UserID, At: r.now,
	}
	if err := ReportStoreLag.try(r, r.ctx, f); err != nil {
		workflow.GetLogger(r.ctx).Warn("filing the problem of the order's record failed; tried again at the next failure", "order", s.OrderNo, "error", err)
		return
	}
	lag.Reported = true
}

// causeOf is what an activity's error says, without the activity's wrapping.
func causeOf(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// resume is the reopen input of a remitted order that still takes returns,
// as it will stand once snap is written (nil for any other order): Temporal
// keeps a closed run only for the namespace's retention, the store keeps
// this for the return window.
func (r *orderRun) resume(snap *sales.OrderSnapshot) json.RawMessage {
	in := r.reopenInput()
	if in == nil {
		return nil
	}
	// As the bookkeeping will stand once this write and its upsert are
	// done: the new run starts with these search attributes and memo.
	book := *in.Book
	book.Pending = sales.OrderChanges{}
	book.Written = written(book.Written, snap)
	memo := r.wantMemo()
	book.SA, book.Memo = r.wantAttrs(), &memo
	in.Book = &book
	b, err := EncodeResume(*in)
	if err != nil {
		panic(fmt.Sprintf("order %s: encoding the reopen input: %v", r.s.OrderNo, err))
	}
	return b
}

// snapshot is the order's header with the lines, shipments, invoices and
// receipts that changed since the last write.
func (r *orderRun) snapshot() *sales.OrderSnapshot {
	snap := r.fullSnapshot()
	changedOnly(snap, r.b.Written)
	return snap
}

// fullSnapshot is the order's header with all its lines, shipments,
// invoices and receipts.
func (r *orderRun) fullSnapshot() *sales.OrderSnapshot {
	s := r.s
	snap := &sales.OrderSnapshot{
		OrderNo: s.OrderNo, Version: s.Seq, CustomerID: s.CustomerID, Market: s.Market, KAMID: s.Ladder.KAM,
		ClientRef: s.ClientRef, Currency: s.Currency, Total: s.Total(), Status: s.Status, Step: s.Step,
		Level: s.Level, Unbilled: s.Unbilled(), Outstanding: s.Outstanding(), RequestedDate: s.RequestedDate,
		CreatedBy: s.CreatedBy.UserID, CreatedAt: s.CreatedAt, UpdatedAt: r.now, ClosedAt: s.ClosedAt,
		Lines: s.Lines, Shipments: s.Shipments, Invoices: s.Invoices, Receipts: s.Receipts,
	}
	snap.Shipped = snap.ShippedByLine()
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
	want := r.wantAttrs()
	old := r.b.SA
	identity := !old.Identity
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
	if len(upd) > 0 {
		r.b.SA = want
		if err := workflow.UpsertTypedSearchAttributes(r.ctx, upd...); err != nil {
			return err
		}
	}
	// Each upsert is a write of the visibility record: the search attributes
	// change at every step, the memo only with the total.
	return r.upsertMemo()
}

// wantAttrs are the search attributes the order should show now.
func (r *orderRun) wantAttrs() savedAttrs {
	s := r.s
	want := savedAttrs{Status: string(s.Status), Step: string(s.Step), Level: int64(s.Level), Outstanding: int64(s.Outstanding()),
		Identity: true}
	if at, ok := r.nextDeadline(false); ok {
		want.Deadline = at.UTC()
	}
	return want
}

// wantMemo is the memo the order should show now.
func (r *orderRun) wantMemo() OrderMemo {
	s := r.s
	return OrderMemo{CustomerName: s.CustomerName, TotalFen: int64(s.Total()), Currency: string(s.Currency)}
}

// upsertMemo writes the memo when what it shows changed: the customer, the
// total and the currency (status and step are search attributes).
func (r *orderRun) upsertMemo() error {
	s := r.s
	if s.CustomerName == "" {
		return nil // OP1 has not read the customer: nothing to show yet
	}
	want := r.wantMemo()
	if r.b.Memo != nil && *r.b.Memo == want {
		return nil
	}
	r.b.Memo = &want
	return workflow.UpsertMemo(r.ctx, want.Fields())
}

// changedOnly leaves in snap the lines, shipments, invoices and receipts
// that differ from what was last written: most steps change one of them, and
// each costs a statement. snap's slices are the state's: they are copied,
// never filtered in place.
func changedOnly(snap *sales.OrderSnapshot, last map[string]uint64) {
	if len(last) == 0 {
		return
	}
	now := childHashes(snap)
	same := func(key string) bool { return last[key] == now[key] }
	snap.Lines = slices.DeleteFunc(slices.Clone(snap.Lines), func(l sales.Line) bool { return same(lineKey(l)) })
	snap.Shipments = slices.DeleteFunc(slices.Clone(snap.Shipments), func(sh sales.Shipment) bool { return same(shipmentKey(sh)) })
	snap.Invoices = slices.DeleteFunc(slices.Clone(snap.Invoices), func(inv sales.Invoice) bool { return same(invoiceKey(inv)) })
	snap.Receipts = slices.DeleteFunc(slices.Clone(snap.Receipts), func(rc sales.Receipt) bool { return same(receiptKey(rc)) })
}

// written returns last with the hashes of what snap carried, now stored.
//
//workflowcheck:ignore
func written(last map[string]uint64, snap *sales.OrderSnapshot) map[string]uint64 {
	out := maps.Clone(last) // the order of iteration does not matter
	if out == nil {
		out = map[string]uint64{}
	}
	maps.Copy(out, childHashes(snap))
	return out
}

// childHashes hashes each line (with its shipped quantity), shipment,
// invoice and receipt snap carries, by key.
func childHashes(snap *sales.OrderSnapshot) map[string]uint64 {
	out := make(map[string]uint64, len(snap.Lines)+len(snap.Shipments)+len(snap.Invoices)+len(snap.Receipts))
	for _, l := range snap.Lines {
		out[lineKey(l)] = hashOf(struct {
			Line    sales.Line
			Shipped int64
		}{l, snap.Shipped[l.LineNo]})
	}
	for _, sh := range snap.Shipments {
		out[shipmentKey(sh)] = hashOf(sh)
	}
	for _, inv := range snap.Invoices {
		out[invoiceKey(inv)] = hashOf(inv)
	}
	for _, rc := range snap.Receipts {
		out[receiptKey(rc)] = hashOf(rc)
	}
	return out
}

func lineKey(l sales.Line) string          { return fmt.Sprintf("line/%d", l.LineNo) }
func shipmentKey(sh sales.Shipment) string { return "shipment/" + sh.No }
func invoiceKey(inv sales.Invoice) string  { return "invoice/" + inv.No }
func receiptKey(rc sales.Receipt) string   { return "receipt/" + rc.Reference }

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
