package console

import (
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Charts are drawn on the server as inline SVG: horizontal bars, one row per
// category (a market, a customer, a person), with the category's name on
// the left, the value at the bar's end, a value axis with its ticks and
// label below and a legend above. Colours come from classes styled in
// console.css; the SVG carries no style attribute and no script, so the
// console's CSP holds. Every chart is an image to assistive technology
// (role="img") named by its title; each bar and segment has its own <title>
// with the exact figure, and the table under the chart holds them all.

// chartKind is how a chart draws its series.
type chartKind int

const (
	barChart     chartKind = iota // one bar per category: the first series
	stackedChart                  // the series stacked in one bar (negative parts count as zero)
	targetChart                   // the first series (actual) drawn over the second (target)
)

// chart is what a chart shows.
type chart struct {
	Kind     chartKind
	Title    string   // what the chart shows: its <title> and aria-label
	Category string   // what a bar is, above the bar names (市场)
	Axis     string   // the value axis' label, with its unit (金额（元）)
	Series   []string // the legend, one name per value of a bar
	Bars     []bar
	Value    func(float64) string // a value as people read it (¥1,234.56)
	Tick     func(float64) string // an axis tick (¥12万); nil: Value
	Empty    string               // said in place of the bars when there are none
}

// bar is one category of a chart: one value per series; NaN is no value.
type bar struct {
	Label  string
	Values []float64
}

// noValue is a value a bar lacks (a DSO without sales).
var noValue = math.NaN()

// The chart's geometry, in SVG user units.
const (
	chartWidth  = 760.0
	labelWidth  = 180.0 // the bar names, right-aligned at its edge
	valueWidth  = 150.0 // the value written after the longest bar
	legendSpace = 44.0
	rowHeight   = 30.0
	barHeight   = 18.0
	axisSpace   = 52.0
	labelUnits  = 26 // a bar name longer than this many half-width units is cut
)

// SVG draws the chart as inline SVG.
func (c chart) SVG() template.HTML {
	value, tick := c.Value, c.Tick
	if value == nil {
		value = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	if tick == nil {
		tick = value
	}
	lo, hi := c.extent()
	ticks := niceTicks(lo, hi, 5)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	x0, x1 := labelWidth+12, chartWidth-valueWidth
	x := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*(x1-x0) }
	rows := max(len(c.Bars), 1)
	plotTop := legendSpace
	plotBottom := plotTop + float64(rows)*rowHeight
	height := plotBottom + axisSpace

	var b strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	w(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 `, num(chartWidth), " ", num(height),
		`" aria-label="`, esc(c.Title), `">`, `<title>`, esc(c.Title), `</title>`)
	c.legend(w, x0)
	if c.Category != "" {
		w(`<text class="axis-label" x="`, num(labelWidth), `" y="`, num(plotTop-6), `" text-anchor="end">`, esc(c.Category), `</text>`)
	}
	for _, t := range ticks {
		w(`<line class="grid" x1="`, num(x(t)), `" x2="`, num(x(t)), `" y1="`, num(plotTop), `" y2="`, num(plotBottom), `"/>`)
		w(`<text class="tick" x="`, num(x(t)), `" y="`, num(plotBottom+16), `" text-anchor="middle">`, esc(tick(t)), `</text>`)
	}
	w(`<line class="axis" x1="`, num(x(0)), `" x2="`, num(x(0)), `" y1="`, num(plotTop), `" y2="`, num(plotBottom), `"/>`)
	if c.Axis != "" {
		w(`<text class="axis-label" x="`, num((x0+x1)/2), `" y="`, num(plotBottom+40), `" text-anchor="middle">`, esc(c.Axis), `</text>`)
	}
	if len(c.Bars) == 0 {
		w(`<text class="empty" x="`, num((x0+x1)/2), `" y="`, num(plotTop+rowHeight/2+5), `" text-anchor="middle">`, esc(c.Empty), `</text>`)
	}
	for i, br := range c.Bars {
		top := plotTop + float64(i)*rowHeight + (rowHeight-barHeight)/2
		mid := top + barHeight/2 + 4
		w(`<g class="bar">`)
		w(`<text class="label" x="`, num(labelWidth), `" y="`, num(mid), `" text-anchor="end"><title>`, esc(br.Label), `</title>`,
			esc(shorten(br.Label, labelUnits)), `</text>`)
		end, text := c.drawBar(w, br, x, top, value)
		w(`<text class="value" x="`, num(end+6), `" y="`, num(mid), `">`, esc(text), `</text>`)
		w(`</g>`)
	}
	w(`</svg>`)
	return template.HTML(b.String())
}

// legend writes the series' names with their colours above the plot.
func (c chart) legend(w func(...string), x0 float64) {
	names, classes := c.Series, make([]string, len(c.Series))
	for i := range classes {
		classes[i] = "s" + strconv.Itoa(i)
	}
	if c.Kind == targetChart && len(classes) > 1 {
		classes[1] = "target"
	}
	at := x0
	for i, n := range names {
		w(`<rect class="key `, classes[i], `" x="`, num(at), `" y="10" width="12" height="12"/>`)
		w(`<text class="legend" x="`, num(at+16), `" y="21">`, esc(n), `</text>`)
		at += 28 + float64(displayUnits(n))*6.5
	}
}

// drawBar writes one bar's rectangles and returns where its value is
// written and what it says.
func (c chart) drawBar(w func(...string), br bar, x func(float64) float64, top float64, value func(float64) string) (float64, string) {
	rect := func(class string, from, to float64, title string) {
		left, right := x(min(from, to)), x(max(from, to))
		w(`<rect class="`, class, `" x="`, num(left), `" y="`, num(top), `" width="`, num(right-left), `" height="`, num(barHeight),
			`"><title>`, esc(title), `</title></rect>`)
	}
	titled := func(i int, v float64) string {
		if len(c.Series) > i {
			return br.Label + " · " + c.Series[i] + ": " + value(v)
		}
		return br.Label + ": " + value(v)
	}
	switch c.Kind {
	case stackedChart:
		sum := 0.0
		for i, v := range br.Values {
			if math.IsNaN(v) || v <= 0 {
				continue
			}
			rect("s"+strconv.Itoa(i), sum, sum+v, titled(i, v))
			sum += v
		}
		return x(sum), value(sum)
	case targetChart:
		actual, target := at(br.Values, 0), at(br.Values, 1)
		end := x(0)
		if !math.IsNaN(target) {
			rect("target", 0, target, titled(1, target))
			end = max(end, x(target))
		}
		if !math.IsNaN(actual) {
			left, right := x(min(actual, 0)), x(max(actual, 0))
			w(`<rect class="s0" x="`, num(left), `" y="`, num(top+barHeight/4), `" width="`, num(right-left),
				`" height="`, num(barHeight/2), `"><title>`, esc(titled(0, actual)), `</title></rect>`)
			end = max(end, right)
		}
		return end, orDash(actual, value) + " / " + orDash(target, value)
	}
	v := at(br.Values, 0)
	if math.IsNaN(v) {
		return x(0), "—"
	}
	rect("s0", 0, v, titled(0, v))
	return x(max(v, 0)), value(v)
}

// extent is the smallest and largest value the chart must show, zero
// always among them.
func (c chart) extent() (lo, hi float64) {
	for _, br := range c.Bars {
		switch c.Kind {
		case stackedChart:
			sum := 0.0
			for _, v := range br.Values {
				if !math.IsNaN(v) && v > 0 {
					sum += v
				}
			}
			hi = max(hi, sum)
		default:
			for _, v := range br.Values {
				if !math.IsNaN(v) {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
	}
	return lo, hi
}

// niceTicks returns ticks at a round step (1, 2 or 5 times a power of ten)
// covering lo through hi with about n steps; 0 and 1 when there is nothing
// to show.
func niceTicks(lo, hi float64, n int) []float64 {
	if hi-lo <= 0 || math.IsInf(hi-lo, 0) || math.IsNaN(hi-lo) {
		return []float64{lo, lo + 1}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	first, last := math.Floor(lo/step), math.Ceil(hi/step)
	ticks := make([]float64, 0, int(last-first)+1)
	for k := first; k <= last; k++ {
		ticks = append(ticks, roundTo(k*step, mag))
	}
	return ticks
}

// roundTo removes the float noise of a multiple of a power of ten.
func roundTo(v, mag float64) float64 {
	if mag >= 1 {
		return math.Round(v)
	}
	scale := math.Round(1 / mag)
	return math.Round(v*scale) / scale
}

func at(vs []float64, i int) float64 {
	if i < len(vs) {
		return vs[i]
	}
	return noValue
}

func orDash(v float64, format func(float64) string) string {
	if math.IsNaN(v) {
		return "—"
	}
	return format(v)
}

// shorten cuts s to at most units half-width units, ending it with "…".
func shorten(s string, units int) string {
	if displayUnits(s) <= units {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := runeUnits(r)
		if n+w > units-1 {
			break
		}
		b.WriteRune(r)
		n += w
	}
	return b.String() + "…"
}

// displayUnits is how wide s is drawn, in half-width units: Chinese
// characters and other wide ones count two.
func displayUnits(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || (r >= 0xFF00 && r <= 0xFFEF) || (r >= 0x3000 && r <= 0x303F) {
		return 2
	}
	return 1
}

// num writes a coordinate with at most one decimal.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func esc(s string) string { return html.EscapeString(s) }
