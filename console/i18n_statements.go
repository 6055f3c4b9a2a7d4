package console

// The texts of the bank statement import pages.
func init() {
	addMessages(map[string][2]string{
		"nav.statements": {"银行对账单", "Bank statements"},

		"stmt.title":             {"银行对账单导入", "Bank statement import"},
		"stmt.intro":             {"上传银行导出的对账单（CSV 或 XLSX）。按付款账号或户名匹配客户、按附言中的发票号或订单号匹配发票：匹配的收款自动核销，其余进入待处理队列。同一文件重复导入不会重复记账。", "Upload a statement as the bank exports it (CSV or XLSX). Lines are matched to customers by payer account or name and to invoices by the invoice or order numbers in the remittance text: matched lines are applied, the rest wait in the queue. Importing the same file again changes nothing."},
		"stmt.to_queue":          {"待处理队列", "The queue"},
		"stmt.to_imports":        {"导入记录", "Imports"},
		"stmt.upload":            {"上传对账单", "Upload a statement"},
		"stmt.file":              {"文件", "File"},
		"stmt.bank_account":      {"本方账号", "Our bank account"},
		"stmt.account_hint":      {"本方账号（文件表头写明账号时可留空）", "Our bank account (may be left empty when the file's header names it)"},
		"stmt.columns":           {"列名（可选）", "Column names (optional)"},
		"stmt.columns_hint":      {"留空则按常见列名识别（交易日期、贷方发生额、借方发生额、对方户名、对方账号、摘要/用途/附言、流水号）。", "Leave empty to find the usual names (交易日期, 贷方发生额, 借方发生额, 对方户名, 对方账号, 摘要/用途/附言, 流水号)."},
		"stmt.col.date":          {"日期列", "Date column"},
		"stmt.col.credit":        {"贷方（收入）列", "Credit column"},
		"stmt.col.debit":         {"借方（支出）列", "Debit column"},
		"stmt.col.payer_name":    {"对方户名列", "Payer name column"},
		"stmt.col.payer_account": {"对方账号列", "Payer account column"},
		"stmt.col.remittance":    {"附言列（多个用逗号分隔）", "Remittance columns (comma-separated)"},
		"stmt.col.reference":     {"流水号列", "Reference column"},
		"stmt.col.currency":      {"币种列", "Currency column"},
		"stmt.import":            {"导入", "Import"},
		"stmt.imports":           {"导入记录", "Imports"},
		"stmt.import_no":         {"导入", "Import"},
		"stmt.uploaded":          {"上传", "Uploaded"},
		"stmt.lines":             {"行数", "Lines"},
		"stmt.no_imports":        {"尚无导入的对账单。", "No statement imported yet."},
		"stmt.import_title":      {"对账单导入 %d：%s", "Statement import %d: %s"},
		"stmt.result":            {"导入结果", "Result"},
		"stmt.applying":          {"已匹配的收款正在核销，本页会自动更新。", "The matched lines are being applied: this page follows them."},
		"stmt.done.imported":     {"对账单已导入。", "The statement was imported."},
		"stmt.done.again":        {"该文件此前已导入，未做任何更改。", "This file was imported before: nothing changed."},
		"stmt.done.assign":       {"已指定客户并记录收款。", "The line was assigned and its receipt recorded."},
		"stmt.done.reject":       {"已拒绝该行。", "The line was rejected."},
		"stmt.row":               {"行", "Row"},
		"stmt.value_date":        {"交易日期", "Value date"},
		"stmt.payer":             {"付款人", "Payer"},
		"stmt.remittance":        {"附言", "Remittance"},
		"stmt.reference":         {"流水号", "Reference"},
		"stmt.customer":          {"客户", "Customer"},
		"stmt.invoices":          {"发票", "Invoices"},
		"stmt.invoices_hint":     {"先核销的发票（逗号分隔，可空）", "Invoices to apply first (comma-separated, optional)"},
		"stmt.note":              {"说明", "Note"},
		"stmt.receipt":           {"收款 %d", "receipt %d"},
		"stmt.suggested":         {"建议", "Suggested"},
		"stmt.decide":            {"处理", "Decide"},
		"stmt.assign":            {"指定客户", "Assign"},
		"stmt.assign_line":       {"指定流水 %s 的客户", "Assign line %s to a customer"},
		"stmt.reject":            {"拒绝", "Reject"},
		"stmt.reject_line":       {"拒绝流水 %s", "Reject line %s"},
		"stmt.reason":            {"拒绝原因", "Reason"},
		"stmt.queue_title":       {"待处理的银行流水", "Statement lines to decide"},
		"stmt.queue_intro":       {"未能自动核销的收款：指定付款客户（及先核销的发票），或拒绝（如利息、供应商退款、内部转账）。", "Credits that could not be applied by themselves: name the customer who paid (and the invoices to apply first), or reject them (interest, a supplier's refund, our own transfer)."},
		"stmt.queue_empty":       {"没有待处理的流水。", "Nothing waits in the queue."},
		"stmt.by.account":        {"按账号", "by account"},
		"stmt.by.name":           {"按户名", "by name"},
		"stmt.by.reference":      {"按附言", "by reference"},

		"stmt.why.debit":      {"支出，不是收款。", "A debit: money that went out."},
		"stmt.why.unknown":    {"付款账号和户名都不属于任何客户（或属于多个客户）。", "No customer pays from this account or under this name (or several do)."},
		"stmt.why.reference":  {"付款人未知；附言中的发票属于 %s。", "The payer is not known; the remittance names invoices of %s."},
		"stmt.why.no_invoice": {"附言未写明 %s 的未结发票。", "The remittance names no open invoice of %s."},

		"stmt.status.matched":   {"待核销", "Being applied"},
		"stmt.status.applied":   {"已核销", "Applied"},
		"stmt.status.queued":    {"待处理", "In the queue"},
		"stmt.status.assigned":  {"已指定", "Assigned"},
		"stmt.status.rejected":  {"已拒绝", "Rejected"},
		"stmt.status.duplicate": {"重复", "Duplicate"},
		"stmt.status.skipped":   {"支出（跳过）", "Debit (skipped)"},
	})
}

// The texts of My work's statement lines.
func init() {
	addMessages(map[string][2]string{
		"mywork.kind.statement":      {"银行流水", "Statement lines"},
		"mywork.task.statement_line": {"认领银行收款：%s（流水号 %s）", "Assign a bank credit: %s (reference %s)"},
	})
}
