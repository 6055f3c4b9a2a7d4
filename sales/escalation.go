package sales

// Level is a rung of the escalation ladder: who is told when something is
// late. Zero means nothing has escalated.
type Level int

// The escalation ladder of a customer.
const (
	LevelNone Level = iota
	LevelKAM
	LevelUM
	LevelMM
	LevelSLT
	LevelGM
)

var levelNames = [...]string{"none", "KAM", "UM", "MM", "SLT", "GM"}

func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "unknown"
	}
	return levelNames[l]
}

// Ladder is a customer's escalation chain, resolved from the organisation:
// customer → KAM → UM → MM → SLT member over the market → GM.
//
// From release 1.2 it also names the owners of the order's steps, who hear
// about a late step first (DOMAIN.md, "Who hears about a late step"): the
// Logistics and Finance desks, and the SSG members of the customer's market
// for its orders and for its settlement; and every SLT member over the
// market (SLT is the first of them). A ladder resolved before 1.2 has none
// of these: Owners then answers nobody and the escalation goes to the KAM.
type Ladder struct {
	KAM string `json:"kam"`
	UM  string `json:"um"`
	MM  string `json:"mm"`
	SLT string `json:"slt"`
	GM  string `json:"gm"`
	// SLTs are the SLT members over the market, SLT first.
	SLTs []string `json:"slts,omitempty"`
	// Logistics and Finance are the desks: every user of the role.
	Logistics []string `json:"logistics,omitempty"`
	Finance   []string `json:"finance,omitempty"`
	// SSGOrders are the SSG members with the market's orders and shipments
	// (duty orders), SSGSettlement those with its settlement and collection
	// follow-up (duty settlement).
	SSGOrders     []string `json:"ssg_orders,omitempty"`
	SSGSettlement []string `json:"ssg_settlement,omitempty"`
}

// Holder returns the user at level l ("" when the rung is vacant).
func (ld Ladder) Holder(l Level) string {
	switch l {
	case LevelKAM:
		return ld.KAM
	case LevelUM:
		return ld.UM
	case LevelMM:
		return ld.MM
	case LevelSLT:
		return ld.SLT
	case LevelGM:
		return ld.GM
	}
	return ""
}

// Recipients returns who is told at level l: the holder of the rung and the
// KAM who owns the customer, without duplicates or vacancies. A vacant rung
// falls through to the next one up, so an escalation is never addressed to nobody.
func (ld Ladder) Recipients(l Level) []string {
	var out []string
	add := func(id string) {
		if id == "" {
			return
		}
		for _, o := range out {
			if o == id {
				return
			}
		}
		out = append(out, id)
	}
	add(ld.KAM)
	for lv := l; lv <= LevelGM; lv++ {
		if h := ld.Holder(lv); h != "" {
			add(h)
			break
		}
	}
	return out
}

// EscalationKind says what was late.
type EscalationKind string

// Kinds of escalation.
const (
	EscalateStep    EscalationKind = "step_overdue" // an order waited past a step deadline
	EscalateHold    EscalationKind = "hold_pending" // an SLT decision is late
	EscalateDunning EscalationKind = "dunning"      // an invoice is overdue
	EscalateRemind  EscalationKind = "reminder"     // an invoice falls due soon
	// EscalateExtension: a requested due-date extension waits for the SLT.
	EscalateExtension EscalationKind = "extension_pending"
	// EscalateVATInvoice: an invoice's VAT invoice number is late (BC1, Finance).
	EscalateVATInvoice EscalationKind = "vat_invoice_missing"
)
