package ossauth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testAK     = "LTAI5tTestAccessKeyId"
	testSK     = "testAccessKeySecret0000000000000"
	testHost   = "examplebucket.oss-cn-hangzhou.aliyuncs.com"
	testBucket = "examplebucket"
	testKey    = "dir/a b+(1)!%.txt"
	testRegion = "cn-hangzhou"
)

var testTime = time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)

var testCred = Credentials{AccessKey: testAK, SecretKey: testSK}

// baseRequest is an unsigned multipart-part upload with signed and
// unsigned headers and parameters.
func baseRequest() *http.Request {
	r := httptest.NewRequest("PUT", "http://"+testHost+"/"+EscapePath(testKey)+"?partNumber=1&uploadId=id%2B%2F%3D%3D&extra=x", strings.NewReader("body"))
	r.Header.Set("Content-Type", "text/plain; charset=utf-8")
	r.Header.Set("Content-MD5", "mQ/fVh815F3k6TAUm8m0eg==")
	r.Header.Set("X-Oss-Meta-Note", "héllo (wörld)")
	r.Header.Set("Cache-Control", "no-cache")
	return r
}

// errCode returns the Code, Status and EC of err, or zero values for nil.
func errCode(t *testing.T, err error) (string, int, string) {
	t.Helper()
	if err == nil {
		return "", 0, ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e.Code, e.Status, e.EC
}

// mutation is a change to a signed request and the error it must cause.
type mutation struct {
	name   string
	mutate func(r *http.Request)
	now    time.Time // zero: the signing time plus a minute
	secret string    // "": testSK
	bucket string    // "": testBucket
	key    string    // "": testKey; "-": none (bucket-level)
	want   *Error    // nil: valid
	wantEC string
}

func runMutations(t *testing.T, sign func(r *http.Request), tests []mutation) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseRequest()
			sign(r)
			if tt.mutate != nil {
				tt.mutate(r)
			}
			bucket, key := tt.bucket, tt.key
			if bucket == "" {
				bucket = testBucket
			}
			switch key {
			case "":
				key = testKey
			case "-":
				key = ""
			}
			a, err := FromRequest(r, bucket, key)
			if err == nil {
				now, secret := tt.now, tt.secret
				if now.IsZero() {
					now = testTime.Add(time.Minute)
				}
				if secret == "" {
					secret = testSK
				}
				err = a.Verify(r, secret, now)
			}
			switch {
			case tt.want == nil && err != nil:
				t.Errorf("got %v, want success", err)
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if _, _, ec := errCode(t, err); tt.wantEC != "" && ec != tt.wantEC {
				t.Errorf("EC = %q, want %q", ec, tt.wantEC)
			}
		})
	}
}

func setQuery(r *http.Request, k, v string) {
	q := r.URL.Query()
	q.Set(k, v)
	r.URL.RawQuery = q.Encode()
}

func replaceQuery(old, new string) func(r *http.Request) {
	return func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, old, new, 1) }
}

func tamperSignature(r *http.Request) {
	if h := r.Header.Get("Authorization"); h != "" {
		i := len(h) - 4
		c := byte('A')
		if h[i] == 'A' {
			c = 'B'
		}
		r.Header.Set("Authorization", h[:i]+string(c)+h[i+1:])
		return
	}
	q := r.URL.Query()
	for _, k := range []string{"Signature", "x-oss-signature"} {
		if s := q.Get(k); s != "" {
			c := byte('A')
			if s[0] == 'A' {
				c = 'B'
			}
			if k == "x-oss-signature" {
				c = map[bool]byte{true: '1', false: '0'}[s[0] == '0']
			}
			q.Set(k, string(c)+s[1:])
		}
	}
	r.URL.RawQuery = q.Encode()
}

// Changes every form must reject, and changes it must accept.
func commonMutations() []mutation {
	return []mutation{
		{name: "valid"},
		{name: "unsigned header added", mutate: func(r *http.Request) { r.Header.Set("User-Agent", "x") }},
		{name: "tampered signature", mutate: tamperSignature, want: ErrSignatureDoesNotMatch},
		{name: "wrong secret key", secret: "otherSecret", want: ErrSignatureDoesNotMatch},
		{name: "method changed", mutate: func(r *http.Request) { r.Method = "POST" }, want: ErrSignatureDoesNotMatch},
		{name: "other key", key: "dir/a b+(1)!%.txu", want: ErrSignatureDoesNotMatch},
		{name: "other bucket", bucket: "otherbucket", want: ErrSignatureDoesNotMatch},
		{name: "bucket-level instead", key: "-", mutate: nil, want: ErrSignatureDoesNotMatch},
		{name: "Content-Type changed", mutate: func(r *http.Request) { r.Header.Set("Content-Type", "text/html") }, want: ErrSignatureDoesNotMatch},
		{name: "Content-MD5 removed", mutate: func(r *http.Request) { r.Header.Del("Content-Md5") }, want: ErrSignatureDoesNotMatch},
		{name: "x-oss header changed", mutate: func(r *http.Request) { r.Header.Set("X-Oss-Meta-Note", "other") }, want: ErrSignatureDoesNotMatch},
		{name: "x-oss header added", mutate: func(r *http.Request) { r.Header.Set("X-Oss-Object-Acl", "public-read") }, want: ErrSignatureDoesNotMatch},
		{name: "x-oss header repeated", mutate: func(r *http.Request) { r.Header.Add("X-Oss-Meta-Note", "again") }, want: ErrSignatureDoesNotMatch},
		{name: "sub-resource changed", mutate: replaceQuery("partNumber=1", "partNumber=2"), want: ErrSignatureDoesNotMatch},
		{name: "sub-resource removed", mutate: replaceQuery("partNumber=1", ""), want: ErrSignatureDoesNotMatch},
		{name: "sub-resource added", mutate: func(r *http.Request) { r.URL.RawQuery += "&acl" }, want: ErrSignatureDoesNotMatch},
	}
}

