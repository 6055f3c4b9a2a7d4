package documents

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"osb/sales"
)

// PDFType is the Content-Type of a document's PDF.
const PDFType = "application/pdf"

// DefaultFont is the CJK TrueType font the PDFs embed (subset) when none is
// configured: LXGW WenKai (SIL Open Font License 1.1), from the Debian
// package FontPackage; it has the Chinese and the Latin glyphs a document
// needs in one file. fpdf embeds TrueType (glyf) outlines only: the Noto
// CJK fonts are CFF, and Droid Sans Fallback has no Latin letters or digits.
const (
	DefaultFont = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
	FontPackage = "fonts-lxgw-wenkai"
)

// FontEnv names the environment variable that overrides DefaultFont (read
// by the entry points).
const FontEnv = "OSB_PDF_FONT"

// PDF renders documents as PDF with a CJK TrueType font read from
// FontPath at the first render that finds it (a font installed later is
// found without a restart). Its zero value is not usable: use NewPDF.
type PDF struct {
	FontPath string

	mu   sync.Mutex
	font []byte
}

// NewPDF returns a renderer with the font at path, DefaultFont when "".
func NewPDF(path string) *PDF {
	if path == "" {
		path = DefaultFont
	}
	return &PDF{FontPath: path}
}

// Available reports whether the font can be read: without it every render
// answers unavailable, and the printable page is the way to print.
func (p *PDF) Available() error {
	_, err := p.fontBytes()
	return err
}

func (p *PDF) fontBytes() ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.font != nil {
		return p.font, nil
	}
	b, err := os.ReadFile(p.FontPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, sales.Errorf(sales.ErrUnavailable,
			"PDF documents need a CJK TrueType font, and %s does not exist: install the Debian package %s, or set %s to a .ttf file; format=html gives the printable page meanwhile",
			p.FontPath, FontPackage, FontEnv)
	case err != nil:
		return nil, fmt.Errorf("documents: read the PDF font %s: %w", p.FontPath, err)
	}
	p.font = b
	return b, nil
}

// Layout of an A4 page, in millimetres.
const (
	pageW, pageH         = 210.0, 297.0
	marginX, marginTop   = 12.0, 14.0
	marginBottom         = 16.0
	bodyW                = pageW - 2*marginX
	lineH                = 5.0
	fontFamily           = "cjk"
	sizeBody, sizeTitle  = 9.0, 17.0
	sizeHeading, sizeFtr = 10.5, 7.5
	sizeTable            = 8.0
)

