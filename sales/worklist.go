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