func TestVerifyV1Header(t *testing.T) {
	sign := func(r *http.Request) { SignV1(r, testBucket, testKey, testCred, testTime) }
	tests := append(commonMutations(),
		mutation{name: "valid 15 min early", now: testTime.Add(-MaxSkew)},
		mutation{name: "valid 15 min late", now: testTime.Add(MaxSkew)},
		mutation{name: "unsigned parameter added", mutate: func(r *http.Request) { r.URL.RawQuery += "&prefix=a" }},
		mutation{name: "unsigned parameter changed", mutate: replaceQuery("extra=x", "extra=y")},
		mutation{name: "header name case", mutate: func(r *http.Request) {
			r.Header["x-oss-meta-note"] = r.Header["X-Oss-Meta-Note"]
			delete(r.Header, "X-Oss-Meta-Note")
		}},
		mutation{name: "too early", now: testTime.Add(-MaxSkew - time.Second), want: ErrRequestTimeTooSkewed, wantEC: "0002-00000504"},
		mutation{name: "too late", now: testTime.Add(MaxSkew + time.Second), want: ErrRequestTimeTooSkewed, wantEC: "0002-00000504"},
		mutation{name: "Date changed", mutate: func(r *http.Request) {
			r.Header.Set("Date", testTime.Add(time.Second).Format(http.TimeFormat))
		}, want: ErrSignatureDoesNotMatch, wantEC: "0002-00000040"},
		mutation{name: "Date removed", mutate: func(r *http.Request) { r.Header.Del("Date") }, want: ErrMissingDate, wantEC: "0002-00000503"},
		mutation{name: "Date malformed", mutate: func(r *http.Request) { r.Header.Set("Date", "yesterday") }, want: ErrMissingDate, wantEC: "0002-00000502"},
		mutation{name: "signature not base64", mutate: func(r *http.Request) {
			r.Header.Set("Authorization", "OSS "+testAK+":!!!")
		}, want: ErrSignatureDoesNotMatch},
	)
	runMutations(t, sign, tests)
}

// x-oss-date wins over Date; a client that signed Date anyway (as
// aliyun-oss-go-sdk does) is accepted too.
func TestVerifyV1XOSSDate(t *testing.T) {
	xdate := testTime.Add(time.Minute).Format(http.TimeFormat)
	date := testTime.Format(http.TimeFormat)
	for _, signed := range []string{xdate, date} {
		t.Run(signed, func(t *testing.T) {
			r := baseRequest()
			r.Header.Set("X-Oss-Date", xdate)
			r.Header.Set("Date", date)
			sig := SignatureV1(testSK, StringToSignV1(r, testBucket, testKey, signed))
			r.Header.Set("Authorization", "OSS "+testAK+":"+sig)
			a, err := FromRequest(r, testBucket, testKey)
			if err != nil {
				t.Fatal(err)
			}
			if a.Date != xdate {
				t.Errorf("Date = %q, want the x-oss-date %q", a.Date, xdate)
			}
			if err := a.Verify(r, testSK, testTime); err != nil {
				t.Errorf("Verify() = %v", err)
			}
		})
	}
	// The skew is measured on x-oss-date, even if Date is current.
	r := baseRequest()
	r.Header.Set("X-Oss-Date", testTime.Add(-time.Hour).Format(http.TimeFormat))
	SignV1(r, testBucket, testKey, testCred, testTime)
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testSK, testTime); !errors.Is(err, ErrRequestTimeTooSkewed) {
		t.Errorf("Verify() = %v, want RequestTimeTooSkewed", err)
	}
	// An ISO 8601 x-oss-date is accepted for V1 as well.
	r = baseRequest()
	r.Header.Set("X-Oss-Date", testTime.Format(TimeFormatV4))
	SignV1(r, testBucket, testKey, testCred, testTime)
	if a, err = FromRequest(r, testBucket, testKey); err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testSK, testTime); err != nil {
		t.Errorf("Verify(ISO 8601 x-oss-date) = %v", err)
	}
}

