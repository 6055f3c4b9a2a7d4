// Package pdftest helps tests of PDF documents: it installs the CJK
// TrueType font the PDFs embed when it is missing, and reads back the text
// and the glyphs of a PDF that OSB wrote. Only tests import it.
package pdftest

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"osb/documents"
)

// EnsureFont installs the Debian package of the PDF font when it is
// missing (as root; a clean CI machine is root), else skips the test saying
// what to install. It returns the font's path.
func EnsureFont(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(documents.DefaultFont); err == nil {
		return documents.DefaultFont
	}
	if os.Geteuid() != 0 {
		t.Skipf("PDF documents need %s: apt-get install %s (as root)", documents.DefaultFont, documents.FontPackage)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "--no-install-recommends", documents.FontPackage}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	t.Logf("installed %s in %s", documents.FontPackage, time.Since(start).Round(time.Second))
	return documents.DefaultFont
}

// Streams matches a PDF object's stream.
var streamRE = regexp.MustCompile(`(?s)<<([^<>]*(?:<<[^<>]*>>[^<>]*)*)>>\s*stream\r?\n(.*?)\r?\nendstream`)

// streams returns the decoded streams of a PDF written by fpdf (FlateDecode
// or plain), with their dictionaries.
func streams(t testing.TB, pdf []byte) (dicts []string, data [][]byte) {
	t.Helper()
	for _, m := range streamRE.FindAllSubmatch(pdf, -1) {
		dict, body := string(m[1]), m[2]
		if strings.Contains(dict, "/FlateDecode") {
			r, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				continue
			}
			b, err := io.ReadAll(r)
			if err != nil {
				continue
			}
			body = b
		}
		dicts, data = append(dicts, dict), append(data, body)
	}
	return dicts, data
}

var showRE = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)

// Text returns the text a PDF written by fpdf with a UTF-8 font shows, in
// drawing order, a line per string shown: its content streams show
// UTF-16BE code units (Identity-H, CIDs are Unicode), which its ToUnicode
// map (checked) maps to themselves.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	if !bytes.Contains(pdf, []byte("/ToUnicode")) || !bytes.Contains(pdf, []byte("/Identity-H")) {
		t.Fatalf("the PDF has no Unicode font (Identity-H with ToUnicode)")
	}
	var out strings.Builder
	_, data := streams(t, pdf)
	for _, d := range data {
		for _, m := range showRE.FindAllSubmatch(d, -1) {
			out.WriteString(decodeUTF16(unescape(m[1])))
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// unescape undoes a PDF literal string's escapes.
func unescape(s []byte) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(string(s[i:j]), 8, 8)
			b = append(b, byte(v))
			i = j - 1
		default:
			b = append(b, s[i])
		}
	}
	return b
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, binary.BigEndian.Uint16(b[i:]))
	}
	return string(utf16.Decode(u))
}

// Glyphs reports, for each rune of s, whether the embedded font maps it to
// a glyph: its CIDToGIDMap (CID = the rune) names a glyph other than 0
// (.notdef, the empty box).
func Glyphs(t testing.TB, pdf []byte, s string) map[rune]bool {
	t.Helper()
	dicts, data := streams(t, pdf)
	var cidToGID []byte
	for i, d := range dicts {
		// fpdf writes the map as a stream of 2 bytes per CID, 0..0xFFFF.
		if len(data[i]) == 2*0x10000 && !strings.Contains(d, "/Length1") {
			cidToGID = data[i]
		}
	}
	if cidToGID == nil {
		t.Fatalf("the PDF has no CIDToGIDMap")
	}
	out := map[rune]bool{}
	for _, r := range s {
		if r > 0xFFFF {
			out[r] = false
			continue
		}
		out[r] = binary.BigEndian.Uint16(cidToGID[2*int(r):]) != 0
	}
	return out
}
