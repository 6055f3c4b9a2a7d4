package console

// The texts of the dead letters page.
func init() {
	addMessages(map[string][2]string{
		"dead.title":    {"未送达的通知", "Dead letters"},
		"dead.intro":    {"发件箱多次尝试后放弃的通知。修正原因（如收件人的地址）后可重新发送。", "Notifications the outbox gave up on after its attempts. Fix the cause (the recipient's address, the webhook) and send them again."},
		"dead.to":       {"收件人", "To"},
		"dead.attempts": {"尝试次数", "Attempts"},
		"dead.error":    {"最后的错误", "Last error"},
		"dead.died":     {"放弃时间", "Given up"},
		"dead.retry":    {"重新发送", "Send again"},
		"dead.retry_of": {"重新发送给 %s 的通知：%s", "Send the notification to %s again: %s"},
		"dead.done":     {"已放回发件箱：%s", "Back in the outbox: %s"},
		"dead.none":     {"没有未送达的通知。", "No dead letters."},
	})
}
