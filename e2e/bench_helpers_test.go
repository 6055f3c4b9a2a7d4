package e2e

import (
	"context"
	"net/http/httptest"
	"testing"

	"go.temporal.io/sdk/activity"

	"osb/sales"
	"osb/starter"
)

func activityName(n string) activity.RegisterOptions { return activity.RegisterOptions{Name: n} }

// newBenchAPI serves the API for a benchmark and returns its URL.
func newBenchAPI(b *testing.B, sys *system) string {
	b.Helper()
	h := starter.New(starter.Config{Store: sys.store, Orders: starter.NewTemporalOrders(sys.client), Policy: sales.DefaultPolicy(), Logger: sys.log})
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}

// benchSKU is a plain demo SKU.
func benchSKU(b *testing.B, sys *system) sales.SKU {
	b.Helper()
	skus, err := sys.store.SKUs(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range skus {
		if s.Active && !s.Quota {
			return s
		}
	}
	b.Fatal("no plain SKU")
	return sales.SKU{}
}