// Render writes the document as a PDF: the same header, sections, tables
// and notes as its HTML page.
func (p *PDF) Render(d Document) ([]byte, error) {
	font, err := p.fontBytes()
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, marginBottom)
	f.AddUTF8FontFromBytes(fontFamily, "", font)
	f.SetTitle(d.Title+" "+d.TitleEN+" "+d.Number, true)
	f.SetCreator("OSB", true)
	// Fixed dates: the same document renders to the same bytes.
	f.SetCreationDate(time.Unix(0, 0).UTC())
	f.SetModificationDate(time.Unix(0, 0).UTC())
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(pageH - marginBottom + 4)
		f.SetFont(fontFamily, "", sizeFtr)
		f.SetTextColor(100, 100, 100)
		f.CellFormat(bodyW/2, 4, d.Issuer.Name+" · "+d.Printed, "", 0, "L", false, 0, "")
		f.CellFormat(bodyW/2, 4, fmt.Sprintf("%s %s · %d/{nb}", d.Number, d.TitleEN, f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	w := pdfWriter{f: f}
	f.AddPage()
	w.header(d)
	for _, s := range d.Sections {
		w.section(s)
	}
	f.SetFont(fontFamily, "", sizeBody)
	for _, n := range d.Notes {
		w.paragraph(n)
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		return nil, fmt.Errorf("documents: render %s %s as PDF: %w", d.Kind, d.Number, err)
	}
	return b.Bytes(), nil
}

type pdfWriter struct{ f *fpdf.Fpdf }

// room starts a new page unless h millimetres fit on this one.
func (w pdfWriter) room(h float64) bool {
	if w.f.GetY()+h > pageH-marginBottom {
		w.f.AddPage()
		w.f.SetFont(fontFamily, "", sizeBody)
		return true
	}
	return false
}

func (w pdfWriter) header(d Document) {
	f := w.f
	f.SetFont(fontFamily, "", sizeTitle)
	f.CellFormat(bodyW*0.6, 9, d.Title+"  "+d.TitleEN, "", 0, "L", false, 0, "")
	f.SetFont(fontFamily, "", sizeBody)
	issuer := d.Issuer.Name
	for _, s := range []string{d.Issuer.Address, d.Issuer.Contact} {
		if s != "" {
			issuer += "\n" + s
		}
	}
	y := f.GetY()
	f.MultiCell(bodyW*0.4, 4.5, issuer, "", "R", false)
	yIssuer := f.GetY()
	f.SetXY(marginX, y+9)
	f.CellFormat(bodyW*0.6, lineH, "No. "+d.Number, "", 2, "L", false, 0, "")
	if d.Draft {
		f.SetTextColor(176, 0, 0)
		f.CellFormat(40, 6, "草稿 DRAFT", "1", 2, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	}
	f.SetY(max(f.GetY(), yIssuer) + 1)
	f.Line(marginX, f.GetY(), pageW-marginX, f.GetY())
	f.Ln(2)
	// The header fields two to a row: label, value, label, value.
	widths := []float64{bodyW * 0.17, bodyW * 0.33, bodyW * 0.17, bodyW * 0.33}
	for i := 0; i < len(d.Meta); i += 2 {
		cells := []string{d.Meta[i].Label, d.Meta[i].Value, "", ""}
		if i+1 < len(d.Meta) {
			cells[2], cells[3] = d.Meta[i+1].Label, d.Meta[i+1].Value
		}
		w.row(cells, widths, make([]bool, 4), "", false, nil)
	}
	f.Ln(2)
}

func (w pdfWriter) section(s Section) {
	f := w.f
	if s.Heading != "" {
		w.room(lineH * 4)
		f.Ln(2)
		f.SetFont(fontFamily, "", sizeHeading)
		f.CellFormat(bodyW, 6, s.Heading, "", 1, "L", false, 0, "")
		f.SetFont(fontFamily, "", sizeBody)
	}
	for _, p := range s.Paragraphs {
		w.paragraph(p)
	}
	if t := s.Table; t != nil {
		w.table(t)
	}
}

func (w pdfWriter) paragraph(p string) {
	lines := w.f.SplitText(p, bodyW)
	w.room(float64(len(lines)) * lineH)
	w.f.MultiCell(bodyW, lineH, p, "", "L", false)
}

func (w pdfWriter) table(t *Table) {
	w.f.SetFont(fontFamily, "", sizeTable)
	defer w.f.SetFont(fontFamily, "", sizeBody)
	var total float64
	for _, c := range t.Columns {
		total += c.Width
	}
	widths := make([]float64, len(t.Columns))
	right := make([]bool, len(t.Columns))
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		widths[i], right[i], head[i] = bodyW*c.Width/total, c.Right, c.Label
	}
	heading := func() {
		w.row(head, widths, right, "1", true, nil)
	}
	heading()
	for _, r := range t.Rows {
		w.row(r, widths, right, "1", false, heading)
	}
	for _, r := range t.Totals {
		w.row(r, widths, right, "1", true, heading)
	}
}

// row draws one table row, its cells wrapped to their widths; when it
// starts a new page, heading (if any) is drawn first there.
func (w pdfWriter) row(cells []string, widths []float64, right []bool, border string, fill bool, heading func()) {
	f := w.f
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		if i >= len(widths) {
			break
		}
		lines[i] = f.SplitText(c, widths[i])
		if len(lines[i]) == 0 {
			lines[i] = []string{""}
		}
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lineH + 1
	if w.room(h) && heading != nil {
		heading()
	}
	if fill {
		f.SetFillColor(240, 240, 240)
	}
	x, y := marginX, f.GetY()
	style := ""
	if border != "" {
		style = "D"
	}
	if fill {
		style = "FD"
	}
	for i := range widths {
		if style != "" {
			f.Rect(x, y, widths[i], h, style)
		}
		align := "L"
		if right[i] {
			align = "R"
		}
		for j, ln := range lines[i] {
			f.SetXY(x, y+0.5+float64(j)*lineH)
			f.CellFormat(widths[i], lineH, ln, "", 0, align, false, 0, "")
		}
		x += widths[i]
	}
	f.SetXY(marginX, y+h)
}
