package documents

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
)

//go:embed templates/document.html
var templateFS embed.FS

var page = template.Must(template.ParseFS(templateFS, "templates/document.html"))

// HTMLType is the Content-Type of a document's printable page.
const HTMLType = "text/html; charset=utf-8"

// HTML renders the document as a printable page: one HTML file with its
// styles embedded (A4 print styles), nothing fetched.
func HTML(d Document) ([]byte, error) {
	var b bytes.Buffer
	if err := page.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("documents: render %s %s as HTML: %w", d.Kind, d.Number, err)
	}
	return b.Bytes(), nil
}
