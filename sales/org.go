package sales

import "slices"

// Role is what a user may do in OSB.
type Role string

// The roles of the organisation.
const (
	RoleSSG       Role = "ssg"       // sales secretary group: the hub of OSB
	RoleFSF       Role = "fsf"       // field sales force: MM, UM, KAM
	RoleFinance   Role = "finance"   // invoices, receipts, credit proposals
	RoleLogistics Role = "logistics" // dispatch, delivery, returns
	RoleSLT       Role = "slt"       // sales leadership team: decisions
	RoleAdmin     Role = "admin"     // system administration
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleSSG, RoleFSF, RoleFinance, RoleLogistics, RoleSLT, RoleAdmin:
		return true
	}
	return false
}

// Title is a user's position; the escalation ladder is built from titles.
type Title string

// The titles of DOMAIN.md.
const (
	TitleGM       Title = "GM"  // 总经理, head of the SLT
	TitleDirector Title = "SD"  // 销售总监
	TitleDeputy   Title = "DSD" // 销售副总监
	TitleSSGLead  Title = "SSG-LEAD"
	TitleCSR      Title = "CSR"
	TitleMM       Title = "MM"
	TitleUM       Title = "UM"
	TitleKAM      Title = "KAM"
	TitleFinance  Title = "FIN"
	TitleLogistic Title = "LOG"
	TitleAdmin    Title = "ADMIN"
)

// User is a member of the organisation who can act in OSB.
type User struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      Role   `json:"role"`
	Title     Title  `json:"title"`
	Market    string `json:"market,omitempty"`     // MM, UM and KAM belong to a market
	ManagerID string `json:"manager_id,omitempty"` // KAM → UM → MM
	Email     string `json:"email,omitempty"`
}

// Market is a sales region (华东, 西南, …) with its market manager, the SLT
// members who oversee it and the SSG members who own its work. Ownership is
// data, not code.
type Market struct {
	Code string `json:"code"`
	Name string `json:"name"`
	MMID string `json:"mm_id"`
	// SLTOwner is the market's first SLT member: the one who decides a held
	// order first. SLTMembers are all of them (the Director oversees the
	// whole country); SLTOwner is among them, first (see SLT).
	SLTOwner   string   `json:"slt_owner_id"`
	SLTMembers []string `json:"slt_members,omitempty"`
	// SSG is the SSG's division of work in the market: who follows its
	// settlement, its weekly visits, its orders and shipments.
	SSG []MarketDuty `json:"ssg,omitempty"`
}

// SLT returns the market's SLT members, SLTOwner first, without duplicates
// or blanks.
func (m Market) SLT() []string {
	return appendUnique(nil, append([]string{m.SLTOwner}, m.SLTMembers...)...)
}

// SSGFor returns the SSG members who hold duty d in the market.
func (m Market) SSGFor(d SSGDuty) []string {
	var out []string
	for _, s := range m.SSG {
		if s.Duty == d {
			out = appendUnique(out, s.UserID)
		}
	}
	return out
}

// SSGDuty is one share of the SSG's division of work by market (DOMAIN.md).
type SSGDuty string

// The SSG's duties in a market.
const (
	DutySettlement SSGDuty = "settlement" // settlement: collection follow-ups and payment reminders
	DutyVisits     SSGDuty = "visits"     // the weekly customer visits (calls)
	DutyOrders     SSGDuty = "orders"     // orders and shipments: an order's SSG steps
)

// Valid reports whether d is one of the duties.
func (d SSGDuty) Valid() bool {
	switch d {
	case DutySettlement, DutyVisits, DutyOrders:
		return true
	}
	return false
}

// MarketDuty is an SSG member's duty in a market.
type MarketDuty struct {
	UserID string  `json:"user_id"`
	Duty   SSGDuty `json:"duty"`
}

// appendUnique appends the ids not yet in out, skipping blanks.
func appendUnique(out []string, ids ...string) []string {
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Customer is a distributor: one market, one KAM, payment terms and a credit
// standing.
type Customer struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Market           string   `json:"market"`
	KAMID            string   `json:"kam_id"`
	PaymentTermsDays int      `json:"payment_terms_days"`
	Active           bool     `json:"active"`
	Frozen           bool     `json:"frozen"`
	CreditLimit      Fen      `json:"credit_limit_fen"`
	Rating           string   `json:"rating"`
	Currency         Currency `json:"currency"`
	ShipTo           string   `json:"ship_to,omitempty"`
}

// SKU is a product with its list price.
type SKU struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Unit      string   `json:"unit"`
	ListPrice Fen      `json:"list_price_fen"`
	Currency  Currency `json:"currency"`
	Quota     bool     `json:"quota_controlled"`
	Active    bool     `json:"active"`
	TaxRate   TaxRate  `json:"tax_rate_bp"` // VAT, included in the list price
}

// Actor is the authenticated user on whose behalf something is done.
type Actor struct {
	UserID string `json:"user_id"`
	Role   Role   `json:"role"`
}

// Is reports whether the actor holds one of roles.
func (a Actor) Is(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// System is the actor of what OSB does by itself (timers, automatic rejection).
var System = Actor{UserID: "system", Role: RoleAdmin}
