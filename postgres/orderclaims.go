package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"osb/sales"
)

// ClaimOrder records that each claim names order orderNo, made from the
// request whose hash is hash, all or none: when one of them names an order
// already, nothing is recorded and that order is returned, with whether it
// was made from the same request. Otherwise it returns orderNo.
func (s *Store) ClaimOrder(ctx context.Context, orderNo, hash string, claims []sales.OrderClaim) (owner string, same bool, err error) {
	op := "claim order " + orderNo
	err = s.inTx(ctx, op, func(tx pgx.Tx) error {
		owner, same = orderNo, true
		for _, c := range claims {
			var had, hadHash string
			err := tx.QueryRow(ctx, `
				INSERT INTO order_claims (kind, scope, key, request_hash, order_no) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (kind, scope, key) DO NOTHING
				RETURNING order_no, request_hash`, c.Kind, c.Scope, c.Key, hash, orderNo).Scan(&had, &hadHash)
			if errors.Is(err, pgx.ErrNoRows) {
				err = tx.QueryRow(ctx, `
					SELECT order_no, request_hash FROM order_claims WHERE kind = $1 AND scope = $2 AND key = $3`,
					c.Kind, c.Scope, c.Key).Scan(&had, &hadHash)
			}
			if err != nil {
				return translate(op, err)
			}
			if had != orderNo {
				owner, same = had, hadHash == "" || hadHash == hash
				return errClaimed
			}
		}
		return nil
	})
	if errors.Is(err, errClaimed) {
		return owner, same, nil
	}
	return owner, same, err
}

// errClaimed rolls a claim back: another order has it.
var errClaimed = errors.New("claimed by another order")

// MoveOrderClaims moves the claims of order from to order to: from's number
// turned out to be taken (its workflow exists already).
func (s *Store) MoveOrderClaims(ctx context.Context, from, to string) error {
	_, err := s.pool.Exec(ctx, `UPDATE order_claims SET order_no = $2 WHERE order_no = $1`, from, to)
	return translateOrNil("move the claims of "+from, err)
}

// SkipOrderNos moves the order-number sequence n numbers ahead: the numbers
// it gave were taken already (a database restored from a backup is behind
// the workflows Temporal has).
func (s *Store) SkipOrderNos(ctx context.Context, n int64) error {
	if n < 1 {
		return sales.Errorf(sales.ErrInvalid, "skip %d order numbers: must be at least 1", n)
	}
	_, err := s.pool.Exec(ctx, `SELECT setval('order_no_seq', nextval('order_no_seq') + $1)`, n-1)
	return translateOrNil("skip order numbers", err)
}