// aliyun-oss-go-sdk signs only the x-oss-* parameters it knows; Verify
// retries with its list when the full one fails.
func TestVerifyV1LegacySubresources(t *testing.T) {
	r := baseRequest()
	r.URL.RawQuery += "&x-oss-unknown=1&x-oss-process=image%2Fresize"
	r.Header.Set("Date", testTime.Format(http.TimeFormat))
	res := appendResource(nil, testBucket, testKey, r.URL.RawQuery, true)
	if strings.Contains(string(res), "x-oss-unknown") || !strings.Contains(string(res), "x-oss-process") {
		t.Fatalf("legacy resource = %s", res)
	}
	sts := appendStringToSignV1(nil, r.Method, r.Header.Get("Content-MD5"), r.Header.Get("Content-Type"), r.Header.Get("Date"), ossHeadersV1(r.Header), res)
	r.Header.Set("Authorization", "OSS "+testAK+":"+SignatureV1(testSK, string(sts)))
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testSK, testTime); err != nil {
		t.Errorf("Verify() = %v", err)
	}
}

func TestVerifyV1URL(t *testing.T) {
	expires := testTime.Add(time.Hour)
	sign := func(r *http.Request) { PresignV1(r, testBucket, testKey, testCred, expires) }
	tests := append(commonMutations(),
		mutation{name: "valid long before", now: testTime.Add(-24 * time.Hour)},
		mutation{name: "valid at Expires", now: expires},
		mutation{name: "expired", now: expires.Add(time.Second), want: ErrRequestExpired, wantEC: "0002-00000069"},
		mutation{name: "Expires changed", mutate: replaceQuery("Expires=", "Expires=1"), want: ErrSignatureDoesNotMatch},
		mutation{name: "unsigned parameter added", mutate: func(r *http.Request) { r.URL.RawQuery += "&prefix=a" }},
		mutation{name: "Date header ignored", mutate: func(r *http.Request) { r.Header.Set("Date", "yesterday") }},
		mutation{name: "token added", mutate: func(r *http.Request) { r.URL.RawQuery += "&security-token=t" }, want: ErrSignatureDoesNotMatch},
	)
	runMutations(t, sign, tests)
}

// A "+" of the base64 Signature that a client left unencoded arrives as
// a space and is read back as "+".
func TestVerifyV1URLUnencodedPlus(t *testing.T) {
	for i := 0; i < 1000; i++ {
		r := baseRequest()
		PresignV1(r, testBucket, testKey, testCred, testTime.Add(time.Duration(i)*time.Second))
		sig := r.URL.Query().Get("Signature")
		if !strings.Contains(sig, "+") {
			continue
		}
		i := strings.Index(r.URL.RawQuery, "&Signature=")
		r.URL.RawQuery = r.URL.RawQuery[:i] + strings.ReplaceAll(r.URL.RawQuery[i:], "%2B", "+")
		a, err := FromRequest(r, testBucket, testKey)
		if err != nil {
			t.Fatal(err)
		}
		if a.Signature != sig {
			t.Errorf("Signature = %q, want %q", a.Signature, sig)
		}
		if err := a.Verify(r, testSK, testTime); err != nil {
			t.Errorf("Verify() = %v", err)
		}
		return
	}
	t.Fatal("no signature with a + in 1000 tries")
}

func TestVerifyV1URLWithToken(t *testing.T) {
	c := testCred
	c.SecurityToken = "CAIS+token/with=specials &more"
	r := baseRequest()
	PresignV1(r, testBucket, testKey, c, testTime.Add(time.Hour))
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if a.SecurityToken != c.SecurityToken {
		t.Errorf("SecurityToken = %q, want %q", a.SecurityToken, c.SecurityToken)
	}
	if err := a.Verify(r, testSK, testTime); err != nil {
		t.Errorf("Verify() = %v", err)
	}
	setQuery(r, "security-token", "other")
	if a, err = FromRequest(r, testBucket, testKey); err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testSK, testTime); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Errorf("Verify(changed token) = %v, want SignatureDoesNotMatch", err)
	}
}

func v4Opts() V4Options {
	return V4Options{Region: testRegion, AdditionalHeaders: []string{"host", "cache-control"}}
}

