package workflows

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// Cash application (回款, BC6): a customer's bank receipt, or unapplied cash
// Finance applies later, divided among the customer's open invoices and
// sent to each affected order's workflow as its share.

// ApplyReceiptWorkflowName is the registered name of the cash application
// workflow.
const ApplyReceiptWorkflowName = "ApplyReceipt"

// QueryCashApplication answers the CashApplicationView.
const QueryCashApplication = "cash-application"

// ReceiptWorkflowID derives the workflow id of a bank receipt from its
// business key: a bank account's reference is recorded once for ever.
func ReceiptWorkflowID(bankAccount, reference string) string {
	return "receipt/" + url.PathEscape(bankAccount) + "/" + url.PathEscape(reference)
}

// UnappliedWorkflowID derives the workflow id of an application of
// unapplied cash from its id.
func UnappliedWorkflowID(id int64) string { return fmt.Sprintf("unapplied/%d", id) }

// ApplyReceiptInput is what to apply: a new bank receipt, or unapplied cash
// (exactly one of them), and who asked.
type ApplyReceiptInput struct {
	Receipt   *RecordReceiptInput         `json:"receipt,omitempty"`
	Unapplied *sales.UnappliedApplication `json:"unapplied,omitempty"`
	Actor     sales.Actor                 `json:"actor"`
}

// RecordReceiptInput is a bank receipt as Finance (or a statement import)
// recorded it, with where it came from ("manual", "order:<no>",
// "import:<id>/<line>").
type RecordReceiptInput struct {
	Receipt sales.ReceiptInput `json:"receipt"`
	Source  string             `json:"source"`
	By      string             `json:"by"`
	At      time.Time          `json:"at"`
}

// OpenInvoicesInput asks for a customer's open invoices in a currency.
type OpenInvoicesInput struct {
	CustomerID string         `json:"customer_id"`
	Currency   sales.Currency `json:"currency"`
}

// ApplyToOrderInput is one order's share, sent once (UpdateID).
type ApplyToOrderInput struct {
	OrderNo  string            `json:"order_no"`
	UpdateID string            `json:"update_id"`
	Payment  ApplyPaymentInput `json:"payment"`
}

// OrderShare is what one order was offered and what it took. Refused says
// why an order took nothing (its workflow has ended, or it refused).
type OrderShare struct {
	OrderNo  string             `json:"order_no"`
	Offered  []sales.Allocation `json:"offered"`
	Applied  []sales.Allocation `json:"applied"`
	Refused  string             `json:"refused,omitempty"`
	Progress *Progress          `json:"progress,omitempty"`
}

// SettleInput writes what a receipt or an application of unapplied cash
// paid.
type SettleInput struct {
	ID           int64                   `json:"id"`
	Applications []sales.CashApplication `json:"applications"`
	At           time.Time               `json:"at"`
}

// CashApplicationView is the whole state of a cash application: what its
// query and its result answer.
type CashApplicationView struct {
	Input     ApplyReceiptInput           `json:"input"`
	Receipt   *sales.BankReceipt          `json:"receipt,omitempty"`
	Unapplied *sales.UnappliedApplication `json:"unapplied,omitempty"`
	Orders    []OrderShare                `json:"orders"`
	Done      bool                        `json:"done"`
}

// The activities of cash application.
var (
	RecordReceipt              = Activity[RecordReceiptInput, sales.BankReceipt]{"RecordReceipt"}
	RecordUnappliedApplication = Activity[sales.UnappliedApplication, sales.UnappliedApplication]{"RecordUnappliedApplication"}
	CustomerOpenInvoices       = Activity[OpenInvoicesInput, []sales.OpenInvoice]{"CustomerOpenInvoices"}
	ApplyToOrder               = Activity[ApplyToOrderInput, OrderShare]{"ApplyToOrder"}
	SettleReceipt              = Activity[SettleInput, sales.BankReceipt]{"SettleReceipt"}
	SettleUnappliedApplication = Activity[SettleInput, sales.UnappliedApplication]{"SettleUnappliedApplication"}
)

// cashActivityOptions retry what fails for ever, a minute apart at most: a
// receipt is applied once the store and the orders answer again. Refusals
// (invalid, conflict, …) are not retried.
func cashActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict, sales.ErrForbidden},
		},
	})
}

// cashRun is what one application applies.
type cashRun struct {
	key       string // receipt/<id> or unapplied/<id>: once for ever in the orders and the ledger
	customer  string
	amount    sales.Fen
	currency  sales.Currency
	valueDate string
	reference string
	named     []string
	onlyNamed bool
}

