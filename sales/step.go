package sales

// Stage is one of the three parts of the OTR cycle.
type Stage string

// The stages of OSB.
const (
	StageOP Stage = "OP" // order processing 订单处理
	StageSP Stage = "SP" // shipment 货物发运
	StageBC Stage = "BC" // billing and collection 货款结算
)

// Step is one of the 21 OSB steps, e.g. "SP1".
type Step string

// The 21 steps of DOMAIN.md.
const (
	OP1Register    Step = "OP1"
	OP2Validate    Step = "OP2"
	OP3Quota       Step = "OP3"
	OP4Credit      Step = "OP4"
	OP5Hold        Step = "OP5"
	OP6Confirm     Step = "OP6"
	OP7Release     Step = "OP7"
	SP1Plan        Step = "SP1"
	SP2Recheck     Step = "SP2"
	SP3Pick        Step = "SP3"
	SP4GoodsIssue  Step = "SP4"
	SP5InTransit   Step = "SP5"
	SP6Delivery    Step = "SP6"
	SP7Close       Step = "SP7"
	BC1Invoice     Step = "BC1"
	BC2Acknowledge Step = "BC2"
	BC3Receivable  Step = "BC3"
	BC4Reminder    Step = "BC4"
	BC5Dunning     Step = "BC5"
	BC6Payment     Step = "BC6"
	BC7Close       Step = "BC7"
)

// StepInfo describes a step: its name, the role that owns it, and its Chinese
// name from the department's design.
type StepInfo struct {
	Step  Step   `json:"step"`
	Name  string `json:"name"`
	Local string `json:"local"`
	Owner Role   `json:"owner"`
}

// Steps lists the 21 steps in order.
var Steps = []StepInfo{
	{OP1Register, "Register", "接单登记", RoleSSG},
	{OP2Validate, "Validate", "审核", RoleSSG},
	{OP3Quota, "Quota check", "配额", RoleSSG},
	{OP4Credit, "Credit check", "信用", RoleFinance},
	{OP5Hold, "Hold / approve", "审批", RoleSLT},
	{OP6Confirm, "Confirm", "确认", RoleSSG},
	{OP7Release, "Release", "下达", RoleSSG},
	{SP1Plan, "Plan", "发运计划", RoleLogistics},
	{SP2Recheck, "Re-check", "复核", RoleFinance},
	{SP3Pick, "Pick and pack", "拣货", RoleLogistics},
	{SP4GoodsIssue, "Goods issue", "出库", RoleLogistics},
	{SP5InTransit, "In transit", "在途", RoleLogistics},
	{SP6Delivery, "Proof of delivery", "签收", RoleLogistics},
	{SP7Close, "Close shipment", "发运结案", RoleSSG},
	{BC1Invoice, "Invoice", "开票", RoleFinance},
	{BC2Acknowledge, "Invoice acknowledged", "发票确认", RoleSSG},
	{BC3Receivable, "Post receivable", "应收款记录", RoleFinance},
	{BC4Reminder, "Reminder before due", "到期提醒", RoleFSF},
	{BC5Dunning, "Dunning", "催款", RoleFSF},
	{BC6Payment, "Payment confirmation", "回款确认", RoleFinance},
	{BC7Close, "Close", "结案", RoleSSG},
}

// Info returns the description of s; ok is false for an unknown step.
func (s Step) Info() (StepInfo, bool) {
	for _, i := range Steps {
		if i.Step == s {
			return i, true
		}
	}
	return StepInfo{}, false
}

// Stage returns the stage the step belongs to.
func (s Step) Stage() Stage {
	if len(s) < 2 {
		return ""
	}
	return Stage(s[:2])
}

// OrderStatus is the business status of an order as a whole.
type OrderStatus string

// Order statuses.
const (
	StatusOpen      OrderStatus = "open"      // in OP, before release
	StatusHeld      OrderStatus = "held"      // waiting for an SLT decision
	StatusReleased  OrderStatus = "released"  // with logistics, nothing shipped yet
	StatusShipping  OrderStatus = "shipping"  // partly shipped or in transit
	StatusBilled    OrderStatus = "billed"    // everything shipped, invoices open
	StatusRemitted  OrderStatus = "remitted"  // every invoice paid: the cycle is closed
	StatusRejected  OrderStatus = "rejected"  // invalid or refused by the SLT
	StatusCancelled OrderStatus = "cancelled" // cancelled before goods issue
)

// Final reports whether the status ends the order's cycle.
func (s OrderStatus) Final() bool {
	return s == StatusRemitted || s == StatusRejected || s == StatusCancelled
}
