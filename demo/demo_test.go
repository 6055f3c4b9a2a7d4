package demo_test

import (
	"strings"
	"testing"

	"osb/demo"
	"osb/sales"
)

func TestOrganisationIdsAreUnique(t *testing.T) {
	org := demo.Organisation()
	seen := map[string]bool{}
	check := func(kind, id string) {
		t.Helper()
		if id == "" {
			t.Errorf("a %s has no id", kind)
		}
		if seen[kind+"/"+id] {
			t.Errorf("%s %q appears twice", kind, id)
		}
		seen[kind+"/"+id] = true
	}
	for _, u := range org.Users {
		check("user", u.ID)
	}
	for _, m := range org.Markets {
		check("market", m.Code)
	}
	for _, c := range org.Customers {
		check("customer", c.ID)
	}
	for _, k := range org.SKUs {
		check("SKU", k.Code)
	}
}

func TestEveryCustomerHasACompleteLadderInItsMarket(t *testing.T) {
	org := demo.Organisation()
	users := usersByID(org)
	markets := map[string]sales.Market{}
	for _, m := range org.Markets {
		markets[m.Code] = m
	}
	for _, c := range org.Customers {
		m, ok := markets[c.Market]
		if !ok {
			t.Errorf("customer %s: unknown market %q", c.ID, c.Market)
			continue
		}
		kam := users[c.KAMID]
		if kam.Title != sales.TitleKAM || kam.Role != sales.RoleFSF || kam.Market != c.Market {
			t.Errorf("customer %s: KAM %q is %+v, want an FSF KAM of %s", c.ID, c.KAMID, kam, c.Market)
			continue
		}
		um := users[kam.ManagerID]
		if um.Title != sales.TitleUM || um.Market != c.Market {
			t.Errorf("customer %s: manager of KAM %s is %+v, want a UM of %s", c.ID, kam.ID, um, c.Market)
			continue
		}
		mm := users[um.ManagerID]
		if mm.Title != sales.TitleMM || mm.Market != c.Market || mm.ID != m.MMID {
			t.Errorf("customer %s: manager of UM %s is %+v, want %s, the MM of %s", c.ID, um.ID, mm, m.MMID, c.Market)
		}
	}
}

func TestEveryMarketHasAnMMAndAnSLTOwner(t *testing.T) {
	org := demo.Organisation()
	users := usersByID(org)
	owners := map[string]string{"西南": "sd", "华北": "sd", "西北": "sd", "华中": "sd", "山东": "dsd", "华东": "dsd", "华南": "dsd"}
	if len(org.Markets) != len(owners) {
		t.Errorf("%d markets, want the %d of DOMAIN.md", len(org.Markets), len(owners))
	}
	for _, m := range org.Markets {
		if m.SLTOwner != owners[m.Code] {
			t.Errorf("market %s: SLT owner %q, want %q", m.Code, m.SLTOwner, owners[m.Code])
		}
		if users[m.SLTOwner].Role != sales.RoleSLT {
			t.Errorf("market %s: SLT owner %q is not in the SLT", m.Code, m.SLTOwner)
		}
		mm := users[m.MMID]
		if mm.Title != sales.TitleMM || mm.ManagerID != m.SLTOwner {
			t.Errorf("market %s: MM %q is %+v, want an MM reporting to %s", m.Code, m.MMID, mm, m.SLTOwner)
		}
	}
}

func TestUsersHaveValidRolesAndKnownManagers(t *testing.T) {
	org := demo.Organisation()
	users := usersByID(org)
	gms := 0
	for _, u := range org.Users {
		if !u.Role.Valid() {
			t.Errorf("user %s: role %q is not valid", u.ID, u.Role)
		}
		if u.ManagerID != "" && users[u.ManagerID].ID == "" {
			t.Errorf("user %s: unknown manager %q", u.ID, u.ManagerID)
		}
		if u.Title == sales.TitleGM {
			gms++
		}
	}
	if gms != 1 {
		t.Errorf("%d users have title GM, want 1", gms)
	}
}

func TestCustomersAndSKUsAreRealistic(t *testing.T) {
	org := demo.Organisation()
	var inactive, frozen int
	for _, c := range org.Customers {
		if c.CreditLimit < sales.Yuan(200_000) || c.CreditLimit > sales.Yuan(2_000_000) {
			t.Errorf("customer %s: credit limit %s outside ¥200,000–¥2,000,000", c.ID, c.CreditLimit)
		}
		if c.PaymentTermsDays != 30 && c.PaymentTermsDays != 45 && c.PaymentTermsDays != 60 {
			t.Errorf("customer %s: payment terms %d days", c.ID, c.PaymentTermsDays)
		}
		if c.Currency != sales.CNY || c.ShipTo == "" || !strings.Contains("ABC", c.Rating) || c.Rating == "" {
			t.Errorf("customer %s: currency %q, ship to %q, rating %q", c.ID, c.Currency, c.ShipTo, c.Rating)
		}
		if !c.Active {
			inactive++
		}
		if c.Frozen {
			frozen++
		}
	}
	if inactive != 1 || frozen != 1 {
		t.Errorf("%d inactive and %d frozen customers, want one of each", inactive, frozen)
	}
	quota := 0
	for _, k := range org.SKUs {
		if k.ListPrice <= 0 {
			t.Errorf("SKU %s: list price %s is not positive", k.Code, k.ListPrice)
		}
		if k.Name == "" || k.Unit == "" || k.Currency != sales.CNY || !k.Active {
			t.Errorf("SKU %s is incomplete: %+v", k.Code, k)
		}
		if k.Quota {
			quota++
		}
	}
	if quota == 0 {
		t.Error("no SKU is quota-controlled")
	}
}

func TestTokensCoverEveryRoleAndAreDistinct(t *testing.T) {
	org := demo.Organisation()
	users := usersByID(org)
	tokens := demo.Tokens()
	roles := map[sales.Role]bool{}
	seen := map[string]string{}
	for id, token := range tokens {
		u, ok := users[id]
		if !ok {
			t.Errorf("token for unknown user %q", id)
			continue
		}
		if other, dup := seen[token]; dup {
			t.Errorf("users %s and %s share token %q", id, other, token)
		}
		seen[token] = id
		roles[u.Role] = true
	}
	for _, r := range []sales.Role{sales.RoleSSG, sales.RoleFSF, sales.RoleFinance, sales.RoleLogistics, sales.RoleSLT, sales.RoleAdmin} {
		if !roles[r] {
			t.Errorf("no demo token for role %s", r)
		}
	}
	if tokens["sd"] != "demo-sd" || tokens["ssg-lead"] != "demo-ssg-lead" {
		t.Errorf("tokens of sd and ssg-lead are %q and %q", tokens["sd"], tokens["ssg-lead"])
	}
}

func usersByID(org sales.Organisation) map[string]sales.User {
	out := map[string]sales.User{}
	for _, u := range org.Users {
		out[u.ID] = u
	}
	return out
}
