package starter

import (
	"context"
	"time"

	"osb/sales"
)

// fakeMasterData answers the master data routes of the access and OpenAPI
// tests with empty lists and the records it is given back; the store's
// own behaviour is tested against PostgreSQL (masterdata_test.go).
type fakeMasterData struct{}

func (fakeMasterData) MasterCustomers(context.Context, sales.Scope) ([]sales.CustomerRecord, error) {
	return nil, nil
}
func (fakeMasterData) MasterCustomer(_ context.Context, id string) (sales.CustomerRecord, error) {
	return sales.CustomerRecord{ID: id}, nil
}
func (fakeMasterData) SaveCustomer(_ context.Context, c sales.CustomerRecord, _ bool, _ sales.Actor, _ time.Time) (sales.CustomerRecord, *sales.KAMHandover, error) {
	return c, nil, nil
}
func (fakeMasterData) ChangeKAM(_ context.Context, id string, k sales.KAMChange, by sales.Actor, at time.Time) (sales.KAMHandover, bool, error) {
	return sales.KAMHandover{CustomerID: id, To: k.KAMID, By: by.UserID, At: at}, true, nil
}
func (fakeMasterData) KAMHistory(context.Context, string) ([]sales.KAMHandover, error) {
	return nil, nil
}
func (fakeMasterData) CustomerShipmentInfo(_ context.Context, id, month string) (sales.ShipmentInfo, error) {
	return sales.ShipmentInfo{CustomerID: id, Month: month}, nil
}
func (fakeMasterData) SaveShipmentInfo(context.Context, sales.ShipmentInfo, sales.Actor, time.Time) (bool, error) {
	return true, nil
}
func (fakeMasterData) KeepShipmentMonth(_ context.Context, month string, by sales.Actor, at time.Time) (sales.ShipmentInfoVersion, error) {
	return sales.ShipmentInfoVersion{Month: month, KeptBy: by.UserID, KeptAt: at}, nil
}
func (fakeMasterData) ShipmentInfoVersions(context.Context) ([]sales.ShipmentInfoVersion, error) {
	return nil, nil
}
func (fakeMasterData) MasterSKUs(context.Context) ([]sales.SKU, error) { return nil, nil }
func (fakeMasterData) SaveSKU(_ context.Context, k sales.SKU, _ bool, _ int64, _ sales.Actor, _ time.Time) (sales.SKU, error) {
	return k, nil
}
func (fakeMasterData) PriceEntries(context.Context, sales.PriceFilter) ([]sales.PriceEntry, error) {
	return nil, nil
}
func (fakeMasterData) SavePrice(_ context.Context, e sales.PriceEntry, _ int64, _ sales.Actor, _ time.Time) (sales.PriceSaved, error) {
	return sales.PriceSaved{Entry: e, Changed: true}, nil
}
func (fakeMasterData) PriceChanges(context.Context, sales.PriceChangeStatus) ([]sales.PriceChange, error) {
	return nil, nil
}
func (fakeMasterData) DecidePriceChange(_ context.Context, id int64, _ sales.PriceDecision, _ sales.Actor, _ time.Time) (sales.PriceChange, error) {
	return sales.PriceChange{ID: id}, nil
}
func (fakeMasterData) PricedCatalogue(context.Context, string, time.Time, []string) (map[string]sales.PricedSKU, error) {
	return nil, nil
}
func (fakeMasterData) MasterUsers(context.Context) ([]sales.UserRecord, error) { return nil, nil }
func (fakeMasterData) MasterUser(_ context.Context, id string) (sales.UserRecord, error) {
	return sales.UserRecord{User: sales.User{ID: id}}, nil
}
func (fakeMasterData) SaveUser(_ context.Context, u sales.UserRecord, _ bool, _ sales.Actor, _ time.Time) (sales.UserRecord, error) {
	return u, nil
}
func (fakeMasterData) DeactivateUser(_ context.Context, id string, _ sales.Actor, _ time.Time) (sales.UserRecord, error) {
	return sales.UserRecord{User: sales.User{ID: id}}, nil
}
func (fakeMasterData) MasterMarkets(context.Context) ([]sales.MarketRecord, error) { return nil, nil }
func (fakeMasterData) MasterMarket(_ context.Context, code string) (sales.MarketRecord, error) {
	return sales.MarketRecord{Market: sales.Market{Code: code}}, nil
}
func (fakeMasterData) SaveMarket(_ context.Context, m sales.MarketRecord, _ bool, _ sales.Actor, _ time.Time) (sales.MarketRecord, error) {
	return m, nil
}
func (fakeMasterData) MasterSheet(_ context.Context, kind sales.SheetKind, _ sales.Scope, _ string) (sales.Table, error) {
	return sales.MasterTable[sales.SKU](kind, nil), nil
}
func (fakeMasterData) ImportMasterData(_ context.Context, s sales.Sheet, dry bool, _ string, _ int64, _ sales.Actor, _ time.Time) (sales.ImportReport, error) {
	return sales.ImportReport{Kind: s.Kind, DryRun: dry, Rows: s.Lines, Problems: s.Problems, Applied: !dry && len(s.Problems) == 0}, nil
}
func (fakeMasterData) AuditTrail(context.Context, string, string, int) ([]sales.AuditEntry, error) {
	return nil, nil
}

