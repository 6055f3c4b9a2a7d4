package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"

	"osb/sales"
	"osb/workflows"
)

// The returns tests use 华东's C004: KAM kam-huadong-3, whose UM is
// um-huadong-2.
const returnCustomer = "C004"

// delivered places an order of qty units of sku for C004 and takes it to
// proof of delivery with shortages; it returns the order and goods issue.
func (a *api) delivered(sku sales.SKU, qty int64, shortages []sales.LineQty) (string, workflows.GoodsIssueResult) {
	a.t.Helper()
	no := a.order(returnCustomer, sku, qty)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var gi workflows.GoodsIssueResult
	a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
		"carrier": "顺丰速运", "lines": []sales.LineQty{{LineNo: 1, Quantity: qty}}}, &gi)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{"shortages": shortages}, nil)
	return no, gi
}

func TestReturnsApprovedByTheUMAndReceivedCreditTheInvoice(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	sku := a.plainSKU()
	no, gi := a.delivered(sku, 10, []sales.LineQty{{LineNo: 1, Quantity: 1}})
	base := strings.TrimPrefix(no, "SO-")
	short, asked := "RT-"+base+"-1", "RT-"+base+"-2"

	v := a.status(no)
	if len(v.Returns) != 1 || v.Returns[0].No != short || v.Returns[0].Source != sales.ReturnByShortage {
		t.Fatalf("the shortage did not open a return: %+v", v.Returns)
	}
	ret := func(want int, user, path string, body any) workflows.ReturnResult {
		t.Helper()
		var res workflows.ReturnResult
		a.must(want, token(user), "POST", "/v1/orders/"+no+"/returns"+path, body, &res)
		return res
	}
	ret(403, "log1", "", map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 2}}, "reason": "破损"})
	ret(422, "kam-huadong-3", "", map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 10}}, "reason": "破损"}) // 9 arrived
	r := ret(201, "kam-huadong-3", "", map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 3}}, "reason": "外箱破损"})
	if r.Return.No != asked || r.Return.Approver != sales.LevelUM || r.Return.Value != 3*sku.ListPrice {
		t.Fatalf("return %+v", r.Return)
	}
	ret(404, "um-huadong-1", "/"+asked+"/decision", map[string]string{"decision": "approve"}) // not C004's UM: outside their scope, as if there were no such order
	ret(200, "um-huadong-2", "/"+asked+"/decision", map[string]string{"decision": "approve", "reason": "photos seen"})
	ret(409, "log1", "/"+short+"/receipt", map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}}) // not approved yet
	s := ret(200, "um-huadong-2", "/"+short+"/decision", map[string]string{"decision": "approve"})
	if s.CreditNote == nil || s.CreditNote.Amount != sku.ListPrice || s.Return.Status != sales.ReturnReceived {
		t.Errorf("an approved shortage is credited at once: %+v %+v", s.Return, s.CreditNote)
	}
	// Two of the three cases came back.
	got := ret(200, "log1", "/"+asked+"/receipt", map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 2}}, "note": "one case kept by the customer"})
	if got.CreditNote == nil || got.CreditNote.Amount != 2*sku.ListPrice || got.CreditNote.Refund != 0 || got.Outstanding != gi.Amount-3*sku.ListPrice {
		t.Fatalf("receipt %+v", got)
	}
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts", map[string]any{"reference": "RT-PAY-" + no, "amount_fen": gi.Amount - 3*sku.ListPrice, "currency": "CNY"}, nil)
	a.waitStatus(no, sales.StatusRemitted)

	ctx := context.Background()
	var returns []sales.Return
	eventually(t, 15*time.Second, "both returns received in the store", func() bool {
		var err error
		returns, err = a.sys.store.Returns(ctx, no)
		return err == nil && len(returns) == 2 && returns[0].Status == sales.ReturnReceived && returns[1].Status == sales.ReturnReceived
	})
	snap, err := a.sys.store.Order(ctx, no)
	if err != nil || snap.Invoices[0].Credited != 3*sku.ListPrice {
		t.Errorf("stored invoice %+v %v", snap.Invoices, err)
	}
	a.sys.saveHistory(t, no, "returns_shortage_and_request_credited")
}

