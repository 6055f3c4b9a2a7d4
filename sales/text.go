package sales

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of free text, in characters: one per kind of field. Every free-text
// field people type (reasons, notes, carriers, waybills, references) is held
// to one of them by the API and again by the workflow's validators, so an
// order's state and history stay far below Temporal's payload limits and
// nothing the store refuses (a NUL byte, invalid UTF-8) ever reaches it.
const (
	MaxReason    = 1000 // why: decisions, disputes, extensions, cancellations, returns
	MaxNote      = 2000 // what happened: delivery and return notes, an order's note
	MaxCarrier   = 100  // a carrier's name
	MaxWaybill   = 64   // a waybill number
	MaxReference = 64   // a bank reference

	maxCode = 64 // a catalogue code an order names (SKU, POP item)
)

// Text adds a problem for field when value is not acceptable free text: more
// than max characters, not valid UTF-8, or holding a control character (tab
// and line breaks are allowed); required text must also not be blank.
func (p *Problems) Text(field, value string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(value) == "":
		p.Add(field, "is required")
	case !utf8.ValidString(value):
		p.Add(field, "must be valid UTF-8 text")
	case utf8.RuneCountInString(value) > max:
		p.Add(field, "must be at most %d characters", max)
	case strings.IndexFunc(value, forbiddenInText) >= 0:
		p.Add(field, "must not contain control characters")
	}
}

// forbiddenInText reports the control characters free text must not hold:
// all but tab, line feed and carriage return.
func forbiddenInText(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.IsControl(r) || r == utf8.RuneError
}
