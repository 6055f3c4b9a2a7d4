package console

import (
	"context"
	"encoding/json"
	"sync"

	"osb/sales"
	"osb/workflows"
)

// sent is one update or signal the API sent to an order's workflow.
type sent struct {
	OrderNo string
	Name    string // the update or signal
	Arg     json.RawMessage
}

// fakeOrders stands for the order workflows behind the API in console
// tests: it records every update and signal, answers each with refuse (when
// set) or success, and knows no running order (Status is not found).
type fakeOrders struct {
	mu     sync.Mutex
	sent   []sent
	refuse error // the answer to the next updates, nil: accepted
}

func (o *fakeOrders) record(orderNo, name string, arg any) error {
	b, err := json.Marshal(arg)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, sent{OrderNo: orderNo, Name: name, Arg: b})
	return o.refuse
}

// Sent returns what was sent so far.
func (o *fakeOrders) Sent() []sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sent(nil), o.sent...)
}

func (o *fakeOrders) Start(_ context.Context, in workflows.OrderInput, _ sales.Customer) (workflows.Progress, bool, error) {
	if err := o.record(in.OrderNo, "start", in); err != nil {
		return workflows.Progress{}, false, err
	}
	return workflows.Progress{OrderNo: in.OrderNo, Status: sales.StatusHeld, Step: sales.OP5Hold}, false, nil
}

func (o *fakeOrders) Status(_ context.Context, orderNo string) (workflows.OrderView, error) {
	return workflows.OrderView{}, sales.Errorf(sales.ErrNotFound, "order %s has no running workflow", orderNo)
}

func (o *fakeOrders) Update(_ context.Context, orderNo, update, _ string, arg, _ any) error {
	return o.record(orderNo, update, arg)
}

func (o *fakeOrders) Reopen(_ context.Context, orderNo string, _ workflows.OrderInput, update, _ string, arg, _ any) error {
	return o.record(orderNo, update, arg)
}

func (o *fakeOrders) Signal(_ context.Context, orderNo, signal string, arg any) error {
	return o.record(orderNo, signal, arg)
}

func (o *fakeOrders) Healthy(context.Context) error { return nil }
