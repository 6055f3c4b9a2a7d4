package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// Users and markets as the admin keeps them. Deactivating a user revokes
// their tokens, ends their console sessions and removes their console
// password in the same transaction; a trigger (migration 00027) refuses
// them new ones.

const userRecordColumns = `u.id, u.name, u.role, u.title, coalesce(u.market, ''), coalesce(u.manager_id, ''), u.email, u.active,
	array(SELECT market FROM user_markets m WHERE m.user_id = u.id ORDER BY market)`

func scanUserRecord(r pgx.Row) (sales.UserRecord, error) {
	var u sales.UserRecord
	err := r.Scan(&u.ID, &u.Name, &u.Role, &u.Title, &u.Market, &u.ManagerID, &u.Email, &u.Active, &u.Markets)
	if len(u.Markets) == 0 {
		u.Markets = nil
	}
	return u, err
}

func userRecords(ctx context.Context, q querier, ids []string) ([]sales.UserRecord, error) {
	var where conditions
	if ids != nil {
		where.add("u.id = ANY($?)", ids)
	}
	return collect(ctx, q, "users", `SELECT `+userRecordColumns+` FROM users u`+where.sql()+` ORDER BY u.id`,
		func(r pgx.CollectableRow) (sales.UserRecord, error) { return scanUserRecord(r) }, where.args...)
}

// MasterUsers lists every user, sorted by id.
func (s *Store) MasterUsers(ctx context.Context) ([]sales.UserRecord, error) {
	return userRecords(ctx, s.pool, nil)
}

// MasterUser returns the user with id as the admin keeps them.
func (s *Store) MasterUser(ctx context.Context, id string) (sales.UserRecord, error) {
	list, err := userRecords(ctx, s.pool, []string{id})
	if err != nil {
		return sales.UserRecord{}, err
	}
	if len(list) == 0 {
		return sales.UserRecord{}, sales.Errorf(sales.ErrNotFound, "no user %q", id)
	}
	return list[0], nil
}

// SaveUser creates (create) or updates a user; setting Active false
// deactivates them (see DeactivateUser).
func (s *Store) SaveUser(ctx context.Context, u sales.UserRecord, create bool, by sales.Actor, at time.Time) (sales.UserRecord, error) {
	_, err := s.saveOne(ctx, "save user "+u.ID, "the user", create, func(tx pgx.Tx, mode applyMode) (outcome, problems, error) {
		return applyUsers(ctx, tx, []sales.UserRecord{u}, []int{0}, mode, true, by, at)
	})
	if err != nil {
		return sales.UserRecord{}, err
	}
	return s.MasterUser(ctx, u.ID)
}

// DeactivateUser deactivates a user: their tokens are revoked and their
// console sessions ended in the same transaction. A KAM who still has
// active customers is refused, naming them: hand them to another KAM
// first.
func (s *Store) DeactivateUser(ctx context.Context, id string, by sales.Actor, at time.Time) (sales.UserRecord, error) {
	u, err := s.MasterUser(ctx, id)
	if err != nil {
		return u, err
	}
	u.Active = false
	return s.SaveUser(ctx, u, false, by, at)
}

