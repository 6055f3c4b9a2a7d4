package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// Decision kinds of the SLT on an order held over quota, beside reject and
// approve_part (explicit quantities).
const (
	DecisionAllow       = "allow"        // confirm everything, over quota
	DecisionWithinQuota = "within_quota" // confirm the part within quota
)

// TakeQuotaInput is OP3: the consumption of every quota-controlled line,
// taken only if all fit what the customer has left.
type TakeQuotaInput struct {
	OrderNo    string            `json:"order_no"`
	CustomerID string            `json:"customer_id"`
	Period     string            `json:"period"`
	Moves      []sales.QuotaMove `json:"moves"`
}

// TakeQuotaResult is what the customer had left of each SKU before the
// order, and whether the order's lines were consumed.
type TakeQuotaResult struct {
	Left  map[string]int64 `json:"left"`
	Taken bool             `json:"taken"`
}

// POPInput reserves an order's POP material against its market's budget.
type POPInput struct {
	OrderNo    string             `json:"order_no"`
	CustomerID string             `json:"customer_id"`
	Month      string             `json:"month"`
	Items      []sales.POPRequest `json:"items"`
	At         time.Time          `json:"at"` // the workflow time of OP6
}

// POP material states of an order.
const (
	POPReserved = "reserved" // within budget, ships with the first goods issue
	POPRefused  = "refused"  // over budget (or unknown): the order goes on without it
	POPShipped  = "shipped"
	POPReleased = "released" // the order was cancelled before shipping: budget given back
)

// POPState is what became of the POP material ordered with the goods.
type POPState struct {
	Status     string    `json:"status"`
	Month      string    `json:"month"`
	Cost       sales.Fen `json:"cost_fen"`
	Reason     string    `json:"reason,omitempty"`
	ShipmentNo string    `json:"shipment_no,omitempty"`
	// Usage is what the reservation took from the budget, item by item; a
	// release gives back exactly that.
	Usage []sales.POPUsage `json:"usage,omitempty"`
}

// checkQuota is OP3: the quota-controlled lines against the customer's
// allocation for the order's period. It returns why the order must wait for
// an SLT quota decision ("" when every line is within quota).
func (r *orderRun) checkQuota(ctx workflow.Context, skus map[string]sales.SKU) (string, error) {
	s := r.s
	s.Period = sales.PeriodOf(s.CreatedAt)
	in := TakeQuotaInput{OrderNo: s.OrderNo, CustomerID: s.CustomerID, Period: s.Period}
	controlled := false
	for _, l := range s.Lines {
		if !skus[l.SKU].Quota {
			continue
		}
		controlled = true
		if l.Quantity > 0 {
			in.Moves = append(in.Moves, r.quotaMove(l.LineNo, l.SKU, "confirm", l.Quantity))
		}
	}
	if !controlled {
		r.event("quota_checked", map[string]string{"quota_controlled_lines": "0", "period": s.Period})
		return "", nil
	}
	// Checked and consumed in one transaction under a lock of the
	// customer's allocations, so two orders cannot both be confirmed on the
	// last units: OP6 then has nothing left to take.
	res, err := TakeQuota.local(r, ctx, in)
	if err != nil {
		return "", err
	}
	s.Quota = sales.CheckQuota(s.Lines, skus, res.Left)
	reason := sales.QuotaHoldReason(s.Period, s.Quota)
	switch {
	case res.Taken:
		for i := range s.Quota {
			s.Quota[i].Consumed = s.Quota[i].Requested
		}
	case reason == "":
		reason = "over quota for " + s.Period + ": the lines of one SKU together ask for more than is left"
	}
	over := 0
	for _, q := range s.Quota {
		if q.Over() {
			over++
		}
	}
	r.event("quota_checked", map[string]string{
		"quota_controlled_lines": fmt.Sprint(len(s.Quota)), "over_quota_lines": fmt.Sprint(over), "period": s.Period,
	})
	return reason, nil
}

