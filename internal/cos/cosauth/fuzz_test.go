package cosauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to the Authorization parser and, as a raw
// query, to the query parser, then verifies whatever parses against a
// request built from the same text. Nothing may panic, and a parsed Auth
// must satisfy what Verify relies on.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./internal/cos/cosauth
func FuzzParse(f *testing.F) {
	for _, v := range docVectors {
		f.Add(v.authorization)
	}
	s := baseSpec()
	f.Add(s.sign())
	f.Add(Presign(s.method, s.path, s.query, s.header, testHost, testID, testKey, "tok", testStart, testEnd).Encode())
	f.Add("sign=" + strings.ReplaceAll(docVectors[1].authorization, "&", "%26"))
	f.Add("q-sign-algorithm=sha1&q-ak=a&q-sign-time=1;2&q-key-time=1%3B2&q-header-list=%ZZ;host&q-url-param-list=a%2&q-signature=0123456789abcdef0123456789abcdef01234567")
	f.Add(" & = &&q-ak==&q-ak")

	f.Fuzz(func(t *testing.T, in string) {
		check := func(how string, a *Auth, err error) {
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%s(%q) error %v is a %T, want *Error", how, in, err, err)
				}
				return
			}
			if a == nil {
				return
			}
			if a.Algorithm != "sha1" || a.AccessKey == "" || a.SignStart > a.SignEnd || len(a.Signature) != 40 {
				t.Fatalf("%s(%q) = %+v: invariant broken", how, in, a)
			}
			r := httptest.NewRequest("GET", "http://h/p", nil)
			r.URL.RawQuery = in
			r.Header.Set("X-Any", in)
			err = a.Verify(r, "key", time.Unix(a.SignStart, 0))
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("Verify after %s(%q) error %v is a %T, want *Error", how, in, err, err)
				}
			}
		}
		a, err := parseHeader(in)
		check("parseHeader", a, err)
		a, err = parseQuery(in)
		check("parseQuery", a, err)

		r := &http.Request{Method: "GET", Header: http.Header{"Authorization": {in}}, URL: &url.URL{Path: "/", RawQuery: in}}
		a, err = FromRequest(r)
		check("FromRequest", a, err)
	})
}
