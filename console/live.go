package console

import (
	"fmt"
	"hash/fnv"
	"net/http"

	"osb/sales"
)

// A page that shows what moves on its own (an order, the order list, My
// work) carries a stamp of what it shows and the address that answers the
// stamp now; static/live.js asks every few seconds and reloads the page when
// the stamp changed. The stamp answers are cheap: the same read as the page,
// without rendering.

// writeStamp answers a stamp as plain text.
func writeStamp(w http.ResponseWriter, stamp string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(stamp))
}

// listStamp names a page of orders as listed: each order's number, status,
// step, level and last write.
func listStamp(list []sales.OrderSummary) string {
	h := fnv.New64a()
	for _, o := range list {
		fmt.Fprintf(h, "%s|%s|%s|%d|%d\n", o.OrderNo, o.Status, o.Step, o.Level, o.UpdatedAt.UnixMicro())
	}
	return fmt.Sprintf("%x", h.Sum64())
}

// workStamp names a person's work: each task's link, level and deadline.
func workStamp(tasks []Task) string {
	h := fnv.New64a()
	for _, t := range tasks {
		deadline := int64(0)
		if t.Deadline != nil {
			deadline = t.Deadline.Unix()
		}
		fmt.Fprintf(h, "%s|%s|%v|%d|%d\n", t.Link, t.What, t.Args, t.Level, deadline)
	}
	return fmt.Sprintf("%x", h.Sum64())
}