func TestVerifyV4Header(t *testing.T) {
	sign := func(r *http.Request) { SignV4(r, testBucket, testKey, testCred, v4Opts(), testTime) }
	tests := append(commonMutations(),
		mutation{name: "valid 15 min early", now: testTime.Add(-MaxSkew)},
		mutation{name: "valid 15 min late", now: testTime.Add(MaxSkew)},
		mutation{name: "too early", now: testTime.Add(-MaxSkew - time.Second), want: ErrRequestTimeTooSkewed, wantEC: "0002-00000504"},
		mutation{name: "too late", now: testTime.Add(MaxSkew + time.Second), want: ErrRequestTimeTooSkewed},
		mutation{name: "any parameter is signed", mutate: replaceQuery("extra=x", "extra=y"), want: ErrSignatureDoesNotMatch, wantEC: "0002-00000201"},
		mutation{name: "parameter added", mutate: func(r *http.Request) { r.URL.RawQuery += "&prefix=a" }, want: ErrSignatureDoesNotMatch},
		mutation{name: "parameter order", mutate: func(r *http.Request) {
			r.URL.RawQuery = "extra=x&uploadId=id%2B%2F%3D%3D&partNumber=1"
		}},
		mutation{name: "lowercase escapes", mutate: replaceQuery("id%2B%2F%3D%3D", "id%2b%2f%3d%3d")},
		mutation{name: "Date header is not signed", mutate: func(r *http.Request) { r.Header.Set("Date", "Mon, 01 Jan 2024 00:00:00 GMT") }},
		mutation{name: "additional header changed", mutate: func(r *http.Request) { r.Header.Set("Cache-Control", "max-age=1") }, want: ErrSignatureDoesNotMatch},
		mutation{name: "host changed", mutate: func(r *http.Request) { r.Host = "other.oss-cn-hangzhou.aliyuncs.com" }, want: ErrSignatureDoesNotMatch},
		mutation{name: "x-oss-date changed", mutate: func(r *http.Request) {
			r.Header.Set("X-Oss-Date", testTime.Add(time.Second).Format(TimeFormatV4))
		}, want: ErrSignatureDoesNotMatch},
		mutation{name: "region in the scope changed", mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/cn-hangzhou/", "/cn-beijing/", 1))
		}, want: ErrSignatureDoesNotMatch},
		mutation{name: "product in the scope changed", mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/oss/", "/oss-cloudbox/", 1))
		}, want: ErrSignatureDoesNotMatch},
		mutation{name: "AdditionalHeaders dropped", mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ",AdditionalHeaders=cache-control;host", "", 1))
		}, want: ErrSignatureDoesNotMatch},
		mutation{name: "x-oss-content-sha256 removed", mutate: func(r *http.Request) { r.Header.Del("X-Oss-Content-Sha256") }, want: ErrSignatureDoesNotMatch},
		mutation{name: "x-oss-content-sha256 a hash", mutate: func(r *http.Request) {
			r.Header.Set("X-Oss-Content-Sha256", strings.Repeat("a", 64))
		}, want: ErrMalformed, wantEC: "0002-00000214"},
		mutation{name: "x-oss-date in HTTP format", mutate: func(r *http.Request) {
			r.Header.Set("X-Oss-Date", testTime.Format(http.TimeFormat))
		}, want: ErrMissingDate, wantEC: "0002-00000502"},
		mutation{name: "credential date not the request's", mutate: func(r *http.Request) {
			r.Header.Set("X-Oss-Date", testTime.Add(24*time.Hour).Format(TimeFormatV4))
		}, now: testTime.Add(24 * time.Hour), want: ErrMalformed, wantEC: "0002-00000212"},
		mutation{name: "signature not hex", mutate: func(r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:strings.LastIndex(h, "=")+1]+"zz")
		}, want: ErrSignatureDoesNotMatch},
	)
	runMutations(t, sign, tests)
}

// Signatures in other regions and on CloudBox verify: the region is
// whatever the scope says.
func TestVerifyV4AnyRegion(t *testing.T) {
	for _, o := range []V4Options{
		{Region: "us-west-1"},
		{Region: "cb-123", Product: "oss-cloudbox"},
		{Region: "arca-local"},
	} {
		t.Run(o.Region, func(t *testing.T) {
			r := baseRequest()
			SignV4(r, testBucket, testKey, testCred, o, testTime)
			a, err := FromRequest(r, testBucket, testKey)
			if err != nil {
				t.Fatal(err)
			}
			if a.Scope.Region != o.Region {
				t.Errorf("Scope = %+v", a.Scope)
			}
			if err := a.Verify(r, testSK, testTime); err != nil {
				t.Errorf("Verify() = %v", err)
			}
		})
	}
}

// aliyun-oss-go-sdk with AuthV4 sends Date but no x-oss-date and signs
// the Date text.
func TestVerifyV4DateHeader(t *testing.T) {
	r := baseRequest()
	date := testTime.Format(http.TimeFormat)
	r.Header.Set("Date", date)
	r.Header.Set("X-Oss-Content-Sha256", UnsignedPayload)
	s := NewScope(testTime, testRegion)
	sig := SignatureV4(testSK, s, StringToSignV4(date, s, CanonicalRequestV4(r, testBucket, testKey, nil)))
	r.Header.Set("Authorization", AlgorithmV4+" Credential="+s.Credential(testAK)+",Signature="+sig)
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testSK, testTime); err != nil {
		t.Errorf("Verify() = %v", err)
	}
	if err := a.Verify(r, testSK, testTime.Add(time.Hour)); !errors.Is(err, ErrRequestTimeTooSkewed) {
		t.Errorf("Verify(an hour later) = %v, want RequestTimeTooSkewed", err)
	}
}

