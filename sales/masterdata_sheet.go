package sales

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RowProblem is what is wrong with one cell of an imported sheet (Row from
// 1, the heading being row 1; 0 for a single record of the API).
type RowProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// SheetKind is a kind of master data imported and exported as a sheet.
type SheetKind string

// The kinds of master data sheets.
const (
	SheetCustomers      SheetKind = "customers"
	SheetShipmentInfo   SheetKind = "shipment-info"
	SheetSKUs           SheetKind = "skus"
	SheetPrices         SheetKind = "prices"
	SheetCustomerPrices SheetKind = "customer-prices"
	SheetUsers          SheetKind = "users"
	SheetMarkets        SheetKind = "markets"
)

// SheetKinds lists every kind of sheet.
var SheetKinds = []SheetKind{SheetCustomers, SheetShipmentInfo, SheetSKUs, SheetPrices, SheetCustomerPrices, SheetUsers, SheetMarkets}

// Valid reports whether k is a kind of sheet.
func (k SheetKind) Valid() bool { return slices.Contains(SheetKinds, k) }

// Permission is who may import k.
func (k SheetKind) Permission() Permission {
	switch k {
	case SheetCustomers, SheetShipmentInfo:
		return PermManageCustomers
	case SheetUsers, SheetMarkets:
		return PermManageUsers
	}
	return PermManageCatalogue
}

// A sheet's columns: Local is the Chinese label, English the stable code.
// The heading written is "label / code"; an import accepts the code, the
// label or both.
var sheetColumns = map[SheetKind][]Column{
	SheetCustomers: {col("客户编号", "id", Text), col("客户名称", "name", Text), col("市场", "market", Text),
		col("客户经理", "kam_id", Text), col("账期天数", "payment_terms_days", Integer), col("币种", "currency", Text),
		col("有效", "active", YesNo)},
	SheetShipmentInfo: {col("客户编号", "customer_id", Text), col("地址编号", "code", Text), col("收货地址", "address", Text),
		col("收货人", "consignee", Text), col("电话", "phone", Text), col("卸货要求", "unloading_notes", Text),
		col("常用承运商", "carrier", Text), col("默认地址", "default", YesNo)},
	SheetSKUs: {col("产品编号", "code", Text), col("产品名称", "name", Text), col("单位", "unit", Text),
		col("基础价(元)", "list_price", Money), col("币种", "currency", Text), col("税率(基点)", "tax_rate_bp", Integer),
		col("配额控制", "quota_controlled", YesNo), col("有效", "active", YesNo)},
	SheetPrices: {col("产品编号", "sku", Text), col("价格(元)", "price", Money), col("币种", "currency", Text),
		col("生效日期", "effective_from", Text), col("失效日期", "effective_to", Text)},
	SheetCustomerPrices: {col("客户编号", "customer_id", Text), col("产品编号", "sku", Text), col("价格(元)", "price", Money),
		col("币种", "currency", Text), col("生效日期", "effective_from", Text), col("失效日期", "effective_to", Text)},
	SheetUsers: {col("用户编号", "id", Text), col("姓名", "name", Text), col("邮箱", "email", Text), col("角色", "role", Text),
		col("职位", "title", Text), col("上级", "manager_id", Text), col("主市场", "market", Text),
		col("其他市场", "markets", Text), col("有效", "active", YesNo)},
	SheetMarkets: {col("市场编号", "code", Text), col("市场名称", "name", Text), col("市场经理", "mm_id", Text),
		col("SLT成员", "slt_members", Text), col("SSG分工", "ssg", Text)},
}

// sheetNames are the sheets' names, in Chinese as the department calls
// them, and in English.
var sheetNames = map[SheetKind][2]string{
	SheetCustomers: {"客户", "Customers"}, SheetShipmentInfo: {"客户储运信息维护表", "Customer shipment information"},
	SheetSKUs: {"产品", "SKUs"}, SheetPrices: {"价格表", "Price list"}, SheetCustomerPrices: {"客户价格", "Customer prices"},
	SheetUsers: {"用户", "Users"}, SheetMarkets: {"市场", "Markets"},
}

// Columns are the columns of a sheet of kind k.
func (k SheetKind) Columns() []Column { return sheetColumns[k] }

// listSep separates the items of a list in one cell.
const listSep = "; "

// MasterTable lays out master data as the sheet of its kind: the rows are
// of CustomerRecord, ShipmentInfo, SKU, PriceEntry, UserRecord or
// MarketRecord as the kind says.
func MasterTable[T any](k SheetKind, records []T) Table {
	names := sheetNames[k]
	t := Table{Name: names[0], English: names[1], Columns: k.Columns()}
	for _, r := range records {
		switch x := any(r).(type) {
		case CustomerRecord:
			t.Rows = append(t.Rows, []any{x.ID, x.Name, x.Market, x.KAMID, x.PaymentTermsDays, string(x.Currency), x.Active})
		case ShipmentInfo:
			for _, a := range x.Addresses {
				t.Rows = append(t.Rows, []any{x.CustomerID, a.Code, a.Address, a.Consignee, a.Phone, a.UnloadingNotes, a.Carrier, a.Default})
			}
		case SKU:
			t.Rows = append(t.Rows, []any{x.Code, x.Name, x.Unit, x.ListPrice, string(x.Currency), int(x.TaxRate), x.Quota, x.Active})
		case PriceEntry:
			row := []any{x.SKU, x.Price, string(x.Currency), x.EffectiveFrom, x.EffectiveTo}
			if k == SheetCustomerPrices {
				row = append([]any{x.CustomerID}, row...)
			}
			t.Rows = append(t.Rows, row)
		case UserRecord:
			t.Rows = append(t.Rows, []any{x.ID, x.Name, x.Email, string(x.Role), string(x.Title), x.ManagerID, x.Market,
				strings.Join(x.Markets, listSep), x.Active})
		case MarketRecord:
			duties := make([]string, len(x.SSG))
			for i, d := range x.SSG {
				duties[i] = string(d.Duty) + ":" + d.UserID
			}
			t.Rows = append(t.Rows, []any{x.Code, x.Name, x.MMID, strings.Join(x.SLT(), listSep), strings.Join(duties, listSep)})
		}
	}
	return t
}

// Sheet is an imported sheet read: the records of its kind, the row each
// came from (a customer's shipment information: its first row), and every
// problem found reading it.
type Sheet struct {
	Kind      SheetKind
	Customers []CustomerRecord
	ShipTos   []ShipmentInfo
	SKUs      []SKU
	Prices    []PriceEntry
	Users     []UserRecord
	Markets   []MarketRecord
	Rows      []int
	Problems  []RowProblem
	Lines     int // rows read, the heading left out
}

// MaxSheetRows bounds an imported sheet.
const MaxSheetRows = 100_000

// ReadSheet reads the rows of a sheet of kind k (the first non-blank row
// is the heading) into records, collecting every problem of every row.
func ReadSheet(k SheetKind, rows [][]string) Sheet {
	s := Sheet{Kind: k}
	head := -1
	for i, r := range rows {
		if !blank(r) {
			head = i
			break
		}
	}
	if head < 0 {
		s.problem(1, "", "the file is empty: the first row must name the columns")
		return s
	}
	index, ok := s.heading(k, rows[head], head+1)
	if !ok {
		return s
	}
	seen := map[string]int{}
	for i := head + 1; i < len(rows); i++ {
		if blank(rows[i]) {
			continue
		}
		s.Lines++
		if s.Lines > MaxSheetRows {
			s.problem(i+1, "", "more than %d rows: split the file", MaxSheetRows)
			return s
		}
		c := cells{s: &s, row: i + 1, cells: rows[i], index: index}
		s.record(k, c, seen)
	}
	return s
}

func blank(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (s *Sheet) problem(row int, column, format string, args ...any) {
	s.Problems = append(s.Problems, RowProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
}

// heading maps each column's code to its cell index.
func (s *Sheet) heading(k SheetKind, head []string, row int) (map[string]int, bool) {
	index := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if h == "" {
			continue
		}
		code := ""
		for _, c := range k.Columns() {
			if strings.EqualFold(h, c.English) || h == c.Local || strings.EqualFold(h, c.Title()) {
				code = c.English
			}
		}
		switch _, twice := index[code]; {
		case code == "":
			s.problem(row, h, "is not a column of the %s sheet (columns: %s)", k, columnCodes(k))
		case twice:
			s.problem(row, h, "column %s appears twice", code)
		default:
			index[code] = i
		}
	}
	missing := false
	for _, c := range k.Columns() {
		if _, ok := index[c.English]; !ok {
			s.problem(row, c.English, "the column %s (%s) is missing", c.English, c.Local)
			missing = true
		}
	}
	return index, !missing
}

func columnCodes(k SheetKind) string {
	codes := make([]string, 0, len(k.Columns()))
	for _, c := range k.Columns() {
		codes = append(codes, c.English)
	}
	return strings.Join(codes, ", ")
}

// cells reads the cells of one row by column code.
type cells struct {
	s     *Sheet
	row   int
	cells []string
	index map[string]int
}

func (c cells) text(code string) string {
	i := c.index[code]
	if i >= len(c.cells) {
		return ""
	}
	return undefuse(strings.TrimSpace(c.cells[i]))
}

// undefuse takes off the quote a CSV export puts before text that a
// spreadsheet would run as a formula ("'=…", "'+86 21…"), so that an
// exported file imports back as it was.
func undefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func (c cells) flag(code string, empty bool) bool {
	switch strings.ToLower(c.text(code)) {
	case "":
		return empty
	case "是", "y", "yes", "true", "1", "有效":
		return true
	case "否", "n", "no", "false", "0", "无效":
		return false
	}
	c.s.problem(c.row, code, "%q is not 是 or 否 (yes or no)", c.text(code))
	return false
}

func (c cells) integer(code string) int {
	s := c.text(code)
	n, err := strconv.Atoi(s)
	if err != nil {
		c.s.problem(c.row, code, "%q is not a whole number", s)
	}
	return n
}

func (c cells) yuan(code string) Fen {
	s := c.text(code)
	f, err := ParseYuan(s)
	if err != nil {
		c.s.problem(c.row, code, "%s", err)
	}
	return f
}

// day reads a date as YYYY-MM-DD, YYYY/MM/DD or a spreadsheet's day number.
func (c cells) day(code string, required bool) string {
	s := c.text(code)
	if s == "" {
		if required {
			c.s.problem(c.row, code, "is required: a date YYYY-MM-DD")
		}
		return ""
	}
	if n, err := strconv.Atoi(s); err == nil && n > 20000 && n < 80000 { // a date cell of a workbook
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
	}
	for _, layout := range []string{time.DateOnly, "2006/1/2", "2006-1-2", "2006.1.2"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly)
		}
	}
	c.s.problem(c.row, code, "%q is not a date YYYY-MM-DD", s)
	return ""
}

