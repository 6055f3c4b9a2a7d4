package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// Master data kept by people: customers with their KAM and shipment
// information. Every write compares with what is there, writes only what
// changed and audits it in the same transaction; a single record and a
// whole imported sheet go through the same apply functions.

// applyMode says whether a record may be new, must be new or must exist.
type applyMode int

const (
	upsert applyMode = iota
	createOnly
	updateOnly
)

// outcome counts what an apply did.
type outcome struct {
	Created, Changed, Unchanged, Pending int
	Handovers                            []sales.KAMHandover
	PriceChanges                         []sales.PriceChange
}

// problems collects the problems of rows; row 0 is a single record of the
// API, whose problems become field errors.
type problems []sales.RowProblem

func (p *problems) add(row int, column, format string, args ...any) {
	*p = append(*p, sales.RowProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
}

// err turns the problems of a single record into an invalid error.
func (p problems) err(message string) error {
	var f sales.Problems
	for _, x := range p {
		f.Add(x.Column, "%s", x.Message)
	}
	return f.Err(message)
}

// sendBatch sends b in tx and reads every result.
func sendBatch(ctx context.Context, tx pgx.Tx, op string, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return translate(op, err)
	}
	return nil
}

const customerRecordColumns = `id, name, market, kam_id, payment_terms_days, currency, active`

func scanCustomerRecord(r pgx.Row) (sales.CustomerRecord, error) {
	var c sales.CustomerRecord
	err := r.Scan(&c.ID, &c.Name, &c.Market, &c.KAMID, &c.PaymentTermsDays, &c.Currency, &c.Active)
	return c, err
}

