package workflows

import "osb/sales"

// record is the order's whole record as the store should hold it: the
// header with every line, shipment, invoice and receipt, every return and
// credit note, and the reopen input of a remitted order that still takes
// returns. Writing it is idempotent (the store keys everything and never
// lets an older snapshot win), so the store can be rebuilt from the
// workflows after a restore of PostgreSQL (projection.Rebuild): the query
// answers for running orders and for closed ones Temporal still retains.
// The audit events, escalations and notifications already written are not
// in it: the workflow keeps only those not yet written.
func (r *orderRun) record() (sales.OrderChanges, error) {
	snap := r.fullSnapshot()
	c := sales.OrderChanges{Order: snap, Resume: r.resume(snap)}
	c.Returns = append(c.Returns, r.s.Returns...)
	c.CreditNotes = append(c.CreditNotes, r.s.Credits...)
	return c, nil
}
