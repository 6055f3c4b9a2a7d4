package sales

import (
	"strings"
	"time"
)

// ColumnKind says how a column's values are written in a download.
type ColumnKind int

// Kinds of columns.
const (
	Text     ColumnKind = iota // string
	Integer                    // int or int64
	Money                      // Fen, written in yuan with two decimals
	Decimal                    // *float64 with one decimal (percentages, days); empty when nil
	Date                       // time.Time or *time.Time, the day in Beijing
	DateTime                   // time.Time or *time.Time, to the minute in Beijing
	YesNo                      // bool
)

// Column is one column of a report, titled in Chinese and English as the
// department's documents are.
type Column struct {
	Local   string     `json:"local"`
	English string     `json:"english"`
	Kind    ColumnKind `json:"kind"`
}

// Title is the heading of the column in a download, e.g. "客户名称 / Customer".
func (c Column) Title() string { return c.Local + " / " + c.English }

// Table is a report laid out for a download: a name (the sheet of a
// workbook) and rows of values matching the columns' kinds.
type Table struct {
	Name    string   `json:"name"`
	English string   `json:"english"`
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// Title is the heading of the table, e.g. "客户信誉等级一览表 Customer credit ratings".
func (t Table) Title() string { return t.Name + " " + t.English }

func col(local, english string, kind ColumnKind) Column { return Column{local, english, kind} }

// CreditRatingTable lays out the customer credit rating table.
func CreditRatingTable(rows []CreditRatingRow) Table {
	t := Table{Name: "客户信誉等级一览表", English: "Customer credit ratings", Columns: []Column{
		col("客户编号", "Customer ID", Text), col("客户名称", "Customer", Text), col("市场", "Market", Text),
		col("客户经理", "KAM", Text), col("信誉等级", "Rating", Text), col("币种", "Currency", Text),
		col("信誉额(元)", "Credit limit (yuan)", Money), col("风险敞口(元)", "Exposure (yuan)", Money),
		col("使用率%", "Use %", Decimal), col("逾期金额(元)", "Overdue (yuan)", Money),
		col("最长逾期天数", "Oldest overdue days", Integer), col("冻结", "Frozen", YesNo),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.CustomerID, r.CustomerName, r.Market, nameOr(r.KAMName, r.KAMID), r.Rating,
			string(r.Currency), r.Limit, r.Exposure, r.UsePct, r.Overdue, r.OldestOverdueDays, r.Frozen})
	}
	return t
}

// ShipmentInfoTable lays out the customer shipment information table.
func ShipmentInfoTable(rows []ShipmentInfoRow) Table {
	t := Table{Name: "客户储运信息维护表", English: "Customer shipment information", Columns: []Column{
		col("客户编号", "Customer ID", Text), col("客户名称", "Customer", Text), col("市场", "Market", Text),
		col("收货地址", "Ship-to", Text), col("收货人", "Consignee", Text), col("电话", "Phone", Text),
		col("卸货要求", "Unloading notes", Text), col("指定承运商", "Preferred carrier", Text),
		col("版本月份", "Kept month", Text),
		col("常用承运商", "Carrier", Text), col("发运次数", "Shipments", Integer),
		col("已签收", "Delivered", Integer), col("平均在途天数", "Lead time (days)", Decimal),
		col("最近发运日期", "Last shipped", Date), col("最近发运", "Last shipments", Text),
	}}
	for _, r := range rows {
		var last *time.Time
		refs := make([]string, 0, len(r.LastShipments))
		for i, s := range r.LastShipments {
			if i == 0 {
				last = &r.LastShipments[0].IssuedAt
			}
			ref := s.No + " " + s.IssuedAt.In(Beijing).Format(time.DateOnly) + " " + s.Carrier + " " + s.Waybill
			if s.DeliveredAt != nil {
				ref += " 签收 " + s.DeliveredAt.In(Beijing).Format(time.DateOnly)
			}
			refs = append(refs, strings.TrimSpace(ref))
		}
		t.Rows = append(t.Rows, []any{r.CustomerID, r.CustomerName, r.Market, r.ShipTo, r.Consignee, r.Phone,
			r.UnloadingNotes, r.PreferredCarrier, r.KeptMonth, r.Carrier, r.Shipments,
			r.Delivered, r.LeadTimeDays, last, strings.Join(refs, "; ")})
	}
	return t
}

