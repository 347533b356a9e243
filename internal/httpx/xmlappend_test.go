package httpx

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"testing"
	"time"
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

func TestISOTimeMatchesFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	times := []time.Time{time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 10, 28, 5, 610_999_999, time.FixedZone("x", 5*3600+1800))}
	for i := 0; i < 10000; i++ {
		times = append(times, time.Unix(rng.Int64N(1<<37)-1<<36, rng.Int64N(1e9)))
	}
	for _, tm := range times {
		if got, want := ISOTime(tm), tm.UTC().Format("2006-01-02T15:04:05.000Z"); got != want {
			t.Fatalf("%v: %s, want %s", tm, got, want)
		}
	}
}
