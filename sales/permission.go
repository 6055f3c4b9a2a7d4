package sales

import "slices"

// Permission is something only some roles may do. Permissions is the one
// table of who may do what: the JSON API guards its routes with it and the
// console offers an action only to those it names, so a page never shows a
// form its user would be refused.
type Permission string

// The permissions, by area.
const (
	PermPlaceOrder         Permission = "order.place"
	PermDecideOrder        Permission = "order.decide"        // OP5: approve, approve part, reject a held order
	PermAcknowledgeOrder   Permission = "order.acknowledge"   // OP6: Logistics acknowledges the release
	PermIssueGoods         Permission = "order.goods_issue"   // OP7: a shipment leaves the warehouse
	PermRecordDelivery     Permission = "order.delivery"      // OP8: the customer signed for it
	PermAcknowledgeInvoice Permission = "invoice.acknowledge" // BC2: the customer has the invoice
	PermDisputeInvoice     Permission = "invoice.dispute"     // BC3: the customer disputes it
	PermExtendDue          Permission = "invoice.extension"   // the SLT moves a due date
	PermConfirmReceipt     Permission = "receipt.confirm"     // BC6: Finance confirms a payment
	PermRecordReceipt      Permission = "receipt.record"      // BC6: Finance records a customer's bank receipt
	PermReadReceipts       Permission = "receipt.read"        // receipts, unapplied cash and refunds (the FSF: their customers')
	PermApplyUnapplied     Permission = "cash.apply"          // apply a customer's unapplied cash to invoices
	PermRequestRefund      Permission = "refund.request"      // refund unapplied cash
	PermDecideRefund       Permission = "refund.decide"       // a refund above the limit
	PermRequestCreditNote  Permission = "invoice.credit_note" // a credit note for a price or quantity difference
	PermRecordVATInvoice   Permission = "invoice.vat"         // BC1: Finance records the official VAT invoice number
	PermRequestExtension   Permission = "invoice.extension_request"
	PermCancelOrder        Permission = "order.cancel"
	PermCloseBackorder     Permission = "order.close_short" // the SSG closes a backorder short after a partial shipment
	PermRequestReturn      Permission = "return.request"
	PermDecideReturn       Permission = "return.decide"  // the checker of a return
	PermReceiveReturn      Permission = "return.receive" // Logistics receives returned goods
	PermProposeAdjustment  Permission = "credit.propose" // a manual credit limit change
	PermDecideAdjustment   Permission = "credit.decide"
	PermFreezeCustomer     Permission = "credit.freeze" // freeze and unfreeze
	PermStartReview        Permission = "credit.review" // start a credit review now
	PermListReviews        Permission = "credit.reviews"
	PermSetQuota           Permission = "quota.set" // market and customer allocations
	PermSavePOPItem        Permission = "pop.item"
	PermSetPOPBudget       Permission = "pop.budget"
	PermRequestPOP         Permission = "pop.request"
	PermFileProblem        Permission = "problem.file" // file and update problems
	PermSetTargets         Permission = "target.set"
	PermSetFocus           Permission = "focus.set"
	PermSplitTargets       Permission = "target.split" // the FSF split their own target among their reports or distributors
	PermSavePlan           Permission = "plan.save"    // the annual, quarterly and monthly plans' drafts
	PermPublishPlan        Permission = "plan.publish" // publish a plan: its figures are frozen, the SSG and FSF told
	PermReadPacks          Permission = "pack.read"
	PermRunPack            Permission = "pack.run"
	PermDeadLetters        Permission = "notification.dead" // list and retry dead letters
	PermManageTokens       Permission = "token.manage"
	PermDecodePayloads     Permission = "codec.decode" // the payload codec of the Web UI and CLI: not the FSF, a payload cannot be scoped to their customers
	PermReadMetrics        Permission = "metrics.read" // /metrics on the API's port: business figures (overdue receivables) are not public

	// Documents: order documents and customer statements, for whoever may
	// read the order or the customer (the FSF: their customers').
	PermReadDocuments Permission = "document.read"

	// The bank statement import.
	PermImportStatement     Permission = "statement.import" // upload a bank statement
	PermDecideStatementLine Permission = "statement.decide" // assign or reject a queued statement line
	PermReadStatements      Permission = "statement.read"

	// The working calendar (docs/calendar-and-visits.md): everyone signed in
	// reads it; the admin and the SSG load a year.
	PermSetCalendar Permission = "calendar.set"
	// The weekly visit (call) log: the SSG and the FSF log their visits;
	// reading them follows scope (the FSF: their customers').
	PermLogVisit   Permission = "visit.log"
	PermReadVisits Permission = "visit.read"

	// Master data (docs/master-data.md): reading it is for everyone signed
	// in, within their scope (the FSF: their customers).
	PermReadMasterData  Permission = "master.read"
	PermManageUsers     Permission = "master.users"         // users and markets
	PermManageCustomers Permission = "master.customers"     // customers, their KAM and shipment information
	PermManageCatalogue Permission = "master.catalogue"     // SKUs, price lists, customer prices
	PermApprovePrice    Permission = "master.price_approve" // a price below the discount authority
)