// A client that signs the query as it sent it, not re-encoded, is
// accepted: once with "+" as "%20", once unchanged.
func TestVerifyV4RawQuery(t *testing.T) {
	for _, tt := range []struct {
		name  string
		query string
		form  queryForm
	}{
		{"unreserved left raw", "a=(b)*&c=d!", queryRaw},
		{"plus as %20, lowercase escape kept", "a=b+c%2a&d", queryRawSpace},
		{"plus for space in a name", "a+b=c", queryRaw},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := baseRequest()
			r.URL.RawQuery = tt.query
			r.Header.Set("X-Oss-Date", testTime.Format(TimeFormatV4))
			s := NewScope(testTime, testRegion)
			cr := appendCanonicalRequestV4(nil, r.Method, appendURIV4(nil, testBucket, testKey),
				appendQueryV4(nil, r.URL.RawQuery, tt.form), headersV4(r, nil), nil, UnsignedPayload)
			sig := SignatureV4(testSK, s, StringToSignV4(testTime.Format(TimeFormatV4), s, string(cr)))
			r.Header.Set("Authorization", AlgorithmV4+" Credential="+s.Credential(testAK)+", Signature="+sig)
			if strict := appendQueryV4(nil, r.URL.RawQuery, queryStrict); string(strict) == string(appendQueryV4(nil, r.URL.RawQuery, tt.form)) {
				t.Fatalf("query %q: the strict form is the same, the test proves nothing", tt.query)
			}
			a, err := FromRequest(r, testBucket, testKey)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Verify(r, testSK, testTime); err != nil {
				t.Errorf("Verify() = %v", err)
			}
		})
	}
}

func TestVerifyV4URL(t *testing.T) {
	const ttl = time.Hour
	sign := func(r *http.Request) {
		if err := PresignV4(r, testBucket, testKey, testCred, v4Opts(), testTime, ttl); err != nil {
			t.Fatal(err)
		}
	}
	tests := append(commonMutations(),
		mutation{name: "valid at x-oss-date", now: testTime},
		mutation{name: "valid 15 min before x-oss-date", now: testTime.Add(-MaxSkew)},
		mutation{name: "valid at the end", now: testTime.Add(ttl)},
		mutation{name: "not yet valid", now: testTime.Add(-MaxSkew - time.Second), want: ErrNotYetValid, wantEC: "0002-00000235"},
		mutation{name: "expired", now: testTime.Add(ttl + time.Second), want: ErrRequestExpired, wantEC: "0002-00000236"},
		mutation{name: "any parameter is signed", mutate: func(r *http.Request) { r.URL.RawQuery += "&prefix=a" }, want: ErrSignatureDoesNotMatch},
		mutation{name: "x-oss-expires changed", mutate: replaceQuery("x-oss-expires=3600", "x-oss-expires=7200"), want: ErrSignatureDoesNotMatch},
		mutation{name: "x-oss-expires 0", mutate: replaceQuery("x-oss-expires=3600", "x-oss-expires=0"), want: ErrMalformed, wantEC: "0002-00000232"},
		mutation{name: "x-oss-expires over 7 days", mutate: replaceQuery("x-oss-expires=3600", "x-oss-expires=604801"), want: ErrMalformed, wantEC: "0002-00000232"},
		mutation{name: "x-oss-expires negative", mutate: replaceQuery("x-oss-expires=3600", "x-oss-expires=-1"), want: ErrMalformed, wantEC: "0002-00000232"},
		mutation{name: "x-oss-expires not a number", mutate: replaceQuery("x-oss-expires=3600", "x-oss-expires=1h"), want: ErrMalformed, wantEC: "0002-00000232"},
		mutation{name: "x-oss-expires missing", mutate: replaceQuery("x-oss-expires=3600", ""), want: ErrMalformed, wantEC: "0002-00000215"},
		mutation{name: "unknown algorithm", mutate: replaceQuery("OSS4-HMAC-SHA256", "OSS4-HMAC-SHA512"), want: ErrMalformed, wantEC: "0002-00000066"},
		mutation{name: "OSS2", mutate: replaceQuery("OSS4-HMAC-SHA256", "OSS2"), want: ErrMalformed},
		mutation{name: "region in the scope changed", mutate: replaceQuery("%2Fcn-hangzhou%2F", "%2Fcn-beijing%2F"), want: ErrSignatureDoesNotMatch},
		mutation{name: "credential date not x-oss-date's", mutate: replaceQuery("%2F20240315%2F", "%2F20240316%2F"), want: ErrMalformed, wantEC: "0002-00000223"},
		mutation{name: "signature missing", mutate: func(r *http.Request) {
			q := r.URL.Query()
			q.Del("x-oss-signature")
			r.URL.RawQuery = q.Encode()
		}, want: ErrMalformed, wantEC: "0002-00000219"},
		mutation{name: "host changed", mutate: func(r *http.Request) { r.Host = "other.oss-cn-hangzhou.aliyuncs.com" }, want: ErrSignatureDoesNotMatch},
	)
	runMutations(t, sign, tests)
}

func TestPresignV4Expires(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second, 1500 * time.Millisecond, MaxExpiresV4 + time.Second} {
		r := baseRequest()
		if err := PresignV4(r, testBucket, testKey, testCred, v4Opts(), testTime, d); err == nil {
			t.Errorf("PresignV4(expires %v) = nil, want an error", d)
		}
	}
	for _, d := range []time.Duration{time.Second, MaxExpiresV4} {
		r := baseRequest()
		if err := PresignV4(r, testBucket, testKey, testCred, v4Opts(), testTime, d); err != nil {
			t.Errorf("PresignV4(expires %v) = %v", d, err)
		}
		a, err := FromRequest(r, testBucket, testKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Verify(r, testSK, testTime.Add(d)); err != nil {
			t.Errorf("Verify(at the end of %v) = %v", d, err)
		}
	}
}

