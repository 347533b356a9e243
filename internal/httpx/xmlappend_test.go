package httpx

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// escapeStd is what WriteXML sends for s through encoding/xml.
func escapeStd(t testing.TB, s string) string {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	if err := enc.EncodeElement(s, xml.StartElement{Name: xml.Name{Local: "a"}}); err != nil {
		t.Fatal(err)
	}
	enc.Flush()
	out := bytes.ReplaceAll(buf.Bytes(), []byte("&#34;"), []byte("&quot;"))
	return string(out)
}

func TestAppendXMLElemMatchesEncodingXML(t *testing.T) {
	for _, s := range []string{
		"", "plain/key.txt", `a"b'c&d<e>f`, "tab\tnl\ncr\r", "\x00\x01\x1f", "ü日本語🙂",
		"bad\xffutf8\xc3", "\uFFFD", "\uFFFE", "\U0010FFFF", "\ud7ff\ue000", "x%2Fy+z",
	} {
		if got, want := string(AppendXMLElem(nil, "a", s)), escapeStd(t, s); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendXMLText(f *testing.F) {
	f.Add("a&b")
	f.Add("\xff\xfe<>\"'")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendXMLElem(nil, "a", s)), escapeStd(t, s); got != want {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}
