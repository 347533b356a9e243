package cosauth

import (
	"crypto/sha1"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testID   = "AKIDtestSecretId0000000000000000000"
	testKey  = "testSecretKey0000000000000000000"
	testHost = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"
)

var (
	testStart = time.Unix(1700000000, 0)
	testEnd   = testStart.Add(time.Hour)
)

// spec is a request before signing.
type spec struct {
	method, path string // path decoded
	query        url.Values
	header       http.Header // the signed headers
}

func baseSpec() spec {
	return spec{
		method: "PUT",
		path:   "/examplebucket-1250000000/dir/a b+(1)!.txt",
		query:  url.Values{"partNumber": {"1"}, "uploadId": {"id+/=="}, "uploads": {""}},
		header: http.Header{
			"Content-Type":    {"text/plain; charset=utf-8"},
			"Content-Md5":     {"mQ/fVh815F3k6TAUm8m0eg=="},
			"X-Cos-Meta-Note": {"héllo (wörld)! *'"},
		},
	}
}

// request builds s as a server receives it, with auth as Authorization
// (or none when empty) and extra raw query text appended.
func (s spec) request(auth, extraQuery string) *http.Request {
	u := url.URL{Path: s.path, RawQuery: s.query.Encode()}
	if extraQuery != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += extraQuery
	}
	r := httptest.NewRequest(s.method, "http://"+testHost+u.RequestURI(), nil)
	for k, vs := range s.header {
		r.Header[k] = slices.Clone(vs)
	}
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return r
}

func (s spec) sign() string {
	return Sign(s.method, s.path, s.query, s.header, testHost, testID, testKey, testStart, testEnd)
}

// errCode returns the Code and Status of err, or "" and 0 for nil.
func errCode(t *testing.T, err error) (string, int) {
	t.Helper()
	if err == nil {
		return "", 0
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e.Code, e.Status
}

func TestVerifyHeader(t *testing.T) {
	tests := []struct {
		name       string
		mutate     func(r *http.Request)
		now        time.Time
		key        string
		wantCode   string
		wantStatus int
	}{
		{name: "valid"},
		{name: "valid at start", now: testStart},
		{name: "valid at end", now: testEnd},
		{name: "unsigned param added", mutate: func(r *http.Request) { r.URL.RawQuery += "&extra=1" }},
		{name: "unsigned header added", mutate: func(r *http.Request) { r.Header.Set("X-Cos-Meta-Other", "1") }},
		{name: "header name case", mutate: func(r *http.Request) {
			r.Header["x-cos-meta-note"] = r.Header["X-Cos-Meta-Note"]
			delete(r.Header, "X-Cos-Meta-Note")
		}},
		{name: "tampered signature", mutate: func(r *http.Request) {
			h := r.Header.Get("Authorization")
			i := strings.LastIndexByte(h, '=') + 1
			d := byte('0')
			if h[i] == '0' {
				d = '1'
			}
			r.Header.Set("Authorization", h[:i]+string(d)+h[i+1:])
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "wrong secret key", key: "otherKey", wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header changed", mutate: func(r *http.Request) {
			r.Header.Set("Content-Type", "text/html")
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header removed", mutate: func(r *http.Request) {
			r.Header.Del("X-Cos-Meta-Note")
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed header repeated", mutate: func(r *http.Request) {
			r.Header.Add("Content-Md5", "AAAAAAAAAAAAAAAAAAAAAA==")
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "host changed", mutate: func(r *http.Request) {
			r.Host = "otherbucket-1250000000.cos.ap-guangzhou.myqcloud.com"
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed param changed", mutate: func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "partNumber=1", "partNumber=2", 1)
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed param removed", mutate: func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "partNumber=1", "", 1)
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "signed param repeated", mutate: func(r *http.Request) {
			r.URL.RawQuery += "&partNumber=1"
		}, wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "method changed", mutate: func(r *http.Request) { r.Method = "POST" },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "path changed", mutate: func(r *http.Request) { r.URL.Path += "x" },
			wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "expired", now: testEnd.Add(time.Second), wantCode: "AccessDenied", wantStatus: 403},
		{name: "not yet valid", now: testStart.Add(-time.Second), wantCode: "RequestTimeTooSkewed", wantStatus: 403},
	}
	s := baseSpec()
	auth := s.sign()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.request(auth, "")
			if tt.mutate != nil {
				tt.mutate(r)
			}
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			now, key := tt.now, tt.key
			if now.IsZero() {
				now = testStart.Add(time.Minute)
			}
			if key == "" {
				key = testKey
			}
			err = a.Verify(r, key, now)
			if code, status := errCode(t, err); code != tt.wantCode || status != tt.wantStatus {
				t.Errorf("Verify() = %v, want code %q status %d", err, tt.wantCode, tt.wantStatus)
			}
		})
	}
}

