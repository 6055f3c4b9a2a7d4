package sales

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of free text, in characters: one per kind of field. Every free-text
// field people type (reasons, notes, carriers, waybills, references, and the
// codes and ids a request names) is held to one of them by the API, and
// again by the workflow's validators where a workflow takes it, so an
// order's state and history stay far below Temporal's payload limits and
// nothing the store refuses (a NUL byte, invalid UTF-8) ever reaches it.
const (
	MaxReason    = 1000 // why: decisions, disputes, extensions, cancellations, returns
	MaxNote      = 2000 // what happened: delivery and return notes, an order's note
	MaxCarrier   = 100  // a carrier's name
	MaxWaybill   = 64   // a waybill number
	MaxReference = 64   // a bank reference
	MaxCode      = 64   // a code or id a request names: SKU, POP item, customer, user, market, invoice
	MaxName      = 200  // a name: a POP item's
	MaxUnit      = 20   // a unit of measure: 件, box
	MaxTitle     = 200  // a problem's title
	MaxDetail    = 4000 // a problem's detail and its resolution
	MaxFocusItem = 500  // one item of the SLT's focus for a month
)

// Text adds a problem for field when value is not acceptable free text: more
// than max characters, not valid UTF-8, or holding a control character (tab
// and line breaks are allowed); required text must also not be blank.
func (p *Problems) Text(field, value string, max int, required bool) {
	if why := TextProblem(value, max, required); why != "" {
		p.Add(field, "%s", why)
	}
}

// TextProblem says what is wrong with value as free text of at most max
// characters, as Text would ("" when nothing is).
func TextProblem(value string, max int, required bool) string {
	switch {
	case required && strings.TrimSpace(value) == "":
		return "is required"
	case !utf8.ValidString(value):
		return "must be valid UTF-8 text"
	case utf8.RuneCountInString(value) > max:
		return fmt.Sprintf("must be at most %d characters", max)
	case strings.IndexFunc(value, forbiddenInText) >= 0:
		return "must not contain control characters"
	}
	return ""
}

// forbiddenInText reports the control characters free text must not hold:
// all but tab, line feed and carriage return.
func forbiddenInText(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.IsControl(r) || r == utf8.RuneError
}
