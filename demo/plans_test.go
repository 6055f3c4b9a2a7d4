package demo

import (
	"context"
	"testing"
	"time"

	"osb/sales"
)

// planStore keeps targets and focus in memory.
type planStore struct {
	targets map[string]sales.Target // by dimension/key
	focus   map[string]sales.FocusItems
	writes  int
}

func (s *planStore) Targets(context.Context, string, sales.Scope) ([]sales.Target, error) {
	var out []sales.Target
	for _, t := range s.targets {
		out = append(out, t)
	}
	return out, nil
}

func (s *planStore) SetTargets(_ context.Context, r sales.TargetRequest, by string, at time.Time) ([]sales.Target, error) {
	if err := r.Validate().Err("invalid"); err != nil {
		return nil, err
	}
	for _, e := range r.Targets {
		s.writes++
		s.targets[string(e.Dimension)+"/"+e.Key] = sales.Target{Period: r.PeriodName(), Dimension: e.Dimension, Key: e.Key,
			Sales: e.Sales, Collections: e.Collections, Units: e.Units, SetBy: by, SetAt: at}
	}
	return nil, nil
}

func (s *planStore) MarketFocus(context.Context, string) ([]sales.FocusItems, error) {
	var out []sales.FocusItems
	for _, f := range s.focus {
		out = append(out, f)
	}
	return out, nil
}

func (s *planStore) SetFocus(_ context.Context, month string, r sales.FocusRequest, by string, at time.Time) (sales.FocusItems, error) {
	r.Normalize()
	if err := r.Validate().Err("invalid"); err != nil {
		return sales.FocusItems{}, err
	}
	s.writes++
	f := sales.FocusItems{Month: month, Market: r.Market, Main: r.Main, Secondary: r.Secondary, SetBy: by, SetAt: at}
	s.focus[r.Market] = f
	return f, nil
}

func TestSeedPlansSetsEveryMarketOnceAndLeavesPeoplesFigures(t *testing.T) {
	s := &planStore{targets: map[string]sales.Target{
		"market/华东": {Dimension: sales.ByMarket, Key: "华东", Sales: sales.Yuan(1), SetBy: "gm"},
	}, focus: map[string]sales.FocusItems{}}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, sales.Beijing)
	if err := SeedPlans(context.Background(), s, "2026-12", now); err != nil {
		t.Fatal(err)
	}
	markets := len(Organisation().Markets)
	if len(s.targets) != markets || len(s.focus) != markets {
		t.Errorf("%d targets and %d focus for %d markets", len(s.targets), len(s.focus), markets)
	}
	if got := s.targets["market/华东"]; got.SetBy != "gm" || got.Sales != sales.Yuan(1) {
		t.Errorf("华东's target someone set was replaced: %+v", got)
	}
	if got := s.focus["华南"]; got.Main == "" || len(got.Secondary) != 2 {
		t.Errorf("华南's focus %+v", got)
	}
	writes := s.writes
	if err := SeedPlans(context.Background(), s, "2026-12", now); err != nil || s.writes != writes {
		t.Errorf("seeding again wrote %d more (%v)", s.writes-writes, err)
	}
}
