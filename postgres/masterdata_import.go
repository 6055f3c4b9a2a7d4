package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// ImportMasterData applies a sheet read from a file in one transaction:
// all of it, or nothing when any row has a problem or dryRun is set. The
// report counts what was (or would be) created, changed, left unchanged and
// sent to the SLT, and lists every problem, the reading's and the
// database's, by row. keepMonth (shipment information only; "" = none)
// keeps that month's version of the shipment information with the import.
func (s *Store) ImportMasterData(ctx context.Context, sheet sales.Sheet, dryRun bool, keepMonth string, discountBP int64, by sales.Actor, at time.Time) (sales.ImportReport, error) {
	op := "import " + string(sheet.Kind)
	rep := sales.ImportReport{Kind: sheet.Kind, DryRun: dryRun, Rows: sheet.Lines}
	if keepMonth != "" && sheet.Kind != sales.SheetShipmentInfo {
		var p sales.Problems
		p.Add("month", "only the shipment information keeps a month's version")
		return rep, p.Err("invalid import")
	}
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var out outcome
		var p problems
		var err error
		// A sheet with problems is only checked against the database; a
		// dry run's writes are rolled back.
		write := len(sheet.Problems) == 0
		switch sheet.Kind {
		case sales.SheetCustomers:
			out, p, err = applyCustomers(ctx, tx, sheet.Customers, sheet.Rows, upsert, write, by, at)
		case sales.SheetShipmentInfo:
			out, p, err = applyShipTos(ctx, tx, sheet.ShipTos, sheet.Rows, write, by, at)
		case sales.SheetSKUs:
			out, p, err = applySKUs(ctx, tx, sheet.SKUs, sheet.Rows, upsert, write, discountBP, by, at)
		case sales.SheetPrices, sales.SheetCustomerPrices:
			out, p, err = applyPrices(ctx, tx, sheet.Prices, sheet.Rows, sheet.Kind == sales.SheetCustomerPrices, write, discountBP, by, at)
		case sales.SheetUsers:
			out, p, err = applyUsers(ctx, tx, sheet.Users, sheet.Rows, upsert, write, by, at)
		case sales.SheetMarkets:
			out, p, err = applyMarkets(ctx, tx, sheet.Markets, sheet.Rows, upsert, write, by, at)
		default:
			return sales.Errorf(sales.ErrNotFound, "no master data %q", sheet.Kind)
		}
		if err != nil {
			return err
		}
		rep.Problems = append(slices.Clone(sheet.Problems), p...)
		slices.SortStableFunc(rep.Problems, func(a, b sales.RowProblem) int { return cmp.Compare(a.Row, b.Row) })
		rep.Created, rep.Changed, rep.Unchanged, rep.Pending = out.Created, out.Changed, out.Unchanged, out.Pending
		rep.KAMChanges, rep.PriceChanges = out.Handovers, out.PriceChanges
		if len(rep.Problems) > 0 {
			rep.Created, rep.Changed, rep.Unchanged, rep.Pending, rep.KAMChanges, rep.PriceChanges = 0, 0, 0, 0, nil, nil
			return errDryRun
		}
		if keepMonth != "" {
			v := sales.ShipmentInfoVersion{Month: keepMonth, KeptAt: at, KeptBy: by.UserID}
			if err := keepShipmentMonth(ctx, tx, &v, by); err != nil {
				return err
			}
			rep.KeptMonth = keepMonth
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	switch {
	case errors.Is(err, errDryRun):
		return rep, nil
	case err != nil:
		return rep, err
	}
	rep.Applied = true
	if rep.Problems == nil {
		rep.Problems = []sales.RowProblem{}
	}
	return rep, nil
}

// MasterSheet returns the records of kind as the rows of its sheet, as an
// import reads them back: customers (and their shipment information) in
// scope; month ("" = current) picks a kept version of the shipment
// information.
func (s *Store) MasterSheet(ctx context.Context, kind sales.SheetKind, scope sales.Scope, month string) (sales.Table, error) {
	switch kind {
	case sales.SheetCustomers:
		l, err := s.MasterCustomers(ctx, scope)
		return sales.MasterTable(kind, l), err
	case sales.SheetShipmentInfo:
		l, err := s.ShipmentInfoRows(ctx, scope, month)
		return sales.MasterTable(kind, l), err
	case sales.SheetSKUs:
		l, err := s.MasterSKUs(ctx)
		return sales.MasterTable(kind, l), err
	case sales.SheetPrices:
		l, err := s.PriceEntries(ctx, sales.PriceFilter{})
		return sales.MasterTable(kind, l), err
	case sales.SheetCustomerPrices:
		f := sales.PriceFilter{Customers: true}
		if !scope.All {
			cs, err := s.MasterCustomers(ctx, scope)
			if err != nil {
				return sales.Table{}, err
			}
			f.CustomerIDs = []string{}
			for _, c := range cs {
				f.CustomerIDs = append(f.CustomerIDs, c.ID)
			}
		}
		l, err := s.PriceEntries(ctx, f)
		return sales.MasterTable(kind, l), err
	case sales.SheetUsers:
		l, err := s.MasterUsers(ctx)
		return sales.MasterTable(kind, l), err
	case sales.SheetMarkets:
		l, err := s.MasterMarkets(ctx)
		return sales.MasterTable(kind, l), err
	}
	return sales.Table{}, sales.Errorf(sales.ErrNotFound, "no master data %q", kind)
}
