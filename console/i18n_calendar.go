package console

// The texts of the working calendar page.
func init() {
	addMessages(map[string][2]string{
		"nav.calendar": {"工作日历", "Calendar"},

		"cal.title":          {"%d 年工作日历", "Working calendar %d"},
		"cal.intro":          {"法定节假日和调休上班日：步骤期限按工作日计算（周一至周五，节假日除外，调休的周末上班）。付款到期日仍按自然日计算。", "Public holidays and make-up working days: step deadlines count working days (Monday to Friday except holidays, and the weekends made working days). Payment due dates count calendar days."},
		"cal.years":          {"年份", "Years"},
		"cal.year":           {"%d 年", "%d"},
		"cal.loaded_by":      {"由 %s 载入于", "Loaded by %s on"},
		"cal.not_loaded":     {"%d 年的日历尚未载入：周一至周五都按工作日计算。", "The calendar of %d is not loaded: every Monday to Friday counts as a working day."},
		"cal.download_xlsx":  {"下载 XLSX", "Download XLSX"},
		"cal.download_csv":   {"下载 CSV", "Download CSV"},
		"cal.holidays":       {"法定节假日", "Public holidays"},
		"cal.workdays":       {"调休上班日", "Make-up working days"},
		"cal.no_holidays":    {"无节假日。", "No holidays."},
		"cal.no_workdays":    {"无调休上班日。", "No make-up working days."},
		"cal.from":           {"起", "From"},
		"cal.to":             {"止", "To"},
		"cal.days":           {"天数", "Days"},
		"cal.col.date":       {"日期", "Date"},
		"cal.col.kind":       {"类型", "Kind"},
		"cal.col.name":       {"名称", "Name"},
		"cal.import":         {"导入 %d 年日历", "Import the calendar of %d"},
		"cal.import_hint":    {"上传 CSV 或 XLSX：表头为 日期、类型、名称（或 date、kind、name），每行一个节假日（假/holiday）或调休上班日（班/workday）。可先下载本年日历，在表格中修改后再导入。导入会整体替换该年，有任何错误则不写入。", "Upload a CSV or XLSX file: a heading row date, kind, name (日期, 类型, 名称), then one holiday (holiday/假) or make-up working day (workday/班) a row. Download the year, edit it in a spreadsheet and import it back. An import replaces the whole year; a file with any error writes nothing."},
		"cal.file":           {"文件", "File"},
		"cal.dry_run":        {"试运行：只检查，不写入", "Dry run: check only, write nothing"},
		"cal.upload":         {"上传", "Upload"},
		"cal.dry_run_report": {"试运行结果", "Dry run"},
		"cal.refused":        {"导入被拒绝，未写入任何内容", "The import was refused; nothing was written"},
		"cal.problems":       {"文件中有 %d 处问题：", "The file has %d problems:"},
		"cal.row":            {"行", "Row"},
		"cal.column":         {"列", "Column"},
		"cal.problem":        {"问题", "Problem"},
		"cal.would":          {"文件无误：%d 行；导入将新增 %d 天、删除 %d 天、修改 %d 天。取消“试运行”后再上传即可导入。", "The file is good: %d rows; importing it adds %d days, removes %d and changes %d. Upload it again without the dry run to import it."},
		"cal.done.imported":  {"日历已导入。", "The calendar was imported."},
	})
}
