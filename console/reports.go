package console

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// The reports area shows the information system's reports: a chart where
// people would rather look than read, the report's rows as a table under it,
// and the same rows as CSV and XLSX. Every figure comes from the JSON API's
// report route, called in-process as the signed-in person (con.call), so
// the FSF see exactly their scope, as the API gives it; the table and the
// downloads are the route's own table (sales.*Table) of the same rows.

// Filters a report page may offer; each is the API route's query parameter
// of the same name.
const (
	filterMonth    = "month"       // a month (2026-03)
	filterPeriod   = "from"        // from= and to=: days, both included
	filterAsOf     = "as_of"       // a day the figures are as of
	filterMarket   = "market"      // a market code
	filterCustomer = "customer_id" // a customer
	filterGroup    = "group_by"    // the ageing's grouping
	filterTargets  = "period"      // a target period: a month, a quarter (2026-Q1) or a year
)

// report is one report of the reports area.
type report struct {
	Name    string   // its page, /reports/{Name}, and the API route /v1/reports/{Name}
	Filters []string // what it may be asked for
	// build reads the report's rows through get and lays them out as the
	// download's table and the page's charts.
	build func(get func(out any) error, l lang, q url.Values) (sales.Table, []chart, error)
}

// Title is the message key of the report's name.
func (rp report) Title() string { return "rep." + strings.ReplaceAll(rp.Name, "-", "_") }

// About is the message key of what the report says.
func (rp report) About() string { return rp.Title() + "_about" }

// Has reports whether the report takes filter.
func (rp report) Has(filter string) bool { return slices.Contains(rp.Filters, filter) }

// reports are the reports in the order the index lists them. Every role may
// read every report route (the FSF their own customers'), so the index is
// the same list for everyone; the figures are scoped by the API.
var reports = []report{
	{Name: "ageing", Filters: []string{filterAsOf, filterMarket, filterCustomer, filterGroup}, build: ageingReport},
	{Name: "dso", Filters: []string{filterMonth, filterPeriod, filterMarket, filterCustomer}, build: dsoReport},
	{Name: "targets", Filters: []string{filterMonth, filterTargets}, build: targetReport},
	{Name: "reach", Filters: []string{filterMonth, filterPeriod, filterMarket}, build: reachReport},
	{Name: "credit-ratings", Filters: []string{filterAsOf, filterMarket, filterCustomer}, build: creditRatingReport},
	{Name: "shipment-info", Filters: []string{filterMonth, filterPeriod, filterMarket, filterCustomer}, build: shipmentReport},
	{Name: "replenishment", Filters: []string{filterMonth, filterPeriod, filterMarket, filterCustomer}, build: replenishmentReport},
	{Name: "receivables", Filters: []string{filterMonth, filterPeriod, filterMarket, filterCustomer}, build: receivablesReport},
}

func reportNamed(name string) (report, bool) {
	i := slices.IndexFunc(reports, func(rp report) bool { return rp.Name == name })
	if i < 0 {
		return report{}, false
	}
	return reports[i], true
}

// reportIndexData is what the reports index shows.
type reportIndexData struct {
	Reports []report
	Packs   bool // the viewer may read meeting packs
}

// reportIndex lists the reports.
func (con *console) reportIndex(w http.ResponseWriter, r *http.Request) {
	d := reportIndexData{Reports: reports, Packs: sessionOf(r).User.May(sales.PermReadPacks)}
	con.render(w, r, http.StatusOK, "reports", langOf(r).text("rep.title"), d)
}

// reportData is what a report page shows.
type reportData struct {
	Report    report
	Values    url.Values        // the filters as given
	Errors    map[string]string // by filter
	Message   string            // a refusal not about one filter
	Markets   []string
	Customers []sales.Customer
	Groups    []string
	Charts    []chart
	Table     tableView
	CSV, XLSX string // the downloads of the same rows
}

// Val is the filter's value as given.
func (d reportData) Val(name string) string { return d.Values.Get(name) }