// ApplyReceipt records a bank receipt (or an application of unapplied cash),
// plans it over the customer's open invoices (sales.PlanApplication: named
// invoices first, then oldest due), sends each affected order its share
// with the apply-payment update, and settles: what the orders took is
// applied, the rest is the customer's unapplied cash. Every step is
// idempotent, so a receipt recorded again, or a run retried, counts once.
func ApplyReceipt(ctx workflow.Context, in ApplyReceiptInput) (CashApplicationView, error) {
	ctx = cashActivityOptions(ctx)
	view := CashApplicationView{Input: in, Orders: []OrderShare{}}
	if err := workflow.SetQueryHandler(ctx, QueryCashApplication, func() (CashApplicationView, error) { return view, nil }); err != nil {
		return view, err
	}
	run, done, err := recordCash(ctx, in, &view)
	if err != nil || done {
		view.Done = err == nil
		return view, err
	}
	open, err := CustomerOpenInvoices.Run(ctx, OpenInvoicesInput{CustomerID: run.customer, Currency: run.currency})
	if err != nil {
		return view, err
	}
	shares, _ := sales.PlanApplication(open, run.amount, run.named, run.onlyNamed)
	view.Orders = byOrder(shares)
	if err := applyToOrders(ctx, in.Actor, run, view.Orders); err != nil {
		return view, err
	}
	if err := settleCash(ctx, in.Actor, run, &view); err != nil {
		return view, err
	}
	view.Done = true
	return view, nil
}

// recordCash records what is applied and returns what to apply; done when
// it was applied before (the same receipt recorded by an earlier run).
func recordCash(ctx workflow.Context, in ApplyReceiptInput, view *CashApplicationView) (cashRun, bool, error) {
	switch {
	case in.Receipt != nil:
		rec, err := RecordReceipt.Run(ctx, *in.Receipt)
		if err != nil {
			return cashRun{}, false, err
		}
		view.Receipt = &rec
		r := in.Receipt.Receipt
		return cashRun{key: sales.ReceiptKey(rec.ID), customer: rec.CustomerID, amount: rec.Amount, currency: rec.Currency,
			valueDate: rec.ValueDate, reference: rec.Reference, named: r.Invoices, onlyNamed: r.OnlyNamed}, rec.Status == sales.ReceiptApplied, nil
	case in.Unapplied != nil:
		a, err := RecordUnappliedApplication.Run(ctx, *in.Unapplied)
		if err != nil {
			return cashRun{}, false, err
		}
		view.Unapplied = &a
		return cashRun{key: a.Key(), customer: a.CustomerID, amount: a.Amount, currency: a.Currency,
			valueDate: a.ValueDate, reference: a.Key(), named: a.Invoices, onlyNamed: true}, a.Status == sales.ReceiptApplied, nil
	}
	return cashRun{}, false, refusal(sales.ErrInvalid, "a cash application needs a receipt or unapplied cash")
}

// byOrder groups shares by order, in the order the plan first names each.
func byOrder(shares []sales.Share) []OrderShare {
	out := []OrderShare{}
	for _, s := range shares {
		i := slices.IndexFunc(out, func(o OrderShare) bool { return o.OrderNo == s.OrderNo })
		if i < 0 {
			out = append(out, OrderShare{OrderNo: s.OrderNo})
			i = len(out) - 1
		}
		out[i].Offered = append(out[i].Offered, sales.Allocation{InvoiceNo: s.InvoiceNo, Amount: s.Amount})
	}
	return out
}

// applyToOrders sends every order its share at once and records what each
// took.
func applyToOrders(ctx workflow.Context, actor sales.Actor, run cashRun, orders []OrderShare) error {
	futures := make([]workflow.Future, len(orders))
	for i, o := range orders {
		futures[i] = workflow.ExecuteActivity(ctx, ApplyToOrder.Name, ApplyToOrderInput{
			OrderNo:  o.OrderNo,
			UpdateID: "apply/" + run.key + "/" + o.OrderNo,
			Payment: ApplyPaymentInput{Actor: actor, Key: run.key, Reference: run.reference, ValueDate: run.valueDate,
				Currency: run.currency, Shares: o.Offered},
		})
	}
	for i, f := range futures {
		var got OrderShare
		if err := f.Get(ctx, &got); err != nil {
			return err
		}
		orders[i].Applied, orders[i].Refused, orders[i].Progress = got.Applied, got.Refused, got.Progress
	}
	return nil
}

// settleCash writes what the orders took; the rest is unapplied cash.
func settleCash(ctx workflow.Context, actor sales.Actor, run cashRun, view *CashApplicationView) error {
	now := workflow.Now(ctx)
	var apps []sales.CashApplication
	var receiptID int64
	if view.Receipt != nil {
		receiptID = view.Receipt.ID
	}
	for _, o := range view.Orders {
		for _, a := range o.Applied {
			if a.Amount <= 0 {
				continue
			}
			apps = append(apps, sales.CashApplication{Key: run.key + "/" + a.InvoiceNo, ReceiptID: receiptID, CustomerID: run.customer,
				OrderNo: o.OrderNo, InvoiceNo: a.InvoiceNo, Amount: a.Amount, Currency: run.currency, ValueDate: run.valueDate,
				At: now, By: actor.UserID})
		}
	}
	if view.Receipt != nil {
		rec, err := SettleReceipt.Run(ctx, SettleInput{ID: receiptID, Applications: apps, At: now})
		if err == nil {
			view.Receipt = &rec
		}
		return err
	}
	a, err := SettleUnappliedApplication.Run(ctx, SettleInput{ID: view.Unapplied.ID, Applications: apps, At: now})
	if err == nil {
		view.Unapplied = &a
	}
	return err
}
