package console

// My work's kinds of task and what each asks (the first kinds' texts,
// task.decide, task.logistics and task.overdue, are in i18n.go). A new kind
// adds mywork.kind.<kind> here.
func init() {
	addMessages(map[string][2]string{
		"mywork.kinds":      {"按类别筛选", "Filter by kind"},
		"mywork.kind.all":   {"全部", "All"},
		"mywork.kind.count": {"%s（%d）", "%s (%d)"},
		"mywork.kind.none":  {"目前没有这一类需要您处理的事项。", "Nothing of this kind waits for you now."},
		"mywork.backup":     {"（其他销售领导负责的市场）", "(another SLT member's market)"},

		"mywork.kind.held":           {"暂挂待批", "Held orders"},
		"mywork.kind.steps":          {"物流步骤", "Logistics' steps"},
		"mywork.kind.receipt":        {"回款确认", "Receipts to confirm"},
		"mywork.kind.overdue":        {"逾期发票", "Overdue invoices"},
		"mywork.kind.return_decide":  {"退货审批", "Returns to decide"},
		"mywork.kind.return_receive": {"退货收货", "Returns to receive"},
		"mywork.kind.adjustment":     {"信用额度调整", "Credit adjustments"},
		"mywork.kind.escalation":     {"升级给我的事项", "Escalated to me"},
		"mywork.kind.problem":        {"我负责的问题", "Problems I own"},
		"mywork.kind.dead_letter":    {"未送达的通知", "Undelivered notifications"},

		"mywork.task.receipt":        {"确认回款：发票 %s", "Confirm payment of invoice %s"},
		"mywork.task.receipts":       {"确认回款：发票 %s 等另 %d 张", "Confirm payment of invoice %s and %d more"},
		"mywork.task.return_decide":  {"审批退货 %s", "Approve or reject return %s"},
		"mywork.task.return_receive": {"确认退货 %s 的收货", "Receive the goods of return %s"},
		"mywork.task.adjustment":     {"审批信用额度调整 %s", "Decide credit adjustment %s"},
		"mywork.task.esc_step":       {"催办：步骤 %s 已逾期", "Chase: step %s is late"},
		"mywork.task.esc_hold":       {"催办：暂挂订单待审批", "Chase: a held order waits for a decision"},
		"mywork.task.esc_dunning":    {"催办：发票 %s 逾期未付", "Chase: invoice %s is overdue"},
		"mywork.task.esc_return":     {"催办：退货 %s 待处理", "Chase: return %s waits"},
		"mywork.task.esc_adjustment": {"催办：信用额度调整 %s 待审批", "Chase: credit adjustment %s waits for a decision"},
		"mywork.task.esc_other":      {"催办：%s", "Chase: %s"},
		"mywork.task.problem":        {"处理问题 %s：%s", "Resolve problem %s: %s"},
		"mywork.task.dead_letter":    {"重发未送达 %s 的通知：%s", "Resend the notification to %s: %s"},
	})
}
