package dialect

import (
	"errors"
	"net/http"
	"testing"

	"github.com/arcastore/arca/internal/core"
)

func TestURLEncode(t *testing.T) {
	for in, want := range map[string]string{
		"a/b c+d":        "a/b%20c%2Bd",
		"照片/2020年/x.jpg": "%E7%85%A7%E7%89%87/2020%E5%B9%B4/x.jpg",
		"~-_.":           "~-_.",
		"\t\n":           "%09%0A",
		"100%":           "100%25",
	} {
		if got := URLEncode(in); got != want {
			t.Errorf("URLEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentMD5(t *testing.T) {
	if err := CheckContentMD5("XUFAKrxLKna5cZ2REBfFkg==", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := CheckContentMD5("1B2M2Y8AsgTpgAmY7PhCfg==", []byte("hello")); !errors.Is(err, core.ErrBadDigest) {
		t.Fatalf("mismatch: %v", err)
	}
	for _, bad := range []string{"xyz", "AAAA"} {
		if _, err := ParseContentMD5(bad); !errors.Is(err, ErrInvalidDigest) {
			t.Errorf("ParseContentMD5(%q) = %v", bad, err)
		}
	}
}

func TestUnmarshalXML(t *testing.T) {
	var v struct {
		A string `xml:"A"`
	}
	for body, ok := range map[string]bool{
		"<x><A>1</A></x>":               true,
		"<x><A>1</A></x>\n<!-- c -->  ": true,
		"<x><A>1</A></x></x>":           false,
		"<x><A>1</A></x><y/>":           false,
		"<x><A>1</A>":                   false,
		"":                              false,
	} {
		if err := UnmarshalXML([]byte(body), &v); (err == nil) != ok {
			t.Errorf("UnmarshalXML(%q) = %v, want ok %v", body, err, ok)
		}
	}
}

func TestMetaRoundTrip(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "text/plain")
	h.Set("X-Oss-Meta-Color", "blue")
	h.Set("x-oss-meta-Size", "big")
	m, size := Meta(h, "x-oss-meta-")
	if m.ContentType != "text/plain" || m.User["color"] != "blue" || m.User["size"] != "big" {
		t.Fatalf("Meta = %+v", m)
	}
	if size != len("x-oss-meta-color")+4+len("x-oss-meta-size")+3 {
		t.Fatalf("size = %d", size)
	}
	out := http.Header{}
	SetMetaHeaders(out, m, "x-oss-meta-", "application/octet-stream")
	if out.Get("x-oss-meta-color") != "blue" || out.Get("Content-Type") != "text/plain" {
		t.Fatalf("headers = %v", out)
	}
}

func TestRedirectURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://my.website/ok.html", `https://my.website/ok.html?bucket=b&key=a%2Fb+c&etag=%22e%22`},
		{"https://w/ok?x=1", `https://w/ok?x=1&bucket=b&key=a%2Fb+c&etag=%22e%22`},
		{"https://w/ok?#frag", `https://w/ok?bucket=b&key=a%2Fb+c&etag=%22e%22#frag`},
	} {
		if got := RedirectURL(tt.in, "b", "a/b c", `"e"`); got != tt.want {
			t.Errorf("RedirectURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
