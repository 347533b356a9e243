package ossauth

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to FromRequest as the Authorization
// header and, separately, as a raw query, then verifies whatever parses
// against a request built from the same text. Nothing may panic, every
// error must be an *Error, and a parsed Auth must satisfy what Verify
// relies on.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./internal/oss/ossauth
func FuzzParse(f *testing.F) {
	for _, v := range append(append([]vector{}, v1Vectors...), v4Vectors...) {
		f.Add(v.authorization)
		if u, err := url.Parse(v.target); err == nil {
			f.Add(u.RawQuery)
		}
	}
	r := baseRequest()
	SignV4(r, testBucket, testKey, Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "t"},
		V4Options{Region: testRegion, AdditionalHeaders: []string{"host"}}, testTime)
	f.Add(r.Header.Get("Authorization"))
	f.Add("OSS4-HMAC-SHA256 Credential=a/b/c/d/aliyun_v4_request, AdditionalHeaders=;;, Signature=")
	f.Add("OSS a:b:c")
	f.Add("x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=%ZZ&x-oss-date=20240315T000000Z&x-oss-expires=604800&x-oss-signature=00")
	f.Add("OSSAccessKeyId=a&Expires=999999999999999999&Signature=+&security-token=%")
	f.Add(" & = &&Signature==&OSSAccessKeyId")

	f.Fuzz(func(t *testing.T, in string) {
		check := func(how string, a *Auth, err error, r *http.Request) {
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%s(%q) error %v is a %T, want *Error", how, in, err, err)
				}
				return
			}
			if a == nil {
				return
			}
			if a.AccessKey == "" || a.Signature == "" || (a.Version != V1 && a.Version != V4) ||
				(a.Version == V4 && (a.Scope.Date == "" || a.Scope.Region == "" || len(a.Date) < 8)) ||
				(a.InQuery && a.Expires.IsZero()) {
				t.Fatalf("%s(%q) = %+v: invariant broken", how, in, a)
			}
			for _, now := range []time.Time{a.Time, testTime} {
				if err := a.Verify(r, "key", now); err != nil {
					if _, ok := err.(*Error); !ok {
						t.Fatalf("Verify after %s(%q) error %v is a %T, want *Error", how, in, err, err)
					}
				}
			}
		}
		hr := &http.Request{Method: "GET", Host: testHost, URL: &url.URL{Path: "/k", RawQuery: in}, Header: http.Header{
			"Authorization": {in},
			"Date":          {testTime.Format(http.TimeFormat)},
			"X-Oss-Date":    {testTime.Format(TimeFormatV4)},
			"X-Oss-Any":     {in},
		}}
		a, err := FromRequest(hr, testBucket, in)
		check("FromRequest(header)", a, err, hr)

		qr := &http.Request{Method: "PUT", Host: testHost, URL: &url.URL{Path: "/k", RawQuery: in}, Header: http.Header{}}
		a, err = FromRequest(qr, in, "k")
		check("FromRequest(query)", a, err, qr)

		p, err := ParsePost(func(name string) (string, bool) { return in, true })
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("ParsePost(%q) error %v is a %T", in, err, err)
			}
		} else if p != nil {
			_ = p.Verify("key", testTime)
		}
	})
}