// Permissions names the roles that may do each thing.
var Permissions = map[Permission][]Role{
	PermPlaceOrder:         {RoleSSG, RoleFSF, RoleAdmin},
	PermDecideOrder:        {RoleSLT},
	PermAcknowledgeOrder:   {RoleLogistics},
	PermIssueGoods:         {RoleLogistics},
	PermRecordDelivery:     {RoleLogistics},
	PermAcknowledgeInvoice: {RoleSSG, RoleFSF, RoleFinance},
	PermDisputeInvoice:     {RoleSSG, RoleFSF, RoleFinance},
	PermExtendDue:          {RoleSLT},
	PermRequestCreditNote:  {RoleSSG, RoleFSF},
	PermRecordVATInvoice:   {RoleFinance},
	PermRequestExtension:   {RoleFSF, RoleFinance},
	PermConfirmReceipt:     {RoleFinance},
	PermRecordReceipt:      {RoleFinance},
	PermReadReceipts:       {RoleFinance, RoleSSG, RoleSLT, RoleFSF},
	PermApplyUnapplied:     {RoleFinance},
	PermRequestRefund:      {RoleFinance},
	PermDecideRefund:       {RoleSLT},
	PermCancelOrder:        {RoleSSG, RoleFSF, RoleSLT, RoleAdmin},
	PermCloseBackorder:     {RoleSSG},
	PermRequestReturn:      {RoleSSG, RoleFSF},
	PermDecideReturn:       {RoleFSF, RoleSLT},
	PermReceiveReturn:      {RoleLogistics},
	PermProposeAdjustment:  {RoleFinance, RoleFSF},
	PermDecideAdjustment:   {RoleSLT},
	PermFreezeCustomer:     {RoleSLT},
	PermStartReview:        {RoleSLT, RoleAdmin},
	PermListReviews:        {RoleSSG, RoleFinance, RoleSLT, RoleAdmin},
	PermSetQuota:           {RoleSSG, RoleSLT},
	PermSavePOPItem:        {RoleSSG, RoleSLT, RoleAdmin},
	PermSetPOPBudget:       {RoleSSG, RoleSLT},
	PermRequestPOP:         {RoleSSG, RoleFSF},
	PermFileProblem:        {RoleSSG, RoleSLT, RoleAdmin, RoleFinance, RoleLogistics},
	PermSetTargets:         {RoleSLT, RoleSSG},
	PermSetFocus:           {RoleSLT},
	PermSplitTargets:       {RoleFSF},
	PermSavePlan:           {RoleSLT},
	PermPublishPlan:        {RoleSLT},
	PermReadPacks:          {RoleSSG, RoleFinance, RoleLogistics, RoleSLT, RoleAdmin},
	PermRunPack:            {RoleSLT},
	PermDeadLetters:        {RoleFinance, RoleSSG, RoleAdmin},
	PermManageTokens:       {RoleAdmin},
	PermDecodePayloads:     {RoleSSG, RoleFinance, RoleLogistics, RoleSLT, RoleAdmin},
	PermReadMetrics:        {RoleAdmin},
	PermReadDocuments:      {RoleSSG, RoleFSF, RoleFinance, RoleLogistics, RoleSLT, RoleAdmin},

	PermImportStatement:     {RoleFinance},
	PermDecideStatementLine: {RoleFinance},
	PermReadStatements:      {RoleFinance, RoleSSG, RoleSLT},

	PermSetCalendar: {RoleAdmin, RoleSSG},
	PermLogVisit:    {RoleSSG, RoleFSF},
	PermReadVisits:  {RoleSSG, RoleFSF, RoleSLT, RoleAdmin},

	PermReadMasterData:  {RoleSSG, RoleFSF, RoleFinance, RoleLogistics, RoleSLT, RoleAdmin},
	PermManageUsers:     {RoleAdmin},
	PermManageCustomers: {RoleSSG},
	PermManageCatalogue: {RoleSSG},
	PermApprovePrice:    {RoleSLT},
}

// Roles are the roles that may do p; none for a permission not in the table.
func (p Permission) Roles() []Role { return Permissions[p] }

// May reports whether the user may do p.
func (u User) May(p Permission) bool { return slices.Contains(Permissions[p], u.Role) }
