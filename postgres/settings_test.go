package postgres_test

import (
	"maps"
	"slices"
	"testing"

	"osb/demo"
	"osb/postgres"
	"osb/sales"
)

func TestTheDemoLoadsTwiceAndMarksItsUsers(t *testing.T) {
	st, url := newStore(t)
	ctx := testContext(t)
	for range 2 {
		if err := st.SaveDemoOrganisation(ctx, demo.Organisation()); err != nil {
			t.Fatal(err)
		}
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM users WHERE NOT demo"); n != 0 {
		t.Errorf("%d demo users not marked", n)
	}
}

// A demo load never changes a real user: it refuses, writing nothing, a
// database that holds one, and a database marked production.
func TestTheDemoNeverWritesOverRealUsersOrIntoProduction(t *testing.T) {
	st, url := newStore(t)
	ctx := testContext(t)
	real := sales.User{ID: "admin", Name: "真管理员", Role: sales.RoleAdmin, Title: sales.TitleAdmin, Email: "it@example.cn"}
	if err := st.SaveOrganisation(ctx, sales.Organisation{Users: []sales.User{real}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, st.SaveDemoOrganisation(ctx, demo.Organisation()), sales.ErrConflict)
	if u, err := st.User(ctx, "admin"); err != nil || u != real {
		t.Errorf("the real admin is now %+v, %v", u, err)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM users"); n != 1 {
		t.Errorf("a refused demo load wrote %d users", n-1)
	}

	prod, _ := newStore(t)
	if env, err := prod.Environment(ctx); err != nil || env != "" {
		t.Fatalf("a new database is %q, %v; want unmarked", env, err)
	}
	for range 2 {
		if err := prod.MarkProduction(ctx, "ops"); err != nil {
			t.Fatal(err)
		}
	}
	if env, err := prod.Environment(ctx); err != nil || env != postgres.EnvProduction {
		t.Fatalf("environment %q, %v", env, err)
	}
	wantCode(t, prod.SaveDemoOrganisation(ctx, demo.Organisation()), sales.ErrConflict)
}

// A real organisation saved over a demo user makes it real.
func TestSavingARealUserOverADemoOneMakesItReal(t *testing.T) {
	st, url := newStore(t)
	ctx := testContext(t)
	if err := st.SaveDemoOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	u, _ := st.User(ctx, "fin1")
	u.Name = "真财务"
	if err := st.SaveOrganisation(ctx, sales.Organisation{Users: []sales.User{u}}); err != nil {
		t.Fatal(err)
	}
	if demoFlag := scalar[bool](t, url, "SELECT demo FROM users WHERE id = 'fin1'"); demoFlag {
		t.Error("fin1 is still a demo user")
	}
	wantCode(t, st.SaveDemoOrganisation(ctx, demo.Organisation()), sales.ErrConflict)
}

func TestDemoTokensAreTheWorkingTokensOfDemoUsersOrPublicSecrets(t *testing.T) {
	st, _ := newStore(t)
	ctx := testContext(t)
	if err := st.SaveDemoOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	public := slices.Collect(maps.Values(demo.Tokens()))
	if got, err := st.DemoTokens(ctx, public); err != nil || len(got) != 0 {
		t.Fatalf("DemoTokens before any = %v, %v", got, err)
	}
	if err := st.SaveToken(ctx, "sd", "demo", demo.Tokens()["sd"], inDays(1)); err != nil {
		t.Fatal(err)
	}
	own, _, err := st.CreateToken(ctx, "gm", "laptop", inDays(1)) // gm is a demo user
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.DemoTokens(ctx, public)
	if err != nil || len(got) != 2 || got[1].ID != own.ID {
		t.Fatalf("DemoTokens = %+v, %v; want sd's and gm's", got, err)
	}
	for _, tok := range got {
		if _, err := st.RevokeToken(ctx, tok.ID, inDays(0)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := st.DemoTokens(ctx, public); err != nil || len(got) != 0 {
		t.Errorf("revoked demo tokens still count: %+v, %v", got, err)
	}
}