func TestVerifyV4URLWithToken(t *testing.T) {
	c := testCred
	c.SecurityToken = "CAIS+token/with=specials &more"
	r := baseRequest()
	if err := PresignV4(r, testBucket, testKey, c, V4Options{Region: testRegion}, testTime, time.Hour); err != nil {
		t.Fatal(err)
	}
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if a.SecurityToken != c.SecurityToken || a.AccessKey != testAK {
		t.Errorf("FromRequest() = %+v", a)
	}
	if err := a.Verify(r, testSK, testTime); err != nil {
		t.Errorf("Verify() = %v", err)
	}
}

// A header signature wins over pre-signed URL fields.
func TestFromRequestHeaderFirst(t *testing.T) {
	r := baseRequest()
	PresignV1(r, testBucket, testKey, testCred, testTime.Add(time.Hour))
	SignV4(r, testBucket, testKey, testCred, V4Options{Region: testRegion}, testTime)
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != V4 || a.InQuery {
		t.Errorf("FromRequest() = %+v, want the V4 header", a)
	}
}

func TestFromRequestAnonymous(t *testing.T) {
	for _, target := range []string{"/k", "/k?acl", "/k?prefix=a&Expires=1", "/?x-oss-process=a"} {
		r := httptest.NewRequest("GET", "http://"+testHost+target, nil)
		r.Header.Set("Authorization", " ")
		a, err := FromRequest(r, testBucket, "k")
		if a != nil || err != nil {
			t.Errorf("FromRequest(%s) = %+v, %v; want nil, nil", target, a, err)
		}
	}
}

