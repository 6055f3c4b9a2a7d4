package console

import (
	"context"
	"fmt"
	"net/http"
)

// lang is a language of the console.
type lang int

// The console's languages; zh-CN is the default.
const (
	zh lang = iota
	en
)

// code is the language's BCP 47 tag, as ?lang= and the cookie spell it.
func (l lang) code() string {
	if l == en {
		return "en"
	}
	return "zh-CN"
}

// parseLang reads a language tag; ok is false for one the console lacks.
func parseLang(s string) (lang, bool) {
	switch s {
	case "zh-CN", "zh", "zh-Hans":
		return zh, true
	case "en", "en-US", "en-GB":
		return en, true
	}
	return zh, false
}

// langCookie remembers the language a person chose.
const langCookie = "osb_lang"

type langKey struct{}

// language picks the request's language: ?lang= (remembered in a cookie),
// else the cookie, else zh-CN.
func (con *console) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := zh
		if q := r.URL.Query().Get("lang"); q != "" {
			if chosen, ok := parseLang(q); ok {
				l = chosen
				http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.code(), Path: "/", MaxAge: 365 * 24 * 3600,
					Secure: con.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
			}
		} else if c, err := r.Cookie(langCookie); err == nil {
			l, _ = parseLang(c.Value)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, l)))
	})
}

func langOf(r *http.Request) lang {
	l, _ := r.Context().Value(langKey{}).(lang)
	return l
}

// text returns the message key in l, formatted with args; an unknown key is
// shown as itself (a test keeps every key the templates use in the catalogue).
func (l lang) text(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m[l]
	}
	return fmt.Sprintf(m[l], args...)
}

// addMessages adds an area's catalogue to messages: each page or area of the
// console keeps its texts beside its code (i18n_<area>.go, in an init). A
// key defined twice is a programming error.
func addMessages(m map[string][2]string) {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("console: message " + k + " is defined twice")
		}
		messages[k] = v
	}
}

