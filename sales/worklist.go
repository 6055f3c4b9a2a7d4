package sales

// OverdueInvoice is an open invoice past its due date, with what a work list
// shows of its order and customer.
type OverdueInvoice struct {
	Invoice
	OrderNo      string `json:"order_no"`
	CustomerID   string `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	KAMID        string `json:"kam_id"`
}

// OpenReturn is a return waiting for a decision or for its goods, with what a
// work list shows of its order and customer and who decides it.
type OpenReturn struct {
	Return
	OrderNo      string   `json:"order_no"`
	CustomerID   string   `json:"customer_id"`
	CustomerName string   `json:"customer_name"`
	Currency     Currency `json:"currency"`
	KAMID        string   `json:"kam_id"`
	UMID         string   `json:"um_id"` // the KAM's manager: the UM who decides up to the limit
}

// InvoiceWait is what an invoice may wait for from someone, for work lists.
type InvoiceWait string

// What invoices wait for.
const (
	WaitVATInvoice InvoiceWait = "vat_invoice" // Finance records the official VAT invoice (BC1)
	WaitExtension  InvoiceWait = "extension"   // the SLT decides a requested due-date extension
	WaitDispute    InvoiceWait = "dispute"     // a dispute ends: withdrawn, or settled by a credit note
)

// Valid reports whether w is one of the waits.
func (w InvoiceWait) Valid() bool {
	return w == WaitVATInvoice || w == WaitExtension || w == WaitDispute
}

// CreditNoteFilter selects credit notes: a customer's ("" for all in
// scope), the newest first, at most Limit.
type CreditNoteFilter struct {
	Scope      Scope  `json:"-"`
	CustomerID string `json:"customer_id,omitempty"`
	Limit      int    `json:"limit,omitempty"`
}
