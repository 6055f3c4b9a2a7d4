package sales

import "slices"

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

// Owners returns who owns a step of role in the customer's order (release
// 1.2): the Logistics or Finance desk, or the SSG members with the market's
// orders. A ladder resolved before it named them answers the role's
// department ("dept:logistics", …). The FSF's steps belong to the KAM and the
// SLT's to the hold ladder: no owners beside them.
func (ld Ladder) Owners(role Role) []string {
	var out []string
	switch role {
	case RoleLogistics:
		out = ld.Logistics
	case RoleFinance:
		out = ld.Finance
	case RoleSSG:
		out = ld.SSGOrders
	default:
		return nil
	}
	if len(out) == 0 {
		return []string{"dept:" + string(role)}
	}
	return out
}

// Collectors returns who follows the customer's collections: the SSG
// members with the market's settlement, or the SSG department when the
// ladder names none.
func (ld Ladder) Collectors() []string {
	if len(ld.SSGSettlement) == 0 {
		return []string{"dept:" + string(RoleSSG)}
	}
	return ld.SSGSettlement
}

// SLTMembers returns every SLT member over the market, SLT first.
func (ld Ladder) SLTMembers() []string {
	return appendUnique(nil, append([]string{ld.SLT}, ld.SLTs...)...)
}

// OwnerFirst returns who is told when something owners own reaches level l
// (release 1.2): at the first rung (LevelKAM) the owners, copied to the KAM;
// above it the rung's holder (every SLT member over the market at LevelSLT),
// with the KAM and the owners copied. A vacant rung falls through to the
// next one up. The holder of the rung comes last (My work lists an
// escalation for its last recipient).
func (ld Ladder) OwnerFirst(owners []string, l Level) []string {
	out := appendUnique(nil, ld.KAM)
	out = appendUnique(out, owners...)
	if l <= LevelKAM {
		return out
	}
	for lv := l; lv <= LevelGM; lv++ {
		if lv == LevelSLT && len(ld.SLTMembers()) > 0 {
			return appendLast(out, ld.SLTMembers()...)
		}
		if h := ld.Holder(lv); h != "" {
			return appendLast(out, h)
		}
	}
	return out
}

// HoldLadder returns who is told when a held order waits for the SLT at
// level l (release 1.2): upwards only, never the KAM, UM or MM. At
// LevelSLT every SLT member over the market; at LevelGM the GM, the SLT
// members copied. A market without an SLT member goes to the GM.
func (ld Ladder) HoldLadder(l Level) []string {
	slt := ld.SLTMembers()
	if l >= LevelGM || len(slt) == 0 {
		return appendLast(slt, ld.GM)
	}
	return slt
}

// appendLast appends ids to out, moving any already there to the end, so
// the holder of a rung is the last recipient.
func appendLast(out []string, ids ...string) []string {
	for _, id := range ids {
		if id == "" {
			continue
		}
		out = slices.DeleteFunc(out, func(o string) bool { return o == id })
		out = append(out, id)
	}
	return out
}

// Equal reports whether two ladders name the same people in the same places.
func (ld Ladder) Equal(o Ladder) bool {
	return ld.KAM == o.KAM && ld.UM == o.UM && ld.MM == o.MM && ld.SLT == o.SLT && ld.GM == o.GM &&
		slices.Equal(ld.SLTs, o.SLTs) && slices.Equal(ld.Logistics, o.Logistics) && slices.Equal(ld.Finance, o.Finance) &&
		slices.Equal(ld.SSGOrders, o.SSGOrders) && slices.Equal(ld.SSGSettlement, o.SSGSettlement)
}
