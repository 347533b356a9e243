package s3

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/iam"
)

// The parsers of request fields, fuzzed for panics and for the properties
// their callers rely on. `go test` runs the seeds; `go test -fuzz=FuzzX`
// explores.

func FuzzParseCopySource(f *testing.F) {
	for _, s := range []string{"b/k", "/b/k", "b/dir/k%20x?versionId=abc", "b", "/", "b/?versionId=", "b/k?versionId=%zz", "%2Fb%2Fk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		b, k, ver, err := parseCopySource(v)
		if err != nil {
			return
		}
		if b == "" || k == "" || strings.Contains(b, "/") {
			t.Fatalf("parseCopySource(%q) = %q %q %q", v, b, k, ver)
		}
		// What a client encodes comes back.
		enc := url.PathEscape(b) + "/" + strings.ReplaceAll(url.PathEscape(k), "%2F", "/")
		if b2, k2, _, err := parseCopySource(enc); err != nil || b2 != b || k2 != k {
			t.Fatalf("round trip of %q %q via %q = %q %q %v", b, k, enc, b2, k2, err)
		}
	})
}

func FuzzParseCopyRange(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=5-", "bytes=-5", "bytes=9-0", "bytes=0-18446744073709551615", "0-1"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, v string, size int64) {
		r, ok := parseCopyRange(v, size)
		if ok && (r.Start < 0 || r.Length <= 0 || r.Start+r.Length > size) {
			t.Fatalf("parseCopyRange(%q, %d) = %+v", v, size, r)
		}
	})
}

func FuzzParseTagHeader(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a=1&a=2", "%zz", "k=" + strings.Repeat("v", 300), "=v", "a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m, err := parseTagHeader(v)
		if err == nil && len(m) > maxObjectTags {
			t.Fatalf("parseTagHeader(%q) = %d tags", v, len(m))
		}
	})
}

func FuzzACLBody(f *testing.F) {
	f.Add(`<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>u</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	f.Add(`<AccessControlPolicy><AccessControlList><Grant><Grantee xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>WRITE</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	f.Add(`<AccessControlPolicy/>`)
	f.Add(`<x`)
	h := New(Config{Keys: iam.Static{{ID: "o", AccessKey: "a", SecretKey: "s"}, {ID: "u", AccessKey: "b", SecretKey: "s", Email: "u@x"}}})
	f.Fuzz(func(t *testing.T, body string) {
		acl, err := h.aclFromBody([]byte(body), "o")
		if err != nil {
			return
		}
		for _, g := range acl.Grants {
			if (g.ID == "") == (g.Group == "") || !validPerm[g.Permission] {
				t.Fatalf("aclFromBody(%q) grant %+v", body, g)
			}
		}
	})
}

func FuzzChecksumRequest(f *testing.F) {
	f.Add("x-amz-checksum-crc32", "AAAAAA==", "", "")
	f.Add("x-amz-checksum-sha256", "x", "x-amz-checksum-crc32", "CRC32")
	f.Add("", "", "x-amz-checksum-crc64nvme, x-amz-checksum-crc32", "")
	f.Fuzz(func(t *testing.T, name, value, trailer, sdk string) {
		h := http.Header{}
		if name != "" {
			h.Set(name, value)
		}
		if trailer != "" {
			h.Set("x-amz-trailer", trailer)
		}
		if sdk != "" {
			h.Set("x-amz-sdk-checksum-algorithm", sdk)
		}
		spec, err := checksumRequest(h)
		if err == nil && spec != nil && (spec.alg == nil || (spec.value != nil && len(spec.value) != spec.alg.size)) {
			t.Fatalf("checksumRequest(%v) = %+v", h, spec)
		}
	})
}
