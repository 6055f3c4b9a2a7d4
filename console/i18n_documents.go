package console

// The texts of the documents on the order and customer pages.
func init() {
	addMessages(map[string][2]string{
		"doc.title":           {"单据", "Documents"},
		"doc.statements":      {"对账单", "Statements"},
		"doc.confirmation":    {"订单确认书", "Order confirmation"},
		"doc.dispatch_note":   {"发货单", "Dispatch note"},
		"doc.invoice":         {"发票", "Invoice"},
		"doc.credit_note":     {"红字冲减单", "Credit note"},
		"doc.dunning_letter":  {"催款函", "Dunning letter"},
		"doc.statement":       {"对账单", "Statement"},
		"doc.draft":           {"草稿(本月未结账)", "draft (month not closed)"},
		"doc.print":           {"打印版", "Printable page"},
		"doc.pdf":             {"PDF", "PDF"},
		"doc.statements_note": {"每月 1 日(北京时间)为上月有往来的客户生成并保存对账单。", "Statements are generated and kept on the 1st of each month (Beijing time) for customers with activity in the month before."},
	})
}
