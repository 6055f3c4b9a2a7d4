package e2e

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"osb/sales"
)

// The master data tests use 西北's C020 (kam-xibei-1), which no other test
// orders for, and SKU-9901, which they create.
const (
	masterCustomer = "C020"
	masterSKU      = "SKU-9901"
)

// newMasterAPI is the API of the e2e tests, which has the master data
// routes and the ladder refresh of KAM changes.
func newMasterAPI(t *testing.T) *api {
	t.Helper()
	return newAPI(t, sales.DefaultPolicy())
}

// kamChange is the answer to a KAM change.
type kamChange struct {
	sales.KAMHandover
	Changed       bool   `json:"changed"`
	LadderRefresh string `json:"ladder_refresh"`
}

// A customer handed to another KAM takes its open order along: the new KAM
// sees both, the old one neither, and the order's escalation ladder names
// the new KAM once the refresh ran.
func TestAKAMChangeHandsTheCustomerAndItsOpenOrderToTheNewKAM(t *testing.T) {
	a := newMasterAPI(t)
	no := a.order(masterCustomer, a.plainSKU(), 2)
	a.waitStatus(no, sales.StatusReleased) // open: waiting for Logistics
	a.must(http.StatusOK, token("kam-xibei-1"), "GET", "/v1/orders/"+no, nil, nil)
	a.must(http.StatusNotFound, token("kam-xinan-1"), "GET", "/v1/orders/"+no, nil, nil)

	a.must(http.StatusForbidden, token("kam-xibei-1"), "POST", "/v1/master/customers/"+masterCustomer+"/kam", map[string]string{"kam_id": "kam-xinan-1"}, nil)
	var k kamChange
	a.must(http.StatusOK, token("csr1"), "POST", "/v1/master/customers/"+masterCustomer+"/kam",
		map[string]string{"kam_id": "kam-xinan-1", "reason": "西北并入西南"}, &k)
	t.Cleanup(func() {
		a.must(http.StatusOK, token("csr1"), "POST", "/v1/master/customers/"+masterCustomer+"/kam", map[string]string{"kam_id": "kam-xibei-1"}, nil)
	})
	if !k.Changed || k.From != "kam-xibei-1" || k.LadderRefresh != "started" {
		t.Fatalf("KAM change = %+v", k)
	}

	a.must(http.StatusOK, token("kam-xinan-1"), "GET", "/v1/orders/"+no, nil, nil)
	a.must(http.StatusOK, token("kam-xinan-1"), "GET", "/v1/master/customers/"+masterCustomer, nil, nil)
	a.must(http.StatusNotFound, token("kam-xibei-1"), "GET", "/v1/orders/"+no, nil, nil)
	a.must(http.StatusForbidden, token("kam-xibei-1"), "GET", "/v1/master/customers/"+masterCustomer, nil, nil)
	var mine []sales.OrderSummary
	a.must(http.StatusOK, token("kam-xinan-1"), "GET", "/v1/orders?customer_id="+masterCustomer, nil, &mine)
	if len(mine) != 1 || mine[0].OrderNo != no {
		t.Errorf("the new KAM's orders of %s = %+v, want %s", masterCustomer, mine, no)
	}
	eventually(t, 30*time.Second, "the order's ladder to name the new KAM", func() bool {
		l := a.status(no).Ladder
		return l.KAM == "kam-xinan-1" && l.UM == "um-xinan-1"
	})

	// Sent again (say the answer was lost): the same change, refreshed once.
	var again kamChange
	a.must(http.StatusOK, token("csr1"), "POST", "/v1/master/customers/"+masterCustomer+"/kam", map[string]string{"kam_id": "kam-xinan-1"}, &again)
	if again.Changed || again.ChangeID != k.ChangeID || again.LadderRefresh != "started" {
		t.Errorf("sent again = %+v, want change %s unchanged", again, k.ChangeID)
	}
	var history []sales.KAMHandover
	a.must(http.StatusOK, token("kam-xinan-1"), "GET", "/v1/master/customers/"+masterCustomer+"/kam-history", nil, &history)
	if len(history) == 0 || history[0].ChangeID != k.ChangeID || history[0].Reason != "西北并入西南" {
		t.Errorf("history = %+v", history)
	}
}

// A price list entry takes effect on its date: today's price is what an
// order registered today is checked against; tomorrow's is not used yet.
func TestAPriceListEntryTakesEffectOnItsDate(t *testing.T) {
	a := newMasterAPI(t)
	today := time.Now().In(sales.Beijing)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
	a.must(http.StatusCreated, token("csr1"), "POST", "/v1/master/skus", sales.SKU{Code: masterSKU, Name: "节日礼盒 1kg", Unit: "盒",
		ListPrice: sales.Yuan(100), Currency: sales.CNY, TaxRate: 1300, Active: true}, nil)
	for _, e := range []sales.PriceEntry{
		{SKU: masterSKU, Price: sales.Yuan(110), EffectiveFrom: day(-1)},
		{SKU: masterSKU, Price: sales.Yuan(120), EffectiveFrom: day(1)},
	} {
		var saved sales.PriceSaved
		a.must(http.StatusOK, token("csr1"), "POST", "/v1/master/prices", e, &saved)
		if saved.Pending != nil {
			t.Fatalf("%+v waits for the SLT", e)
		}
	}
	order := func(price sales.Fen) int {
		return a.call(token("ssg-lead"), "POST", "/v1/orders", sales.OrderRequest{CustomerID: masterCustomer,
			Lines: []sales.LineRequest{{SKU: masterSKU, Quantity: 1, UnitPrice: price}}}, nil)
	}
	if got := order(sales.Yuan(110)); got != http.StatusCreated {
		t.Errorf("an order at today's price 110.00: %d, want 201", got)
	}
	if got := order(sales.Yuan(120)); got != http.StatusUnprocessableEntity {
		t.Errorf("an order at tomorrow's price 120.00: %d, want 422 (not in force yet)", got)
	}
	if got := order(sales.Yuan(100)); got != http.StatusUnprocessableEntity {
		t.Errorf("an order at the SKU's base price 100.00, below today's authority: %d, want 422", got)
	}
	var priced []sales.PricedSKU
	a.must(http.StatusOK, token("kam-xibei-1"), "GET", "/v1/master/priced-skus?customer_id="+masterCustomer+"&sku="+masterSKU+"&on="+day(1), nil, &priced)
	if len(priced) != 1 || priced[0].ListPrice != sales.Yuan(120) || priced[0].Source != sales.PriceFromPriceList {
		t.Errorf("tomorrow's price = %+v", priced)
	}

	// A price far below the one in force waits for the SLT and is not used.
	var cut sales.PriceSaved
	a.must(http.StatusAccepted, token("csr1"), "POST", "/v1/master/prices", sales.PriceEntry{SKU: masterSKU, Price: sales.Yuan(80), EffectiveFrom: day(0)}, &cut)
	if got := order(sales.Yuan(80)); got != http.StatusUnprocessableEntity {
		t.Errorf("an order at the pending price: %d, want 422", got)
	}
	a.must(http.StatusOK, token("sd"), "POST", "/v1/master/price-changes/"+strconv.FormatInt(cut.Pending.ID, 10)+"/decision", map[string]bool{"approve": true}, nil)
	if got := order(sales.Yuan(80)); got != http.StatusCreated {
		t.Errorf("an order at the approved price: %d, want 201", got)
	}
}
