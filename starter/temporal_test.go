package starter

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"osb/sales"
	"osb/workflows"
)

// asUpdateOutcome sends err through the failure converter, as an update's
// outcome travels from the workflow to the client, and wraps it.
func asUpdateOutcome(err error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fmt.Errorf("update failed: %w", fc.FailureToError(fc.ErrorToFailure(err)))
}

func TestTranslateError(t *testing.T) {
	fields := []sales.FieldError{{Field: "carrier", Message: "is required"}, {Field: "lines", Message: "at least one line must ship"}}
	for name, tc := range map[string]struct {
		err  error
		want *sales.Error // nil: internal
	}{
		"refusal": {
			asUpdateOutcome(temporal.NewNonRetryableApplicationError("order SO-2026-000001 is not held (status open)", sales.ErrConflict, nil)),
			&sales.Error{Code: sales.ErrConflict, Message: "order SO-2026-000001 is not held (status open)"},
		},
		"invalid with fields": {
			asUpdateOutcome(temporal.NewNonRetryableApplicationError("invalid goods issue", sales.ErrInvalid, nil, fields)),
			&sales.Error{Code: sales.ErrInvalid, Message: "invalid goods issue", Fields: fields},
		},
		"not converted": {
			fmt.Errorf("wrapped: %w", temporal.NewApplicationError("only Finance may confirm a payment", sales.ErrForbidden)),
			&sales.Error{Code: sales.ErrForbidden, Message: "only Finance may confirm a payment"},
		},
		"no workflow": {
			serviceerror.NewNotFound("workflow not found for ID: order/SO-2026-000001"),
			&sales.Error{Code: sales.ErrNotFound, Message: "order SO-2026-000001 not found"},
		},
		"activity failure":    {asUpdateOutcome(temporal.NewApplicationError("connection reset", "PgError")), nil},
		"anything else":       {errors.New("context deadline exceeded"), nil},
		"service unavailable": {serviceerror.NewUnavailable("frontend down"), nil},
	} {
		t.Run(name, func(t *testing.T) {
			got := translateError("SO-2026-000001", tc.err)
			if tc.want == nil {
				if sales.ErrorCode(got) != sales.ErrInternal || !errors.Is(got, tc.err) {
					t.Errorf("got %v (code %s), want an internal error wrapping the original", got, sales.ErrorCode(got))
				}
				return
			}
			var e *sales.Error
			if !errors.As(got, &e) || !reflect.DeepEqual(e, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	if translateError("SO-2026-000001", nil) != nil {
		t.Error("nil is not an error")
	}
}

// stubClient is a Temporal client that records the start options of an
// update-with-start and answers it with err (or an opened view).
type stubClient struct {
	client.Client
	opts client.StartWorkflowOptions
	args []any
	upd  client.UpdateWorkflowOptions
	err  error
}

func (s *stubClient) NewWithStartWorkflowOperation(opts client.StartWorkflowOptions, _ any, args ...any) client.WithStartWorkflowOperation {
	s.opts, s.args = opts, args
	return nil
}

func (s *stubClient) UpdateWithStartWorkflow(_ context.Context, o client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	s.upd = o.UpdateOptions
	if s.err != nil {
		return nil, s.err
	}
	return openedHandle{}, nil
}

func (s *stubClient) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return openedValue{}, nil
}

type openedHandle struct{ client.WorkflowUpdateHandle }

func (openedHandle) Get(_ context.Context, v any) error {
	switch v := v.(type) {
	case *workflows.Progress:
		*v = workflows.Progress{Status: sales.StatusReleased, Step: sales.SP1Plan}
	case *workflows.OrderView:
		*v = workflows.OrderView{OrderState: workflows.OrderState{Status: sales.StatusReleased, Step: sales.SP1Plan}}
	}
	return nil
}

type openedValue struct{ converter.EncodedValue }

func (openedValue) Get(v any) error { return openedHandle{}.Get(context.Background(), v) }

func TestStartSetsTheWorkflowIdentityAndSearchAttributes(t *testing.T) {
	stub := &stubClient{}
	orders := NewTemporalOrders(stub)
	in := workflows.OrderInput{OrderNo: "SO-2026-000001", Request: sales.OrderRequest{
		CustomerID: "C-001", Currency: sales.CNY, Lines: []sales.LineRequest{{SKU: "SKU-A", Quantity: 2, UnitPrice: 9500}},
	}}
	customer := sales.Customer{ID: "C-001", Name: "上海分销", Market: "华东", KAMID: "u-kam1"}

	v, existed, err := orders.Start(context.Background(), in, customer)
	if err != nil || existed || v.Status != sales.StatusReleased {
		t.Fatalf("Start = %v, %v, %v", v.Status, existed, err)
	}
	if stub.upd.UpdateName != workflows.UpdateOpened || stub.upd.WaitForStage != client.WorkflowUpdateStageCompleted {
		t.Errorf("update options = %+v", stub.upd)
	}
	o := stub.opts
	if o.ID != "order/SO-2026-000001" || o.TaskQueue != workflows.TaskQueue ||
		o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ||
		o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL {
		t.Errorf("options = %+v", o)
	}
	sa := o.TypedSearchAttributes
	for key, want := range map[temporal.SearchAttributeKeyKeyword]string{
		workflows.SAOrderNo: "SO-2026-000001", workflows.SAOrderStatus: "open", workflows.SAStage: "OP",
		workflows.SAStep: "OP1", workflows.SACustomerID: "C-001", workflows.SAMarket: "华东", workflows.SAKAM: "u-kam1",
	} {
		if got, ok := sa.GetKeyword(key); !ok || got != want {
			t.Errorf("%s = %q, want %q", key.GetName(), got, want)
		}
	}
	if lv, ok := sa.GetInt64(workflows.SAEscalationLevel); !ok || lv != 0 {
		t.Errorf("EscalationLevel = %d, %v", lv, ok)
	}
	if o.Memo["customer_name"] != "上海分销" || o.Memo["total_fen"] != int64(19000) {
		t.Errorf("memo = %v", o.Memo)
	}
	if len(stub.args) != 1 || !reflect.DeepEqual(stub.args[0], in) {
		t.Errorf("workflow args = %+v", stub.args)
	}

	stub.err = serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "req", "run")
	if v, existed, err := orders.Start(context.Background(), in, customer); err != nil || !existed || v.Status != sales.StatusReleased {
		t.Errorf("a duplicate start = %v, %v, %v; want the existing order's status", v.Status, existed, err)
	}
}
