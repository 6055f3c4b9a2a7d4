package console

// The texts of the visit log page.
func init() {
	addMessages(map[string][2]string{
		"nav.visits": {"拜访记录", "Visits"},

		"visit.title":         {"拜访记录 %s", "Visits %s"},
		"visit.intro":         {"每周节奏：客户经理每周对名下每个有效客户拜访或电话 %d 次，负责该市场拜访的销售秘书每周对市场内每个有效客户电话 %d 次。", "The weekly rhythm: each KAM contacts each active customer of theirs %d time(s) a week; the SSG member holding a market's visits calls each of its active customers %d time(s) a week."},
		"visit.weeks":         {"周", "Weeks"},
		"visit.bad_week":      {"周的格式应为 2026-W49，已显示本周。", "A week looks like 2026-W49; this week is shown."},
		"visit.log":           {"记录拜访", "Log a visit"},
		"visit.customer":      {"客户", "Customer"},
		"visit.choose":        {"请选择客户", "Choose a customer"},
		"visit.date":          {"日期", "Date"},
		"visit.kind":          {"方式", "Kind"},
		"visit.kind.visit":    {"上门拜访", "Visit"},
		"visit.kind.call":     {"电话", "Call"},
		"visit.kind.video":    {"视频", "Video call"},
		"visit.kind.other":    {"其他", "Other"},
		"visit.notes":         {"记录", "Notes"},
		"visit.follow_up":     {"跟进事项", "Follow-up"},
		"visit.follow_up_due": {"跟进日期", "Follow-up due"},
		"visit.due":           {"%s 前", "by %s"},
		"visit.submit":        {"保存", "Save"},
		"visit.list":          {"%s 的拜访", "Visits of %s"},
		"visit.none":          {"本周尚无拜访记录。", "No visits logged this week."},
		"visit.market":        {"市场", "Market"},
		"visit.by":            {"记录人", "By"},
		"visit.report":        {"拜访周报", "Weekly report"},
		"visit.person":        {"人员", "Person"},
		"visit.role":          {"角色", "Role"},
		"visit.expected":      {"应拜访", "Expected"},
		"visit.logged":        {"已拜访", "Logged"},
		"visit.covered":       {"已覆盖客户", "Customers covered"},
		"visit.status":        {"状态", "Status"},
		"visit.behind":        {"落后", "Behind"},
		"visit.on_track":      {"达标", "On track"},
		"visit.people_behind": {"落后人数", "People behind"},
		"visit.no_duties":     {"没有需要拜访的客户。", "No one owes visits."},
		"visit.done.logged":   {"拜访已记录。", "The visit was logged."},
	})
}
