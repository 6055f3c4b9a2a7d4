package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

// BenchmarkApplyOrderChanges times the projection write of an order with
// synchronous commits (what production and now the private development
// server run) and without (what the development server ran before): a new
// order as OP1–OP7 write it, and a later step of one order, one writer at a
// time and several in parallel.
func BenchmarkApplyOrderChanges(b *testing.B) {
	dbURL := pgtest.NewDatabase(b)
	ctx := context.Background()
	var orders atomic.Int64
	for _, mode := range []string{"on", "off"} {
		st := benchStore(b, dbURL, mode)
		if err := st.SaveOrganisation(ctx, demo.Organisation()); err != nil {
			b.Fatal(err)
		}
		b.Run("synchronous_commit="+mode+"/new-order", func(b *testing.B) {
			for b.Loop() {
				if err := st.ApplyOrderChanges(ctx, newOrderWrite(orders.Add(1))); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("synchronous_commit="+mode+"/step", func(b *testing.B) {
			w := stepWriter(b, st, orders.Add(1))
			for b.Loop() {
				w()
			}
		})
		b.Run("synchronous_commit="+mode+"/step-parallel", func(b *testing.B) {
			b.SetParallelism(4) // 4 × GOMAXPROCS writers, each with its own order
			b.RunParallel(func(pb *testing.PB) {
				w := stepWriter(b, st, orders.Add(1))
				for pb.Next() {
					w()
				}
			})
		})
	}
}

// benchStore opens the database with synchronous_commit set to mode on every
// connection.
func benchStore(b *testing.B, dbURL, mode string) *postgres.Store {
	b.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("synchronous_commit", mode)
	u.RawQuery = q.Encode()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&got); err != nil || got != mode {
		b.Fatalf("synchronous_commit = %q, %v; want %s", got, err, mode)
	}
	st, err := postgres.Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(st.Close)
	return st
}

// newOrderWrite is the first write of order n: released at OP7 with its
// lines, seven events and the dispatch instruction.
func newOrderWrite(n int64) sales.OrderChanges {
	no := fmt.Sprintf("SO-2026-%06d", n)
	o := order(no, "C001", sales.StatusReleased, sales.OP7Release, sales.LevelNone)
	c := sales.OrderChanges{Order: o, Notifications: []sales.Notification{{
		Key: no + "/dispatch_instruction/OP7/7/dept:logistics", OrderNo: no, RecipientID: "dept:logistics",
		Kind: "dispatch_instruction", Subject: "Dispatch instruction " + no, At: t0,
	}}}
	for i, step := range []sales.Step{sales.OP1Register, sales.OP2Validate, sales.OP3Quota, sales.OP4Credit,
		sales.OP5Hold, sales.OP6Confirm, sales.OP7Release} {
		c.Events = append(c.Events, sales.Event{Seq: i + 1, At: t0, Step: step, Kind: "step", Actor: "csr1"})
	}
	return c
}

// stepWriter writes order n once and returns a function that writes its
// next step: a newer snapshot of the header and one event.
func stepWriter(b *testing.B, st *postgres.Store, n int64) func() {
	first := newOrderWrite(n)
	if err := st.ApplyOrderChanges(context.Background(), first); err != nil {
		b.Fatal(err)
	}
	o, seq := *first.Order, len(first.Events)
	o.Lines = nil
	return func() {
		seq++
		o.Version++
		c := sales.OrderChanges{Order: &o, Events: []sales.Event{{Seq: seq, At: t0, Step: sales.SP1Plan, Kind: "acknowledged", Actor: "log1"}}}
		if err := st.ApplyOrderChanges(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}
