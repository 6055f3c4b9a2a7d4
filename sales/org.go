package sales

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

// Market is a sales region (华东, 西南, …) with its market manager and the SLT
// member who oversees it. Ownership is data, not code.
type Market struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	MMID     string `json:"mm_id"`
	SLTOwner string `json:"slt_owner_id"`
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
