package httpx

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// XMLAppender is a response body that renders itself. WriteXML uses it in
// place of encoding/xml for the responses that dominate a server's CPU
// (listings: a page of 1,000 entries took 37% of the server's CPU under a
// listing load when reflected by encoding/xml). AppendXML must produce what
// xml.Marshal would, with '"' written as &quot; (as WriteXML sends it); the
// types that implement it have a test comparing the two.
type XMLAppender interface {
	AppendXML(b []byte) []byte
}

var xmlBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// AppendXMLText appends s as XML character data, escaped exactly as
// encoding/xml escapes it (EscapeString) except that '"' becomes &quot;:
// & < > ' tab, newline and carriage return as references, and bytes that
// are not valid UTF-8 or not XML characters as U+FFFD.
func AppendXMLText(b []byte, s string) []byte {
	// Fast path: printable ASCII with nothing to escape.
	i := 0
	for i < len(s) {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			break
		}
		i++
	}
	b = append(b, s[:i]...)
	last := i
	for i < len(s) {
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !xmlCharOK(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			i += width
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// xmlCharOK is encoding/xml's isInCharacterRange (XML 1.0 Char).
func xmlCharOK(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// AppendXMLElem appends <name>text</name> with text escaped.
func AppendXMLElem(b []byte, name, text string) []byte {
	return appendClose(AppendXMLText(appendOpen(b, name), text), name)
}

// AppendXMLInt appends <name>n</name>.
func AppendXMLInt(b []byte, name string, n int64) []byte {
	return appendClose(strconv.AppendInt(appendOpen(b, name), n, 10), name)
}

// AppendXMLBool appends <name>true</name> or <name>false</name>.
func AppendXMLBool(b []byte, name string, v bool) []byte {
	return appendClose(strconv.AppendBool(appendOpen(b, name), v), name)
}

func appendOpen(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	return append(b, '>')
}

func appendClose(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}