func TestErrorsIs(t *testing.T) {
	err := error(malformed("x"))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("errors.Is(malformed(), ErrMalformed) = false, want true")
	}
	if errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Errorf("errors.Is(malformed(), ErrSignatureDoesNotMatch) = true, want false")
	}
}

// A window narrower in q-key-time than in q-sign-time is enforced too.
func TestVerifyKeyTimeWindow(t *testing.T) {
	s := baseSpec()
	h := strings.Replace(s.sign(), "q-key-time=1700000000;1700003600", "q-key-time=1700000000;1700000060", 1)
	r := s.request(h, "")
	a, err := FromRequest(r)
	if err != nil {
		t.Fatalf("FromRequest() error = %v", err)
	}
	err = a.Verify(r, testKey, testStart.Add(2*time.Minute))
	if code, _ := errCode(t, err); code != "AccessDenied" {
		t.Errorf("Verify() = %v, want AccessDenied", err)
	}
}

func TestFromRequestMalformed(t *testing.T) {
	good := map[string]string{
		"q-sign-algorithm": "sha1",
		"q-ak":             testID,
		"q-sign-time":      "1700000000;1700003600",
		"q-key-time":       "1700000000;1700003600",
		"q-header-list":    "host",
		"q-url-param-list": "",
		"q-signature":      "0123456789abcdef0123456789abcdef01234567",
	}
	order := []string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}
	build := func(change map[string]string) string {
		var parts []string
		for _, k := range order {
			v, ok := change[k]
			if !ok {
				v = good[k]
			}
			if v == "<omit>" {
				continue
			}
			parts = append(parts, k+"="+v)
		}
		return strings.Join(parts, "&")
	}
	tests := []struct {
		name string
		auth string
	}{
		{"unknown algorithm", build(map[string]string{"q-sign-algorithm": "sha256"})},
		{"missing algorithm", build(map[string]string{"q-sign-algorithm": "<omit>"})},
		{"missing q-ak", build(map[string]string{"q-ak": "<omit>"})},
		{"empty q-ak", build(map[string]string{"q-ak": ""})},
		{"missing q-sign-time", build(map[string]string{"q-sign-time": "<omit>"})},
		{"missing q-key-time", build(map[string]string{"q-key-time": "<omit>"})},
		{"missing q-signature", build(map[string]string{"q-signature": "<omit>"})},
		{"time not a number", build(map[string]string{"q-sign-time": "abc;def"})},
		{"time without end", build(map[string]string{"q-sign-time": "1700000000"})},
		{"time with empty end", build(map[string]string{"q-sign-time": "1700000000;"})},
		{"negative time", build(map[string]string{"q-sign-time": "-1;1700000000"})},
		{"end before start", build(map[string]string{"q-sign-time": "1700003600;1700000000"})},
		{"time too large", build(map[string]string{"q-key-time": "1;99999999999999999999"})},
		{"three times", build(map[string]string{"q-key-time": "1;2;3"})},
		{"short signature", build(map[string]string{"q-signature": "0123456789abcdef"})},
		{"signature not hex", build(map[string]string{"q-signature": "0123456789abcdef0123456789abcdef0123456z"})},
		{"field twice", build(nil) + "&q-ak=other"},
		{"other scheme", "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"},
		{"bearer", "Bearer abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://"+testHost+"/k", nil)
			r.Header.Set("Authorization", tt.auth)
			a, err := FromRequest(r)
			if code, status := errCode(t, err); code != "InvalidArgument" || status != 400 {
				t.Errorf("FromRequest(%q) = %+v, %v; want InvalidArgument 400", tt.auth, a, err)
			}
		})
	}

	t.Run("two Authorization headers", func(t *testing.T) {
		r := httptest.NewRequest("GET", "http://"+testHost+"/k", nil)
		r.Header.Add("Authorization", build(nil))
		r.Header.Add("Authorization", build(nil))
		if _, err := FromRequest(r); !errors.Is(err, ErrMalformed) {
			t.Errorf("FromRequest() error = %v, want ErrMalformed", err)
		}
	})
	t.Run("query without q-signature", func(t *testing.T) {
		r := httptest.NewRequest("GET", "http://"+testHost+"/k?q-ak=x&q-sign-algorithm=sha1", nil)
		if _, err := FromRequest(r); !errors.Is(err, ErrMalformed) {
			t.Errorf("FromRequest() error = %v, want ErrMalformed", err)
		}
	})
}

