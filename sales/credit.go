package sales

// CreditPosition is a customer's credit position (OP4, SP2).
type CreditPosition struct {
	Limit    Fen    `json:"limit_fen"`
	Exposure Fen    `json:"exposure_fen"` // open receivables + unbilled open orders + this order
	Frozen   bool   `json:"frozen"`
	Reason   string `json:"frozen_reason,omitempty"`
}

// Held returns why the order must wait for the SLT, or "" when credit is fine.
func (c CreditPosition) Held() string {
	switch {
	case c.Frozen:
		return "customer is frozen: " + c.Reason
	case c.Exposure > c.Limit:
		return "exposure " + c.Exposure.String() + " exceeds credit limit " + c.Limit.String()
	}
	return ""
}
