package sales

import "fmt"

// TaxRate is a VAT rate in basis points: 1300 is 13%.
type TaxRate int

// DefaultTaxRate is the VAT rate of a SKU that names none (13%).
const DefaultTaxRate TaxRate = 1300

// MaxTaxRate bounds the rates people type (100%).
const MaxTaxRate TaxRate = 10000

// String formats the rate as a percentage, e.g. "13%" or "6.5%".
func (r TaxRate) String() string {
	if r%100 == 0 {
		return fmt.Sprintf("%d%%", r/100)
	}
	s := fmt.Sprintf("%d.%02d", r/100, r%100)
	if s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s + "%"
}

// Or returns r, or DefaultTaxRate when r is zero (a line or SKU of before VAT).
func (r TaxRate) Or() TaxRate {
	if r == 0 {
		return DefaultTaxRate
	}
	return r
}

// SplitVAT divides a gross amount (list prices include VAT) into net and tax
// at rate, rounding the net half away from zero to the fen; net + tax is
// always gross.
func SplitVAT(gross Fen, rate TaxRate) (net, tax Fen) {
	rate = rate.Or()
	num := int64(gross) * 10000
	den := int64(10000 + rate)
	n := num / den
	if rem := num % den; rem*2 >= den {
		n++
	} else if rem*2 <= -den {
		n--
	}
	return Fen(n), gross - Fen(n)
}

// TaxedLine is one line of an invoice or credit note: its gross amount at
// the order's unit price (VAT included) split into net and tax.
type TaxedLine struct {
	LineNo    int     `json:"line_no"`
	SKU       string  `json:"sku"`
	Quantity  int64   `json:"quantity"`
	UnitPrice Fen     `json:"unit_price_fen"` // VAT included
	Rate      TaxRate `json:"tax_rate_bp"`
	Net       Fen     `json:"net_fen"`
	Tax       Fen     `json:"tax_fen"`
	Gross     Fen     `json:"gross_fen"`
}

// VATTotals are the sums of taxed lines; Net + Tax = Gross.
type VATTotals struct {
	Net   Fen `json:"net_fen"`
	Tax   Fen `json:"tax_fen"`
	Gross Fen `json:"gross_fen"`
}

// TaxLines prices quantities of order lines with VAT, each line rounded to
// the fen on its own, and returns the lines with their totals (which add up
// because every line does).
func TaxLines(lines []Line, qty []LineQty) ([]TaxedLine, VATTotals) {
	byNo := make(map[int]Line, len(lines))
	for _, l := range lines {
		byNo[l.LineNo] = l
	}
	out := make([]TaxedLine, 0, len(qty))
	var t VATTotals
	for _, q := range qty {
		l, ok := byNo[q.LineNo]
		if !ok || q.Quantity == 0 {
			continue
		}
		tl := TaxedLine{LineNo: l.LineNo, SKU: l.SKU, Quantity: q.Quantity, UnitPrice: l.UnitPrice, Rate: l.TaxRate.Or(),
			Gross: Fen(q.Quantity) * l.UnitPrice}
		tl.Net, tl.Tax = SplitVAT(tl.Gross, tl.Rate)
		out = append(out, tl)
		t.Net, t.Tax, t.Gross = t.Net+tl.Net, t.Tax+tl.Tax, t.Gross+tl.Gross
	}
	return out, t
}

// TaxAmount splits an amount that is not priced by lines (a price
// difference credited on an invoice) in proportion to the invoice's lines:
// the tax of each line's share, so a credit note's net and tax follow the
// invoice it reduces. With no lines the default rate applies.
func TaxAmount(gross Fen, lines []TaxedLine) (net, tax Fen) {
	var total Fen
	for _, l := range lines {
		total += l.Gross
	}
	if total == 0 {
		return SplitVAT(gross, DefaultTaxRate)
	}
	left := gross
	for i, l := range lines {
		share := Fen(int64(gross) * int64(l.Gross) / int64(total))
		if i == len(lines)-1 {
			share = left
		}
		left -= share
		n, t := SplitVAT(share, l.Rate)
		net, tax = net+n, tax+t
	}
	return net, tax
}
