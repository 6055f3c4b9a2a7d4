package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"osb/bankfile"
	"osb/demo"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
)

// Size of the master data import benchmark.
const (
	mdCustomers = 10_000
	mdSKUs      = 2_000
)

// masterCSV writes n rows of kind as the CSV a department would upload,
// ids prefixed with prefix.
func masterCSV(kind sales.SheetKind, prefix string, n int) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	switch kind {
	case sales.SheetCustomers:
		b.WriteString("客户编号,客户名称,市场,客户经理,账期天数,币种,有效\n")
		kams := []string{"kam-huadong-1", "kam-huadong-2", "kam-huadong-3"}
		for i := range n {
			fmt.Fprintf(&b, "%s%05d,经销商%d商贸有限公司,华东,%s,%d,CNY,是\n", prefix, i, i, kams[i%len(kams)], 30+i%3*15)
		}
	case sales.SheetSKUs:
		b.WriteString("产品编号,产品名称,单位,基础价(元),币种,税率(基点),配额控制,有效\n")
		for i := range n {
			fmt.Fprintf(&b, "%s%05d,产品%d 500ml×24瓶,箱,%d.%02d,CNY,1300,%s,是\n", prefix, i, i, 20+i%200, i%100, map[bool]string{true: "是", false: "否"}[i%7 == 0])
		}
	}
	return b.Bytes()
}

// importFile reads and imports one file as the API does.
func importFile(b *testing.B, st *postgres.Store, kind sales.SheetKind, data []byte) sales.ImportReport {
	b.Helper()
	rows, _, err := bankfile.Rows(string(kind)+".csv", data)
	if err != nil {
		b.Fatal(err)
	}
	rep, err := st.ImportMasterData(context.Background(), sales.ReadSheet(kind, rows), false, "", 500, ssg, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	if !rep.Applied {
		b.Fatalf("not applied: %+v", rep.Problems[:min(len(rep.Problems), 5)])
	}
	return rep
}

// BenchmarkMasterDataImport imports 10,000 new customers and 2,000 new
// SKUs from CSV (reading, checking, writing and auditing each row, all or
// nothing) per iteration, then the same files again, which change nothing.
func BenchmarkMasterDataImport(b *testing.B) {
	st, err := postgres.Open(context.Background(), pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveOrganisation(context.Background(), demo.Organisation()); err != nil {
		b.Fatal(err)
	}
	runs := 0 // every run of "new" imports customers and SKUs not seen before
	for _, again := range []bool{false, true} {
		name := "new"
		if again {
			name = "unchanged"
		}
		b.Run(name, func(b *testing.B) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			before := ms.TotalAlloc
			var peak uint64
			b.ResetTimer()
			for range b.N {
				prefix := "B1-" // written by the first run of "new"
				if !again {
					runs++
					prefix = fmt.Sprintf("B%d-", runs)
				}
				customers, skus := masterCSV(sales.SheetCustomers, "C"+prefix, mdCustomers), masterCSV(sales.SheetSKUs, "K"+prefix, mdSKUs)
				c := importFile(b, st, sales.SheetCustomers, customers)
				k := importFile(b, st, sales.SheetSKUs, skus)
				if again && (c.Unchanged != mdCustomers || k.Unchanged != mdSKUs) || !again && (c.Created != mdCustomers || k.Created != mdSKUs) {
					b.Fatalf("customers %+v, SKUs %+v", c, k)
				}
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.StopTimer()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/import")
			b.ReportMetric(float64(ms.TotalAlloc-before)/float64(b.N)/(1<<20), "MiB-alloc/import")
			b.ReportMetric(float64(peak)/(1<<20), "MiB-heap-peak")
		})
	}
}
