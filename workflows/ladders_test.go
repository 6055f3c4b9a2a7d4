package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"osb/sales"
)

// The customer's KAM changes while the dispatch waits: the refreshed ladder
// replaces the order's, the new KAM is told, the store's record and the
// escalations from then on follow the new KAM; the same ladder again
// changes nothing.
func TestRefreshedLadderReplacesTheOrders(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(plainMonday)
	newLadder := h.w.ladder
	newLadder.KAM, newLadder.UM = "kam2", "um2"
	h.at(hour, func() {
		h.env.SignalWorkflow(SignalRefreshLadder, RefreshLadderInput{Ladder: newLadder, ChangeID: "chg-1"})
	})
	h.at(2*hour, func() {
		h.env.SignalWorkflow(SignalRefreshLadder, RefreshLadderInput{Ladder: newLadder, ChangeID: "chg-1"})
	})
	h.runFor(3 * sales.Day)
	if got := h.query().Ladder; got.KAM != "kam2" || got.UM != "um2" {
		t.Errorf("ladder after the refresh %+v, want kam2 and um2", got)
	}
	if kam := h.w.last().KAMID; kam != "kam2" {
		t.Errorf("the store's record names KAM %s, want kam2", kam)
	}
	if n := strings.Count(strings.Join(h.kinds(), ","), "ladder_refreshed"); n != 1 {
		t.Errorf("%d ladder_refreshed events, want 1 (the same ladder twice is one change): %v", n, h.kinds())
	}
	var assigned []string
	for _, n := range h.w.notifications() {
		if n.Kind == "order_assigned" {
			assigned = append(assigned, n.RecipientID)
		}
	}
	if strings.Join(assigned, ",") != "kam2" {
		t.Errorf("order_assigned to %v, want kam2", assigned)
	}
	got := rungsOf(h.w.escalations(), sales.EscalateStep, "/SP1@")
	if len(got) < 2 || got[0] != "KAM:kam2,log1,log2" || got[1] != "UM:kam2,log1,log2,um2" {
		t.Errorf("SP1 escalations after the refresh %v, want the new KAM and UM", got)
	}
}

// RefreshLadders resolves the customer's ladder once and sends it to each
// open order; an order that finished meanwhile is skipped.
func TestRefreshLaddersSignalsEveryOpenOrder(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(RefreshLadders, RefreshLaddersOptions())
	ladder := sales.Ladder{KAM: "kam2", UM: "um2", MM: "mm1", SLT: "dsd", GM: "gm"}
	var asked []string
	CustomerOpenOrders.Register(env, func(_ context.Context, id string) ([]string, error) {
		asked = append(asked, id)
		return []string{"SO-2026-000003", "SO-2026-000002", "SO-2026-000001"}, nil
	})
	ResolveLadder.Register(env, func(_ context.Context, id string) (sales.Ladder, error) { return ladder, nil })
	want := RefreshLadderInput{Ladder: ladder, ChangeID: "chg-7"}
	env.OnSignalExternalWorkflow(mock.Anything, "order/SO-2026-000003", "", SignalRefreshLadder, want).Return(nil).Once()
	env.OnSignalExternalWorkflow(mock.Anything, "order/SO-2026-000002", "", SignalRefreshLadder, want).
		Return(&temporal.UnknownExternalWorkflowExecutionError{}).Once()
	env.OnSignalExternalWorkflow(mock.Anything, "order/SO-2026-000001", "", SignalRefreshLadder, want).Return(nil).Once()
	env.SetTestTimeout(10 * time.Second)
	env.ExecuteWorkflow(RefreshLaddersWorkflowName, RefreshLaddersInput{CustomerID: "C001", ChangeID: "chg-7"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("refresh failed: %v", err)
	}
	var res RefreshLaddersResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	env.AssertExpectations(t)
	if strings.Join(asked, ",") != "C001" || strings.Join(res.Sent, ",") != "SO-2026-000003,SO-2026-000001" ||
		strings.Join(res.Finished, ",") != "SO-2026-000002" || res.Ladder.KAM != "kam2" {
		t.Errorf("asked %v, result %+v; want C001's orders sent the ladder but the finished one", asked, res)
	}
}

// A refresh without a customer is refused, naming the field.
func TestRefreshLaddersRefusesNoCustomer(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(RefreshLadders, RefreshLaddersOptions())
	env.ExecuteWorkflow(RefreshLaddersWorkflowName, RefreshLaddersInput{ChangeID: "chg"})
	if err := env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "customer_id") {
		t.Errorf("refresh without a customer: %v, want refused naming customer_id", err)
	}
}