// MasterCustomers lists the customers scope allows as the SSG keeps them,
// sorted by id.
func (s *Store) MasterCustomers(ctx context.Context, scope sales.Scope) ([]sales.CustomerRecord, error) {
	var where conditions
	if !scope.All {
		where.add("kam_id = ANY($?)", scope.KAMIDs)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+customerRecordColumns+` FROM customers`+where.sql()+` ORDER BY id`, where.args...)
	if err != nil {
		return nil, fmt.Errorf("store: master customers: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.CustomerRecord, error) { return scanCustomerRecord(r) })
	if err != nil {
		return nil, fmt.Errorf("store: master customers: %w", err)
	}
	return out, nil
}

// MasterCustomer returns the customer with id as the SSG keeps it.
func (s *Store) MasterCustomer(ctx context.Context, id string) (sales.CustomerRecord, error) {
	c, err := scanCustomerRecord(s.pool.QueryRow(ctx, `SELECT `+customerRecordColumns+` FROM customers WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, sales.Errorf(sales.ErrNotFound, "no customer %q", id)
	}
	if err != nil {
		return c, fmt.Errorf("store: customer %s: %w", id, err)
	}
	return c, nil
}

// saveOne saves one master record in a transaction with apply, the code an
// import runs for its rows: create only or update only, refused with every
// problem of what ("the customer").
func (s *Store) saveOne(ctx context.Context, op, what string, create bool,
	apply func(tx pgx.Tx, mode applyMode) (outcome, problems, error)) (outcome, error) {
	mode := updateOnly
	if create {
		mode = createOnly
	}
	var out outcome
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		o, p, err := apply(tx, mode)
		out = o
		if err != nil {
			return err
		}
		return p.err(what + " is invalid")
	})
	return out, err
}

// SaveCustomer creates (create) or updates a customer. A different KAM is
// a KAM change, kept in the customer's history and returned; saving what is
// there changes nothing and audits nothing.
func (s *Store) SaveCustomer(ctx context.Context, c sales.CustomerRecord, create bool, by sales.Actor, at time.Time) (sales.CustomerRecord, *sales.KAMHandover, error) {
	out, err := s.saveOne(ctx, "save customer "+c.ID, "the customer", create, func(tx pgx.Tx, mode applyMode) (outcome, problems, error) {
		return applyCustomers(ctx, tx, []sales.CustomerRecord{c}, []int{0}, mode, true, by, at)
	})
	if err != nil {
		return sales.CustomerRecord{}, nil, err
	}
	var handover *sales.KAMHandover
	if len(out.Handovers) > 0 {
		handover = &out.Handovers[0]
	}
	saved, err := s.MasterCustomer(ctx, c.ID)
	return saved, handover, err
}

// ChangeKAM hands a customer to another KAM, keeping the change in its
// history. When the customer's KAM is k.KAMID already, the last change to
// that KAM is returned (changed false), so that a retried request names the
// same change and its ladder refresh.
func (s *Store) ChangeKAM(ctx context.Context, customerID string, k sales.KAMChange, by sales.Actor, at time.Time) (h sales.KAMHandover, changed bool, err error) {
	op := "change the KAM of " + customerID
	err = s.inTx(ctx, op, func(tx pgx.Tx) error {
		c, err := scanCustomerRecord(tx.QueryRow(ctx, `SELECT `+customerRecordColumns+` FROM customers WHERE id = $1 FOR UPDATE`, customerID))
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
		}
		if err != nil {
			return translate(op, err)
		}
		if c.KAMID == k.KAMID {
			h, err = lastHandover(ctx, tx, customerID, k.KAMID)
			return err
		}
		var p problems
		kams, err := usersByID(ctx, tx, []string{k.KAMID})
		if err != nil {
			return translate(op, err)
		}
		checkKAM(&p, 0, k.KAMID, kams)
		if err := p.err("the KAM change is invalid"); err != nil {
			return err
		}
		after := c
		after.KAMID = k.KAMID
		b := &pgx.Batch{}
		b.Queue(`UPDATE customers SET kam_id = $2 WHERE id = $1`, c.ID, k.KAMID)
		if h, err = queueHandover(b, c, k.KAMID, k.Reason, by, at); err != nil {
			return err
		}
		changed = true
		return sendBatch(ctx, tx, op, b)
	})
	return h, changed, err
}

// lastHandover is the latest change of customerID to kam; a customer that
// had kam from the start has none (an empty change id).
func lastHandover(ctx context.Context, tx pgx.Tx, customerID, kam string) (sales.KAMHandover, error) {
	h, err := scanHandover(tx.QueryRow(ctx, `SELECT `+handoverColumns+` FROM customer_kam_history
		WHERE customer_id = $1 AND to_kam = $2 ORDER BY id DESC LIMIT 1`, customerID, kam))
	if errors.Is(err, pgx.ErrNoRows) {
		return sales.KAMHandover{CustomerID: customerID, To: kam}, nil
	}
	if err != nil {
		return h, fmt.Errorf("store: KAM history of %s: %w", customerID, err)
	}
	return h, nil
}

const handoverColumns = `change_id, customer_id, from_kam, to_kam, reason, changed_by, changed_at`

func scanHandover(r pgx.Row) (sales.KAMHandover, error) {
	var h sales.KAMHandover
	err := r.Scan(&h.ChangeID, &h.CustomerID, &h.From, &h.To, &h.Reason, &h.By, &h.At)
	return h, err
}

// KAMHistory lists the changes of a customer's KAM, newest first.
func (s *Store) KAMHistory(ctx context.Context, customerID string) ([]sales.KAMHandover, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+handoverColumns+` FROM customer_kam_history
		WHERE customer_id = $1 ORDER BY id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: KAM history of %s: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.KAMHandover, error) { return scanHandover(r) })
	if err != nil {
		return nil, fmt.Errorf("store: KAM history of %s: %w", customerID, err)
	}
	return out, nil
}

// queueHandover queues the history row and the audit of c's KAM becoming to.
func queueHandover(b *pgx.Batch, c sales.CustomerRecord, to, reason string, by sales.Actor, at time.Time) (sales.KAMHandover, error) {
	h := sales.KAMHandover{ChangeID: fmt.Sprintf("kam/%s/%s", c.ID, at.UTC().Format("20060102T150405.000000000Z")),
		CustomerID: c.ID, From: c.KAMID, To: to, Reason: reason, By: by.UserID, At: at}
	b.Queue(`INSERT INTO customer_kam_history (change_id, customer_id, from_kam, to_kam, reason, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, h.ChangeID, h.CustomerID, h.From, h.To, h.Reason, h.By, h.At)
	type kam struct {
		KAMID  string `json:"kam_id"`
		Reason string `json:"reason,omitempty"`
	}
	return h, queueAudit(b, sales.EntityCustomer, c.ID, sales.AuditKAMChange, by, at, kam{KAMID: c.KAMID}, kam{to, reason})
}

// userState is what checking a reference to a user needs.
type userState struct {
	Role   sales.Role
	Active bool
}

func usersByID(ctx context.Context, tx pgx.Tx, ids []string) (map[string]userState, error) {
	rows, err := tx.Query(ctx, `SELECT id, role, active FROM users WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]userState{}
	for rows.Next() {
		var id string
		var u userState
		if err := rows.Scan(&id, &u.Role, &u.Active); err != nil {
			return nil, err
		}
		out[id] = u
	}
	return out, rows.Err()
}

// checkKAM adds a problem when id cannot be a KAM: unknown, deactivated or
// not of the field sales force.
func checkKAM(p *problems, row int, id string, users map[string]userState) {
	u, ok := users[id]
	switch {
	case !ok:
		p.add(row, "kam_id", "unknown user %q", id)
	case !u.Active:
		p.add(row, "kam_id", "user %s is deactivated and cannot be a KAM", id)
	case u.Role != sales.RoleFSF:
		p.add(row, "kam_id", "user %s is not of the field sales force (role %s)", id, u.Role)
	}
}

func codesIn(ctx context.Context, tx pgx.Tx, sql string, args ...any) (map[string]bool, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

// applyCustomers writes the customers that are new or changed (mode says
// which may be), with their audit and KAM changes; rows are their rows in
// a sheet. With problems nothing is written.
func applyCustomers(ctx context.Context, tx pgx.Tx, recs []sales.CustomerRecord, rows []int, mode applyMode, write bool, by sales.Actor, at time.Time) (outcome, problems, error) {
	const op = "save customers"
	var out outcome
	var p problems
	ids, kamIDs := make([]string, len(recs)), make([]string, len(recs))
	for i, c := range recs {
		ids[i], kamIDs[i] = c.ID, c.KAMID
	}
	existing := make(map[string]sales.CustomerRecord, len(recs))
	list, err := collect(ctx, tx, op, `SELECT `+customerRecordColumns+` FROM customers WHERE id = ANY($1) FOR UPDATE`,
		func(r pgx.CollectableRow) (sales.CustomerRecord, error) { return scanCustomerRecord(r) }, ids)
	if err != nil {
		return out, nil, translate(op, err)
	}
	for _, c := range list {
		existing[c.ID] = c
	}
	markets, err := codesIn(ctx, tx, `SELECT code FROM markets`)
	if err != nil {
		return out, nil, translate(op, err)
	}
	kams, err := usersByID(ctx, tx, kamIDs)
	if err != nil {
		return out, nil, translate(op, err)
	}
	b := &pgx.Batch{}
	for i, c := range recs {
		old, exists := existing[c.ID]
		switch {
		case mode == createOnly && exists:
			return out, nil, sales.Errorf(sales.ErrConflict, "customer %s exists already", c.ID)
		case mode == updateOnly && !exists:
			return out, nil, sales.Errorf(sales.ErrNotFound, "no customer %q", c.ID)
		}
		if c.Market != "" && !markets[c.Market] {
			p.add(rows[i], "market", "unknown market %q", c.Market)
		}
		if c.KAMID != "" && (!exists || old.KAMID != c.KAMID) {
			checkKAM(&p, rows[i], c.KAMID, kams)
		}
		switch {
		case len(p) > 0:
			continue
		case !exists:
			out.Created++
			b.Queue(`INSERT INTO customers (id, name, market, kam_id, payment_terms_days, currency, active)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, c.Name, c.Market, c.KAMID, c.PaymentTermsDays, string(c.Currency), c.Active)
			if err := queueAudit(b, sales.EntityCustomer, c.ID, sales.AuditCreate, by, at, nil, c); err != nil {
				return out, nil, err
			}
		case old == c:
			out.Unchanged++
		default:
			out.Changed++
			b.Queue(`UPDATE customers SET name = $2, market = $3, kam_id = $4, payment_terms_days = $5, currency = $6, active = $7
				WHERE id = $1`, c.ID, c.Name, c.Market, c.KAMID, c.PaymentTermsDays, string(c.Currency), c.Active)
			if err := queueAudit(b, sales.EntityCustomer, c.ID, sales.AuditUpdate, by, at, old, c); err != nil {
				return out, nil, err
			}
			if old.KAMID != c.KAMID {
				h, err := queueHandover(b, old, c.KAMID, "", by, at)
				if err != nil {
					return out, nil, err
				}
				out.Handovers = append(out.Handovers, h)
			}
		}
	}
	if len(p) > 0 || !write {
		return out, p, nil
	}
	return out, nil, sendBatch(ctx, tx, op, b)
}

// CustomerShipmentInfo returns a customer's shipment information: the current one
// (month ""), or the version kept for month.
func (s *Store) CustomerShipmentInfo(ctx context.Context, customerID, month string) (sales.ShipmentInfo, error) {
	info := sales.ShipmentInfo{CustomerID: customerID, Month: month}
	err := s.readTx(ctx, "shipment information of "+customerID, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1)`, customerID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return sales.Errorf(sales.ErrNotFound, "no customer %q", customerID)
		}
		if month != "" {
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM shipment_info_versions WHERE month = $1)`, month).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return sales.Errorf(sales.ErrNotFound, "no version of the shipment information was kept for %s", month)
			}
		}
		all, err := shipTos(ctx, tx, []string{customerID}, month)
		info.Addresses = all[customerID]
		return err
	})
	if info.Addresses == nil {
		info.Addresses = []sales.ShipTo{}
	}
	return info, err
}

// shipTos reads the addresses of customers (nil: all), current (month "")
// or as kept for month, by customer and code. A customer without rows but
// with customers.ship_to (saved before master data was kept) has that one
// address, as its default "1".
func shipTos(ctx context.Context, tx pgx.Tx, customers []string, month string) (map[string][]sales.ShipTo, error) {
	var rows pgx.Rows
	var err error
	if month == "" {
		rows, err = tx.Query(ctx, `
			SELECT c.id, coalesce(a.code, '1'), coalesce(a.address, c.ship_to), coalesce(a.consignee, ''), coalesce(a.phone, ''),
				coalesce(a.unloading_notes, ''), coalesce(a.carrier, ''), coalesce(a.is_default, true)
			FROM customers c
			LEFT JOIN customer_ship_to a ON a.customer_id = c.id
			WHERE ($1::text[] IS NULL OR c.id = ANY($1))
				AND (a.customer_id IS NOT NULL OR (c.ship_to <> '' AND NOT EXISTS (SELECT 1 FROM customer_ship_to x WHERE x.customer_id = c.id)))
			ORDER BY c.id, a.code`, customers)
	} else {
		rows, err = tx.Query(ctx, `
			SELECT customer_id, code, address, consignee, phone, unloading_notes, carrier, is_default
			FROM shipment_info_month_rows WHERE month = $2 AND ($1::text[] IS NULL OR customer_id = ANY($1))
			ORDER BY customer_id, code`, customers, month)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]sales.ShipTo{}
	for rows.Next() {
		var id string
		var a sales.ShipTo
		if err := rows.Scan(&id, &a.Code, &a.Address, &a.Consignee, &a.Phone, &a.UnloadingNotes, &a.Carrier, &a.Default); err != nil {
			return nil, err
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

// ShipmentInfoRows lists the shipment information of the customers scope
// allows, current (month "") or as kept for month, by customer and code.
func (s *Store) ShipmentInfoRows(ctx context.Context, scope sales.Scope, month string) ([]sales.ShipmentInfo, error) {
	var out []sales.ShipmentInfo
	err := s.readTx(ctx, "shipment information", func(tx pgx.Tx) error {
		var ids []string
		if !scope.All {
			var err error
			if ids, err = collect(ctx, tx, "customers in scope", `SELECT id FROM customers WHERE kam_id = ANY($1)`, pgx.RowTo[string], scope.KAMIDs); err != nil {
				return err
			}
			if ids == nil {
				ids = []string{}
			}
		}
		all, err := shipTos(ctx, tx, ids, month)
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(all))
		for k := range all {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, sales.ShipmentInfo{CustomerID: k, Month: month, Addresses: all[k]})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: shipment information: %w", err)
	}
	return out, nil
}

// SaveShipmentInfo makes a customer's current addresses what info says.
// It returns the information saved and whether anything changed.
func (s *Store) SaveShipmentInfo(ctx context.Context, info sales.ShipmentInfo, by sales.Actor, at time.Time) (bool, error) {
	op := "save the shipment information of " + info.CustomerID
	var changed bool
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		out, p, err := applyShipTos(ctx, tx, []sales.ShipmentInfo{info}, []int{0}, true, by, at)
		if err != nil {
			return err
		}
		if len(p) > 0 {
			if p[0].Column == "customer_id" {
				return sales.Errorf(sales.ErrNotFound, "no customer %q", info.CustomerID)
			}
			return p.err("the shipment information is invalid")
		}
		changed = out.Changed > 0 || out.Created > 0
		return nil
	})
	return changed, err
}

// applyShipTos replaces the addresses of each customer named whose
// addresses differ, keeping customers.ship_to the default's address.
func applyShipTos(ctx context.Context, tx pgx.Tx, infos []sales.ShipmentInfo, rows []int, write bool, by sales.Actor, at time.Time) (outcome, problems, error) {
	const op = "save shipment information"
	var out outcome
	var p problems
	ids := make([]string, len(infos))
	for i, in := range infos {
		ids[i] = in.CustomerID
	}
	known, err := codesIn(ctx, tx, `SELECT id FROM customers WHERE id = ANY($1) FOR UPDATE`, ids)
	if err != nil {
		return out, nil, translate(op, err)
	}
	current, err := shipTos(ctx, tx, ids, "")
	if err != nil {
		return out, nil, translate(op, err)
	}
	b := &pgx.Batch{}
	for i, in := range infos {
		if !known[in.CustomerID] {
			p.add(rows[i], "customer_id", "unknown customer %q", in.CustomerID)
			continue
		}
		addrs := slices.Clone(in.Addresses)
		slices.SortFunc(addrs, func(x, y sales.ShipTo) int { return strings.Compare(x.Code, y.Code) })
		before := current[in.CustomerID]
		if slices.Equal(before, addrs) {
			out.Unchanged++
			continue
		}
		out.Changed++
		b.Queue(`DELETE FROM customer_ship_to WHERE customer_id = $1`, in.CustomerID)
		for _, a := range addrs {
			b.Queue(`INSERT INTO customer_ship_to (customer_id, code, address, consignee, phone, unloading_notes, carrier, is_default)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, in.CustomerID, a.Code, a.Address, a.Consignee, a.Phone, a.UnloadingNotes, a.Carrier, a.Default)
		}
		b.Queue(`UPDATE customers SET ship_to = $2 WHERE id = $1`, in.CustomerID, sales.DefaultShipTo(addrs))
		if before == nil {
			before = []sales.ShipTo{}
		}
		if addrs == nil {
			addrs = []sales.ShipTo{}
		}
		if err := queueAudit(b, sales.EntityShipmentInfo, in.CustomerID, sales.AuditUpdate, by, at, before, addrs); err != nil {
			return out, nil, err
		}
	}
	if len(p) > 0 || !write {
		return out, p, nil
	}
	return out, nil, sendBatch(ctx, tx, op, b)
}

// KeepShipmentMonth keeps the current shipment information of every
// customer as month's version; keeping a month again replaces its version
// with the information of now.
func (s *Store) KeepShipmentMonth(ctx context.Context, month string, by sales.Actor, at time.Time) (sales.ShipmentInfoVersion, error) {
	op := "keep the shipment information of " + month
	v := sales.ShipmentInfoVersion{Month: month, KeptAt: at, KeptBy: by.UserID}
	err := s.inTx(ctx, op, func(tx pgx.Tx) error { return keepShipmentMonth(ctx, tx, &v, by) })
	return v, err
}

func keepShipmentMonth(ctx context.Context, tx pgx.Tx, v *sales.ShipmentInfoVersion, by sales.Actor) error {
	op := "keep the shipment information of " + v.Month
	if !sales.ValidMonth(v.Month) {
		var p sales.Problems
		p.Add("month", "must be a month YYYY-MM")
		return p.Err("invalid month")
	}
	var before *sales.ShipmentInfoVersion
	var old sales.ShipmentInfoVersion
	err := tx.QueryRow(ctx, `SELECT month, kept_at, kept_by, addresses FROM shipment_info_versions WHERE month = $1 FOR UPDATE`, v.Month).
		Scan(&old.Month, &old.KeptAt, &old.KeptBy, &old.Addresses)
	switch {
	case err == nil:
		before = &old
	case !errors.Is(err, pgx.ErrNoRows):
		return translate(op, err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO shipment_info_versions (month, kept_at, kept_by) VALUES ($1, $2, $3)
		ON CONFLICT (month) DO UPDATE SET kept_at = excluded.kept_at, kept_by = excluded.kept_by`, v.Month, v.KeptAt, v.KeptBy); err != nil {
		return translate(op, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM shipment_info_month_rows WHERE month = $1`, v.Month); err != nil {
		return translate(op, err)
	}
	all, err := shipTos(ctx, tx, nil, "")
	if err != nil {
		return translate(op, err)
	}
	var rows [][]any
	for id, addrs := range all {
		for _, a := range addrs {
			rows = append(rows, []any{v.Month, id, a.Code, a.Address, a.Consignee, a.Phone, a.UnloadingNotes, a.Carrier, a.Default})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"shipment_info_month_rows"},
		[]string{"month", "customer_id", "code", "address", "consignee", "phone", "unloading_notes", "carrier", "is_default"},
		pgx.CopyFromRows(rows)); err != nil {
		return translate(op, err)
	}
	v.Addresses = len(rows)
	if _, err := tx.Exec(ctx, `UPDATE shipment_info_versions SET addresses = $2 WHERE month = $1`, v.Month, v.Addresses); err != nil {
		return translate(op, err)
	}
	action := sales.AuditKeepMonth
	var prev any
	if before != nil {
		prev = before
	}
	return audit(ctx, tx, sales.EntityShipmentInfo, "month/"+v.Month, action, by, v.KeptAt, prev, v)
}

// ShipmentInfoVersions lists the months kept, newest first.
func (s *Store) ShipmentInfoVersions(ctx context.Context) ([]sales.ShipmentInfoVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT month, kept_at, kept_by, addresses FROM shipment_info_versions ORDER BY month DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: shipment information versions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sales.ShipmentInfoVersion, error) {
		var v sales.ShipmentInfoVersion
		err := r.Scan(&v.Month, &v.KeptAt, &v.KeptBy, &v.Addresses)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: shipment information versions: %w", err)
	}
	return out, nil
}