func TestLargeReturnAfterRemittanceNeedsTheSLTAndBecomesCustomerCredit(t *testing.T) {
	p := sales.DefaultPolicy()
	p.ReturnApprovalLimit = sales.Yuan(100)
	a := newAPI(t, p)
	sku := a.plainSKU()
	no, gi := a.delivered(sku, 10, nil)
	a.must(201, token("fin1"), "POST", "/v1/orders/"+no+"/receipts", map[string]any{"reference": "PAID-" + no, "amount_fen": gi.Amount, "currency": "CNY"}, nil)
	if v := a.waitStatus(no, sales.StatusRemitted); v.ReturnsUntil == nil {
		t.Fatal("a remitted order takes returns until its window closes")
	}
	ctx := context.Background()
	// The workflow completed at remittance; the return starts it again, even
	// once Temporal no longer keeps the closed run (namespace retention): the
	// run left where it ended in the store.
	first := a.sys.completed(t, no)
	if _, err := a.sys.client.WorkflowService().DeleteWorkflowExecution(ctx, &workflowservice.DeleteWorkflowExecutionRequest{
		Namespace:         a.sys.server.Namespace(),
		WorkflowExecution: &common.WorkflowExecution{WorkflowId: workflows.WorkflowID(no), RunId: first},
	}); err != nil {
		t.Fatal(err)
	}
	// The server deletes a closed run once its queue's ack level has passed
	// the close (history.transferProcessorUpdateAckInterval, 30 s).
	t0 := time.Now()
	eventually(t, 2*time.Minute, "the closed run to be deleted", func() bool {
		_, err := a.sys.client.DescribeWorkflowExecution(ctx, workflows.WorkflowID(no), "")
		var gone *serviceerror.NotFound
		return errors.As(err, &gone)
	})
	t.Logf("the closed run was deleted after %s", time.Since(t0).Round(time.Second))
	before, err := a.sys.store.CustomerCreditBalance(ctx, returnCustomer)
	if err != nil {
		t.Fatal(err)
	}
	var r workflows.ReturnResult
	request := map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 10}}, "reason": "整批过期"}
	if got := a.callKeyed(token("ssg-lead"), "ret-"+no, "POST", "/v1/orders/"+no+"/returns", request, &r); got != 201 {
		t.Fatalf("return request on a remitted order: %d", got)
	}
	if r.Return.Approver != sales.LevelSLT || r.Status != sales.StatusBilled {
		t.Fatalf("a return worth %s on a remitted order: %+v, order %s", r.Return.Value, r.Return, r.Status)
	}
	if d, err := a.sys.client.DescribeWorkflowExecution(ctx, workflows.WorkflowID(no), ""); err != nil ||
		d.WorkflowExecutionInfo.Status != enums.WORKFLOW_EXECUTION_STATUS_RUNNING || d.WorkflowExecutionInfo.Execution.RunId == first {
		t.Fatalf("the return should run in a new run of the order's workflow: %v %v", d, err)
	}
	path := "/v1/orders/" + no + "/returns/" + r.Return.No
	var e struct {
		Error sales.Error `json:"error"`
	}
	if got := a.call(token("um-huadong-2"), "POST", path+"/decision", map[string]string{"decision": "approve"}, &e); got != 403 || !strings.Contains(e.Error.Message, "the SLT decides") {
		t.Errorf("UM on a large return: %d %+v", got, e.Error)
	}
	a.must(200, token("dsd"), "POST", path+"/decision", map[string]string{"decision": "approve"}, nil)
	a.must(200, token("log1"), "POST", path+"/receipt", map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 10}}}, &r)
	if r.CreditNote == nil || r.CreditNote.Refund != gi.Amount {
		t.Fatalf("credit note %+v: the invoice was paid, so all of it is customer credit", r.CreditNote)
	}
	a.waitStatus(no, sales.StatusRemitted)
	eventually(t, 15*time.Second, "the refund in the customer's credit balance", func() bool {
		after, err := a.sys.store.CustomerCreditBalance(ctx, returnCustomer)
		return err == nil && after == before+gi.Amount
	})
	notes, err := a.sys.store.CreditNotes(ctx, returnCustomer)
	if err != nil || len(notes) == 0 || notes[len(notes)-1].ReturnNo != r.Return.No {
		t.Errorf("stored credit notes %+v %v", notes, err)
	}
	second := a.sys.completed(t, no)
	a.sys.saveHistory(t, no, "return_after_remittance_refunded")

	// The same request again (same Idempotency-Key) answers the same return
	// (Temporal keeps the outcome of the run that took it) and opens none.
	var again workflows.ReturnResult
	if got := a.callKeyed(token("ssg-lead"), "ret-"+no, "POST", "/v1/orders/"+no+"/returns", request, &again); got != 201 || again.Return.No != r.Return.No {
		t.Errorf("repeated request: %d %+v", got, again.Return)
	}
	if last := a.sys.completed(t, no); last != second {
		t.Error("the repeated request started another run")
	}
	if v := a.status(no); len(v.Returns) != 1 || v.Status != sales.StatusRemitted {
		t.Errorf("after the repeated request: %d returns, %s", len(v.Returns), v.Status)
	}
	// Other changes to a remitted order are refused as a conflict.
	if got := a.call(token("log1"), "POST", "/v1/orders/"+no+"/returns/"+r.Return.No+"/receipt",
		map[string]any{"lines": []sales.LineQty{{LineNo: 1, Quantity: 1}}}, nil); got != 409 {
		t.Errorf("receipt on a remitted order: %d, want 409", got)
	}
}

// completed waits until the order's workflow has completed and returns the
// id of its last run.
func (s *system) completed(t *testing.T, orderNo string) string {
	t.Helper()
	var run string
	eventually(t, 15*time.Second, orderNo+"'s workflow to complete", func() bool {
		d, err := s.client.DescribeWorkflowExecution(context.Background(), workflows.WorkflowID(orderNo), "")
		if err != nil || d.WorkflowExecutionInfo.Status != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			return false
		}
		run = d.WorkflowExecutionInfo.Execution.RunId
		return true
	})
	return run
}