// creditAfterQuota runs OP4 after an SLT quota decision: a credit hold, or
// on to OP6 (settle confirms and releases).
func (r *orderRun) creditAfterQuota() error {
	s := r.s
	if !s.CreditDue || s.Status != sales.StatusOpen {
		return nil
	}
	held, err := r.checkCredit(r.ctx, s.Total())
	if err != nil {
		return err
	}
	s.CreditDue = false
	if held != "" {
		r.hold(sales.OP5Hold, held)
	}
	return nil
}

// consumeQuota is OP6's consumption of what OP3 did not take (an order the
// SLT allowed over quota): every quota line takes what is confirmed, once.
func (r *orderRun) consumeQuota() {
	s := r.s
	for i := range s.Quota {
		q := &s.Quota[i]
		l := s.line(q.LineNo)
		if l == nil || l.Quantity == 0 || q.Consumed > 0 {
			continue
		}
		q.Consumed = l.Quantity
		r.moveQuota(q, "confirm", l.Quantity)
	}
}

// giveBackQuota gives back what lines no longer need, for reason (cancel,
// reject, approve_part, return/RT-…): qty maps line numbers to quantities,
// each capped at what the line holds, so consumption never goes below zero.
func (r *orderRun) giveBackQuota(reason string, qty map[int]int64) {
	for i := range r.s.Quota {
		q := &r.s.Quota[i]
		n := min(qty[q.LineNo], q.Consumed)
		if n <= 0 {
			continue
		}
		q.Consumed -= n
		r.moveQuota(q, reason, -n)
	}
}

// giveBackAllQuota gives back everything the order holds.
func (r *orderRun) giveBackAllQuota(reason string) {
	all := make(map[int]int64, len(r.s.Quota))
	for _, q := range r.s.Quota {
		all[q.LineNo] = q.Consumed
	}
	r.giveBackQuota(reason, all)
}

func (r *orderRun) moveQuota(q *sales.QuotaLine, reason string, qty int64) {
	r.b.Pending.Quota = append(r.b.Pending.Quota, r.quotaMove(q.LineNo, q.SKU, reason, qty))
	r.dirty = true
}

// quotaMove is the ledger row of qty units of line lineNo (sku) for reason.
func (r *orderRun) quotaMove(lineNo int, sku, reason string, qty int64) sales.QuotaMove {
	s := r.s
	return sales.QuotaMove{
		Key: sales.QuotaMoveKey(s.OrderNo, lineNo, reason), Period: s.Period, SKU: sku, CustomerID: s.CustomerID,
		OrderNo: s.OrderNo, LineNo: lineNo, Quantity: qty, At: r.now,
	}
}

// takeWithinQuota is the SLT's within_quota: each quota
// line takes what the customer has left now (not when OP3 looked), in one
// transaction under the quota lock, and is cut to it. It returns the
// approved quantities of every line; none when nothing is left.
func (r *orderRun) takeWithinQuota(ctx workflow.Context) ([]sales.LineQty, error) {
	s := r.s
	in := TakeQuotaInput{OrderNo: s.OrderNo, CustomerID: s.CustomerID, Period: s.Period}
	for _, q := range s.Quota {
		if l := s.line(q.LineNo); l != nil && l.Quantity > 0 {
			in.Moves = append(in.Moves, r.quotaMove(q.LineNo, q.SKU, "confirm", l.Quantity))
		}
	}
	taken, err := TakeQuotaWithin.local(r, ctx, in)
	if err != nil {
		return nil, err
	}
	if len(taken) == 0 {
		return nil, nil
	}
	// Each quota line is cut to what it took (0 when nothing); the other
	// lines stay as ordered.
	took := make(map[int]int64, len(taken))
	for _, m := range taken {
		took[m.LineNo] = m.Quantity
	}
	quota := make(map[int]bool, len(s.Quota))
	for i := range s.Quota {
		s.Quota[i].Consumed = took[s.Quota[i].LineNo]
		quota[s.Quota[i].LineNo] = true
	}
	approved := make([]sales.LineQty, 0, len(s.Lines))
	for _, l := range s.Lines {
		qty := l.Quantity
		if quota[l.LineNo] {
			qty = took[l.LineNo]
		}
		approved = append(approved, sales.LineQty{LineNo: l.LineNo, Quantity: qty})
	}
	return approved, nil
}