// messages is the console's message catalogue: every key in zh-CN and in
// English.
var messages = map[string][2]string{
	"app.name":        {"OSB 订单发运结算", "OSB Order–Shipment–Billing"},
	"nav.skip":        {"跳到正文", "Skip to content"},
	"nav.mywork":      {"我的工作", "My work"},
	"nav.orders":      {"订单", "Orders"},
	"nav.signout":     {"退出", "Sign out"},
	"nav.language":    {"语言", "Language"},
	"nav.main":        {"主菜单", "Main menu"},
	"nav.signed_in":   {"%s（%s）", "%s (%s)"},
	"signin.title":    {"登录", "Sign in"},
	"signin.intro":    {"请用您的用户名和密码登录。", "Sign in with your user id and password."},
	"signin.user":     {"用户名", "User id"},
	"signin.password": {"密码", "Password"},
	"signin.submit":   {"登录", "Sign in"},
	"signin.failed":   {"用户名或密码不正确。", "The user id or the password is wrong."},
	"signin.required": {"必填。", "Required."},
	"signin.throttled": {"尝试次数过多，请 %d 分钟后再试。",
		"Too many attempts: try again in %d minutes."},
	"signin.ended": {"您的会话已结束，请重新登录。", "Your session ended; please sign in again."},

	"mywork.title":    {"我的工作", "My work"},
	"mywork.intro":    {"现在需要您处理的事项，最早到期的在前。", "What you must do now, the earliest deadline first."},
	"mywork.empty":    {"目前没有需要您处理的事项。", "Nothing waits for you now."},
	"mywork.more":     {"仅显示前 %d 项。", "Only the first %d are shown."},
	"mywork.failed":   {"部分事项暂时无法读取。", "Some of your work could not be read just now."},
	"task.decide":     {"审批暂挂订单", "Decide on a held order"},
	"task.logistics":  {"物流：%s", "Logistics: %s"},
	"task.overdue":    {"跟进逾期发票 %s", "Follow up overdue invoice %s"},
	"col.task":        {"事项", "What"},
	"col.order":       {"订单号", "Order"},
	"col.customer":    {"客户", "Customer"},
	"col.market":      {"市场", "Market"},
	"col.kam":         {"客户经理", "KAM"},
	"col.status":      {"状态", "Status"},
	"col.step":        {"当前步骤", "Step"},
	"col.owner":       {"负责", "Owner"},
	"col.deadline":    {"期限", "Deadline"},
	"col.late":        {"逾期", "Late"},
	"col.level":       {"升级级别", "Escalation"},
	"col.total":       {"金额", "Amount"},
	"col.outstanding": {"未收款", "Outstanding"},
	"col.created":     {"创建时间", "Created"},
	"col.line":        {"行", "Line"},
	"col.sku":         {"产品", "SKU"},
	"col.quantity":    {"数量", "Quantity"},
	"col.shipped":     {"已发", "Shipped"},
	"col.unit_price":  {"单价", "Unit price"},
	"col.amount":      {"金额", "Amount"},
	"col.shipment":    {"发运单", "Shipment"},
	"col.carrier":     {"承运商", "Carrier"},
	"col.waybill":     {"运单号", "Waybill"},
	"col.issued":      {"出库时间", "Issued"},
	"col.delivered":   {"签收时间", "Delivered"},
	"col.invoice":     {"发票号", "Invoice"},
	"col.invoiced":    {"开票时间", "Invoiced"},
	"col.due":         {"到期日", "Due"},
	"col.paid":        {"已付", "Paid"},
	"col.reference":   {"流水号", "Reference"},
	"col.received":    {"到账时间", "Received"},
	"col.confirmed":   {"确认人", "Confirmed by"},
	"col.excess":      {"余额转存", "Excess"},
	"col.when":        {"时间", "When"},
	"col.state":       {"情况", "State"},

	"orders.title":      {"订单", "Orders"},
	"orders.empty":      {"没有符合条件的订单。", "No order matches."},
	"orders.next":       {"下一页", "Next page"},
	"orders.first":      {"第一页", "First page"},
	"orders.filters":    {"筛选订单", "Filter orders"},
	"filter.number":     {"订单号", "Order number"},
	"filter.customer":   {"客户", "Customer"},
	"filter.status":     {"状态", "Status"},
	"filter.step":       {"步骤", "Step"},
	"filter.kam":        {"客户经理", "KAM"},
	"filter.any":        {"全部", "Any"},
	"filter.apply":      {"筛选", "Filter"},
	"filter.clear":      {"清除", "Clear"},
	"filter.bad_number": {"订单号的格式如 SO-2026-000042。", "An order number looks like SO-2026-000042."},
	"filter.bad_choice": {"请从列表中选择。", "Choose one from the list."},
	"order.title":       {"订单 %s", "Order %s"},
	"order.summary":     {"概况", "Summary"},
	"order.timeline":    {"21 个步骤", "The 21 steps"},
	"order.lines":       {"订单行", "Lines"},
	"order.shipments":   {"发运", "Shipments"},
	"order.invoices":    {"发票", "Invoices"},
	"order.receipts":    {"回款", "Receipts"},
	"order.none":        {"暂无。", "None yet."},
	"order.hold_reason": {"冻结原因", "Held because"},
	"order.next":        {"下一个期限", "Next deadline"},
	"order.client_ref":  {"客户参考号", "Client reference"},
	"order.requested":   {"要求交货日", "Requested date"},
	"order.created_by":  {"录入人", "Entered by"},
	"order.workflow":    {"在 Temporal Web UI 中查看工作流", "The workflow in the Temporal Web UI"},
	"order.record_note": {"显示的是数据库中的订单记录。", "Shown from the order's record in the store."},
	"timeline.done":     {"已完成", "Done"},
	"timeline.current":  {"进行中", "Current"},
	"timeline.late":     {"已逾期", "Late"},
	"timeline.todo":     {"未开始", "Not reached"},
	"timeline.skipped":  {"跳过", "Skipped"},
	"timeline.stopped":  {"终止", "Stopped"},
	"timeline.reached":  {"%s 到达", "reached %s"},
	"timeline.deadline": {"期限 %s", "due %s"},
	"late.on_time":      {"—", "—"},
	"late.minutes":      {"%d 分钟", "%d min"},
	"late.hours":        {"%d 小时", "%d h"},
	"late.days":         {"%d 天 %d 小时", "%d d %d h"},
	"status.open":       {"处理中", "Open"},
	"status.held":       {"暂挂待批", "Held"},
	"status.released":   {"已下达", "Released"},
	"status.shipping":   {"发运中", "Shipping"},
	"status.billed":     {"已开票", "Billed"},
	"status.remitted":   {"已回款", "Remitted"},
	"status.rejected":   {"已拒绝", "Rejected"},
	"status.cancelled":  {"已取消", "Cancelled"},
	"level.0":           {"无", "None"},
	"level.1":           {"客户经理", "KAM"},
	"level.2":           {"区域经理", "UM"},
	"level.3":           {"市场经理", "MM"},
	"level.4":           {"销售领导", "SLT"},
	"level.5":           {"总经理", "GM"},
	"role.ssg":          {"销售秘书组", "SSG"},
	"role.fsf":          {"销售队伍", "FSF"},
	"role.finance":      {"财务", "Finance"},
	"role.logistics":    {"物流", "Logistics"},
	"role.slt":          {"销售领导", "SLT"},
	"role.admin":        {"系统管理员", "Administrator"},
	"error.title":       {"出错了", "Something went wrong"},
	"error.not_found":   {"找不到该页面或订单。", "There is no such page or order."},
	"error.method":      {"不支持该操作。", "This page does not take that request."},
	"error.csrf":        {"表单已过期或不是本站发出的，请返回重试。", "The form expired or did not come from OSB: go back and try again."},
	"error.internal":    {"系统出错，请稍后再试。", "Something went wrong; please try again later."},
	"error.unavailable": {"暂时无法读取数据，请稍后再试。", "The data cannot be read just now; please try again later."},
	"error.back":        {"返回我的工作", "Back to My work"},
	"error.forbidden":   {"您的角色无权进行此操作。", "Your role may not do this."},
	"error.bad_form":    {"表单内容无法读取，请返回重试。", "The form could not be read: go back and try again."},
}