// ReplenishmentTable lays out the replenishment record.
func ReplenishmentTable(rows []ReplenishmentRow) Table {
	t := Table{Name: "补货记录", English: "Replenishment record", Columns: []Column{
		col("订单日期", "Ordered", Date), col("订单号", "Order", Text), col("客户编号", "Customer ID", Text),
		col("客户名称", "Customer", Text), col("市场", "Market", Text), col("状态", "Status", Text),
		col("行号", "Line", Integer), col("产品编号", "SKU", Text), col("产品名称", "Product", Text),
		col("数量", "Quantity", Integer), col("已发数量", "Shipped", Integer), col("单价(元)", "Unit price (yuan)", Money),
		col("金额(元)", "Amount (yuan)", Money), col("币种", "Currency", Text),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.OrderedAt, r.OrderNo, r.CustomerID, r.CustomerName, r.Market, string(r.Status),
			r.LineNo, r.SKU, r.SKUName, r.Quantity, r.Shipped, r.UnitPrice, r.Amount, string(r.Currency)})
	}
	return t
}

// entryNames are the Chinese names of the receivables record's entries.
var entryNames = map[string]string{EntryOpening: "期初余额 opening", EntryInvoice: "发票 invoice",
	EntryReceipt: "回款 receipt", EntryCreditNote: "红字发票 credit note"}

// ReceivablesTable lays out the receivables record.
func ReceivablesTable(rows []ReceivableEntry) Table {
	t := Table{Name: "应收款记录", English: "Receivables record", Columns: []Column{
		col("客户编号", "Customer ID", Text), col("客户名称", "Customer", Text), col("日期", "Date", Date),
		col("类别", "Kind", Text), col("单据号", "Document", Text), col("订单号", "Order", Text),
		col("到期日", "Due", Date), col("借方(元)", "Debit (yuan)", Money), col("贷方(元)", "Credit (yuan)", Money),
		col("余额(元)", "Balance (yuan)", Money), col("币种", "Currency", Text),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.CustomerID, r.CustomerName, r.At, nameOr(entryNames[r.Kind], r.Kind), r.Document,
			r.OrderNo, r.DueAt, r.Debit, r.Credit, r.Balance, string(r.Currency)})
	}
	return t
}

// groupNames are the Chinese names of what the ageing is grouped by.
var groupNames = map[string]Column{
	"customer": col("客户", "Customer", Text),
	"kam":      col("客户经理", "KAM", Text),
	"market":   col("市场", "Market", Text),
}

// AgeingTable lays out the receivables ageing grouped by group.
func AgeingTable(group string, rows []AgeingRow) Table {
	key := groupNames[group]
	if key.Local == "" {
		key = col("分组", "Group", Text)
	}
	t := Table{Name: "应收账龄分析", English: "Receivables ageing by " + group, Columns: []Column{
		col(key.Local+"编号", key.English+" ID", Text), key, col("市场", "Market", Text), col("币种", "Currency", Text),
		col("未到期(元)", "Not due (yuan)", Money), col("1-30天(元)", "1–30 days (yuan)", Money),
		col("31-60天(元)", "31–60 days (yuan)", Money), col("61-90天(元)", "61–90 days (yuan)", Money),
		col("90天以上(元)", "Over 90 days (yuan)", Money), col("合计(元)", "Total (yuan)", Money),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Key, r.Name, r.Market, string(r.Currency), r.NotDue, r.Days1To30,
			r.Days31To60, r.Days61To90, r.Over90, r.Total})
	}
	return t
}

// DSOTable lays out DSO by market.
func DSOTable(rows []DSORow) Table {
	t := Table{Name: "应收账款周转天数", English: "DSO by market", Columns: []Column{
		col("市场", "Market", Text), col("币种", "Currency", Text), col("期末应收(元)", "Receivables at end (yuan)", Money),
		col("期间销售(元)", "Sales in period (yuan)", Money), col("天数", "Days", Integer), col("周转天数", "DSO (days)", Decimal),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Market, string(r.Currency), r.Receivables, r.Sales, r.Days, r.DSO})
	}
	return t
}

// dimensionNames are the Chinese names of the target dimensions.
var dimensionNames = map[TargetDimension]string{ByMarket: "市场 market", ByMM: "市场经理 MM", ByUM: "区域经理 UM", ByKAM: "客户经理 KAM",
	ByDistributor: "分销商 distributor"}

// splitNames are the Chinese and English names of how far a target is split.
var splitNames = map[SplitState]string{SplitNone: "未分解 not split", SplitIncomplete: "未分解完 incomplete",
	SplitComplete: "已分解 complete"}