func TestFromRequestTolerant(t *testing.T) {
	const sig = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name string
		auth string
		want Auth
	}{
		{
			name: "spaces",
			auth: "  q-sign-algorithm = sha1 & q-ak=AK &q-sign-time=1;2& q-key-time = 1;2 &q-header-list= Host ; Date ;&q-url-param-list=&q-signature=" + sig + " ",
			want: Auth{Algorithm: "sha1", AccessKey: "AK", SignStart: 1, SignEnd: 2, KeyTime: "1;2", SignTime: "1;2",
				HeaderList: []string{"host", "date"}, Signature: sig},
		},
		{
			name: "upper-case algorithm, encoded semicolon, lists left out",
			auth: "q-sign-algorithm=SHA1&q-ak=AK&q-sign-time=1%3B2&q-key-time=1%3b2&q-signature=" + sig,
			want: Auth{Algorithm: "sha1", AccessKey: "AK", SignStart: 1, SignEnd: 2, KeyTime: "1;2", SignTime: "1;2", Signature: sig},
		},
		{
			name: "unknown fields ignored",
			auth: "q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-foo=bar&junk&q-signature=" + sig,
			want: Auth{Algorithm: "sha1", AccessKey: "AK", SignStart: 1, SignEnd: 2, KeyTime: "1;2", SignTime: "1;2", Signature: sig},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://"+testHost+"/k", nil)
			r.Header.Set("Authorization", tt.auth)
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			if !authEqual(*a, tt.want) {
				t.Errorf("FromRequest() = %+v, want %+v", *a, tt.want)
			}
		})
	}
}

func authEqual(a, b Auth) bool {
	return a.Algorithm == b.Algorithm && a.AccessKey == b.AccessKey && a.SignStart == b.SignStart &&
		a.SignEnd == b.SignEnd && a.KeyTime == b.KeyTime && a.SignTime == b.SignTime &&
		slices.Equal(a.HeaderList, b.HeaderList) && slices.Equal(a.ParamList, b.ParamList) &&
		a.Signature == b.Signature && a.InQuery == b.InQuery && a.SecurityToken == b.SecurityToken
}

func TestFromRequestAnonymous(t *testing.T) {
	for _, target := range []string{"/k", "/k?acl", "/k?sign=abc&x=1", "/k?q-other=1"} {
		r := httptest.NewRequest("GET", "http://"+testHost+target, nil)
		if a, err := FromRequest(r); a != nil || err != nil {
			t.Errorf("FromRequest(%s) = %+v, %v; want nil, nil", target, a, err)
		}
	}
	r := httptest.NewRequest("GET", "http://"+testHost+"/k", nil)
	r.Header.Set("Authorization", "  ")
	if a, err := FromRequest(r); a != nil || err != nil {
		t.Errorf("FromRequest(blank Authorization) = %+v, %v; want nil, nil", a, err)
	}
}

