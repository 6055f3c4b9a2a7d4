package console

import (
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 4680, []float64{0, 1000, 2000, 3000, 4000, 5000}},
		{0, 100, []float64{0, 20, 40, 60, 80, 100}},
		{0, 7, []float64{0, 2, 4, 6, 8}},
		{0, 0.3, []float64{0, 0.1, 0.2, 0.3}},
		{-30, 70, []float64{-40, -20, 0, 20, 40, 60, 80}},
		{0, 0, []float64{0, 1}}, // nothing to show
	} {
		if got := niceTicks(c.lo, c.hi, 5); !slices.Equal(got, c.want) {
			t.Errorf("niceTicks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

var (
	rectWidth = regexp.MustCompile(`<rect class="(s\d|target)" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"`)
	tickText  = regexp.MustCompile(`<text class="tick"[^>]*>([^<]*)</text>`)
)

// wellFormed fails unless svg parses as XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
}

func TestChartScalesBarsToTheAxis(t *testing.T) {
	c := chart{Kind: barChart, Title: "DSO by market", Category: "Market", Axis: "Days", Series: []string{"DSO"},
		Value: en.days, Bars: []bar{{Label: "华东", Values: []float64{40}}, {Label: "华南", Values: []float64{20}}, {Label: "华北", Values: []float64{noValue}}}}
	svg := string(c.SVG())
	wellFormed(t, svg)
	ws := rectWidth.FindAllStringSubmatch(svg, -1)
	if len(ws) != 2 {
		t.Fatalf("want two bars (a missing value draws none), got %v\n%s", ws, svg)
	}
	a, _ := strconv.ParseFloat(ws[0][3], 64)
	b, _ := strconv.ParseFloat(ws[1][3], 64)
	if a != 2*b || a != chartWidth-valueWidth-labelWidth-12 {
		t.Errorf("40 and 20 on an axis to 40 are %v and %v wide", a, b)
	}
	ticks := tickText.FindAllStringSubmatch(svg, -1)
	if len(ticks) == 0 || ticks[0][1] != "0 days" || ticks[len(ticks)-1][1] != "40 days" {
		t.Errorf("ticks %v: negative-free data starts its axis at 0", ticks)
	}
	for _, want := range []string{`role="img"`, `aria-label="DSO by market"`, `<title>DSO by market</title>`, `<title>华东 · DSO: 40 days</title>`,
		`>40 days</text>`, `>—</text>`, `>Days</text>`, `>Market</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %s:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "style") {
		t.Errorf("the chart has a style attribute the CSP forbids:\n%s", svg)
	}
}

func TestChartOfZerosAndOfNothing(t *testing.T) {
	zeros := chart{Kind: stackedChart, Title: "Ageing", Series: []string{"a", "b"}, Value: yuanValue,
		Bars: []bar{{Label: "华东", Values: []float64{0, 0}}}}
	svg := string(zeros.SVG())
	wellFormed(t, svg)
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") || rectWidth.MatchString(svg) {
		t.Errorf("an all-zero chart draws bars or nonsense:\n%s", svg)
	}
	if !strings.Contains(svg, ">¥0.00</text>") {
		t.Errorf("the zero total is not written:\n%s", svg)
	}
	empty := chart{Kind: barChart, Title: "Reach", Empty: "No data", Value: percent}
	svg = string(empty.SVG())
	wellFormed(t, svg)
	if !strings.Contains(svg, `>No data</text>`) || !strings.Contains(svg, `<title>Reach</title>`) || strings.Contains(svg, "NaN") {
		t.Errorf("an empty chart:\n%s", svg)
	}
}

func TestChartStacksAndTargets(t *testing.T) {
	stacked := chart{Kind: stackedChart, Title: "t", Series: []string{"not due", "1–30"}, Value: yuanValue,
		Bars: []bar{{Label: "华东", Values: []float64{100, 300}}, {Label: "华南", Values: []float64{-50, 200}}}}
	svg := string(stacked.SVG())
	wellFormed(t, svg)
	if !strings.Contains(svg, `<title>华东 · 1–30: ¥300.00</title>`) || !strings.Contains(svg, `>¥400.00</text>`) ||
		!strings.Contains(svg, `>¥200.00</text>`) || strings.Contains(svg, "-¥50.00") {
		t.Errorf("stacked segments, totals, and a negative part counted as zero:\n%s", svg)
	}
	target := chart{Kind: targetChart, Title: "t", Series: []string{"Sales", "Target"}, Value: yuanValue,
		Bars: []bar{{Label: "华东", Values: []float64{50, 100}}}}
	svg = string(target.SVG())
	wellFormed(t, svg)
	ws := rectWidth.FindAllStringSubmatch(svg, -1)
	if len(ws) != 2 || ws[0][1] != "target" || ws[1][1] != "s0" {
		t.Fatalf("a target and an actual bar: %v", ws)
	}
	tw, _ := strconv.ParseFloat(ws[0][3], 64)
	aw, _ := strconv.ParseFloat(ws[1][3], 64)
	if aw*2 != tw || !strings.Contains(svg, ">¥50.00 / ¥100.00</text>") {
		t.Errorf("half the target is half as wide: %v of %v\n%s", aw, tw, svg)
	}
}

func TestChartShortensLongLabelsAndEscapes(t *testing.T) {
	long := "上海某某某某某某某某国际贸易有限公司华东第一分公司"
	c := chart{Kind: barChart, Title: `<script>alert("x")</script>`, Value: count,
		Bars: []bar{{Label: long, Values: []float64{3}}, {Label: "A & B <Ltd>", Values: []float64{1}}}}
	svg := string(c.SVG())
	wellFormed(t, svg)
	if strings.Contains(svg, "<script") || !strings.Contains(svg, "&lt;script&gt;") || !strings.Contains(svg, "A &amp; B &lt;Ltd&gt;") {
		t.Errorf("text is not escaped:\n%s", svg)
	}
	short := shorten(long, labelUnits)
	if displayUnits(short) > labelUnits || !strings.HasSuffix(short, "…") || !strings.Contains(svg, ">"+short+"</text>") {
		t.Errorf("the long label is not cut to %d units: %q", labelUnits, short)
	}
	if !strings.Contains(svg, "<title>"+long+"</title>") {
		t.Errorf("the whole label is not kept in the bar's title")
	}
	if shorten("华东", labelUnits) != "华东" {
		t.Errorf("a short label is cut")
	}
}

func TestChartValuesInThePagesLanguage(t *testing.T) {
	for _, c := range []struct {
		l    lang
		v    float64
		want string
	}{
		{zh, 125000, "¥12.5万"}, {en, 125000, "¥125K"}, {zh, 300000000, "¥3亿"}, {en, 2500000, "¥2.5M"},
		{zh, 800, "¥800"}, {en, 0, "¥0"}, {zh, -20000, "-¥2万"},
	} {
		if got := c.l.yuanTick(c.v); got != c.want {
			t.Errorf("%s: yuanTick(%v) = %q, want %q", c.l.code(), c.v, got, c.want)
		}
	}
	if got := zh.days(12.5); got != "12.5 天" {
		t.Errorf("zh days: %q", got)
	}
	if got := yuanValue(4680); got != "¥4,680.00" {
		t.Errorf("yuanValue: %q", got)
	}
	if got := grouped(1234567, 0); got != "1,234,567" {
		t.Errorf("grouped: %q", got)
	}
}
