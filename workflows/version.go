package workflows

import (
	"fmt"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

// CodeVersion is the version of the order workflow's code that runs started
// now follow. The starter writes it into OrderInput.Code, and continue-as-new
// moves a run on to it, so a run's version is in its first event and replays
// take the same path without a marker.
//
// Every change to what the order workflow commands bumps CodeVersion and
// keeps the older path for runs that started before; the replay tests over
// workflows/testdata prove both. Runs without a version (Code 0) started
// before this scheme: they follow the GetVersion markers they recorded.
//
//	1: no GetVersion markers (each also upserts the TemporalChangeVersion
//	   search attribute, one more visibility write per run and change): the
//	   changes "memo-on-status", "quota-check" and "returns" are in; the memo
//	   holds what the starter set (customer, total, currency) and changes only
//	   with the total; the loop writes the store after the running handlers
//	   finished (one write per action, not one per local activity); one
//	   deadline timer at a time, cancelled when the deadline moves.
//	2: the workflow completes at remittance. The write of the remitted
//	   snapshot carries the input (OrderChanges.Resume) from which a return
//	   request within the return window starts the order again
//	   (OrderInput.Reopen), even after Temporal has deleted the closed run
//	   (retention); version 1 runs stay open until the window closes. OP3
//	   consumes the quota-controlled lines when they all fit, in the same
//	   local activity and transaction as the check (ActivityTakeQuota), so
//	   two orders cannot both be confirmed on the last units; OP6 then has
//	   nothing left to take, and a partial approval at OP5 gives back what
//	   the lines no longer need. The SLT's within_quota takes what is left
//	   when the SLT decides, the same way (ActivityTakeQuotaWithin).
//	3: an action answers with what follows from it by itself already
//	   applied (settled, handlers.go): an acknowledgement answers SP3 (where
//	   the order now waits for Logistics), not SP2 (the credit re-check it
//	   passed in the same moment); a proof of delivery answers BC2, an
//	   approval the release, and a return receipt whose credit note clears
//	   the last invoice answers remitted. What the workflow commands is
//	   unchanged.
const CodeVersion = 3

// checkCode refuses a run whose version this worker does not know: its
// workflow task fails and is retried until a newer worker takes it.
func checkCode(code int) {
	if code < 0 || code > CodeVersion {
		panic(fmt.Sprintf("order workflow code version %d is not known to this worker (it knows up to %d)", code, CodeVersion))
	}
}

// versioned answers whether a change is in: from the input's code version
// for runs that have one, from the change's GetVersion marker for older runs.
func (r *orderRun) versioned(change string) bool {
	if r.in.Code >= 1 {
		return true
	}
	return workflow.GetVersion(r.ctx, change, workflow.DefaultVersion, 1) >= 1
}

// OrderMemo is the memo of an order's workflow, which the Web UI shows
// beside the search attributes: the starter sets it, the workflow keeps it
// current (code version 1 on).
type OrderMemo struct {
	CustomerName string `json:"customer_name"`
	TotalFen     int64  `json:"total_fen"`
	Currency     string `json:"currency"`
}

// Fields is the memo as Temporal stores it, one field per attribute.
func (m OrderMemo) Fields() map[string]any {
	return map[string]any{"customer_name": m.CustomerName, "total_fen": m.TotalFen, "currency": m.Currency}
}

// startAttrs reads the search attributes and the memo the run started with,
// so that the first upsert writes only what changed since.
func startAttrs(ctx workflow.Context) (savedAttrs, *OrderMemo) {
	var sa savedAttrs
	attrs := workflow.GetTypedSearchAttributes(ctx)
	_, sa.Identity = attrs.GetKeyword(SAOrderNo)
	sa.Status, _ = attrs.GetKeyword(SAOrderStatus)
	sa.Step, _ = attrs.GetKeyword(SAStep)
	sa.Level, _ = attrs.GetInt64(SAEscalationLevel)
	sa.Outstanding, _ = attrs.GetInt64(SAAmountOutstanding)
	sa.Deadline, _ = attrs.GetTime(SANextDeadline)
	var m OrderMemo
	fields := workflow.GetInfo(ctx).Memo.GetFields()
	dc := converter.GetDefaultDataConverter()
	// Each key is decoded on its own: the order of iteration does not matter.
	//workflowcheck:ignore
	for key, into := range map[string]any{"customer_name": &m.CustomerName, "total_fen": &m.TotalFen, "currency": &m.Currency} {
		if p, ok := fields[key]; ok {
			_ = dc.FromPayload(p, into)
		}
	}
	if m.CustomerName == "" {
		return sa, nil
	}
	return sa, &m
}