// TargetTable lays out sales, collections and units against target, with
// how far each target is split one level down.
func TargetTable(rows []TargetRow) Table {
	t := Table{Name: "销售与回款目标达成", English: "Sales and collections against target", Columns: []Column{
		col("维度", "Dimension", Text), col("编号", "Key", Text), col("名称", "Name", Text), col("币种", "Currency", Text),
		col("销售目标(元)", "Sales target (yuan)", Money), col("销售额(元)", "Sales (yuan)", Money), col("销售达成%", "Sales %", Decimal),
		col("回款目标(元)", "Collections target (yuan)", Money), col("回款额(元)", "Collections (yuan)", Money),
		col("回款达成%", "Collections %", Decimal),
		col("数量目标", "Units target", Integer), col("发货数量", "Units shipped", Integer), col("数量达成%", "Units %", Decimal),
		col("目标分解", "Split", Text),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{nameOr(dimensionNames[r.Dimension], string(r.Dimension)), r.Key, r.Name,
			string(r.Currency), r.SalesTarget, r.Sales, r.SalesPct, r.CollectionsTarget, r.Collections, r.CollectionsPct,
			r.UnitsTarget, r.Units, r.UnitsPct, splitNames[r.Split]})
	}
	return t
}

// ReachTable lays out distribution reach by market.
func ReachTable(rows []ReachRow) Table {
	t := Table{Name: "分销覆盖", English: "Distribution reach", Columns: []Column{
		col("市场", "Market", Text), col("活跃分销商", "Active distributors", Integer),
		col("有订单分销商", "Distributors ordering", Integer), col("覆盖率%", "Reach %", Decimal),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Market, r.Customers, r.Ordering, r.ReachPct})
	}
	return t
}

// ProblemTable lays out problems with their age.
func ProblemTable(name, english string, rows []ReviewedProblem) Table {
	t := Table{Name: name, English: english, Columns: []Column{
		col("编号", "Number", Text), col("部门", "Department", Text), col("来源", "Source", Text), col("状态", "Status", Text),
		col("问题", "Title", Text), col("订单号", "Order", Text), col("客户编号", "Customer ID", Text),
		col("负责人", "Owner", Text), col("登记时间", "Filed", DateTime), col("天数", "Age (days)", Integer),
		col("逾期", "Overdue", YesNo), col("解决时间", "Resolved", DateTime), col("处理结果", "Resolution", Text),
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Number, string(r.Department), string(r.Source), string(r.Status), r.Title,
			r.OrderNo, r.CustomerID, r.Owner, r.CreatedAt, r.AgeDays, r.Overdue, r.ResolvedAt, r.Resolution})
	}
	return t
}

// ReviewTables lays out the monthly OSB meeting view: the departments, then
// the open problems, then those resolved in the month.
func ReviewTables(r ProblemReview) []Table {
	d := Table{Name: "OSB问题汇总", English: "OSB problems by department " + r.Month, Columns: []Column{
		col("部门", "Department", Text), col("本月登记", "Filed in month", Integer), col("本月解决", "Resolved in month", Integer),
		col("未解决", "Open", Integer), col("处理中", "In progress", Integer), col("逾期", "Overdue", Integer),
		col("最长天数", "Oldest open (days)", Integer), col("平均天数", "Mean open (days)", Integer),
	}}
	for _, x := range r.Departments {
		d.Rows = append(d.Rows, []any{string(x.Department), x.Filed, x.Resolved, x.Open, x.InProgress, x.Overdue,
			x.OldestOpenDays, x.MeanOpenDays})
	}
	return []Table{d,
		ProblemTable("未解决问题", "Open problems", r.Open),
		ProblemTable("本月已解决", "Resolved in month", r.Resolved),
	}
}

// FocusTable lays out a month's focus items.
func FocusTable(f *FocusItems) Table {
	t := Table{Name: "下月工作重点", English: "Next month's focus", Columns: []Column{
		col("月份", "Month", Text), col("类别", "Kind", Text), col("重点", "Focus", Text),
	}}
	if f == nil {
		return t
	}
	t.Rows = append(t.Rows, []any{f.Month, "主要 main", f.Main})
	for _, s := range f.Secondary {
		t.Rows = append(t.Rows, []any{f.Month, "次要 secondary", s})
	}
	return t
}

// Tables lays out the whole pack, one table per section.
func (p MeetingPack) Tables() []Table {
	overdue := AgeingTable("customer", p.Overdue)
	overdue.Name, overdue.English = "逾期客户", "Customers with overdue receivables"
	out := []Table{TargetTable(p.Sales), DSOTable(p.DSO), AgeingTable("market", p.Ageing), overdue, ReachTable(p.Reach)}
	out = append(out, ReviewTables(p.Problems)...)
	return append(out, FocusTable(p.Focus))
}

func nameOr(name, id string) string {
	if name == "" {
		return id
	}
	return name
}
