package console

// The texts of the invoice actions of issue 16 (a dispute withdrawn, a
// credit note for a difference, the VAT invoice, extension requests and
// decisions) and of their work in My work.
func init() {
	addMessages(map[string][2]string{
		"act.dispute-withdraw":         {"撤销发票 %s 的异议", "Withdraw the dispute of invoice %s"},
		"act.credit-note":              {"申请发票 %s 的红字发票（差价或数量差异）", "Ask for a credit note on invoice %s (price or quantity difference)"},
		"act.vat-invoice":              {"登记发票 %s 的增值税发票号", "Record the VAT invoice of invoice %s"},
		"act.extension-request":        {"申请延长发票 %s 的到期日", "Ask to extend the due date of invoice %s"},
		"act.extension-decide":         {"审批发票 %s 的延期申请", "Decide the extension of invoice %s"},
		"act.submit.dispute-withdraw":  {"撤销异议", "Withdraw the dispute"},
		"act.submit.credit-note":       {"提交申请", "Ask for the credit note"},
		"act.submit.vat-invoice":       {"登记发票号", "Record the VAT invoice"},
		"act.submit.extension-request": {"提交延期申请", "Ask the SLT"},
		"act.submit.extension-decide":  {"提交决定", "Send the decision"},
		"act.dispute_now":              {"异议：%s", "Disputed: %s"},
		"act.credit_kind":              {"差异类型", "Kind of difference"},
		"act.credit_kind.price":        {"价格差异（金额）", "Price difference (an amount)"},
		"act.credit_kind.quantity":     {"数量差异（已开票未收到的数量）", "Quantity difference (units billed, not received)"},
		"act.credit_amount":            {"差价金额（含税，元）", "Difference, VAT included (yuan)"},
		"act.credit_qty":               {"差异数量", "Units not received"},
		"act.vat_invoice_no":           {"增值税发票号（8–20 位数字）", "VAT invoice number (8–20 digits)"},
		"act.vat_invoice_date":         {"开票日期", "VAT invoice date"},
		"act.extension_asked":          {"%s 申请延期至 %s：%s", "%s asks to move it to %s: %s"},
		"done.dispute-withdraw":        {"异议已撤销，催收恢复。", "The dispute is withdrawn; collection resumes."},
		"done.credit-note":             {"红字发票申请已提交，等待审批。", "The credit note request waits for its approver."},
		"done.vat-invoice":             {"增值税发票号已登记。", "The VAT invoice is recorded."},
		"done.extension-request":       {"延期申请已提交给 SLT。", "The extension request went to the SLT."},
		"done.extension-decide":        {"延期申请已决定。", "The extension is decided."},
		"mywork.kind.vat_invoice":      {"待登记增值税发票", "VAT invoices to record"},
		"mywork.kind.extension":        {"延期申请审批", "Extensions to decide"},
		"mywork.task.vat_invoice":      {"登记发票 %s 的增值税发票号", "Record the VAT invoice of invoice %s"},
		"mywork.task.extension":        {"审批发票 %s 延期至 %s", "Decide: extend invoice %s to %s"},
		"col.net":                      {"不含税金额", "Net"},
		"col.tax":                      {"税额", "VAT"},
		"col.credited":                 {"已冲红", "Credited"},
		"inv.vat_missing":              {"未登记", "not recorded"},
		"inv.disputed":                 {"有异议，暂停催收：%s", "disputed, collection paused: %s"},
		"inv.extension_asked":          {"申请延期至 %s", "extension to %s asked"},
		"col.vat_invoice":              {"增值税发票", "VAT invoice"},
	})
}
