package e2e

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"

	"osb/sales"
)

func activityName(n string) activity.RegisterOptions { return activity.RegisterOptions{Name: n} }

// benchSKU is a plain demo SKU.
func benchSKU(b testing.TB, sys *system) sales.SKU {
	b.Helper()
	skus, err := sys.store.SKUs(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range skus {
		if s.Active && !s.Quota {
			return s
		}
	}
	b.Fatal("no plain SKU")
	return sales.SKU{}
}

// machineCPU is the CPU time the whole machine has spent so far (every
// process, from /proc/stat), or zero where there is no /proc/stat. A
// benchmark that saturates the machine is judged best by CPU per cycle: it
// varies less than throughput on a shared VM, and it counts PostgreSQL too.
func machineCPU() time.Duration {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0
	}
	var jiffies int64
	for _, i := range []int{1, 2, 3, 6, 7} { // user nice system irq softirq (not steal)
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return 0
		}
		jiffies += n
	}
	return time.Duration(jiffies) * time.Second / 100 // USER_HZ
}
