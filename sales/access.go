package sales

import "context"

// Directory is what deciding who may see what reads from the organisation:
// who reports to whom, and whose customer a customer is now.
type Directory interface {
	Reports(ctx context.Context, managerID string) ([]string, error)
	Customer(ctx context.Context, id string) (Customer, error)
}

// ScopeFor returns what u may see (ScopeOf); the organisation is read only
// for users whose scope depends on who reports to them. The JSON API and the
// console both decide with it.
func ScopeFor(ctx context.Context, d Directory, u User) (Scope, error) {
	if s := ScopeOf(u, nil); s.All {
		return s, nil
	}
	reports, err := d.Reports(ctx, u.ID)
	if err != nil {
		return Scope{}, err
	}
	return ScopeOf(u, reports), nil
}

// CustomerVisible reports whether scope allows the customer with id. It
// follows the customer's KAM now, read from d, never a KAM an order was
// placed under: a customer handed to another KAM takes its orders along. A
// customer that does not exist is not visible.
func CustomerVisible(ctx context.Context, d Directory, scope Scope, customerID string) (bool, error) {
	if scope.All {
		return true, nil
	}
	c, err := d.Customer(ctx, customerID)
	switch {
	case ErrorCode(err) == ErrNotFound:
		return false, nil
	case err != nil:
		return false, err
	}
	return scope.Allows(c.KAMID), nil
}
