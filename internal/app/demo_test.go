package app

import (
	"context"
	"testing"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

func TestDemoDataLoadsTwiceWithQuotaAndPOPBudgets(t *testing.T) {
	ctx := context.Background()
	store, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for range 2 {
		if err := SeedDemo(ctx, store); err != nil {
			t.Fatal(err)
		}
	}
	q, err := store.CustomerQuota(ctx, "C001", sales.PeriodOf(time.Now()), []string{"SKU-1006", "SKU-1012", "SKU-1013"})
	if err != nil {
		t.Fatal(err)
	}
	if len(q) == 0 {
		t.Fatal("no quota for a demo customer this month")
	}
	for _, c := range q {
		if c.Allocated != demo.CustomerQuota {
			t.Errorf("quota %+v", c)
		}
	}
	if _, err := store.Authenticate(ctx, demo.Tokens()["ssg-lead"]); err != nil {
		t.Errorf("demo token: %v", err)
	}
}
