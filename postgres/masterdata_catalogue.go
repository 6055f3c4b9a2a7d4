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

// The catalogue: SKUs, the price list and customers' own prices with their
// effective dates, and the price changes waiting for the SLT.

// MasterSKUs lists every SKU, sorted by code.
func (s *Store) MasterSKUs(ctx context.Context) ([]sales.SKU, error) {
	m, err := s.SKUs(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := make([]sales.SKU, 0, len(m))
	for _, k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b sales.SKU) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// SaveSKU creates (create) or updates a SKU. Lowering an existing SKU's
// list price beyond the discount authority is refused: a price list entry
// does that, with the SLT's approval.
func (s *Store) SaveSKU(ctx context.Context, k sales.SKU, create bool, discountBP int64, by sales.Actor, at time.Time) (sales.SKU, error) {
	_, err := s.saveOne(ctx, "save SKU "+k.Code, "the SKU", create, func(tx pgx.Tx, mode applyMode) (outcome, problems, error) {
		return applySKUs(ctx, tx, []sales.SKU{k}, []int{0}, mode, true, discountBP, by, at)
	})
	if err != nil {
		return sales.SKU{}, err
	}
	m, err := s.SKUs(ctx, []string{k.Code})
	return m[k.Code], err
}

const skuColumns = `code, name, unit, list_price_fen, currency, quota_controlled, active, tax_rate_bp`

func scanSKU(r pgx.Row) (sales.SKU, error) {
	var k sales.SKU
	err := r.Scan(&k.Code, &k.Name, &k.Unit, &k.ListPrice, &k.Currency, &k.Quota, &k.Active, &k.TaxRate)
	return k, err
}

func applySKUs(ctx context.Context, tx pgx.Tx, recs []sales.SKU, rows []int, mode applyMode, write bool, discountBP int64, by sales.Actor, at time.Time) (outcome, problems, error) {
	const op = "save SKUs"
	var out outcome
	var p problems
	codes := make([]string, len(recs))
	for i, k := range recs {
		codes[i] = k.Code
	}
	list, err := collect(ctx, tx, op, `SELECT `+skuColumns+` FROM skus WHERE code = ANY($1) FOR UPDATE`,
		func(r pgx.CollectableRow) (sales.SKU, error) { return scanSKU(r) }, codes)
	if err != nil {
		return out, nil, err
	}
	existing := make(map[string]sales.SKU, len(list))
	for _, k := range list {
		existing[k.Code] = k
	}
	b := &pgx.Batch{}
	for i, k := range recs {
		old, exists := existing[k.Code]
		switch {
		case mode == createOnly && exists:
			return out, nil, sales.Errorf(sales.ErrConflict, "SKU %s exists already", k.Code)
		case mode == updateOnly && !exists:
			return out, nil, sales.Errorf(sales.ErrNotFound, "no SKU %q", k.Code)
		case exists && k == old:
			out.Unchanged++
			continue
		case exists && k.Currency != old.Currency:
			p.add(rows[i], "currency", "SKU %s is priced in %s: a SKU's currency does not change", k.Code, old.Currency)
			continue
		case exists && sales.NeedsSLT(k.ListPrice, old.ListPrice, discountBP):
			p.add(rows[i], "list_price_fen", "%s is below %s by more than the discount authority: add a price list entry, which the SLT approves",
				k.ListPrice, old.ListPrice)
			continue
		}
		if len(p) > 0 {
			continue
		}
		b.Queue(`INSERT INTO skus (`+skuColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit, list_price_fen = excluded.list_price_fen,
				quota_controlled = excluded.quota_controlled, active = excluded.active, tax_rate_bp = excluded.tax_rate_bp`,
			k.Code, k.Name, k.Unit, int64(k.ListPrice), string(k.Currency), k.Quota, k.Active, int(k.TaxRate))
		action, before := sales.AuditUpdate, any(nil)
		if exists {
			out.Changed++
			before = old
		} else {
			out.Created++
			action = sales.AuditCreate
		}
		if err := queueAudit(b, sales.EntitySKU, k.Code, action, by, at, before, k); err != nil {
			return out, nil, err
		}
	}
	if len(p) > 0 || !write {
		return out, p, nil
	}
	return out, nil, sendBatch(ctx, tx, op, b)
}

// PriceEntries lists price entries by customer, SKU and date.
func (s *Store) PriceEntries(ctx context.Context, f sales.PriceFilter) ([]sales.PriceEntry, error) {
	return priceEntries(ctx, s.pool, f)
}

func priceEntries(ctx context.Context, q querier, f sales.PriceFilter) ([]sales.PriceEntry, error) {
	var where conditions
	table, customer := "price_list_entries", "''"
	if f.Customers {
		table, customer = "customer_prices", "customer_id"
		if f.CustomerID != "" {
			where.add("customer_id = $?", f.CustomerID)
		}
		if f.CustomerIDs != nil {
			where.add("customer_id = ANY($?)", f.CustomerIDs)
		}
	}
	if f.SKU != "" {
		where.add("sku = $?", f.SKU)
	}
	if f.SKUs != nil {
		where.add("sku = ANY($?)", f.SKUs)
	}
	return collect(ctx, q, "price entries", `
		SELECT `+customer+`, sku, price_fen, currency, to_char(effective_from, 'YYYY-MM-DD'), coalesce(to_char(effective_to, 'YYYY-MM-DD'), '')
		FROM `+table+where.sql()+` ORDER BY 1, sku, effective_from`,
		func(r pgx.CollectableRow) (sales.PriceEntry, error) {
			var e sales.PriceEntry
			err := r.Scan(&e.CustomerID, &e.SKU, &e.Price, &e.Currency, &e.EffectiveFrom, &e.EffectiveTo)
			return e, err
		}, where.args...)
}

// SavePrice saves a price list entry (CustomerID "") or a customer's own
// price. A price lower than the one in force on its first day by more than
// the discount authority waits for the SLT (PriceSaved.Pending).
func (s *Store) SavePrice(ctx context.Context, e sales.PriceEntry, discountBP int64, by sales.Actor, at time.Time) (sales.PriceSaved, error) {
	var saved sales.PriceSaved
	err := s.inTx(ctx, "save the price of "+e.SKU, func(tx pgx.Tx) error {
		out, p, err := applyPrices(ctx, tx, []sales.PriceEntry{e}, []int{0}, e.CustomerID != "", true, discountBP, by, at)
		if err != nil {
			return err
		}
		if err := p.err("the price is invalid"); err != nil {
			return err
		}
		saved = sales.PriceSaved{Entry: e, Changed: out.Created+out.Changed > 0}
		if len(out.PriceChanges) > 0 {
			saved.Pending = &out.PriceChanges[0]
			saved.InForce = saved.Pending.InForce
		}
		return nil
	})
	return saved, err
}

// priceBook is what deciding on new prices reads: the SKUs, the price list
// and the customers' own prices of the entries at hand.
type priceBook struct {
	skus      map[string]sales.SKU
	list      map[string][]sales.PriceEntry // by SKU
	customer  map[[2]string][]sales.PriceEntry
	customers map[string]bool
}

func readPriceBook(ctx context.Context, tx pgx.Tx, entries []sales.PriceEntry, customers bool) (priceBook, error) {
	var codes, ids []string
	for _, e := range entries {
		codes = append(codes, e.SKU)
		if e.CustomerID != "" {
			ids = append(ids, e.CustomerID)
		}
	}
	pb := priceBook{skus: map[string]sales.SKU{}, list: map[string][]sales.PriceEntry{}, customer: map[[2]string][]sales.PriceEntry{}}
	skus, err := collect(ctx, tx, "SKUs", `SELECT `+skuColumns+` FROM skus WHERE code = ANY($1)`,
		func(r pgx.CollectableRow) (sales.SKU, error) { return scanSKU(r) }, codes)
	if err != nil {
		return pb, err
	}
	for _, k := range skus {
		pb.skus[k.Code] = k
	}
	list, err := priceEntries(ctx, tx, sales.PriceFilter{SKUs: codes})
	if err != nil {
		return pb, err
	}
	for _, e := range list {
		pb.list[e.SKU] = append(pb.list[e.SKU], e)
	}
	if customers {
		if pb.customers, err = codesIn(ctx, tx, `SELECT id FROM customers WHERE id = ANY($1)`, ids); err != nil {
			return pb, err
		}
		own, err := priceEntries(ctx, tx, sales.PriceFilter{Customers: true, CustomerIDs: ids, SKUs: codes})
		if err != nil {
			return pb, err
		}
		for _, e := range own {
			k := [2]string{e.CustomerID, e.SKU}
			pb.customer[k] = append(pb.customer[k], e)
		}
	}
	return pb, nil
}

// inForce is the price of sku for customer ("" = the list) in force on day.
func (pb priceBook) inForce(customer, sku, day string) sales.Fen {
	if customer != "" {
		if e, ok := sales.InForce(pb.customer[[2]string{customer, sku}], day); ok {
			return e.Price
		}
	}
	if e, ok := sales.InForce(pb.list[sku], day); ok {
		return e.Price
	}
	return pb.skus[sku].ListPrice
}

// same returns the entry with e's key, if any.
func (pb priceBook) same(e sales.PriceEntry) (sales.PriceEntry, bool) {
	entries := pb.list[e.SKU]
	if e.CustomerID != "" {
		entries = pb.customer[[2]string{e.CustomerID, e.SKU}]
	}
	for _, x := range entries {
		if x.EffectiveFrom == e.EffectiveFrom {
			return x, true
		}
	}
	return sales.PriceEntry{}, false
}

// put records e as saved, over an entry with its key.
func (pb priceBook) put(e sales.PriceEntry) {
	if e.CustomerID == "" {
		pb.list[e.SKU] = replaceEntry(pb.list[e.SKU], e)
		return
	}
	k := [2]string{e.CustomerID, e.SKU}
	pb.customer[k] = replaceEntry(pb.customer[k], e)
}

func replaceEntry(entries []sales.PriceEntry, e sales.PriceEntry) []sales.PriceEntry {
	out := slices.DeleteFunc(slices.Clone(entries), func(x sales.PriceEntry) bool { return x.EffectiveFrom == e.EffectiveFrom })
	return append(out, e)
}

func priceKey(e sales.PriceEntry) (entity, key string) {
	if e.CustomerID != "" {
		return sales.EntityCustomerPrice, e.CustomerID + "/" + e.SKU + "/" + e.EffectiveFrom
	}
	return sales.EntityPrice, e.SKU + "/" + e.EffectiveFrom
}

func applyPrices(ctx context.Context, tx pgx.Tx, entries []sales.PriceEntry, rows []int, customers, write bool, discountBP int64, by sales.Actor, at time.Time) (outcome, problems, error) {
	const op = "save prices"
	var out outcome
	var p problems
	pb, err := readPriceBook(ctx, tx, entries, customers)
	if err != nil {
		return out, nil, err
	}
	b := &pgx.Batch{}
	var pending []sales.PriceEntry
	var inForce []sales.Fen
	for i, e := range entries {
		k, ok := pb.skus[e.SKU]
		if !ok {
			p.add(rows[i], "sku", "unknown SKU %q", e.SKU)
			continue
		}
		if customers && !pb.customers[e.CustomerID] {
			p.add(rows[i], "customer_id", "unknown customer %q", e.CustomerID)
			continue
		}
		if e.Currency != k.Currency {
			p.add(rows[i], "currency", "SKU %s is priced in %s", e.SKU, k.Currency)
			continue
		}
		old, exists := pb.same(e)
		if exists && old == e {
			out.Unchanged++
			continue
		}
		now := pb.inForce(e.CustomerID, e.SKU, e.EffectiveFrom)
		if sales.NeedsSLT(e.Price, now, discountBP) {
			pending, inForce = append(pending, e), append(inForce, now)
			continue
		}
		if len(p) > 0 {
			continue
		}
		var before any
		if exists {
			out.Changed++
			before = old
		} else {
			out.Created++
		}
		if err := queuePrice(b, e, by, at, before); err != nil {
			return out, nil, err
		}
		pb.put(e) // later rows of the file compare with it
	}
	if len(p) > 0 || !write {
		out.Pending = len(pending)
		return out, p, nil
	}
	if err := sendBatch(ctx, tx, op, b); err != nil {
		return out, nil, err
	}
	for i, e := range pending {
		c, created, err := requestPriceChange(ctx, tx, e, inForce[i], by, at)
		if err != nil {
			return out, nil, err
		}
		if created {
			out.Pending++
		} else {
			out.Unchanged++
		}
		out.PriceChanges = append(out.PriceChanges, c)
	}
	return out, nil, nil
}

// queuePrice queues writing e (over before, nil if new) and its audit.
func queuePrice(b *pgx.Batch, e sales.PriceEntry, by sales.Actor, at time.Time, before any) error {
	if e.CustomerID != "" {
		b.Queue(`INSERT INTO customer_prices (customer_id, sku, effective_from, effective_to, price_fen, currency)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (customer_id, sku, effective_from) DO UPDATE SET effective_to = excluded.effective_to,
				price_fen = excluded.price_fen, currency = excluded.currency`,
			e.CustomerID, e.SKU, e.EffectiveFrom, dateOrNil(e.EffectiveTo), int64(e.Price), string(e.Currency))
	} else {
		b.Queue(`INSERT INTO price_list_entries (sku, effective_from, effective_to, price_fen, currency)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (sku, effective_from) DO UPDATE SET effective_to = excluded.effective_to,
				price_fen = excluded.price_fen, currency = excluded.currency`,
			e.SKU, e.EffectiveFrom, dateOrNil(e.EffectiveTo), int64(e.Price), string(e.Currency))
	}
	entity, key := priceKey(e)
	action := sales.AuditUpdate
	if before == nil {
		action = sales.AuditCreate
	}
	return queueAudit(b, entity, key, action, by, at, before, e)
}

const priceChangeColumns = `id, customer_id, sku, price_fen, currency, to_char(effective_from, 'YYYY-MM-DD'),
	coalesce(to_char(effective_to, 'YYYY-MM-DD'), ''), in_force_fen, status, requested_by, requested_at, decided_by, decided_at, reason`

func scanPriceChange(r pgx.Row) (sales.PriceChange, error) {
	var c sales.PriceChange
	err := r.Scan(&c.ID, &c.CustomerID, &c.SKU, &c.Price, &c.Currency, &c.EffectiveFrom, &c.EffectiveTo, &c.InForce,
		&c.Status, &c.RequestedBy, &c.RequestedAt, &c.DecidedBy, &c.DecidedAt, &c.Reason)
	return c, err
}

// requestPriceChange records e as waiting for the SLT, unless the same
// change waits already (then it is returned, created false).
func requestPriceChange(ctx context.Context, tx pgx.Tx, e sales.PriceEntry, inForce sales.Fen, by sales.Actor, at time.Time) (sales.PriceChange, bool, error) {
	c, err := scanPriceChange(tx.QueryRow(ctx, `SELECT `+priceChangeColumns+` FROM price_changes
		WHERE status = 'pending' AND customer_id = $1 AND sku = $2 AND effective_from = $3
			AND effective_to IS NOT DISTINCT FROM $4::date AND price_fen = $5 AND currency = $6`,
		e.CustomerID, e.SKU, e.EffectiveFrom, dateOrNil(e.EffectiveTo), int64(e.Price), string(e.Currency)))
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return c, false, translate("request a price change", err)
	}
	c, err = scanPriceChange(tx.QueryRow(ctx, `
		INSERT INTO price_changes (customer_id, sku, effective_from, effective_to, price_fen, currency, in_force_fen, requested_by, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+priceChangeColumns,
		e.CustomerID, e.SKU, e.EffectiveFrom, dateOrNil(e.EffectiveTo), int64(e.Price), string(e.Currency), int64(inForce), by.UserID, at))
	if err != nil {
		return c, false, translate("request a price change", err)
	}
	return c, true, audit(ctx, tx, sales.EntityPriceChange, fmt.Sprint(c.ID), sales.AuditRequest, by, at, nil, c)
}

// PriceChanges lists price changes with status ("" = all), oldest first.
func (s *Store) PriceChanges(ctx context.Context, status sales.PriceChangeStatus) ([]sales.PriceChange, error) {
	var where conditions
	if status != "" {
		where.add("status = $?", string(status))
	}
	return collect(ctx, s.pool, "price changes", `SELECT `+priceChangeColumns+` FROM price_changes`+where.sql()+` ORDER BY id`,
		func(r pgx.CollectableRow) (sales.PriceChange, error) { return scanPriceChange(r) }, where.args...)
}

// DecidePriceChange approves or rejects a pending price change. Its maker
// cannot decide it; an approved price is written as saved, in force from
// its date.
func (s *Store) DecidePriceChange(ctx context.Context, id int64, d sales.PriceDecision, by sales.Actor, at time.Time) (sales.PriceChange, error) {
	op := fmt.Sprintf("decide price change %d", id)
	var c sales.PriceChange
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		var err error
		c, err = scanPriceChange(tx.QueryRow(ctx, `SELECT `+priceChangeColumns+` FROM price_changes WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return sales.Errorf(sales.ErrNotFound, "no price change %d", id)
		}
		if err != nil {
			return translate(op, err)
		}
		switch {
		case c.Status != sales.PricePending:
			return sales.Errorf(sales.ErrConflict, "price change %d was %s by %s already", id, c.Status, c.DecidedBy)
		case c.RequestedBy == by.UserID:
			return sales.Errorf(sales.ErrForbidden, "price change %d is yours: another SLT member decides it", id)
		}
		before := c
		c.Status, c.DecidedBy, c.DecidedAt, c.Reason = sales.PriceRejected, by.UserID, &at, d.Reason
		action := sales.AuditReject
		if d.Approve {
			c.Status, action = sales.PriceApproved, sales.AuditApprove
			pb, err := readPriceBook(ctx, tx, []sales.PriceEntry{c.PriceEntry}, c.CustomerID != "")
			if err != nil {
				return err
			}
			var old any
			if x, ok := pb.same(c.PriceEntry); ok {
				old = x
			}
			b := &pgx.Batch{}
			if err := queuePrice(b, c.PriceEntry, by, at, old); err != nil {
				return err
			}
			if err := sendBatch(ctx, tx, op, b); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE price_changes SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1`,
			id, string(c.Status), c.DecidedBy, at, c.Reason); err != nil {
			return translate(op, err)
		}
		return audit(ctx, tx, sales.EntityPriceChange, fmt.Sprint(id), action, by, at, before, c)
	})
	return c, err
}

// PricedCatalogue returns the SKUs with codes (nil: all) with the price in
// force for customerID ("" = the price list) on day: the customer's own
// price in force, else the price list's, else the SKU's list price.
func (s *Store) PricedCatalogue(ctx context.Context, customerID string, day time.Time, codes []string) (map[string]sales.PricedSKU, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT k.code, k.name, k.unit, k.list_price_fen, k.currency, k.quota_controlled, k.active, k.tax_rate_bp,
			cp.price_fen, pl.price_fen
		FROM skus k
		LEFT JOIN LATERAL (
			SELECT price_fen FROM customer_prices
			WHERE customer_id = $1 AND sku = k.code AND currency = k.currency
				AND effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)
			ORDER BY effective_from DESC LIMIT 1) cp ON true
		LEFT JOIN LATERAL (
			SELECT price_fen FROM price_list_entries
			WHERE sku = k.code AND currency = k.currency AND effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)
			ORDER BY effective_from DESC LIMIT 1) pl ON true
		WHERE $3::text[] IS NULL OR k.code = ANY($3)`, customerID, sales.BeijingDay(day), codes)
	if err != nil {
		return nil, fmt.Errorf("store: priced catalogue: %w", err)
	}
	defer rows.Close()
	out := map[string]sales.PricedSKU{}
	for rows.Next() {
		var k sales.PricedSKU
		var own, list *int64
		if err := rows.Scan(&k.Code, &k.Name, &k.Unit, &k.ListPrice, &k.Currency, &k.Quota, &k.Active, &k.TaxRate, &own, &list); err != nil {
			return nil, fmt.Errorf("store: priced catalogue: %w", err)
		}
		switch {
		case own != nil:
			k.ListPrice, k.Source = sales.Fen(*own), sales.PriceFromCustomer
		case list != nil:
			k.ListPrice, k.Source = sales.Fen(*list), sales.PriceFromPriceList
		default:
			k.Source = sales.PriceFromSKU
		}
		out[k.Code] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: priced catalogue: %w", err)
	}
	return out, nil
}

// PricedSKUs returns the SKUs with codes as an order of customerID on day
// is validated against: each with the price in force then as its list
// price. Unknown codes are absent.
func (s *Store) PricedSKUs(ctx context.Context, customerID string, day time.Time, codes []string) (map[string]sales.SKU, error) {
	if codes == nil {
		codes = []string{}
	}
	priced, err := s.PricedCatalogue(ctx, customerID, day, codes)
	if err != nil {
		return nil, err
	}
	out := make(map[string]sales.SKU, len(priced))
	for c, k := range priced {
		out[c] = k.SKU
	}
	return out, nil
}