func TestFromRequestMalformed(t *testing.T) {
	date := testTime.Format(http.TimeFormat)
	xdate := testTime.Format(TimeFormatV4)
	cred := "Credential=" + NewScope(testTime, testRegion).Credential(testAK)
	sig := ",Signature=" + strings.Repeat("0", 64)
	tests := []struct {
		name   string
		auth   string // Authorization; "" for a URL
		query  string
		wantEC string
		denied bool // 403 AccessDenied rather than 400 InvalidArgument
	}{
		{name: "V1 no colon", auth: "OSS " + testAK, wantEC: "0002-00000062"},
		{name: "V1 no access key", auth: "OSS :c2ln", wantEC: "0002-00000063"},
		{name: "V1 access key with a space", auth: "OSS a b:c2ln", wantEC: "0002-00000064"},
		{name: "V1 access key with a tab", auth: "OSS a\tb:c2ln", wantEC: "0002-00000064"},
		{name: "V1 no signature", auth: "OSS " + testAK + ":", wantEC: "0002-00000065"},
		{name: "unknown scheme", auth: "OSSX " + testAK + ":c2ln", wantEC: "0002-00000061"},
		{name: "AWS scheme", auth: "AWS " + testAK + ":c2ln", wantEC: "0002-00000061"},
		{name: "AWS4 scheme", auth: "AWS4-HMAC-SHA256 Credential=a/20240315/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", wantEC: "0002-00000061"},
		{name: "OSS2", auth: "OSS2 AccessKeyId:" + testAK + ",Signature:c2ln", wantEC: "0002-00000061"},
		{name: "bearer", auth: "Bearer abc", wantEC: "0002-00000061"},
		{name: "V4 no fields", auth: "OSS4-HMAC-SHA256", wantEC: "0002-00000205"},
		{name: "V4 missing credential", auth: "OSS4-HMAC-SHA256 Signature=00", wantEC: "0002-00000205"},
		{name: "V4 empty credential", auth: "OSS4-HMAC-SHA256 Credential=" + sig, wantEC: "0002-00000205"},
		{name: "V4 missing signature", auth: "OSS4-HMAC-SHA256 " + cred, wantEC: "0002-00000202"},
		{name: "V4 empty signature", auth: "OSS4-HMAC-SHA256 " + cred + ",Signature=", wantEC: "0002-00000208"},
		{name: "V4 field without =", auth: "OSS4-HMAC-SHA256 Credential" + testAK + sig, wantEC: "0002-00000203"},
		{name: "V4 unknown field", auth: "OSS4-HMAC-SHA256 " + cred + ",SignedHeaders=host" + sig, wantEC: "0002-00000202"},
		{name: "V4 field twice", auth: "OSS4-HMAC-SHA256 " + cred + "," + cred + sig, wantEC: "0002-00000202"},
		{name: "V4 empty additional headers", auth: "OSS4-HMAC-SHA256 " + cred + ",AdditionalHeaders=" + sig, wantEC: "0002-00000209"},
		{name: "V4 empty additional header", auth: "OSS4-HMAC-SHA256 " + cred + ",AdditionalHeaders=host;" + sig, wantEC: "0002-00000210"},
		{name: "V4 credential too short", auth: "OSS4-HMAC-SHA256 Credential=" + testAK + "/20240315/oss/aliyun_v4_request" + sig, wantEC: "0002-00000213"},
		{name: "V4 credential bad terminator", auth: "OSS4-HMAC-SHA256 Credential=" + testAK + "/20240315/cn-hangzhou/oss/abc" + sig, wantEC: "0002-00000213"},
		{name: "V4 credential bad date", auth: "OSS4-HMAC-SHA256 Credential=" + testAK + "/2024-03-15/cn-hangzhou/oss/aliyun_v4_request" + sig, wantEC: "0002-00000212"},
		{name: "V4 credential empty region", auth: "OSS4-HMAC-SHA256 Credential=" + testAK + "/20240315//oss/aliyun_v4_request" + sig, wantEC: "0002-00000213"},
		{name: "V4 credential product s3", auth: "OSS4-HMAC-SHA256 Credential=" + testAK + "/20240315/cn-hangzhou/s3/aliyun_v4_request" + sig, wantEC: "0002-00000227"},
		{name: "V4 credential empty access key", auth: "OSS4-HMAC-SHA256 Credential=/20240315/cn-hangzhou/oss/aliyun_v4_request" + sig, wantEC: "0002-00000206"},
		{name: "V4 credential access key with a control character", auth: "OSS4-HMAC-SHA256 Credential=\x01" + testAK + "/20240315/cn-hangzhou/oss/aliyun_v4_request" + sig, wantEC: "0002-00000206"},

		{name: "V1 URL no access key", query: "Expires=1&Signature=c2ln", wantEC: "0002-00000071", denied: true},
		{name: "V1 URL empty access key", query: "OSSAccessKeyId=&Expires=1&Signature=c2ln", wantEC: "0002-00000073"},
		{name: "V1 URL no Expires", query: "OSSAccessKeyId=a&Signature=c2ln", wantEC: "0002-00000067", denied: true},
		{name: "V1 URL empty Expires", query: "OSSAccessKeyId=a&Expires=&Signature=c2ln", wantEC: "0002-00000068", denied: true},
		{name: "V1 URL bad Expires", query: "OSSAccessKeyId=a&Expires=abc&Signature=c2ln", wantEC: "0002-00000070", denied: true},
		{name: "V1 URL negative Expires", query: "OSSAccessKeyId=a&Expires=-1&Signature=c2ln", wantEC: "0002-00000070", denied: true},
		{name: "V1 URL no Signature", query: "OSSAccessKeyId=a&Expires=1", denied: true},
		{name: "V1 URL empty Signature", query: "OSSAccessKeyId=a&Expires=1&Signature=", wantEC: "0002-00000075", denied: true},
		{name: "V1 URL field twice", query: "OSSAccessKeyId=a&Expires=1&Signature=c2ln&Expires=2"},
		{name: "V1 and V4 fields", query: "OSSAccessKeyId=a&Expires=1&Signature=c2ln&x-oss-signature=00"},
		{name: "V4 URL without version", query: "x-oss-credential=" + url.QueryEscape(NewScope(testTime, testRegion).Credential(testAK)) + "&x-oss-signature=00", wantEC: "0002-00000066"},
		{name: "V4 URL OSS2", query: "x-oss-signature-version=OSS2&x-oss-access-key-id=a&x-oss-expires=1&x-oss-signature=c2ln", wantEC: "0002-00000066"},
		{name: "V4 URL empty credential", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=&x-oss-signature=00", wantEC: "0002-00000218"},
		{name: "V4 URL bad credential", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F20240315%2Fcn-hangzhou%2Foss%2Fabc&x-oss-signature=00", wantEC: "0002-00000224"},
		{name: "V4 URL bad credential date", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F2024-03-15%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=00", wantEC: "0002-00000223"},
		{name: "V4 URL bad credential access key", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=%0Da%2F20240315%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=00", wantEC: "0002-00000222"},
		{name: "V4 URL empty signature", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F20240315%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=", wantEC: "0002-00000220"},
		{name: "V4 URL no x-oss-date", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F20240315%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-expires=60&x-oss-signature=00", wantEC: "0002-00000502"},
		{name: "V4 URL x-oss-date in HTTP format", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F20240315%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=" + url.QueryEscape(date) + "&x-oss-expires=60&x-oss-signature=00", wantEC: "0002-00000502"},
		{name: "V4 URL empty additional header", query: "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F20240315%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=" + xdate + "&x-oss-expires=60&x-oss-additional-headers=host%3B&x-oss-signature=00", wantEC: "0002-00000210"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://"+testHost+"/k", nil)
			r.URL.RawQuery = tt.query
			r.Header.Set("Date", date)
			r.Header.Set("X-Oss-Date", xdate)
			if tt.auth != "" {
				r.Header["Authorization"] = []string{tt.auth}
			}
			a, err := FromRequest(r, testBucket, "k")
			code, status, ec := errCode(t, err)
			wantCode, wantStatus := "InvalidArgument", 400
			if tt.denied {
				wantCode, wantStatus = "AccessDenied", 403
			}
			if code != wantCode || status != wantStatus || !errors.Is(err, ErrMalformed) {
				t.Fatalf("FromRequest() = %+v, %v; want %s %d", a, err, wantCode, wantStatus)
			}
			if ec != tt.wantEC {
				t.Errorf("EC = %q, want %q (%v)", ec, tt.wantEC, err)
			}
		})
	}
}

func TestFromRequestMissingDate(t *testing.T) {
	for _, auth := range []string{
		"OSS " + testAK + ":c2ln",
		"OSS4-HMAC-SHA256 Credential=" + NewScope(testTime, testRegion).Credential(testAK) + ",Signature=00",
	} {
		r := httptest.NewRequest("GET", "http://"+testHost+"/k", nil)
		r.Header.Set("Authorization", auth)
		_, err := FromRequest(r, testBucket, "k")
		if code, status, ec := errCode(t, err); code != "AccessDenied" || status != 403 || ec != "0002-00000503" || !errors.Is(err, ErrMissingDate) {
			t.Errorf("FromRequest(%s) error = %v, want AccessDenied 403 EC 0002-00000503", auth, err)
		}
	}
}

func TestErrorsIs(t *testing.T) {
	sentinels := []*Error{ErrSignatureDoesNotMatch, ErrRequestExpired, ErrNotYetValid, ErrRequestTimeTooSkewed,
		ErrMissingDate, ErrInvalidAccessKeyID, ErrMalformed}
	for i, a := range sentinels {
		for j, b := range sentinels {
			if got := errors.Is(a.with("x"), b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, got)
			}
		}
	}
	if !errors.Is(&Error{Code: "AccessDenied"}, ErrRequestExpired) {
		t.Errorf("a caller's Error without kind should match on Code")
	}
	if err := error(malformed("0002-00000062", "x")); !errors.Is(err, ErrMalformed) || err.Error() != "InvalidArgument: x (EC 0002-00000062)" {
		t.Errorf("malformed() = %v", err)
	}
}

// The details of a mismatch are those of the request.
func TestMismatchDetails(t *testing.T) {
	r := baseRequest()
	SignV4(r, testBucket, testKey, testCred, V4Options{Region: testRegion}, testTime)
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Verify(r, "wrong", testTime)
	var e *Error
	if !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" || e.Status != 403 || e.EC != "0002-00000201" {
		t.Fatalf("Verify() = %v", err)
	}
	wantCR := CanonicalRequestV4(r, testBucket, testKey, nil)
	if e.CanonicalRequest != wantCR || e.StringToSign != StringToSignV4(a.Date, a.Scope, wantCR) ||
		e.AccessKeyID != testAK || e.SignatureProvided != a.Signature {
		t.Errorf("details = %+v", e)
	}

	r = baseRequest()
	SignV1(r, testBucket, testKey, testCred, testTime)
	if a, err = FromRequest(r, testBucket, testKey); err != nil {
		t.Fatal(err)
	}
	err = a.Verify(r, "wrong", testTime)
	if !errors.As(err, &e) || e.EC != "0002-00000040" || e.StringToSign != StringToSignV1(r, testBucket, testKey, a.Date) || e.CanonicalRequest != "" {
		t.Errorf("V1 details = %+v", e)
	}
}

func TestHeadersV4(t *testing.T) {
	r := httptest.NewRequest("GET", "http://h.example/", nil)
	r.Header["X-Oss-A"] = []string{" 1 "}
	r.Header["x-oss-a"] = []string{"2"} // another spelling of the same header
	r.Header["Cache-Control"] = []string{"a", " b"}
	r.Header["Abc"] = []string{"v"}
	r.Header["Xyz"] = []string{"unsigned"}
	got := headersV4(r, []string{"cache-control", "host", "abc", "abc", "missing", "x-oss-a", "content-type"})
	want := []kv{{"abc", "v"}, {"cache-control", "a,b"}, {"host", "h.example"}, {"missing", ""}, {"x-oss-a", "1,2"}}
	if len(got) != len(want) {
		t.Fatalf("headersV4() = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("headersV4()[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

// Many headers, parameters and additional headers cost O(n log n): a
// request near Go's 1 MB header limit verifies (or fails) quickly.
func TestVerifyLargeRequest(t *testing.T) {
	const n = 20000
	r := baseRequest()
	var q, additional strings.Builder
	q.WriteString(r.URL.RawQuery)
	for i := range n {
		name := "x-oss-p" + strings.Repeat("z", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i)
		q.WriteString("&" + name + "=" + strconv.Itoa(i))
		r.Header.Set("X-Oss-H"+strconv.Itoa(i), "v")
		r.Header.Set("H"+strconv.Itoa(i), "v")
		if i > 0 {
			additional.WriteByte(';')
		}
		additional.WriteString("h" + strconv.Itoa(i))
	}
	r.URL.RawQuery = q.String()
	start := time.Now()
	for _, sign := range []func(){
		func() { SignV1(r, testBucket, testKey, testCred, testTime) },
		func() {
			SignV4(r, testBucket, testKey, testCred, V4Options{Region: testRegion,
				AdditionalHeaders: strings.Split(additional.String(), ";")}, testTime)
		},
	} {
		sign()
		a, err := FromRequest(r, testBucket, testKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Verify(r, testSK, testTime); err != nil {
			t.Errorf("Verify() = %v", err)
		}
		if err := a.Verify(r, "wrong", testTime); !errors.Is(err, ErrSignatureDoesNotMatch) {
			t.Errorf("Verify(wrong key) = %v", err)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}
