package starter

import (
	"net/http"
	"strings"

	"osb/sales"
	"osb/workflows"
)

// closeBackorderRequest closes what an order still has to ship short.
type closeBackorderRequest struct {
	Reason string `json:"reason"`
}

func (b closeBackorderRequest) problems() (p sales.Problems) {
	p.Text("reason", strings.TrimSpace(b.Reason), sales.MaxReason, true)
	return p
}

// closeBackorder lets the SSG close an order's backorder short after a
// partial shipment: the rest is cancelled and its quota given back, and the
// order bills what was shipped.
func (a *api) closeBackorder(w http.ResponseWriter, r *http.Request) {
	var b closeBackorderRequest
	no, id, err := a.prepare(r, workflows.UpdateCloseBackorder, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateOrder(w, r, no, workflows.UpdateCloseBackorder, id, workflows.CloseBackorderInput{Actor: actorOf(r), Reason: b.Reason})
}
