package console

// The order list's filters beyond number, customer, status, step and KAM
// (those are in i18n.go).
func init() {
	addMessages(map[string][2]string{
		"orderlist.ref":        {"客户订单号", "Client reference"},
		"orderlist.market":     {"市场", "Market"},
		"orderlist.level":      {"升级级别（至少）", "Escalated to at least"},
		"orderlist.from":       {"创建日期从", "Created from"},
		"orderlist.to":         {"创建日期至", "Created to"},
		"orderlist.sku":        {"产品编码", "SKU"},
		"orderlist.invoice":    {"发票号", "Invoice number"},
		"orderlist.waybill":    {"运单号", "Waybill number"},
		"orderlist.dates":      {"北京时间，含首尾两天", "Beijing dates, both days included"},
		"orderlist.number":     {"完整订单号或开头部分", "A whole order number or its beginning"},
		"orderlist.bad_number": {"订单号或其开头，如 SO-2026-000042 或 SO-2026-0000。", "An order number or its beginning, like SO-2026-000042 or SO-2026-0000."},
		"orderlist.bad_date":   {"日期格式如 2026-03-01。", "A date looks like 2026-03-01."},
		"orderlist.bad_range":  {"结束日期不能早于开始日期。", "The last day must not be before the first."},
		"orderlist.bad_text":   {"请输入不超过 64 个字符的编号。", "Enter a number of at most 64 characters."},
	})
}
