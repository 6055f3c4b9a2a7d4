package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"osb/demo"
	"osb/postgres"
	"osb/sales"
)

// SeedDemo loads the demo organisation, its tokens, the PRC working calendars
// of the demo's years (demo.CalendarYears) not loaded yet, and for this month and
// the next the quota allocations and POP budgets, so a newcomer's first order
// for a quota-controlled SKU is not held. Loading it again changes nothing.
// It is for development only: it refuses, writing nothing, a database marked
// production and one holding users the demo did not load
// (postgres.Store.SaveDemoOrganisation).
func SeedDemo(ctx context.Context, store *postgres.Store) error {
	org := demo.Organisation()
	if err := store.SaveDemoOrganisation(ctx, org); err != nil {
		return fmt.Errorf("loading demo data failed: %w", err)
	}
	for user, token := range demo.Tokens() {
		if err := store.SaveToken(ctx, user, "demo", token, time.Now().Add(sales.DefaultTokenTTL)); err != nil {
			return fmt.Errorf("saving demo token of %s failed: %w", user, err)
		}
	}
	if err := seedDemoPasswords(ctx, store); err != nil {
		return fmt.Errorf("saving the demo users' console password failed: %w", err)
	}
	for _, item := range demo.POPItems() {
		if err := store.SavePOPItem(ctx, item); err != nil {
			return fmt.Errorf("saving demo POP item %s failed: %w", item.Code, err)
		}
	}
	now := time.Now()
	if err := seedDemoCalendar(ctx, store, now); err != nil {
		return fmt.Errorf("loading the demo working calendar failed: %w", err)
	}
	for _, month := range []string{sales.PeriodOf(now), sales.PeriodOf(now.AddDate(0, 1, 0))} {
		if err := seedMonth(ctx, store, org, month, now); err != nil {
			return fmt.Errorf("loading demo quota and POP budgets for %s failed: %w", month, err)
		}
	}
	if err := demo.SeedPlans(ctx, store, sales.MonthOf(now), now); err != nil {
		return fmt.Errorf("loading the demo targets and focus failed: %w", err)
	}
	return nil
}

// seedDemoCalendar loads the demo's PRC working calendars of the years not
// loaded yet: a calendar someone imported is never replaced by the demo's.
func seedDemoCalendar(ctx context.Context, store *postgres.Store, now time.Time) error {
	loaded, err := store.CalendarYears(ctx)
	if err != nil {
		return err
	}
	for _, y := range demo.CalendarYears {
		if slices.ContainsFunc(loaded, func(l sales.CalendarYear) bool { return l.Year == y }) {
			continue
		}
		if err := store.SaveCalendarYear(ctx, y, demo.CalendarYear(y), "admin", now); err != nil {
			return err
		}
	}
	return nil
}

func seedMonth(ctx context.Context, store *postgres.Store, org sales.Organisation, month string, now time.Time) error {
	alloc := func(qty int64) sales.QuotaAllocations {
		var q sales.QuotaAllocations
		for _, s := range org.SKUs {
			if s.Quota {
				q.Allocations = append(q.Allocations, sales.QuotaAllocation{SKU: s.Code, Quantity: qty})
			}
		}
		return q
	}
	for _, m := range org.Markets {
		if err := store.SetMarketQuota(ctx, month, m.Code, alloc(demo.MarketQuota), "admin", now); err != nil {
			return err
		}
		if _, err := store.SetPOPBudget(ctx, month, m.Code, demo.POPBudget, "admin", now); err != nil {
			return err
		}
	}
	for _, c := range org.Customers {
		if err := store.SetCustomerQuota(ctx, month, c.ID, alloc(demo.CustomerQuota), "admin", now); err != nil {
			return err
		}
	}
	return nil
}
