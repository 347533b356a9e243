package s3auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

var (
	testCreds = Credentials{AccessKey: "AKIATESTKEY000000001", SecretKey: "test/secret+key=000000000000000000000000"}
	t0        = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

// errCode returns the Code, Status and Message of err, or zeros for nil.
func errCode(t *testing.T, err error) (string, int, string) {
	t.Helper()
	if err == nil {
		return "", 0, ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e.Code, e.Status, e.Message
}

// signedRequest is a PUT with headers, a query and a body, signed at t0
// with SignV4 and the body's SHA-256, as a server receives it.
func signedRequest(body string) *http.Request {
	r := httptest.NewRequest("PUT", "http://bucket.s3.example.com/dir/a%20b+c%2Fd?partNumber=1&uploadId=x%2By", strings.NewReader(body))
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Amz-Meta-Note", "  two  spaces  ")
	r.Header.Add("X-Amz-Meta-Multi", "1")
	r.Header.Add("X-Amz-Meta-Multi", "2")
	SignV4(r, testCreds, "eu-west-3", t0, sha256Hex(body))
	r.RequestURI = r.URL.RequestURI() // the signer may have normalised nothing, but keep them in step
	return r
}

func TestVerifyV4Header(t *testing.T) {
	tests := []struct {
		name        string
		mutate      func(r *http.Request)
		now         time.Time
		key         string
		wantCode    string
		wantStatus  int
		wantMessage string // a substring
	}{
		{name: "valid"},
		{name: "valid 15 minutes later", now: t0.Add(MaxSkew)},
		{name: "valid 15 minutes earlier", now: t0.Add(-MaxSkew)},
		{name: "unsigned non-amz header added", mutate: func(r *http.Request) { r.Header.Set("X-Forwarded-For", "1.2.3.4") }},
		{name: "user agent changed", mutate: func(r *http.Request) { r.Header.Set("User-Agent", "other") }},
		{name: "skewed ahead", now: t0.Add(MaxSkew + time.Second), wantCode: "RequestTimeTooSkewed", wantStatus: 403},
		{name: "skewed behind", now: t0.Add(-MaxSkew - time.Second), wantCode: "RequestTimeTooSkewed", wantStatus: 403},
		{name: "wrong secret key", key: "other", wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "tampered signature", mutate: func(r *http.Request) {
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			r.Header.Set("Authorization", h[:len(h)-1]+map[bool]string{true: "1", false: "0"}[last == '0'])
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header changed", mutate: func(r *http.Request) { r.Header.Set("Content-Type", "text/html") },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header removed", mutate: func(r *http.Request) { r.Header.Del("Content-Type") },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header repeated", mutate: func(r *http.Request) { r.Header.Add("X-Amz-Meta-Note", "x") },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header inner spaces squeezed is the same", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Meta-Note", "two spaces") }},
		{name: "multi-value order changed", mutate: func(r *http.Request) { r.Header["X-Amz-Meta-Multi"] = []string{"2", "1"} },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "host changed", mutate: func(r *http.Request) { r.Host = "other.s3.example.com" },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "method changed", mutate: func(r *http.Request) { r.Method = "POST" },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "path changed", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "dir", "dir2", 1) },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "encoded slash is not a slash", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "%2F", "/", 1) },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "plus in the path is a plus, not a space", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "+c", "%20c", 1) },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "path escaped otherwise is the same", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "/dir/", "/%64ir/", 1) }},
		{name: "query parameter added", mutate: func(r *http.Request) { r.RequestURI += "&extra=1" },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "query parameter changed", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "partNumber=1", "partNumber=2", 1) },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "query reordered is the same", mutate: func(r *http.Request) {
			p, _, _ := strings.Cut(r.RequestURI, "?")
			r.RequestURI = p + "?uploadId=x%2By&partNumber=1"
		}},
		{name: "plus in the query is a space", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "x%2By", "x+y", 1) },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "unsigned x-amz header", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Acl", "public-read") },
			wantCode: "AccessDenied", wantStatus: 403, wantMessage: "not signed"},
		{name: "host not signed", mutate: func(r *http.Request) {
			resign(r, "content-type;x-amz-content-sha256;x-amz-date;x-amz-meta-multi;x-amz-meta-note")
		},
			wantCode: "AccessDenied", wantStatus: 403, wantMessage: "not signed"},
		{name: "no x-amz-content-sha256", mutate: func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") },
			wantCode: "InvalidRequest", wantStatus: 400, wantMessage: "x-amz-content-sha256"},
		{name: "invalid x-amz-content-sha256", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", "abc") },
			wantCode: "InvalidArgument", wantStatus: 400},
		{name: "no date", mutate: func(r *http.Request) { r.Header.Del("X-Amz-Date") },
			wantCode: "AccessDenied", wantStatus: 403, wantMessage: "Date"},
		{name: "bad x-amz-date", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Date", "2026-01-02T03:04:05Z") },
			wantCode: "AccessDenied", wantStatus: 403, wantMessage: "Date"},
		{name: "credential date differs", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Date", "20260103T030405Z") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "credential date"},
		{name: "service not s3", mutate: func(r *http.Request) { editAuth(r, "/s3/", "/iam/") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "incorrect service"},
		{name: "terminator", mutate: func(r *http.Request) { editAuth(r, "aws4_request", "aws5_request") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "terminal"},
		{name: "bad credential date", mutate: func(r *http.Request) { editAuth(r, "/20260102/", "/2026012/") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "date format"},
		{name: "short credential", mutate: func(r *http.Request) { editAuth(r, "/eu-west-3/s3/aws4_request", "/s3/aws4_request") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "mal-formed"},
		{name: "signature not hex", mutate: func(r *http.Request) { editAuth(r, "Signature=", "Signature=zz") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400},
		{name: "unknown component", mutate: func(r *http.Request) { editAuth(r, ", Signature", ", Foo=1, Signature") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "Foo=1"},
		{name: "component twice", mutate: func(r *http.Request) { editAuth(r, ", Signature", ", SignedHeaders=host, Signature") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "twice"},
		{name: "no components", mutate: func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 ") },
			wantCode: "AuthorizationHeaderMalformed", wantStatus: 400, wantMessage: "three components"},
		{name: "SigV4a", mutate: func(r *http.Request) { editAuth(r, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256") },
			wantCode: "InvalidRequest", wantStatus: 400, wantMessage: "AWS4-HMAC-SHA256"},
		{name: "unknown scheme", mutate: func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") },
			wantCode: "InvalidArgument", wantStatus: 400, wantMessage: "Unsupported Authorization Type"},
		{name: "two Authorization headers", mutate: func(r *http.Request) { r.Header.Add("Authorization", "AWS a:b") },
			wantCode: "InvalidArgument", wantStatus: 400},
		{name: "header and query signature", mutate: func(r *http.Request) { r.RequestURI += "&X-Amz-Signature=00" },
			wantCode: "InvalidArgument", wantStatus: 400, wantMessage: "Only one auth mechanism"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRequest("payload")
			if tt.mutate != nil {
				tt.mutate(r)
			}
			now, key := tt.now, tt.key
			if now.IsZero() {
				now = t0
			}
			if key == "" {
				key = testCreds.SecretKey
			}
			a, err := FromRequest(r)
			if err == nil {
				if a == nil {
					t.Fatal("FromRequest() = nil, nil")
				}
				err = a.Verify(r, key, now)
			}
			code, status, msg := errCode(t, err)
			if code != tt.wantCode || status != tt.wantStatus || !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("got %q %d %q (%v), want %q %d containing %q", code, status, msg, err, tt.wantCode, tt.wantStatus, tt.wantMessage)
			}
		})
	}
}

// editAuth replaces old by new in the Authorization header.
func editAuth(r *http.Request, old, new string) {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
}

// resign signs r again with the given SignedHeaders list.
func resign(r *http.Request, signed string) {
	a, err := FromRequest(r)
	if err != nil {
		panic(err)
	}
	a.SignedHeaders = splitSignedHeaders(signed)
	path, query := requestTarget(r)
	sig := a.signV4(r, path, query, testCreds.SecretKey)
	h := r.Header.Get("Authorization")
	i := strings.Index(h, "SignedHeaders=")
	r.Header.Set("Authorization", h[:i]+"SignedHeaders="+signed+", Signature="+sig)
}

// The Date header serves when x-amz-date is absent; the string to sign
// then carries it in ISO 8601 basic form.
func TestVerifyV4DateHeader(t *testing.T) {
	r := httptest.NewRequest("GET", "http://s3.example.com/bucket/key", nil)
	r.Header.Set("Date", t0.Format(http.TimeFormat))
	r.Header.Set("X-Amz-Content-Sha256", EmptySHA256)
	a := &Auth{Scheme: V4Header, Date: "20260102", Region: "r", Service: "s3", PayloadHash: EmptySHA256,
		SignedHeaders: []string{"date", "host", "x-amz-content-sha256"}, amzDate: t0.Format(iso8601Basic)}
	sig := a.signV4(r, "/bucket/key", "", "sk")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=ak/20260102/r/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256, Signature="+sig)
	b, err := FromRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(r, "sk", t0.Add(time.Minute)); err != nil {
		t.Errorf("Verify() = %v", err)
	}
}

// The details of SignatureDoesNotMatch are S3's: the canonical request
// and string to sign the server built, which a client compares with its
// own.
func TestSignatureDoesNotMatchDetails(t *testing.T) {
	r := signedRequest("x")
	a, _ := FromRequest(r)
	err := a.Verify(r, "wrong", t0)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range e.Details {
		got[d.Name] = d.Value
	}
	if !strings.HasPrefix(got["CanonicalRequest"], "PUT\n/dir/a%20b%2Bc%2Fd\npartNumber=1&uploadId=x%2By\ncontent-length:1\ncontent-type:text/plain\nhost:bucket.s3.example.com\n") {
		t.Errorf("CanonicalRequest = %q", got["CanonicalRequest"])
	}
	if !strings.HasPrefix(got["StringToSign"], "AWS4-HMAC-SHA256\n20260102T030405Z\n20260102/eu-west-3/s3/aws4_request\n") {
		t.Errorf("StringToSign = %q", got["StringToSign"])
	}
	if got["AWSAccessKeyId"] != testCreds.AccessKey || got["SignatureProvided"] != a.Signature {
		t.Errorf("details = %v", got)
	}
	if !strings.Contains(got["CanonicalRequest"], "x-amz-meta-note:two spaces\n") {
		t.Errorf("header value not trimmed and squeezed: %q", got["CanonicalRequest"])
	}
}

func presignedRequest(method, target string, expires time.Duration, headers ...string) *http.Request {
	r := httptest.NewRequest(method, "http://bucket.s3.example.com"+target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	if err := PresignV4(r, testCreds, "ap-south-2", t0, expires); err != nil {
		panic(err)
	}
	r.RequestURI = r.URL.RequestURI()
	return r
}

func TestVerifyV4Query(t *testing.T) {
	tests := []struct {
		name        string
		target      string
		expires     time.Duration
		mutate      func(r *http.Request)
		now         time.Time
		wantCode    string
		wantMessage string
	}{
		{name: "valid"},
		{name: "valid at expiry", now: t0.Add(time.Hour)},
		{name: "valid 7 days", expires: MaxPresignExpires, now: t0.Add(MaxPresignExpires)},
		{name: "valid a little early", now: t0.Add(-MaxSkew)},
		{name: "expired", now: t0.Add(time.Hour + time.Second), wantCode: "AccessDenied", wantMessage: "Request has expired"},
		{name: "not yet valid", now: t0.Add(-MaxSkew - time.Second), wantCode: "AccessDenied", wantMessage: "not valid yet"},
		{name: "tricky key and params", target: "/k%20%2B%2F%E2%82%AC?response-content-disposition=attachment%3B%20filename%3D%22a%2Bb%22&versionId=3"},
		{name: "param changed", target: "/k?versionId=3", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "versionId=3", "versionId=4", 1) },
			wantCode: "SignatureDoesNotMatch"},
		{name: "param added", mutate: func(r *http.Request) { r.RequestURI += "&acl=" }, wantCode: "SignatureDoesNotMatch"},
		{name: "expires extended", mutate: func(r *http.Request) {
			r.RequestURI = strings.Replace(r.RequestURI, "X-Amz-Expires=3600", "X-Amz-Expires=7200", 1)
		},
			wantCode: "SignatureDoesNotMatch"},
		{name: "signed header missing", mutate: func(r *http.Request) { r.Header.Del("Content-Type") }, wantCode: "SignatureDoesNotMatch"},
		{name: "unsigned x-amz header", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Acl", "public-read") },
			wantCode: "AccessDenied", wantMessage: "not signed"},
		{name: "expires over 7 days", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Expires", "604801") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "604800"},
		{name: "expires negative", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Expires", "-1") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "non-negative"},
		{name: "expires not a number", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Expires", "1h") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "number"},
		{name: "expires huge", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Expires", "99999999999999999999999") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "604800"},
		{name: "algorithm", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Algorithm", "AWS4-HMAC-SHA1") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "X-Amz-Algorithm"},
		{name: "date format", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Date", "20260102") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "ISO8601"},
		{name: "date differs from scope", mutate: func(r *http.Request) { setQuery(r, "X-Amz-Date", "20260103T000000Z") },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "Invalid credential date"},
		{name: "credential service", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "%2Fs3%2F", "%2Fsqs%2F", 1) },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "incorrect service"},
		{name: "parameter missing", mutate: func(r *http.Request) {
			r.RequestURI = strings.Replace(r.RequestURI, "X-Amz-SignedHeaders=", "X-Amz-SignedHeader=", 1)
		},
			wantCode: "AuthorizationQueryParametersError", wantMessage: "requires"},
		{name: "signature twice", mutate: func(r *http.Request) { r.RequestURI += "&X-Amz-Signature=" + strings.Repeat("0", 64) },
			wantCode: "AuthorizationQueryParametersError", wantMessage: "more than once"},
		{name: "with a V2 signature too", mutate: func(r *http.Request) { r.RequestURI += "&AWSAccessKeyId=a&Signature=b&Expires=1" },
			wantCode: "InvalidArgument", wantMessage: "Only one auth mechanism"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, expires, now := tt.target, tt.expires, tt.now
			if target == "" {
				target = "/key"
			}
			if expires == 0 {
				expires = time.Hour
			}
			if now.IsZero() {
				now = t0.Add(time.Minute)
			}
			r := presignedRequest("GET", target, expires, "Content-Type", "text/plain", "X-Amz-Meta-A", "b")
			if tt.mutate != nil {
				tt.mutate(r)
			}
			a, err := FromRequest(r)
			if err == nil {
				err = a.Verify(r, testCreds.SecretKey, now)
			}
			code, _, msg := errCode(t, err)
			if code != tt.wantCode || !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("got %q %q (%v), want %q containing %q", code, msg, err, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

// setQuery replaces the value of a parameter in r.RequestURI.
func setQuery(r *http.Request, name, value string) {
	p, q, _ := strings.Cut(r.RequestURI, "?")
	parts := strings.Split(q, "&")
	for i, kv := range parts {
		if k, _, _ := strings.Cut(kv, "="); k == name {
			parts[i] = name + "=" + value
		}
	}
	r.RequestURI = p + "?" + strings.Join(parts, "&")
}

// A pre-signed URL may sign its payload with X-Amz-Content-Sha256 in the
// query; Body then holds the body to it.
func TestPresignedPayloadHash(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://bucket.s3.example.com/key?X-Amz-Content-Sha256="+sha256Hex("data"), nil)
	if err := PresignV4(r, testCreds, "us-east-1", t0, time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ body, wantCode string }{{"data", ""}, {"dada", "XAmzContentSHA256Mismatch"}} {
		req := httptest.NewRequest("PUT", r.URL.String(), strings.NewReader(tc.body))
		a, err := FromRequest(req)
		if err != nil {
			t.Fatal(err)
		}
		if a.PayloadHash != sha256Hex("data") {
			t.Errorf("PayloadHash = %s", a.PayloadHash)
		}
		if err := a.Verify(req, testCreds.SecretKey, t0); err != nil {
			t.Fatalf("Verify() = %v", err)
		}
		body, _, err := Body(req, a, testCreds.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(body)
		if code, _, _ := errCode(t, err); code != tc.wantCode {
			t.Errorf("body %q: error %v, want %q", tc.body, err, tc.wantCode)
		}
	}
}

func TestVerifyV2(t *testing.T) {
	mk := func() *http.Request {
		r := httptest.NewRequest("PUT", "http://bucket.s3.example.com/k%20ey?uploadId=7&partNumber=2&tagging&other=1", strings.NewReader("x"))
		r.Header.Set("Content-Type", "text/plain")
		r.Header.Set("Content-Md5", "LZ/8qLfs1dbwD9TgxPoF6g==")
		r.Header.Add("X-Amz-Meta-B", "2")
		r.Header.Add("X-Amz-Meta-A", "1")
		SignV2(r, testCreds, "bucket", t0)
		return r
	}
	tests := []struct {
		name     string
		mutate   func(r *http.Request)
		bucket   string
		now      time.Time
		wantCode string
	}{
		{name: "valid", bucket: "bucket"},
		{name: "bucket not set", wantCode: "SignatureDoesNotMatch"},
		{name: "unsigned parameter added", bucket: "bucket", mutate: func(r *http.Request) { r.RequestURI += "&prefix=x" }},
		{name: "sub-resource changed", bucket: "bucket", mutate: func(r *http.Request) { r.RequestURI = strings.Replace(r.RequestURI, "uploadId=7", "uploadId=8", 1) },
			wantCode: "SignatureDoesNotMatch"},
		{name: "x-amz header added", bucket: "bucket", mutate: func(r *http.Request) { r.Header.Set("X-Amz-Acl", "private") }, wantCode: "SignatureDoesNotMatch"},
		{name: "content type changed", bucket: "bucket", mutate: func(r *http.Request) { r.Header.Set("Content-Type", "a/b") }, wantCode: "SignatureDoesNotMatch"},
		{name: "skewed", bucket: "bucket", now: t0.Add(16 * time.Minute), wantCode: "RequestTimeTooSkewed"},
		{name: "no date", bucket: "bucket", mutate: func(r *http.Request) { r.Header.Del("Date") }, wantCode: "AccessDenied"},
		{name: "malformed header", mutate: func(r *http.Request) { r.Header.Set("Authorization", "AWS justakey") }, wantCode: "InvalidArgument"},
		{name: "signature not base64", mutate: func(r *http.Request) { r.Header.Set("Authorization", "AWS ak:***") }, wantCode: "InvalidArgument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mk()
			if tt.mutate != nil {
				tt.mutate(r)
			}
			now := tt.now
			if now.IsZero() {
				now = t0
			}
			a, err := FromRequest(r)
			if err == nil {
				a.VirtualBucket = tt.bucket
				err = a.Verify(r, testCreds.SecretKey, now)
			}
			if code, _, _ := errCode(t, err); code != tt.wantCode {
				t.Errorf("got %v, want %q", err, tt.wantCode)
			}
		})
	}
}

func TestVerifyV2Query(t *testing.T) {
	r := httptest.NewRequest("GET", "http://s3.example.com/bucket/a%20b.txt?response-content-type=text%2Fplain", nil)
	PresignV2(r, testCreds, "", t0.Add(time.Hour))
	for _, tc := range []struct {
		name     string
		uri      string
		now      time.Time
		wantCode string
	}{
		{"valid", r.URL.RequestURI(), t0, ""},
		{"at expiry", r.URL.RequestURI(), t0.Add(time.Hour), ""},
		{"expired", r.URL.RequestURI(), t0.Add(time.Hour + time.Second), "AccessDenied"},
		{"plus of the signature left raw", strings.ReplaceAll(r.URL.RequestURI(), "%2B", "+"), t0, ""},
		{"override changed", strings.Replace(r.URL.RequestURI(), "text%2Fplain", "text%2Fhtml", 1), t0, "SignatureDoesNotMatch"},
		{"expires changed", strings.Replace(r.URL.RequestURI(), "Expires=", "Expires=1", 1), t0, "SignatureDoesNotMatch"},
		{"no expires", strings.Replace(r.URL.RequestURI(), "Expires=", "Expire=", 1), t0, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "http://s3.example.com"+tc.uri, nil)
			a, err := FromRequest(req)
			if err == nil {
				err = a.Verify(req, testCreds.SecretKey, tc.now)
			}
			if code, _, _ := errCode(t, err); code != tc.wantCode {
				t.Errorf("got %v, want %q", err, tc.wantCode)
			}
		})
	}
}

func TestAnonymous(t *testing.T) {
	for _, target := range []string{"/b/k", "/b/k?acl", "/b/k?X-Amz-Date=20260102T000000Z", "/b/?list-type=2&prefix=a%2Bb"} {
		r := httptest.NewRequest("GET", "http://s3.example.com"+target, nil)
		if a, err := FromRequest(r); a != nil || err != nil {
			t.Errorf("FromRequest(%s) = %+v, %v, want nil, nil", target, a, err)
		}
	}
}

func TestBodyPlainAndSHA256(t *testing.T) {
	t.Run("sha256 matches", func(t *testing.T) {
		r := signedRequest("hello world")
		a, _ := FromRequest(r)
		body, size, err := Body(r, a, testCreds.SecretKey)
		if err != nil || size != 11 {
			t.Fatalf("Body() = %d, %v", size, err)
		}
		if err := iotest.TestReader(body, []byte("hello world")); err != nil {
			t.Error(err)
		}
	})
	t.Run("sha256 mismatch at EOF", func(t *testing.T) {
		r := signedRequest("hello world")
		r.Body = io.NopCloser(strings.NewReader("hello WORLD"))
		a, _ := FromRequest(r)
		if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
			t.Fatalf("Verify() = %v: the payload is not part of the header check", err)
		}
		body, _, _ := Body(r, a, testCreds.SecretKey)
		got, err := io.ReadAll(body)
		code, status, _ := errCode(t, err)
		if code != "XAmzContentSHA256Mismatch" || status != 400 {
			t.Errorf("reading: %v, want XAmzContentSHA256Mismatch", err)
		}
		if string(got) != "hello WORLD" {
			t.Errorf("read %q before the error", got)
		}
		if _, err2 := body.Read(make([]byte, 1)); err2 != err {
			t.Errorf("next Read = %v, want the same error", err2)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		r := signedRequest("hello world")
		r.Body = io.NopCloser(io.MultiReader(strings.NewReader("hello"), iotest.ErrReader(io.ErrUnexpectedEOF)))
		a, _ := FromRequest(r)
		body, _, _ := Body(r, a, testCreds.SecretKey)
		_, err := io.ReadAll(body)
		if code, _, _ := errCode(t, err); code != "IncompleteBody" {
			t.Errorf("reading: %v, want IncompleteBody", err)
		}
	})
	t.Run("transport error passes through", func(t *testing.T) {
		r := signedRequest("hello world")
		boom := errors.New("connection reset")
		r.Body = io.NopCloser(iotest.ErrReader(boom))
		a, _ := FromRequest(r)
		body, _, _ := Body(r, a, testCreds.SecretKey)
		if _, err := io.ReadAll(body); err != boom {
			t.Errorf("reading: %v, want %v", err, boom)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		r := httptest.NewRequest("PUT", "http://s3.example.com/b/k", strings.NewReader("abc"))
		body, size, err := Body(r, nil, "")
		if err != nil || size != 3 {
			t.Fatalf("Body() = %d, %v", size, err)
		}
		if b, _ := io.ReadAll(body); string(b) != "abc" {
			t.Errorf("read %q", b)
		}
	})
	for _, tc := range []struct {
		name, hash, wantCode string
		auth                 bool
	}{
		{"invalid hash", "xyz", "InvalidArgument", false},
		{"signed streaming without a header signature", StreamingSignedPayload, "InvalidRequest", false},
		{"SigV4a streaming", streamingECDSAPayload, "InvalidRequest", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "http://s3.example.com/b/k", strings.NewReader("abc"))
			r.Header.Set("X-Amz-Content-Sha256", tc.hash)
			r.Header.Set("X-Amz-Decoded-Content-Length", "3")
			_, _, err := Body(r, nil, "")
			if code, _, _ := errCode(t, err); code != tc.wantCode {
				t.Errorf("Body() = %v, want %q", err, tc.wantCode)
			}
		})
	}
}

func TestStripAWSChunked(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "aws-chunked": "", "gzip": "gzip", "gzip,aws-chunked": "gzip", "aws-chunked, gzip": "gzip", "AWS-Chunked,br,gzip": "br,gzip",
	} {
		if got := StripAWSChunked(in); got != want {
			t.Errorf("StripAWSChunked(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/a b", "/a%20b"},
		{"/a%20b", "/a%20b"},
		{"/a+b", "/a%2Bb"},
		{"/a%2Bb", "/a%2Bb"},
		{"/a%2fb/c", "/a%2Fb/c"},
		{"/dir//x/./y/../", "/dir//x/./y/../"},
		{"/caf%c3%a9", "/caf%C3%A9"},
		{"/café", "/caf%C3%A9"},
		{"/!'()*$&,;=:@", "/%21%27%28%29%2A%24%26%2C%3B%3D%3A%40"},
		{"/~._-", "/~._-"},
		{"/bad%zzescape", "/bad%25zzescape"},
	}
	for _, tt := range tests {
		if got := string(appendCanonicalURI(nil, tt.in)); got != tt.want {
			t.Errorf("canonicalURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		in   string
		drop bool
		want string
	}{
		{"", false, ""},
		{"acl", false, "acl="},
		{"b=2&a=1&a=0", false, "a=0&a=1&b=2"},
		{"a=x+y&a=%2B&c=", false, "a=%2B&a=x%20y&c="},
		// Sorted after encoding: "a-b" < "a%2Fb"? '%' (0x25) < '-' (0x2D).
		{"k=a-b&k=a/b", false, "k=a%2Fb&k=a-b"},
		{"X-Amz-Signature=abc&x=1", true, "x=1"},
		{"X-Amz-Signature=abc&x=1", false, "X-Amz-Signature=abc&x=1"},
		{"&&a=1&&", false, "a=1"},
		{"%zz=1", false, "%25zz=1"},
		{"k=%E2%82%AC~", false, "k=%E2%82%AC~"},
	}
	for _, tt := range tests {
		if got := string(appendCanonicalQuery(nil, tt.in, tt.drop)); got != tt.want {
			t.Errorf("canonicalQuery(%q, %v) = %q, want %q", tt.in, tt.drop, got, tt.want)
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