func TestSecurityToken(t *testing.T) {
	s := baseSpec()
	s.header.Set(tokenName, "tok en+/=")
	r := s.request(s.sign(), "")
	a, err := FromRequest(r)
	if err != nil {
		t.Fatalf("FromRequest() error = %v", err)
	}
	if a.SecurityToken != "tok en+/=" {
		t.Errorf("SecurityToken = %q, want %q", a.SecurityToken, "tok en+/=")
	}
	if err := a.Verify(r, testKey, testStart); err != nil {
		t.Errorf("Verify() = %v, want nil", err)
	}
}

func TestVerifyPresigned(t *testing.T) {
	get := spec{
		method: "GET",
		path:   "/dir/中文 (1)!.txt",
		query: url.Values{
			"response-content-disposition": {`attachment; filename="a b.txt"`},
			"response-content-type":        {"application/octet-stream"},
			"empty":                        {""},
		},
		header: http.Header{},
	}
	presign := func(s spec, token string) string {
		return Presign(s.method, s.path, s.query, s.header, testHost, testID, testKey, token, testStart, testEnd).Encode()
	}
	tests := []struct {
		name      string
		spec      spec
		extra     func(spec) string // the signature's query text
		mutate    func(r *http.Request)
		now       time.Time
		wantCode  string
		wantToken string
	}{
		{name: "valid", spec: get, extra: func(s spec) string { return presign(s, "") }},
		{name: "token not signed", spec: get, extra: func(s spec) string { return presign(s, "tok+en") }, wantToken: "tok+en"},
		{name: "token signed", spec: get, extra: func(s spec) string {
			s.query = url.Values{tokenName: {"tok+en"}}
			for k, v := range get.query {
				s.query[k] = v
			}
			q := Presign(s.method, s.path, s.query, s.header, testHost, testID, testKey, "", testStart, testEnd)
			return q.Encode() + "&" + url.Values{tokenName: {"tok+en"}}.Encode()
		}, wantToken: "tok+en"},
		{name: "raw semicolons", spec: get, extra: func(s spec) string {
			return strings.ReplaceAll(presign(s, ""), "%3B", ";")
		}},
		{name: "unsigned param added", spec: get, extra: func(s spec) string { return presign(s, "") + "&x-cos-traffic-limit=8192" }},
		{name: "listed empty param absent", spec: get, extra: func(s spec) string { return presign(s, "") },
			mutate: func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "empty=&", "", 1) }},
		{name: "listed empty param without '='", spec: get, extra: func(s spec) string { return presign(s, "") },
			mutate: func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "empty=&", "empty&", 1) }},
		{name: "listed param changed", spec: get, extra: func(s spec) string { return presign(s, "") },
			mutate: func(r *http.Request) {
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "application%2Foctet-stream", "text%2Fhtml", 1)
			}, wantCode: "SignatureDoesNotMatch"},
		{name: "listed param given a value", spec: get, extra: func(s spec) string { return presign(s, "") },
			mutate:   func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "empty=&", "empty=1&", 1) },
			wantCode: "SignatureDoesNotMatch"},
		{name: "path changed", spec: get, extra: func(s spec) string { return presign(s, "") },
			mutate: func(r *http.Request) { r.URL.Path = "/dir/other.txt" }, wantCode: "SignatureDoesNotMatch"},
		{name: "expired", spec: get, extra: func(s spec) string { return presign(s, "") },
			now: testEnd.Add(time.Second), wantCode: "AccessDenied"},
		{name: "not yet valid", spec: get, extra: func(s spec) string { return presign(s, "") },
			now: testStart.Add(-time.Second), wantCode: "RequestTimeTooSkewed"},
		{name: "merged sign parameter", spec: get, extra: func(s spec) string {
			h := Sign(s.method, s.path, s.query, s.header, testHost, testID, testKey, testStart, testEnd)
			return "sign=" + url.QueryEscape(h)
		}},
		{name: "put pinned to content-type", spec: spec{method: "PUT", path: "/up load.bin",
			header: http.Header{"Content-Type": {"image/png"}}},
			extra: func(s spec) string { return presign(s, "") }},
		{name: "put with other content-type", spec: spec{method: "PUT", path: "/up load.bin",
			header: http.Header{"Content-Type": {"image/png"}}},
			extra:  func(s spec) string { return presign(s, "") },
			mutate: func(r *http.Request) { r.Header.Set("Content-Type", "text/html") }, wantCode: "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.spec.request("", tt.extra(tt.spec))
			if tt.mutate != nil {
				tt.mutate(r)
			}
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			if a == nil || !a.InQuery {
				t.Fatalf("FromRequest() = %+v, want a query signature", a)
			}
			if a.SecurityToken != tt.wantToken {
				t.Errorf("SecurityToken = %q, want %q", a.SecurityToken, tt.wantToken)
			}
			now := tt.now
			if now.IsZero() {
				now = testStart.Add(time.Minute)
			}
			err = a.Verify(r, testKey, now)
			if code, _ := errCode(t, err); code != tt.wantCode {
				t.Errorf("Verify() = %v, want code %q", err, tt.wantCode)
			}
		})
	}
}

