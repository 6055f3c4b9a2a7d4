package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// Size of the statement import benchmark.
const (
	stmtCustomers = 1_200
	stmtInvoices  = 10_000
	stmtLines     = 10_000
)

// generateOpenInvoices writes stmtCustomers distributors, each with a bank
// account it paid from before (a receipt), and stmtInvoices open invoices
// over them, one order each.
func generateOpenInvoices(b *testing.B, url string) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`INSERT INTO customers (id, name, market, kam_id, payment_terms_days, credit_limit_fen, rating, ship_to)
		 SELECT 'S' || lpad(g::text, 5, '0'), '经销商' || g || '有限公司', k.market, k.id, 30, 500000000, 'A', '地址 ' || g
		 FROM generate_series(1, $C::int) g
		 JOIN (SELECT id, market, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS kams
			FROM users WHERE title = 'KAM') k ON k.n = g % k.kams`,
		`INSERT INTO bank_receipts (customer_id, bank_account, reference, value_date, amount_fen, currency, payer_name, payer_account,
			source, status, recorded_by, recorded_at)
		 SELECT 'S' || lpad(g::text, 5, '0'), 'OURS', 'OLD-' || g, '2026-10-01', 100, 'CNY', '经销商' || g || '有限公司',
			'6222' || lpad(g::text, 8, '0'), 'manual', 'applied', 'fin1', now()
		 FROM generate_series(1, $C::int) g`,
		`INSERT INTO orders (order_no, customer_id, market, kam_id, currency, total_fen, status, step, unbilled_fen,
			outstanding_fen, created_by, created_at, updated_at, version)
		 SELECT 'SO-2026-' || lpad(g::text, 6, '0'), c.id, c.market, c.kam_id, 'CNY', 100000, 'billed', 'BC5', 0, 100000, 'csr1',
			'2026-10-01', '2026-10-01', 1
		 FROM generate_series(1, $I::int) g
		 JOIN (SELECT id, market, kam_id, row_number() OVER (ORDER BY id) - 1 AS n FROM customers WHERE id LIKE 'S%') c ON c.n = g % $C`,
		`INSERT INTO shipments (shipment_no, order_no, customer_id, carrier, waybill, lines, issued_at, invoice_no)
		 SELECT 'SH-' || substr(o.order_no, 4) || '-1', o.order_no, o.customer_id, '顺丰速运', 'WB' || o.order_no, '[]', o.created_at,
			'IV-' || substr(o.order_no, 4) || '-1'
		 FROM orders o WHERE o.order_no LIKE 'SO-2026-%'`,
		`INSERT INTO invoices (invoice_no, order_no, customer_id, shipment_no, currency, amount_fen, issued_at, due_at)
		 SELECT 'IV-' || substr(o.order_no, 4) || '-1', o.order_no, o.customer_id, 'SH-' || substr(o.order_no, 4) || '-1', 'CNY',
			o.total_fen, o.created_at, o.created_at + interval '30 days'
		 FROM orders o WHERE o.order_no LIKE 'SO-2026-%'`,
		`ANALYZE`,
	} {
		sql = strings.NewReplacer("$C", fmt.Sprint(stmtCustomers), "$I", fmt.Sprint(stmtInvoices)).Replace(sql)
		if _, err := conn.Exec(ctx, sql); err != nil {
			b.Fatalf("generating open invoices: %v\n%s", err, sql)
		}
	}
}

// statementFile is a CSV statement of stmtLines credits, run n: six in ten
// from a known account naming an open invoice (matched), two in ten under a
// customer's name without a reference (partly matched), two in ten from
// strangers (unmatched); the references are new in every run.
func statementFile(n int) []byte {
	var sb strings.Builder
	sb.WriteString("账号：1001 0000 0000 0001\n交易日期,借方发生额,贷方发生额,对方户名,对方账号,摘要,交易流水号\n")
	for i := range stmtLines {
		inv := i%stmtInvoices + 1
		customer := inv%stmtCustomers + 1 // the generated invoice's
		name, account, remit := "", fmt.Sprintf("6222%08d", customer), fmt.Sprintf("货款 IV-2026-%06d-1", inv)
		switch i % 10 {
		case 6, 7:
			name, account, remit = fmt.Sprintf("经销商%d有限公司", customer), "", "货款"
		case 8, 9:
			name, account, remit = fmt.Sprintf("陌生公司%d", i), fmt.Sprintf("9999%08d", i), "往来款"
		}
		fmt.Fprintf(&sb, "2026-11-%02d,,\"%d,%03d.%02d\",%s,%s,%s,B%d-%06d\n", 1+i%28, 1+i%90, i%1000, i%100, name, account, remit, n, i)
	}
	return []byte(sb.String())
}

// BenchmarkStatementImport times what the import request does with a
// 10,000-line statement against 10,000 open invoices of 1,200 customers:
// read the CSV, match every line, store the import and its lines in one
// transaction (the matched lines are applied later, by a workflow).
func BenchmarkStatementImport(b *testing.B) {
	url := pgtest.NewDatabase(b)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		b.Fatal(err)
	}
	generateOpenInvoices(b, url)
	svc := &starter.Statements{Store: st, Apply: func(context.Context, workflows.ApplyStatementInput) error { return nil }}
	by := sales.Actor{UserID: "fin1", Role: sales.RoleFinance}
	files := make([][]byte, 0, 16)
	run := 0
	var last sales.BankImport
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		run++
		if len(files) < run {
			files = append(files, statementFile(run))
		}
		b.StartTimer()
		imp, created, err := svc.ImportStatement(ctx, starter.StatementUpload{FileName: "bench.csv", Content: files[run-1]}, by)
		if err != nil || !created {
			b.Fatalf("import %d: %v (created %v)", run, err, created)
		}
		last = imp
	}
	b.StopTimer()
	want := sales.BankLineCounts{Lines: stmtLines, Matched: stmtLines * 6 / 10, Queued: stmtLines * 4 / 10}
	if last.Counts != want {
		b.Fatalf("counts %+v, want %+v", last.Counts, want)
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(stmtLines)/perOp.Seconds(), "lines/s")
}