// reportPage shows a report (/reports/{name}), or downloads it
// (/reports/{name}.csv, .xlsx, or ?format=csv|xlsx).
func (con *console) reportPage(w http.ResponseWriter, r *http.Request) {
	name, format := chi.URLParam(r, "name"), strings.ToLower(r.URL.Query().Get("format"))
	for _, ext := range []string{"csv", "xlsx"} {
		if n, ok := strings.CutSuffix(name, "."+ext); ok {
			name, format = n, ext
		}
	}
	rp, ok := reportNamed(name)
	if !ok {
		con.fail(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	q := reportQuery(rp, r.URL.Query())
	if format != "" {
		q.Set("format", format)
		con.streamAPI(w, r, "/v1/reports/"+rp.Name+"?"+q.Encode())
		return
	}
	v, err := con.viewer(r)
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	l := langOf(r)
	d := reportData{Report: rp, Values: q, Errors: map[string]string{}, Groups: sales.AgeingGroups,
		CSV: "/reports/" + rp.Name + ".csv?" + q.Encode(), XLSX: "/reports/" + rp.Name + ".xlsx?" + q.Encode()}
	if d.Customers, err = con.store.Customers(r.Context(), v.Scope); err != nil {
		con.failWith(w, r, err)
		return
	}
	for _, c := range d.Customers {
		if !slices.Contains(d.Markets, c.Market) {
			d.Markets = append(d.Markets, c.Market)
		}
	}
	slices.Sort(d.Markets)
	get := func(out any) error {
		return con.call(r, http.MethodGet, "/v1/reports/"+rp.Name+"?"+q.Encode(), nil, out)
	}
	table, charts, err := rp.build(get, l, q)
	if err != nil {
		e, refused := err.(*sales.Error)
		if !refused || e.Code != sales.ErrInvalid {
			con.failWith(w, r, err)
			return
		}
		for _, fe := range e.Fields {
			d.Errors[fe.Field] = fe.Message
		}
		if len(e.Fields) == 0 {
			d.Message = e.Message
		}
		con.render(w, r, http.StatusUnprocessableEntity, "report", l.text(rp.Title()), d)
		return
	}
	d.Table, d.Charts = l.table(table), charts
	con.render(w, r, http.StatusOK, "report", l.text(rp.Title()), d)
}

// reportQuery is the API query of a report page's filters: those the report
// takes, when given; the ageing is by market unless asked otherwise.
func reportQuery(rp report, in url.Values) url.Values {
	q := url.Values{}
	for _, f := range rp.Filters {
		names := []string{f}
		if f == filterPeriod {
			names = []string{"from", "to"}
		}
		for _, n := range names {
			if s := strings.TrimSpace(in.Get(n)); s != "" {
				q.Set(n, s)
			}
		}
	}
	if rp.Has(filterGroup) && q.Get(filterGroup) == "" {
		q.Set(filterGroup, "market")
	}
	return q
}

// streamAPI answers with the API's answer to GET path as it is: a download
// keeps the API's Content-Type and Content-Disposition. A refusal is shown
// as an error page.
func (con *console) streamAPI(w http.ResponseWriter, r *http.Request, path string) {
	ans, err := con.callRaw(r, http.MethodGet, path, nil)
	if _, refused := err.(*sales.Error); refused {
		con.fail(w, r, refusalStatus(err), "rep.download_refused")
		return
	}
	if err != nil {
		con.failWith(w, r, err)
		return
	}
	for _, h := range []string{"Content-Type", "Content-Disposition"} {
		if v := ans.Header().Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(ans.Body.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = ans.Body.WriteTo(w)
}

// refusalStatus is the page status of an API refusal.
func refusalStatus(err error) int {
	switch sales.ErrorCode(err) {
	case sales.ErrInvalid:
		return http.StatusUnprocessableEntity
	case sales.ErrForbidden:
		return http.StatusForbidden
	case sales.ErrNotFound:
		return http.StatusNotFound
	case sales.ErrConflict:
		return http.StatusConflict
	}
	return http.StatusServiceUnavailable
}

// The reports' charts.

func ageingReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.AgeingRow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	group := q.Get(filterGroup)
	c := chart{Kind: stackedChart, Title: l.text("chart.ageing", l.text("rep.group."+group), asOfText(l, q)),
		Category: l.text("rep.group." + group), Axis: l.text("chart.axis_yuan"), Value: yuanValue, Tick: l.yuanTick,
		Empty:  l.text("chart.empty"),
		Series: []string{l.text("band.not_due"), l.text("band.d1_30"), l.text("band.d31_60"), l.text("band.d61_90"), l.text("band.over_90")}}
	for _, r := range rows {
		c.Bars = append(c.Bars, bar{Label: withCurrency(cmpOr(r.Name, r.Key), r.Currency),
			Values: yuans(r.NotDue, r.Days1To30, r.Days31To60, r.Days61To90, r.Over90)})
	}
	return sales.AgeingTable(group, rows), []chart{c}, nil
}

func dsoReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.DSORow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	c := chart{Kind: barChart, Title: l.text("chart.dso", periodText(l, q)), Category: l.text("rep.group.market"),
		Axis: l.text("chart.axis_days"), Value: l.days, Empty: l.text("chart.empty"), Series: []string{l.text("chart.dso_series")}}
	for _, r := range rows {
		c.Bars = append(c.Bars, bar{Label: withCurrency(r.Market, r.Currency), Values: []float64{decimal(r.DSO)}})
	}
	return sales.DSOTable(rows), []chart{c}, nil
}

func targetReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.TargetRow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	month := cmpOr(q.Get(filterTargets), cmpOr(q.Get(filterMonth), l.text("rep.this_month")))
	mk := func(title, actual string) chart {
		return chart{Kind: targetChart, Title: l.text(title, month), Category: l.text("rep.target_row"),
			Axis: l.text("chart.axis_yuan"), Value: yuanValue, Tick: l.yuanTick, Empty: l.text("chart.empty"),
			Series: []string{l.text(actual), l.text("chart.target")}}
	}
	sold, collected := mk("chart.sales", "chart.sales_actual"), mk("chart.collections", "chart.collections_actual")
	for _, r := range rows {
		label := withCurrency(l.text("dim."+string(r.Dimension))+" "+cmpOr(r.Name, r.Key), r.Currency)
		sold.Bars = append(sold.Bars, bar{Label: label, Values: yuans(r.Sales, r.SalesTarget)})
		collected.Bars = append(collected.Bars, bar{Label: label, Values: yuans(r.Collections, r.CollectionsTarget)})
	}
	return sales.TargetTable(rows), []chart{sold, collected}, nil
}

func reachReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.ReachRow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	c := chart{Kind: barChart, Title: l.text("chart.reach", periodText(l, q)), Category: l.text("rep.group.market"),
		Axis: l.text("chart.axis_pct"), Value: percent, Empty: l.text("chart.empty"), Series: []string{l.text("chart.reach_series")}}
	for _, r := range rows {
		c.Bars = append(c.Bars, bar{Label: r.Market, Values: []float64{decimal(r.ReachPct)}})
	}
	return sales.ReachTable(rows), []chart{c}, nil
}

func creditRatingReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.CreditRatingRow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	c := chart{Kind: targetChart, Title: l.text("chart.credit", asOfText(l, q)), Category: l.text("rep.group.customer"),
		Axis: l.text("chart.axis_yuan"), Value: yuanValue, Tick: l.yuanTick, Empty: l.text("chart.empty"),
		Series: []string{l.text("chart.exposure"), l.text("chart.limit")}}
	for _, r := range rows {
		c.Bars = append(c.Bars, bar{Label: withCurrency(r.CustomerName, r.Currency), Values: yuans(r.Exposure, r.Limit)})
	}
	return sales.CreditRatingTable(rows), []chart{c}, nil
}

func shipmentReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.ShipmentInfoRow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	c := chart{Kind: stackedChart, Title: l.text("chart.shipments", periodText(l, q)), Category: l.text("rep.group.customer"),
		Axis: l.text("chart.axis_count"), Value: count, Empty: l.text("chart.empty"),
		Series: []string{l.text("chart.delivered"), l.text("chart.in_transit")}}
	for _, r := range rows {
		c.Bars = append(c.Bars, bar{Label: r.CustomerName, Values: []float64{float64(r.Delivered), float64(r.Shipments - r.Delivered)}})
	}
	return sales.ShipmentInfoTable(rows), []chart{c}, nil
}

func replenishmentReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.ReplenishmentRow
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	c := chart{Kind: targetChart, Title: l.text("chart.replenishment", periodText(l, q)), Category: l.text("rep.sku"),
		Axis: l.text("chart.axis_quantity"), Value: count, Empty: l.text("chart.empty"),
		Series: []string{l.text("chart.shipped"), l.text("chart.ordered")}}
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.SKU]
		if !ok {
			i = len(c.Bars)
			index[r.SKU] = i
			c.Bars = append(c.Bars, bar{Label: strings.TrimSpace(r.SKU + " " + r.SKUName), Values: []float64{0, 0}})
		}
		c.Bars[i].Values[0] += float64(r.Shipped)
		c.Bars[i].Values[1] += float64(r.Quantity)
	}
	return sales.ReplenishmentTable(rows), []chart{c}, nil
}

func receivablesReport(get func(any) error, l lang, q url.Values) (sales.Table, []chart, error) {
	var rows []sales.ReceivableEntry
	if err := get(&rows); err != nil {
		return sales.Table{}, nil, err
	}
	c := chart{Kind: barChart, Title: l.text("chart.receivables", periodText(l, q)), Category: l.text("rep.group.customer"),
		Axis: l.text("chart.axis_yuan"), Value: yuanValue, Tick: l.yuanTick, Empty: l.text("chart.empty"),
		Series: []string{l.text("chart.balance")}}
	index := map[string]int{}
	for _, r := range rows { // each customer's entries in order: the last balance is the closing one
		key := r.CustomerID + "/" + string(r.Currency)
		i, ok := index[key]
		if !ok {
			i = len(c.Bars)
			index[key] = i
			c.Bars = append(c.Bars, bar{Label: withCurrency(r.CustomerName, r.Currency), Values: []float64{0}})
		}
		c.Bars[i].Values[0] = yuan(r.Balance)
	}
	return sales.ReceivablesTable(rows), []chart{c}, nil
}