// signVariant signs s the way some other clients do: values encoded
// loosely (!*'() kept), pairs ordered by raw key, or StringToSign built
// with q-sign-time when it differs from q-key-time.
func signVariant(s spec, loose, rawOrder bool, signTime string) string {
	keyTime := strconv.FormatInt(testStart.Unix(), 10) + ";" + strconv.FormatInt(testEnd.Unix(), 10)
	params, headers := entriesOf(s.query, false), entriesOf(s.header, true)
	headers = append(headers, entry{key: "host", raw: "host", vals: []string{testHost}})
	for _, es := range [][]entry{params, headers} {
		slices.SortFunc(es, func(x, y entry) int { return strings.Compare(x.key, y.key) })
	}
	pl, hl := joinKeys(params), joinKeys(headers)
	if loose {
		for i := range params {
			params[i].key = asciiLower(string(appendEncoded(nil, params[i].raw, true)))
		}
		pl = joinKeys(params)
	}
	if rawOrder {
		for _, es := range [][]entry{params, headers} {
			slices.SortFunc(es, func(x, y entry) int { return strings.Compare(x.raw, y.raw) })
		}
	}
	hs := appendHTTPString(nil, s.method, s.path, params, headers, loose)
	sts := keyTime
	if signTime != "" {
		sts = signTime
	}
	sig := HMACHex(SignKey(testKey, keyTime), string(appendStringToSign(nil, sts, sha1.Sum(hs))))
	if signTime == "" {
		signTime = keyTime
	}
	return "q-sign-algorithm=sha1&q-ak=" + testID + "&q-sign-time=" + signTime + "&q-key-time=" + keyTime +
		"&q-header-list=" + hl + "&q-url-param-list=" + pl + "&q-signature=" + sig
}

func TestVerifyClientVariants(t *testing.T) {
	s := baseSpec()
	s.query.Set("a.b", "x(y)")
	s.query.Set("a/b", "it's")
	s.query.Set("k(1)", "*")
	narrow := "1700000000;1700000600"
	tests := []struct {
		name           string
		loose, byRaw   bool
		signTime       string
		wantStrictSame bool // the variant signs the same as the SDK
	}{
		{name: "sdk", wantStrictSame: true},
		{name: "loose encoding", loose: true},
		{name: "raw key order", byRaw: true},
		{name: "loose and raw order", loose: true, byRaw: true},
		{name: "sign time in string to sign", signTime: narrow},
		{name: "everything", loose: true, byRaw: true, signTime: narrow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := signVariant(s, tt.loose, tt.byRaw, tt.signTime)
			if same := h == s.sign(); same != tt.wantStrictSame {
				t.Fatalf("variant equals Sign() = %v, want %v: the test does not exercise the variant", same, tt.wantStrictSame)
			}
			r := s.request(h, "")
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			if err := a.Verify(r, testKey, testStart.Add(time.Minute)); err != nil {
				t.Errorf("Verify() = %v, want nil", err)
			}
			r.Header.Set("X-Cos-Meta-Note", "changed")
			if err := a.Verify(r, testKey, testStart.Add(time.Minute)); !errors.Is(err, ErrSignatureDoesNotMatch) {
				t.Errorf("Verify(changed header) = %v, want SignatureDoesNotMatch", err)
			}
		})
	}
}

