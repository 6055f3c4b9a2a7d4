package postgres_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"osb/bankfile"
	"osb/export"
	"osb/postgres"
	"osb/sales"
)

var admin = sales.Actor{UserID: "admin", Role: sales.RoleAdmin}

// exportSheet writes kind's sheet as CSV (or XLSX) and reads it back as an
// import would.
func exportSheet(t *testing.T, st *postgres.Store, kind sales.SheetKind, xlsx bool) sales.Sheet {
	t.Helper()
	table, err := st.MasterSheet(testContext(t), kind, sales.Scope{All: true}, "")
	if err != nil {
		t.Fatalf("MasterSheet %s: %v", kind, err)
	}
	return readFile(t, kind, table, xlsx)
}

func readFile(t *testing.T, kind sales.SheetKind, table sales.Table, xlsx bool) sales.Sheet {
	t.Helper()
	var data []byte
	name := "export.csv"
	if xlsx {
		b, err := export.XLSX(table)
		if err != nil {
			t.Fatal(err)
		}
		data, name = b, "export.xlsx"
	} else {
		var buf bytes.Buffer
		if err := export.CSV(&buf, table); err != nil {
			t.Fatal(err)
		}
		data = buf.Bytes()
	}
	rows, _, err := bankfile.Rows(name, data)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return sales.ReadSheet(kind, rows)
}