// What a report is as of, and over, in words.

func asOfText(l lang, q url.Values) string {
	if d := q.Get(filterAsOf); d != "" {
		return l.text("rep.as_of", d)
	}
	return l.text("rep.as_of_today")
}

func periodText(l lang, q url.Values) string {
	switch {
	case q.Get("from") != "" || q.Get("to") != "":
		return q.Get("from") + " – " + q.Get("to")
	case q.Get(filterMonth) != "":
		return q.Get(filterMonth)
	}
	return l.text("rep.this_month")
}

// withCurrency names a row's currency when it is not yuan: the charts'
// axes are in yuan.
func withCurrency(label string, c sales.Currency) string {
	if c == "" || c == sales.CNY {
		return label
	}
	return label + " (" + string(c) + ")"
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Values as charts draw them: money in yuan, a missing decimal as no value.

func yuan(f sales.Fen) float64 { return float64(f) / 100 }

func yuans(fs ...sales.Fen) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = yuan(f)
	}
	return out
}

func decimal(p *float64) float64 {
	if p == nil {
		return noValue
	}
	return *p
}

// Values as people read them.

// yuanValue is an amount in yuan as money shows it: ¥1,234.56.
func yuanValue(v float64) string { return money(sales.Fen(math.Round(v*100)), sales.CNY) }

// yuanTick is an axis tick in yuan, short: ¥12.5万 in Chinese, ¥125K in English.
func (l lang) yuanTick(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	units := []struct {
		size float64
		name string
	}{{1e8, "亿"}, {1e4, "万"}}
	if l == en {
		units = []struct {
			size float64
			name string
		}{{1e9, "B"}, {1e6, "M"}, {1e3, "K"}}
	}
	for _, u := range units {
		if v >= u.size {
			return sign + "¥" + trimNumber(v/u.size, 2) + u.name
		}
	}
	return sign + "¥" + grouped(v, 0)
}

// days is a number of days: 12.5 天, 12.5 days.
func (l lang) days(v float64) string { return l.text("chart.days", trimNumber(v, 1)) }

func percent(v float64) string { return trimNumber(v, 1) + "%" }

func count(v float64) string { return grouped(v, 0) }

// trimNumber writes v with at most decimals decimals, without trailing zeros.
func trimNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// grouped writes v with decimals decimals and thousands separated by commas.
func grouped(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// tableView is a report's table as a page shows it: the download's columns
// in the page's language, each cell written for people.
type tableView struct {
	Title   string
	Columns []tableColumn
	Rows    [][]tableCell
}

type tableColumn struct {
	Name string
	Num  bool
}

type tableCell struct {
	Text string
	Num  bool
}

// table lays out t for a page in l.
func (l lang) table(t sales.Table) tableView {
	v := tableView{Title: t.Name}
	if l == en {
		v.Title = t.English
	}
	for _, c := range t.Columns {
		name := c.Local
		if l == en {
			name = c.English
		}
		v.Columns = append(v.Columns, tableColumn{Name: name, Num: numeric(c.Kind)})
	}
	for _, row := range t.Rows {
		cells := make([]tableCell, len(row))
		for i, val := range row {
			kind := sales.Text
			if i < len(t.Columns) {
				kind = t.Columns[i].Kind
			}
			cells[i] = tableCell{Text: l.cell(kind, val), Num: numeric(kind)}
		}
		v.Rows = append(v.Rows, cells)
	}
	return v
}

func numeric(k sales.ColumnKind) bool {
	return k == sales.Integer || k == sales.Money || k == sales.Decimal
}

// cell writes one value of a table for people.
func (l lang) cell(kind sales.ColumnKind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case sales.Fen:
		return grouped(yuan(x), 2)
	case *float64:
		if x == nil {
			return ""
		}
		return trimNumber(*x, 1)
	case float64:
		return trimNumber(x, 1)
	case int:
		return grouped(float64(x), 0)
	case int64:
		return grouped(float64(x), 0)
	case bool:
		if x {
			return l.text("rep.yes")
		}
		return l.text("rep.no")
	case time.Time:
		if kind == sales.DateTime {
			return dateTime(x)
		}
		return date(x)
	case *time.Time:
		if x == nil {
			return ""
		}
		return l.cell(kind, *x)
	}
	return fmt.Sprint(v)
}
