package sales

import (
	"context"
	"errors"
	"testing"
)

type fakeDirectory struct {
	reports   map[string][]string
	customers map[string]Customer
	asked     int
}

func (d *fakeDirectory) Reports(_ context.Context, id string) ([]string, error) {
	d.asked++
	return d.reports[id], nil
}

func (d *fakeDirectory) Customer(_ context.Context, id string) (Customer, error) {
	d.asked++
	c, ok := d.customers[id]
	if !ok {
		return Customer{}, Errorf(ErrNotFound, "no customer %q", id)
	}
	return c, nil
}

func TestScopeForReadsTheOrganisationOnlyForTheFSF(t *testing.T) {
	d := &fakeDirectory{reports: map[string][]string{"um1": {"kam1", "kam2"}}}
	s, err := ScopeFor(context.Background(), d, User{ID: "fin1", Role: RoleFinance})
	if err != nil || !s.All || d.asked != 0 {
		t.Errorf("finance: %+v %v, asked %d", s, err, d.asked)
	}
	s, err = ScopeFor(context.Background(), d, User{ID: "um1", Role: RoleFSF})
	if err != nil || s.All || !s.Allows("um1") || !s.Allows("kam2") || s.Allows("kam3") {
		t.Errorf("um: %+v %v", s, err)
	}
}

func TestCustomerVisibleFollowsTheCustomersKAMNow(t *testing.T) {
	d := &fakeDirectory{customers: map[string]Customer{"C1": {ID: "C1", KAMID: "kam1"}, "C2": {ID: "C2", KAMID: "kam2"}}}
	scope := Scope{KAMIDs: []string{"kam1"}}
	for id, want := range map[string]bool{"C1": true, "C2": false, "C9": false} {
		got, err := CustomerVisible(context.Background(), d, scope, id)
		if err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", id, got, err, want)
		}
	}
	if ok, err := CustomerVisible(context.Background(), d, Scope{All: true}, "C9"); !ok || err != nil {
		t.Errorf("all: %v %v", ok, err)
	}
	failing := errors.New("down")
	if _, err := CustomerVisible(context.Background(), errDirectory{failing}, scope, "C1"); !errors.Is(err, failing) {
		t.Errorf("store error: %v", err)
	}
}

type errDirectory struct{ err error }

func (d errDirectory) Reports(context.Context, string) ([]string, error)  { return nil, d.err }
func (d errDirectory) Customer(context.Context, string) (Customer, error) { return Customer{}, d.err }