func applyUsers(ctx context.Context, tx pgx.Tx, recs []sales.UserRecord, rows []int, mode applyMode, write bool, by sales.Actor, at time.Time) (outcome, problems, error) {
	const op = "save users"
	var out outcome
	var p problems
	all, err := userRecords(ctx, tx, nil)
	if err != nil {
		return out, nil, err
	}
	existing := make(map[string]sales.UserRecord, len(all))
	for _, u := range all {
		existing[u.ID] = u
	}
	after := maps.Clone(existing)
	for _, u := range recs {
		after[u.ID] = u
	}
	markets, err := codesIn(ctx, tx, `SELECT code FROM markets`)
	if err != nil {
		return out, nil, translate(op, err)
	}
	b := &pgx.Batch{}
	var managers []sales.UserRecord
	for i, u := range recs {
		old, exists := existing[u.ID]
		switch {
		case mode == createOnly && exists:
			return out, nil, sales.Errorf(sales.ErrConflict, "user %s exists already", u.ID)
		case mode == updateOnly && !exists:
			return out, nil, sales.Errorf(sales.ErrNotFound, "no user %q", u.ID)
		}
		if u.Market != "" && !markets[u.Market] {
			p.add(rows[i], "market", "unknown market %q", u.Market)
		}
		for _, m := range u.Markets {
			if !markets[m] {
				p.add(rows[i], "markets", "unknown market %q", m)
			}
		}
		if u.ManagerID != "" {
			switch m, ok := after[u.ManagerID]; {
			case !ok:
				p.add(rows[i], "manager_id", "unknown user %q", u.ManagerID)
			case !m.Active:
				p.add(rows[i], "manager_id", "user %s is deactivated and cannot be a manager", u.ManagerID)
			}
		}
		switch {
		case !u.Active && (!exists || old.Active):
			if err := checkNoActiveCustomers(ctx, tx, &p, rows[i], "active", u.ID); err != nil {
				return out, nil, err
			}
		case exists && old.Role == sales.RoleFSF && u.Role != sales.RoleFSF:
			if err := checkNoActiveCustomers(ctx, tx, &p, rows[i], "role", u.ID); err != nil {
				return out, nil, err
			}
		}
		if exists && sameUser(old, u) {
			out.Unchanged++
			continue
		}
		if len(p) > 0 {
			continue
		}
		b.Queue(`INSERT INTO users (id, name, role, title, market, email, active) VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, title = excluded.title,
				market = excluded.market, email = excluded.email, active = excluded.active`,
			u.ID, u.Name, string(u.Role), string(u.Title), u.Market, u.Email, u.Active)
		b.Queue(`DELETE FROM user_markets WHERE user_id = $1`, u.ID)
		for _, m := range u.Markets {
			b.Queue(`INSERT INTO user_markets (user_id, market) VALUES ($1, $2)`, u.ID, m)
		}
		managers = append(managers, u)
		action, before := sales.AuditCreate, any(nil)
		if exists {
			out.Changed++
			action, before = sales.AuditUpdate, old
		} else {
			out.Created++
		}
		if exists && old.Active && !u.Active {
			action = sales.AuditDeactivate
			b.Queue(`UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, u.ID, at)
			b.Queue(`DELETE FROM console_sessions WHERE user_id = $1`, u.ID)
			b.Queue(`DELETE FROM user_passwords WHERE user_id = $1`, u.ID)
		}
		if err := queueAudit(b, sales.EntityUser, u.ID, action, by, at, before, u); err != nil {
			return out, nil, err
		}
	}
	if len(p) > 0 || !write {
		return out, p, nil
	}
	for _, u := range managers { // every user is written before anyone's manager names them
		b.Queue(`UPDATE users SET manager_id = NULLIF($2, '') WHERE id = $1`, u.ID, u.ManagerID)
	}
	return out, nil, sendBatch(ctx, tx, op, b)
}

func sameUser(a, b sales.UserRecord) bool {
	return a.User == b.User && a.Active == b.Active && slices.Equal(sortedCopy(a.Markets), sortedCopy(b.Markets))
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// checkNoActiveCustomers refuses deactivating the KAM of active customers,
// or taking them out of the FSF (column says which).
func checkNoActiveCustomers(ctx context.Context, tx pgx.Tx, p *problems, row int, column, userID string) error {
	ids, err := collect(ctx, tx, "customers of "+userID, `SELECT id FROM customers WHERE kam_id = $1 AND active ORDER BY id`, pgx.RowTo[string], userID)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		shown := ids[:min(len(ids), 10)]
		more := ""
		if len(ids) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(ids)-len(shown))
		}
		p.add(row, column, "user %s is the KAM of active customers %s%s: hand them to another KAM first", userID, strings.Join(shown, ", "), more)
	}
	return nil
}

// MasterMarkets lists the markets with their SLT members (the first one
// first) and the SSG's division of work, sorted by code.
func (s *Store) MasterMarkets(ctx context.Context) ([]sales.MarketRecord, error) {
	return marketRecords(ctx, s.pool, nil)
}

// MasterMarket returns the market with code.
func (s *Store) MasterMarket(ctx context.Context, code string) (sales.MarketRecord, error) {
	list, err := marketRecords(ctx, s.pool, []string{code})
	if err != nil {
		return sales.MarketRecord{}, err
	}
	if len(list) == 0 {
		return sales.MarketRecord{}, sales.Errorf(sales.ErrNotFound, "no market %q", code)
	}
	return list[0], nil
}

func marketRecords(ctx context.Context, q querier, codes []string) ([]sales.MarketRecord, error) {
	var where conditions
	if codes != nil {
		where.add("m.code = ANY($?)", codes)
	}
	return collect(ctx, q, "markets", `
		SELECT m.code, m.name, coalesce(m.mm_id, ''), coalesce(m.slt_owner_id, ''),
			array(SELECT user_id FROM market_slt_members s WHERE s.market = m.code
				ORDER BY s.user_id IS DISTINCT FROM m.slt_owner_id, s.user_id),
			array(SELECT duty || ':' || user_id FROM market_ssg g WHERE g.market = m.code ORDER BY duty, user_id)
		FROM markets m`+where.sql()+` ORDER BY m.code`,
		func(r pgx.CollectableRow) (sales.MarketRecord, error) {
			var m sales.MarketRecord
			var duties []string
			err := r.Scan(&m.Code, &m.Name, &m.MMID, &m.SLTOwner, &m.SLTMembers, &duties)
			m.SLTMembers = m.SLT()
			for _, d := range duties {
				duty, user, _ := strings.Cut(d, ":")
				m.SSG = append(m.SSG, sales.MarketDuty{UserID: user, Duty: sales.SSGDuty(duty)})
			}
			return m, err
		}, where.args...)
}

// normalMarket orders a market's SLT members (the first one first) and SSG
// duties as they are read back, so that records compare.
func normalMarket(m sales.MarketRecord) sales.MarketRecord {
	m.SLTMembers = m.SLT()
	if len(m.SLTMembers) > 0 {
		m.SLTOwner = m.SLTMembers[0]
		rest := slices.Clone(m.SLTMembers[1:])
		slices.Sort(rest)
		m.SLTMembers = append([]string{m.SLTOwner}, rest...)
	} else {
		m.SLTMembers = nil
	}
	m.SSG = slices.Clone(m.SSG)
	slices.SortFunc(m.SSG, func(a, b sales.MarketDuty) int {
		if c := strings.Compare(string(a.Duty), string(b.Duty)); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	m.SSG = slices.Compact(m.SSG)
	if len(m.SSG) == 0 {
		m.SSG = nil
	}
	return m
}

func sameMarket(a, b sales.MarketRecord) bool {
	return a.Code == b.Code && a.Name == b.Name && a.MMID == b.MMID && a.SLTOwner == b.SLTOwner &&
		slices.Equal(a.SLTMembers, b.SLTMembers) && slices.Equal(a.SSG, b.SSG)
}

// SaveMarket creates (create) or updates a market with its SLT members and
// the SSG's division of work.
func (s *Store) SaveMarket(ctx context.Context, m sales.MarketRecord, create bool, by sales.Actor, at time.Time) (sales.MarketRecord, error) {
	_, err := s.saveOne(ctx, "save market "+m.Code, "the market", create, func(tx pgx.Tx, mode applyMode) (outcome, problems, error) {
		return applyMarkets(ctx, tx, []sales.MarketRecord{m}, []int{0}, mode, true, by, at)
	})
	if err != nil {
		return sales.MarketRecord{}, err
	}
	return s.MasterMarket(ctx, m.Code)
}

func applyMarkets(ctx context.Context, tx pgx.Tx, recs []sales.MarketRecord, rows []int, mode applyMode, write bool, by sales.Actor, at time.Time) (outcome, problems, error) {
	const op = "save markets"
	var out outcome
	var p problems
	list, err := marketRecords(ctx, tx, nil)
	if err != nil {
		return out, nil, err
	}
	existing := map[string]sales.MarketRecord{}
	for _, m := range list {
		existing[m.Code] = normalMarket(m)
	}
	var ids []string
	for _, m := range recs {
		ids = append(append(ids, m.MMID), m.SLT()...)
		for _, d := range m.SSG {
			ids = append(ids, d.UserID)
		}
	}
	users, err := usersByID(ctx, tx, ids)
	if err != nil {
		return out, nil, translate(op, err)
	}
	check := func(row int, column, id string, role sales.Role) {
		switch u, ok := users[id]; {
		case !ok:
			p.add(row, column, "unknown user %q", id)
		case !u.Active:
			p.add(row, column, "user %s is deactivated", id)
		case u.Role != role:
			p.add(row, column, "user %s is not of the %s (role %s)", id, role, u.Role)
		}
	}
	var changed []sales.MarketRecord
	for i, m := range recs {
		m = normalMarket(m)
		old, exists := existing[m.Code]
		switch {
		case mode == createOnly && exists:
			return out, nil, sales.Errorf(sales.ErrConflict, "market %s exists already", m.Code)
		case mode == updateOnly && !exists:
			return out, nil, sales.Errorf(sales.ErrNotFound, "no market %q", m.Code)
		}
		if m.MMID != "" {
			check(rows[i], "mm_id", m.MMID, sales.RoleFSF)
		}
		for _, id := range m.SLTMembers {
			check(rows[i], "slt_members", id, sales.RoleSLT)
		}
		for _, d := range m.SSG {
			check(rows[i], "ssg", d.UserID, sales.RoleSSG)
		}
		if exists && sameMarket(old, m) {
			out.Unchanged++
			continue
		}
		if len(p) > 0 || !write {
			continue
		}
		changed = append(changed, m)
		action, before := sales.AuditCreate, any(nil)
		if exists {
			out.Changed++
			action, before = sales.AuditUpdate, old
		} else {
			out.Created++
		}
		if err := audit(ctx, tx, sales.EntityMarket, m.Code, action, by, at, before, m); err != nil {
			return out, nil, err
		}
	}
	if len(p) > 0 || !write {
		return out, p, nil
	}
	for _, m := range changed {
		if _, err := tx.Exec(ctx, `
			INSERT INTO markets (code, name, mm_id, slt_owner_id) VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''))
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, mm_id = excluded.mm_id, slt_owner_id = excluded.slt_owner_id`,
			m.Code, m.Name, m.MMID, m.SLTOwner); err != nil {
			return out, nil, translate(op+": market "+m.Code, err)
		}
		if err := saveMarketOwners(ctx, tx, m.Market, m.SLTMembers); err != nil {
			return out, nil, translate(op+": owners of market "+m.Code, err)
		}
	}
	return out, nil, nil
}
