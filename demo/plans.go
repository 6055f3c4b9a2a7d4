package demo

import (
	"context"
	"fmt"
	"time"

	"osb/sales"
)

// marketPlan is a demo market's monthly target and focus.
type marketPlan struct {
	salesYuan, collectionsYuan, units int64
	main                              string
	secondary                         [2]string
}

// marketPlans are the demo markets' monthly targets and focus.
var marketPlans = map[string]marketPlan{
	"华东": {1_200_000, 1_000_000, 4_000, "年末回款冲刺，逾期 30 天以上清零", [2]string{"春节备货订单提前锁定", "新品在苏南铺货"}},
	"华南": {900_000, 800_000, 3_000, "福建市场渠道拓展", [2]string{"回款率达到 95%", "春节备货"}},
	"山东": {600_000, 500_000, 2_000, "青岛分销商提货节奏", [2]string{"回款率达到 95%", "新品试销"}},
	"华北": {800_000, 700_000, 2_600, "京津冀重点客户回款", [2]string{"河北铺货", "春节备货"}},
	"华中": {700_000, 600_000, 2_300, "郑州客户信用恢复", [2]string{"长沙新品铺货", "回款率达到 95%"}},
	"西南": {750_000, 650_000, 2_500, "成渝双城备货", [2]string{"昆明逾期清收", "新品试销"}},
	"西北": {300_000, 250_000, 1_000, "西安客户信用额度复核", [2]string{"回款率达到 95%", "春节备货"}},
}

// PlanStore is what the demo's plans are written with (postgres.Store).
type PlanStore interface {
	Targets(ctx context.Context, period string, scope sales.Scope) ([]sales.Target, error)
	SetTargets(ctx context.Context, r sales.TargetRequest, by string, at time.Time) ([]sales.Target, error)
	MarketFocus(ctx context.Context, month string) ([]sales.FocusItems, error)
	SetFocus(ctx context.Context, month string, r sales.FocusRequest, by string, at time.Time) (sales.FocusItems, error)
}

// SeedPlans sets, as the Sales Director, the month's target and focus of
// every demo market that has none yet, so the plans page and the report
// against target have figures to show and publish. A market whose target
// or focus someone set is left as it is.
func SeedPlans(ctx context.Context, store PlanStore, month string, now time.Time) error {
	targets, err := store.Targets(ctx, month, sales.Scope{All: true})
	if err != nil {
		return err
	}
	set := map[string]bool{}
	for _, t := range targets {
		if t.Dimension == sales.ByMarket {
			set[t.Key] = true
		}
	}
	req := sales.TargetRequest{Period: month}
	for _, m := range Organisation().Markets {
		if p, ok := marketPlans[m.Code]; ok && !set[m.Code] {
			req.Targets = append(req.Targets, sales.TargetEntry{Dimension: sales.ByMarket, Key: m.Code,
				Sales: sales.Yuan(p.salesYuan), Collections: sales.Yuan(p.collectionsYuan), Units: p.units})
		}
	}
	if len(req.Targets) > 0 {
		if _, err := store.SetTargets(ctx, req, sd, now); err != nil {
			return fmt.Errorf("the demo targets of %s: %w", month, err)
		}
	}
	focus, err := store.MarketFocus(ctx, month)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, f := range focus {
		has[f.Market] = true
	}
	for _, m := range Organisation().Markets {
		p, ok := marketPlans[m.Code]
		if !ok || has[m.Code] {
			continue
		}
		r := sales.FocusRequest{Market: m.Code, Main: p.main, Secondary: p.secondary[:]}
		if _, err := store.SetFocus(ctx, month, r, sd, now); err != nil {
			return fmt.Errorf("the demo focus of %s for %s: %w", m.Code, month, err)
		}
	}
	return nil
}