func csvSheet(t *testing.T, kind sales.SheetKind, text string) sales.Sheet {
	t.Helper()
	rows, _, err := bankfile.Rows("x.csv", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return sales.ReadSheet(kind, rows)
}

func TestAnExportImportedBackChangesNothing(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	// Some of everything, so that each sheet has rows beyond the demo's.
	if _, err := st.SavePrice(ctx, sales.PriceEntry{SKU: "SKU-1001", Price: 2900, Currency: sales.CNY, EffectiveFrom: "2026-12-01", EffectiveTo: "2027-03-31"}, 500, ssg, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SavePrice(ctx, sales.PriceEntry{CustomerID: "C001", SKU: "SKU-1002", Price: 3300, Currency: sales.CNY, EffectiveFrom: "2026-12-01"}, 500, ssg, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveShipmentInfo(ctx, sales.ShipmentInfo{CustomerID: "C002", Addresses: []sales.ShipTo{
		{Code: "A", Address: "上海市嘉定区马陆镇宝安公路2899号", Consignee: "=HYPERLINK(\"x\")", Phone: "+86 21 5555 0101", Default: true},
		{Code: "B", Address: "上海市青浦区华新镇1号", UnloadingNotes: "夜间卸货, 需预约"}}}, ssg, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveUser(ctx, sales.UserRecord{User: sales.User{ID: "kam-x", Name: "跨区经理", Role: sales.RoleFSF, Title: sales.TitleKAM,
		Market: "华东", ManagerID: "um-huadong-1", Email: "x@osb.example"}, Markets: []string{"华南", "山东"}, Active: true}, true, admin, t0); err != nil {
		t.Fatal(err)
	}
	audits := scalar[int](t, url, `SELECT count(*) FROM audit_log`)
	for _, kind := range sales.SheetKinds {
		for _, xlsx := range []bool{false, true} {
			sheet := exportSheet(t, st, kind, xlsx)
			if len(sheet.Problems) > 0 {
				t.Errorf("%s (xlsx %v): reading the export: %+v", kind, xlsx, sheet.Problems)
				continue
			}
			rep, err := st.ImportMasterData(ctx, sheet, false, "", 500, ssg, t0.Add(time.Hour))
			if err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
			if !rep.Applied || rep.Created+rep.Changed+rep.Pending != 0 || rep.Unchanged == 0 || len(rep.Problems) > 0 {
				t.Errorf("%s (xlsx %v): importing the export: %+v", kind, xlsx, rep)
			}
		}
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM audit_log`); n != audits {
		t.Errorf("importing unchanged exports wrote %d audit rows", n-audits)
	}
}

func TestAnImportReportsEveryProblemAndWritesNothing(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	file := "\uFEFF客户编号 / id,客户名称,market,kam_id,payment_terms_days,currency,active,color\n" +
		"C001,杭州宏达商贸有限公司改,华东,kam-huadong-1,30,CNY,是,\n" + // a change: fine
		"C900,新客户,火星,kam-huadong-1,30,CNY,是,\n" + // unknown market
		"C901,,华东,nobody,30,CNY,是,\n" + // no name, unknown KAM
		"C902,新客户二,华东,csr1,-5,yuan,也许,\n" + // not a KAM, terms, currency, active
		"C001,重复,华东,kam-huadong-1,30,CNY,是,\n" // twice
	sheet := csvSheet(t, sales.SheetCustomers, file)
	before := scalar[string](t, url, organisationDump)
	audits := scalar[int](t, url, `SELECT count(*) FROM audit_log`)
	for _, dry := range []bool{true, false} {
		rep, err := st.ImportMasterData(ctx, sheet, dry, "", 500, ssg, t0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, p := range rep.Problems {
			got[strings.Join([]string{itoa(p.Row), p.Column}, ":")] = true
		}
		want := []string{"1:color", "3:market", "4:name", "4:kam_id", "5:payment_terms_days", "5:currency", "5:active", "6:id"}
		for _, w := range want {
			if !got[w] {
				t.Errorf("dry run %v: no problem at %s in %+v", dry, w, rep.Problems)
			}
		}
		if rep.Applied || rep.Created+rep.Changed != 0 {
			t.Errorf("dry run %v: a file with problems reports %+v", dry, rep)
		}
	}
	// Without the unknown column, only the rows' problems.
	sheet = csvSheet(t, sales.SheetCustomers, strings.ReplaceAll(strings.ReplaceAll(file, ",color", ""), ",\n", "\n"))
	rep, err := st.ImportMasterData(ctx, sheet, false, "", 500, ssg, t0)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[int]bool{}
	for _, p := range rep.Problems {
		rows[p.Row] = true
	}
	if !slices.Equal(sortedKeys(rows), []int{3, 4, 5, 6}) || rep.Applied {
		t.Errorf("problems on rows %v (%+v), want 3–6 and nothing applied", sortedKeys(rows), rep.Problems)
	}
	if after := scalar[string](t, url, organisationDump); after != before {
		t.Error("an import with problems changed the organisation")
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM audit_log`); n != audits {
		t.Errorf("an import with problems wrote %d audit rows", n-audits)
	}
	// Fixed, it applies: one change, one new customer, and a dry run first changes nothing.
	fixed := "id,name,market,kam_id,payment_terms_days,currency,active\n" +
		"C001,杭州宏达商贸有限公司改,华东,kam-huadong-1,30,CNY,是\n" +
		"C900,新客户,华东,kam-huadong-2,30,cny,\n"
	dry, err := st.ImportMasterData(ctx, csvSheet(t, sales.SheetCustomers, fixed), true, "", 500, ssg, t0)
	if err != nil || dry.Applied || dry.Created != 1 || dry.Changed != 1 || len(dry.Problems) != 0 {
		t.Errorf("dry run of the fixed file = %+v, %v", dry, err)
	}
	if _, err := st.Customer(ctx, "C900"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Error("the dry run created C900")
	}
	done, err := st.ImportMasterData(ctx, csvSheet(t, sales.SheetCustomers, fixed), false, "", 500, ssg, t0)
	if err != nil || !done.Applied || done.Created != 1 || done.Changed != 1 || done.Unchanged != 0 {
		t.Errorf("the fixed file = %+v, %v", done, err)
	}
	if c, err := st.Customer(ctx, "C900"); err != nil || !c.Active || c.Currency != sales.CNY {
		t.Errorf("C900 = %+v, %v", c, err)
	}
}

func TestImportedPricesBelowTheAuthorityWaitAndShipmentInfoKeepsItsMonth(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	prices := "sku,price,currency,effective_from,effective_to\n" +
		"SKU-1001,29.00,CNY,2026-12-01,\n" +
		"SKU-1002,10.00,CNY,2026/12/01,2026-12-31\n" + // far below 33.60: the SLT
		"SKU-1003,45.001,CNY,2026-12-01,\n" + // three decimals
		"SKU-1004,48.00,CNY,2026-12-31,2026-12-01\n" // ends before it starts
	rep, err := st.ImportMasterData(ctx, csvSheet(t, sales.SheetPrices, prices), false, "", 500, ssg, t0)
	if err != nil || len(rep.Problems) != 2 || rep.Problems[0].Row != 4 || rep.Problems[1].Column != "effective_to" {
		t.Fatalf("prices with two bad rows = %+v, %v", rep, err)
	}
	prices = strings.Join(strings.Split(prices, "\n")[:3], "\n")
	rep, err = st.ImportMasterData(ctx, csvSheet(t, sales.SheetPrices, prices), false, "", 500, ssg, t0)
	if err != nil || !rep.Applied || rep.Created != 1 || rep.Pending != 1 || len(rep.PriceChanges) != 1 || rep.PriceChanges[0].SKU != "SKU-1002" {
		t.Fatalf("prices = %+v, %v", rep, err)
	}
	// A later row compares with the price an earlier row of the file puts in force.
	rising := "sku,price,currency,effective_from,effective_to\n" +
		"SKU-1005,200.00,CNY,2026-12-01,\n" +
		"SKU-1005,100.00,CNY,2027-01-01,\n" // half of 200.00: the SLT
	rep, err = st.ImportMasterData(ctx, csvSheet(t, sales.SheetPrices, rising), false, "", 500, ssg, t0)
	if err != nil || rep.Created != 1 || rep.Pending != 1 || rep.PriceChanges[0].InForce != 20000 {
		t.Errorf("rising then falling prices = %+v, %v", rep, err)
	}
	ships := "customer_id,code,address,consignee,phone,unloading_notes,carrier,default\n" +
		"C003,1,江苏省南京市江宁区秣陵街道胜太路68号,张三,025-1234,,德邦,是\n" +
		"C003,2,江苏省南京市浦口区1号,李四,,,,否\n"
	rep, err = st.ImportMasterData(ctx, csvSheet(t, sales.SheetShipmentInfo, ships), false, "2026-12", 500, ssg, t0)
	if err != nil || !rep.Applied || rep.Changed != 1 || rep.KeptMonth != "2026-12" {
		t.Fatalf("shipment information = %+v, %v", rep, err)
	}
	kept, err := st.CustomerShipmentInfo(ctx, "C003", "2026-12")
	if err != nil || len(kept.Addresses) != 2 || kept.Addresses[0].Carrier != "德邦" {
		t.Errorf("December's version of C003 = %+v, %v", kept, err)
	}
	twoDefaults := ships + "C003,3,x,,,,,是\n"
	rep, err = st.ImportMasterData(ctx, csvSheet(t, sales.SheetShipmentInfo, twoDefaults), true, "", 500, ssg, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Row != 4 || rep.Problems[0].Column != "default" {
		t.Errorf("a second default = %+v", rep.Problems)
	}
}

func TestDeactivatingAUserRevokesTheirTokensAndSessions(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	_, token, err := st.CreateToken(ctx, "csr2", "laptop", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPassword(ctx, "csr2", "$2a$10$abcdefghijklmnopqrstuuNvFeCFBL6D1A3A1a1a1a1a1a1a1a1a1a", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateSession(ctx, "csr2", time.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	u, err := st.DeactivateUser(ctx, "csr2", admin, t0)
	if err != nil || u.Active {
		t.Fatalf("DeactivateUser: %+v, %v", u, err)
	}
	_, err = st.Authenticate(ctx, token)
	wantCode(t, err, sales.ErrUnauthorized)
	if n := scalar[int](t, url, `SELECT count(*) FROM console_sessions WHERE user_id = 'csr2'`); n != 0 {
		t.Errorf("%d console sessions left", n)
	}
	_, _, err = st.PasswordHash(ctx, "csr2")
	wantCode(t, err, sales.ErrUnauthorized)
	if _, _, err := st.CreateToken(ctx, "csr2", "again", time.Now().Add(time.Hour)); err == nil {
		t.Error("a deactivated user got a new token")
	}
	trail, _ := st.AuditTrail(ctx, sales.EntityUser, "csr2", 0)
	if len(trail) != 1 || trail[0].Action != sales.AuditDeactivate {
		t.Errorf("trail = %+v", trail)
	}
	// A KAM with active customers is refused, naming them; not a KAM nor a manager once deactivated.
	_, err = st.DeactivateUser(ctx, "kam-huadong-3", admin, t0)
	wantCode(t, err, sales.ErrInvalid)
	if err == nil || !strings.Contains(err.Error(), "C004, C005") {
		t.Errorf("refusal %v does not name C004 and C005", err)
	}
	if _, err := st.DeactivateUser(ctx, "um-huanan-2", admin, t0); err != nil {
		t.Fatal(err)
	}
	kam3, _ := st.MasterUser(ctx, "kam-huadong-3")
	kam3.Role = sales.RoleSSG
	_, err = st.SaveUser(ctx, kam3, false, admin, t0)
	wantCode(t, err, sales.ErrInvalid) // out of the FSF while the KAM of C004 and C005
	_, _, err = st.ChangeKAM(ctx, "C006", sales.KAMChange{KAMID: "um-huanan-2"}, ssg, t0)
	wantCode(t, err, sales.ErrInvalid)
	kam, _ := st.MasterUser(ctx, "kam-huanan-1")
	kam.ManagerID = "um-huanan-2"
	_, err = st.SaveUser(ctx, kam, false, admin, t0)
	wantCode(t, err, sales.ErrInvalid)
}

func TestMarketsKeepTheirSLTMembersAndSSGDuties(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	m, err := st.MasterMarket(ctx, "华东")
	if err != nil {
		t.Fatal(err)
	}
	m.SLTMembers = []string{"dsd", "sd"}
	m.SSG = []sales.MarketDuty{{UserID: "csr2", Duty: sales.DutyOrders}, {UserID: "csr1", Duty: sales.DutySettlement}}
	got, err := st.SaveMarket(ctx, m, false, admin, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got.SLTOwner != "dsd" || !slices.Equal(got.SLTMembers, []string{"dsd", "sd"}) || len(got.SSG) != 2 || got.SSG[0].Duty != sales.DutyOrders {
		t.Errorf("market = %+v", got)
	}
	if l, _ := st.Ladder(ctx, "C001"); !slices.Equal(l.SLTs, []string{"dsd", "sd"}) || !slices.Equal(l.SSGOrders, []string{"csr2"}) {
		t.Errorf("ladder = %+v", l)
	}
	m.SLTMembers = []string{"dsd", "csr1"}
	_, err = st.SaveMarket(ctx, m, false, admin, t0)
	wantCode(t, err, sales.ErrInvalid)
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n%10))) }

func sortedKeys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestAGBKFileWithChineseHeadingsImports(t *testing.T) {
	st, _ := demoStore(t)
	text := "客户编号,客户名称,市场,客户经理,账期天数,币种,有效\r\nC950,徽州新客商贸有限公司,华东,kam-huadong-2,30,CNY,是\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := bankfile.Rows("客户.csv", []byte(gbk))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.ImportMasterData(testContext(t), sales.ReadSheet(sales.SheetCustomers, rows), false, "", 500, ssg, t0)
	if err != nil || !rep.Applied || rep.Created != 1 {
		t.Fatalf("GBK import = %+v, %v", rep, err)
	}
	if c, err := st.Customer(testContext(t), "C950"); err != nil || c.Name != "徽州新客商贸有限公司" {
		t.Errorf("C950 = %+v, %v", c, err)
	}
}