// reservePOP is OP6 for the POP material ordered with the goods: reserved
// against the market's budget for the order's month, or refused with the
// reason. The goods never wait for marketing material: a refused request is
// reported to the KAM and the SSG and the order goes on without it.
func (r *orderRun) reservePOP() {
	s := r.s
	if len(s.POP) == 0 || s.POPState != nil {
		return
	}
	month := sales.PeriodOf(s.CreatedAt)
	in := POPInput{OrderNo: s.OrderNo, CustomerID: s.CustomerID, Month: month, Items: s.POP, At: r.now}
	res, err := ReservePOP.try(r, r.ctx, in)
	if err != nil {
		res = sales.POPReservation{Reason: "the POP budget could not be checked (" + sales.ErrorMessage(err) + "); request the material on its own"}
	}
	st := &POPState{Month: month, Cost: res.Cost, Status: POPReserved, Usage: res.Usage}
	if !res.Reserved {
		st.Status, st.Reason = POPRefused, res.Reason
	}
	s.POPState = st
	r.event("pop_"+st.Status, map[string]string{"month": month, "cost": res.Cost.String(), "reason": res.Reason})
	if !res.Reserved {
		subject := fmt.Sprintf("POP material of %s not shipped", s.OrderNo)
		r.notify(s.Ladder.KAM, "pop_refused", subject, res.Reason, sales.OP6Confirm)
		r.notify("dept:ssg", "pop_refused", subject, res.Reason, sales.OP6Confirm)
	}
}

// releasePOP gives the reserved POP budget back when the order ends before
// the material shipped.
func (r *orderRun) releasePOP() {
	s := r.s
	if s.POPState == nil || s.POPState.Status != POPReserved {
		return
	}
	for _, u := range s.POPState.Usage {
		u.Key, u.Quantity, u.Cost, u.At = u.Key+"/release", -u.Quantity, -u.Cost, r.now
		r.b.Pending.POP = append(r.b.Pending.POP, u)
	}
	s.POPState.Status = POPReleased
	r.event("pop_released", map[string]string{"month": s.POPState.Month})
}

// shipPOP puts reserved POP material on shipment sh (SP3: picked and packed
// with the goods); it is shown on the shipment and never invoiced.
func (r *orderRun) shipPOP(sh *sales.Shipment) {
	s := r.s
	if s.POPState == nil || s.POPState.Status != POPReserved {
		return
	}
	sh.POP = append([]sales.POPRequest(nil), s.POP...)
	s.POPState.Status, s.POPState.ShipmentNo = POPShipped, sh.No
	items := make([]string, len(s.POP))
	for i, p := range s.POP {
		items[i] = fmt.Sprintf("%s×%d", p.Item, p.Quantity)
	}
	r.event("pop_shipped", map[string]string{"shipment": sh.No, "items": strings.Join(items, ", ")})
}

// popLine describes the POP material for the dispatch instruction.
func (r *orderRun) popLine() string {
	s := r.s
	if s.POPState == nil || s.POPState.Status != POPReserved {
		return ""
	}
	items := make([]string, len(s.POP))
	for i, p := range s.POP {
		items[i] = fmt.Sprintf("%s×%d", p.Item, p.Quantity)
	}
	return " POP material to pack with the goods: " + strings.Join(items, ", ") + "."
}

// line returns the order line numbered no.
func (s *OrderState) line(no int) *sales.Line {
	for i := range s.Lines {
		if s.Lines[i].LineNo == no {
			return &s.Lines[i]
		}
	}
	return nil
}