// Headers that Go's server takes out of r.Header are rebuilt from r.Host,
// r.TransferEncoding and r.ContentLength.
func TestVerifyThroughServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a, err := FromRequest(r)
		if err == nil && a == nil {
			err = malformed("no signature")
		}
		if err == nil {
			err = a.Verify(r, testKey, time.Now())
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	tests := []struct {
		name   string
		header http.Header // signed
		body   string
		length int64 // -1 sends the body chunked
	}{
		{name: "content-length", header: http.Header{"Content-Length": {"5"}}, body: "hello", length: 5},
		{name: "transfer-encoding", header: http.Header{"Transfer-Encoding": {"chunked"}}, body: "hello", length: -1},
		{name: "empty put", header: http.Header{"Content-Length": {"0"}}, length: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Now()
			auth := Sign("PUT", "/b-1/o", nil, tt.header, host, testID, testKey, now.Add(-time.Minute), now.Add(time.Hour))
			var body io.Reader = http.NoBody
			if tt.body != "" {
				body = io.MultiReader(strings.NewReader(tt.body)) // hides the length from NewRequest
			}
			req, err := http.NewRequest("PUT", srv.URL+"/b-1/o", body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = tt.length
			req.Header.Set("Authorization", auth)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d (%s), want 200", resp.StatusCode, msg)
			}
		})
	}

	t.Run("content-length from ContentLength", func(t *testing.T) {
		r := httptest.NewRequest("PUT", "http://"+testHost+"/o", strings.NewReader("hello"))
		h := http.Header{"Content-Length": {"5"}}
		r.Header.Set("Authorization", Sign("PUT", "/o", nil, h, testHost, testID, testKey, testStart, testEnd))
		a, err := FromRequest(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Verify(r, testKey, testStart); err != nil {
			t.Errorf("Verify() = %v, want nil", err)
		}
	})
}

func TestSignDuplicateKeys(t *testing.T) {
	q := url.Values{"a": {"2", "1"}, "A": {"3"}, "b": {""}}
	h := http.Header{"X-Cos-Meta-A": {" spaced\t"}}
	got := Sign("GET", "/", q, h, "", testID, testKey, testStart, testEnd)
	for _, want := range []string{"&q-url-param-list=a;a;a;b&", "&q-header-list=x-cos-meta-a&"} {
		if !strings.Contains(got, want) {
			t.Errorf("Sign() = %s, want it to contain %s", got, want)
		}
	}
	r := httptest.NewRequest("GET", "http://"+testHost+"/?a=1&A=3&a=2&b", nil)
	r.Host = ""
	r.Header.Set("X-Cos-Meta-A", "spaced")
	r.Header.Set("Authorization", got)
	a, err := FromRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testKey, testStart); err != nil {
		t.Errorf("Verify() = %v, want nil", err)
	}
}

// Long lists take the indexed paths of collectParams and makeEntries.
func TestVerifyManyParams(t *testing.T) {
	s := spec{method: "GET", path: "/o", query: url.Values{}, header: http.Header{}}
	for i := range 60 {
		s.query.Set("p"+strconv.Itoa(i), "v "+strconv.Itoa(i))
	}
	s.query["Mixed"] = []string{"b", "a"}
	s.query["mixed"] = []string{"c"}
	auth := s.sign()
	for _, tt := range []struct {
		name, find, repl string
		wantCode         string
	}{
		{name: "valid"},
		{name: "changed", find: "p42=v+42", repl: "p42=v+43", wantCode: "SignatureDoesNotMatch"},
		{name: "case-merged value changed", find: "mixed=c", repl: "mixed=d", wantCode: "SignatureDoesNotMatch"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := s.request(auth, "")
			if tt.find != "" {
				if !strings.Contains(r.URL.RawQuery, tt.find) {
					t.Fatalf("query %s lacks %s", r.URL.RawQuery, tt.find)
				}
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, tt.find, tt.repl, 1)
			}
			a, err := FromRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			if code, _ := errCode(t, a.Verify(r, testKey, testStart)); code != tt.wantCode {
				t.Errorf("Verify() code = %q, want %q", code, tt.wantCode)
			}
		})
	}
}
