package worker_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"osb/devserver"
	"osb/worker"
)

func TestEnsureSearchAttributesAddsOnlyMissingOnes(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := devserver.Start(ctx, devserver.Options{
		SearchAttributes: map[string]enums.IndexedValueType{"OrderNo": enums.INDEXED_VALUE_TYPE_KEYWORD},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddress(), Namespace: s.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	want := map[string]enums.IndexedValueType{
		"OrderNo":         enums.INDEXED_VALUE_TYPE_KEYWORD,
		"EscalationLevel": enums.INDEXED_VALUE_TYPE_INT,
	}
	for range 2 { // the second call finds nothing to add
		if err := worker.EnsureSearchAttributes(ctx, c, s.Namespace(), want); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: s.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range want {
		if got := resp.GetCustomAttributes()[name]; got != typ {
			t.Errorf("search attribute %s is %s, want %s", name, got, typ)
		}
	}

	clash := map[string]enums.IndexedValueType{"OrderNo": enums.INDEXED_VALUE_TYPE_INT}
	if err := worker.EnsureSearchAttributes(ctx, c, s.Namespace(), clash); err == nil {
		t.Error("EnsureSearchAttributes accepted OrderNo as Int although it is a Keyword")
	}
}