// The master data routes in the access table.
func init() {
	everyone := access{}
	byCust := access{reach: byCustomer}
	ssgOnly, sltOnly, adminOnly := []sales.Role{ssg}, []sales.Role{slt}, []sales.Role{admin}
	customer := `{"id":"C-001","name":"上海分销","market":"华东","kam_id":"u-kam1","payment_terms_days":30,"currency":"CNY","active":true}`
	user := `{"id":"u-new","name":"新人","role":"fsf","title":"KAM","market":"华东","active":true}`
	market := `{"code":"华东","name":"华东","mm_id":"u-mm","slt_owner_id":"u-sd"}`
	sku := `{"code":"SKU-A","name":"A","unit":"箱","list_price_fen":10000,"currency":"CNY","tax_rate_bp":1300,"active":true}`
	price := `{"sku":"SKU-A","price_fen":9900,"currency":"CNY","effective_from":"2026-04-01"}`
	for route, acc := range map[string]access{
		"GET /v1/master/customers":                            everyone,
		"POST /v1/master/customers":                           {roles: ssgOnly, body: customer},
		"GET /v1/master/customers/{customerID}":               byCust,
		"PUT /v1/master/customers/{customerID}":               {roles: ssgOnly, body: customer},
		"GET /v1/master/customers/{customerID}/shipment-info": byCust,
		"PUT /v1/master/customers/{customerID}/shipment-info": {roles: ssgOnly, body: `{"addresses":[{"code":"1","address":"上海","default":true}]}`},
		"POST /v1/master/customers/{customerID}/kam":          {roles: ssgOnly, body: `{"kam_id":"u-kam2"}`},
		"GET /v1/master/customers/{customerID}/kam-history":   byCust,
		"GET /v1/master/shipment-info/versions":               everyone,
		"POST /v1/master/shipment-info/versions/{month}":      {roles: ssgOnly},
		"GET /v1/master/skus":                                 everyone,
		"POST /v1/master/skus":                                {roles: ssgOnly, body: sku},
		"PUT /v1/master/skus/{code}":                          {roles: ssgOnly, body: sku},
		"GET /v1/master/prices":                               everyone,
		"POST /v1/master/prices":                              {roles: ssgOnly, body: price},
		"GET /v1/master/customer-prices":                      everyone,
		"POST /v1/master/customer-prices":                     {roles: ssgOnly, body: `{"customer_id":"C-001",` + price[1:]},
		"GET /v1/master/priced-skus":                          {reach: byCustomer, query: "customer_id=C-001&on=2026-04-01"},
		"GET /v1/master/price-changes":                        everyone,
		"POST /v1/master/price-changes/{id}/decision":         {roles: sltOnly, body: `{"approve":true}`},
		"GET /v1/master/users":                                everyone,
		"POST /v1/master/users":                               {roles: adminOnly, body: user},
		"GET /v1/master/users/{userID}":                       everyone,
		"PUT /v1/master/users/{userID}":                       {roles: adminOnly, body: user},
		"POST /v1/master/users/{userID}/deactivate":           {roles: adminOnly},
		"GET /v1/master/markets":                              everyone,
		"POST /v1/master/markets":                             {roles: adminOnly, body: market},
		"GET /v1/master/markets/{market}":                     everyone,
		"PUT /v1/master/markets/{market}":                     {roles: adminOnly, body: market},
		"GET /v1/audit":                                       {reach: byCustomer, query: "entity=customer&key=C-001"},
	} {
		accessTable[route] = acc
	}
	for _, kind := range sales.SheetKinds {
		roles := kind.Permission().Roles()
		accessTable["GET /v1/master/"+string(kind)+".csv"] = everyone
		accessTable["GET /v1/master/"+string(kind)+".xlsx"] = everyone
		accessTable["POST /v1/master/"+string(kind)+"/import"] = access{roles: roles, query: "dry_run=true"}
	}
}