func (c cells) list(code string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(c.text(code), func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '，' || r == '、' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// report turns a record's validation problems into the row's, fields
// renamed to their columns.
func (c cells) report(p Problems, rename map[string]string) {
	for _, f := range p {
		col := f.Field
		if r, ok := rename[col]; ok {
			col = r
		}
		if slices.ContainsFunc(c.s.Problems, func(x RowProblem) bool { return x.Row == c.row && x.Column == col }) {
			continue // the cell could not be read: that is its problem
		}
		c.s.problem(c.row, col, "%s", f.Message)
	}
}

// once reports a key seen on an earlier row.
func (c cells) once(seen map[string]int, key, column string) bool {
	if first, ok := seen[key]; ok {
		c.s.problem(c.row, column, "%s appears already on row %d", key, first)
		return false
	}
	seen[key] = c.row
	return true
}

func (s *Sheet) record(k SheetKind, c cells, seen map[string]int) {
	// A record with problems is kept, so that the database's checks name
	// its other problems; nothing is written while any problem is left.
	before := len(s.Problems)
	ok := func() bool { return len(s.Problems) == before }
	switch k {
	case SheetCustomers:
		r := CustomerRecord{ID: c.text("id"), Name: c.text("name"), Market: c.text("market"), KAMID: c.text("kam_id"),
			PaymentTermsDays: c.integer("payment_terms_days"), Currency: Currency(strings.ToUpper(c.text("currency"))), Active: c.flag("active", true)}
		c.report(r.Validate(), nil)
		if c.once(seen, r.ID, "id") {
			s.Customers, s.Rows = append(s.Customers, r), append(s.Rows, c.row)
		}
	case SheetShipmentInfo:
		id := c.text("customer_id")
		a := ShipTo{Code: c.text("code"), Address: c.text("address"), Consignee: c.text("consignee"), Phone: c.text("phone"),
			UnloadingNotes: c.text("unloading_notes"), Carrier: c.text("carrier"), Default: c.flag("default", false)}
		var p Problems
		p.code("customer_id", id)
		c.report(p, nil)
		c.report(ValidateShipTos([]ShipTo{{Code: a.Code, Address: a.Address, Consignee: a.Consignee, Phone: a.Phone,
			UnloadingNotes: a.UnloadingNotes, Carrier: a.Carrier, Default: true}}), shipToColumns)
		if !c.once(seen, id+" / "+a.Code, "code") {
			return
		}
		i := slices.IndexFunc(s.ShipTos, func(x ShipmentInfo) bool { return x.CustomerID == id })
		if i < 0 {
			s.ShipTos, s.Rows = append(s.ShipTos, ShipmentInfo{CustomerID: id}), append(s.Rows, c.row)
			i = len(s.ShipTos) - 1
		}
		if a.Default && DefaultShipTo(s.ShipTos[i].Addresses) != "" {
			c.s.problem(c.row, "default", "customer %s has a default address already (row %d)", id, s.Rows[i])
		}
		s.ShipTos[i].Addresses = append(s.ShipTos[i].Addresses, a)
	case SheetSKUs:
		r := SKU{Code: c.text("code"), Name: c.text("name"), Unit: c.text("unit"), ListPrice: c.yuan("list_price"),
			Currency: Currency(strings.ToUpper(c.text("currency"))), TaxRate: TaxRate(c.integer("tax_rate_bp")),
			Quota: c.flag("quota_controlled", false), Active: c.flag("active", true)}
		c.report(ValidateSKU(r), map[string]string{"list_price_fen": "list_price"})
		if c.once(seen, r.Code, "code") {
			s.SKUs, s.Rows = append(s.SKUs, r), append(s.Rows, c.row)
		}
	case SheetPrices, SheetCustomerPrices:
		r := PriceEntry{SKU: c.text("sku"), Price: c.yuan("price"), Currency: Currency(strings.ToUpper(c.text("currency"))),
			EffectiveFrom: c.day("effective_from", true), EffectiveTo: c.day("effective_to", false)}
		if k == SheetCustomerPrices {
			r.CustomerID = c.text("customer_id")
			var p Problems
			p.code("customer_id", r.CustomerID)
			c.report(p, nil)
		}
		if ok() {
			c.report(r.Validate(), map[string]string{"price_fen": "price"})
		}
		if c.once(seen, r.CustomerID+"/"+r.SKU+"/"+r.EffectiveFrom, "effective_from") {
			s.Prices, s.Rows = append(s.Prices, r), append(s.Rows, c.row)
		}
	case SheetUsers:
		r := UserRecord{User: User{ID: c.text("id"), Name: c.text("name"), Email: c.text("email"), Role: Role(strings.ToLower(c.text("role"))),
			Title: Title(c.text("title")), ManagerID: c.text("manager_id"), Market: c.text("market")},
			Markets: c.list("markets"), Active: c.flag("active", true)}
		c.report(r.Validate(), nil)
		if c.once(seen, r.ID, "id") {
			s.Users, s.Rows = append(s.Users, r), append(s.Rows, c.row)
		}
	case SheetMarkets:
		r := MarketRecord{Market: Market{Code: c.text("code"), Name: c.text("name"), MMID: c.text("mm_id")}}
		if slt := c.list("slt_members"); len(slt) > 0 {
			r.SLTOwner, r.SLTMembers = slt[0], slt
		}
		for _, d := range c.list("ssg") {
			duty, user, found := strings.Cut(d, ":")
			if !found {
				duty, user, found = strings.Cut(d, "：")
			}
			md := MarketDuty{UserID: strings.TrimSpace(user), Duty: SSGDuty(strings.TrimSpace(duty))}
			if !found || !md.Duty.Valid() || md.UserID == "" {
				c.s.problem(c.row, "ssg", "%q is not duty:user, the duty one of settlement, visits, orders", d)
				continue
			}
			r.SSG = append(r.SSG, md)
		}
		c.report(r.Validate(), map[string]string{"slt_owner_id": "slt_members"})
		if c.once(seen, r.Code, "code") {
			s.Markets, s.Rows = append(s.Markets, r), append(s.Rows, c.row)
		}
	}
}

var shipToColumns = map[string]string{"addresses[0].code": "code", "addresses[0].address": "address",
	"addresses[0].consignee": "consignee", "addresses[0].phone": "phone", "addresses[0].unloading_notes": "unloading_notes",
	"addresses[0].carrier": "carrier"}

// ParseYuan reads an amount in yuan ("1,234.50", "¥1234.5", "1234") as
// fen, exactly; more than two decimals are refused, except a workbook's
// binary rounding ("28.799999999999997").
func ParseYuan(s string) (Fen, error) {
	s = strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, fmt.Errorf("is required: an amount in yuan like 1234.50")
	}
	whole, frac, _ := strings.Cut(s, ".")
	carry := int64(0)
	if len(frac) > 2 { // a workbook's binary rounding: 28.799999999999997, 28.800000000000001
		switch tail := frac[2:]; {
		case strings.Trim(tail, "0") == "":
		case len(tail) >= 6 && strings.HasPrefix(tail, "000000"):
		case len(tail) >= 6 && strings.HasPrefix(tail, "999999"):
			carry = 1
		default:
			return 0, fmt.Errorf("%q has more than two decimals: prices are in yuan and fen", s)
		}
		frac = frac[:2]
	}
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(whole) > 12 {
		return 0, fmt.Errorf("%q is not an amount in yuan like 1234.50", s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	fr, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return Fen(w*100 + fr + carry), nil
}

// ImportReport is what an import did, or would do (a dry run): its rows
// created, changed, left unchanged and waiting for the SLT, or every
// problem found, when nothing was written.
type ImportReport struct {
	Kind      SheetKind    `json:"kind"`
	DryRun    bool         `json:"dry_run"`
	Applied   bool         `json:"applied"` // written: no problems and not a dry run
	Rows      int          `json:"rows"`
	Created   int          `json:"created"`
	Changed   int          `json:"changed"`
	Unchanged int          `json:"unchanged"`
	Pending   int          `json:"pending"` // prices waiting for the SLT
	Problems  []RowProblem `json:"problems"`
	// KAMChanges are the customers handed to another KAM; their open
	// orders' ladders are refreshed once the import is written.
	KAMChanges   []KAMHandover `json:"kam_changes,omitempty"`
	PriceChanges []PriceChange `json:"price_changes,omitempty"`
	KeptMonth    string        `json:"kept_month,omitempty"` // shipment information: the month version kept with the import
}
