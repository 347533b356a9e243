package ossauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The vectors of the official Go SDKs' signer tests:
// alibabacloud-oss-go-sdk-v2 oss/signer/signer_test.go and, for the same
// values, aliyun-oss-go-sdk oss/conn_test.go (TestAuthV1Header,
// TestAuthV1Query, TestAuthV4*), which also prints the full V4 pre-signed
// URLs. Credentials ak/sk, token "token".
const (
	vecAK    = "ak"
	vecSK    = "sk"
	vecToken = "token"
)

// vector is a signed request as a server receives it, with the resource
// it signs and the time it is valid at.
type vector struct {
	name           string
	method, target string      // target: escaped path and query as sent
	header         [][2]string // besides Authorization
	authorization  string      // "" for a pre-signed URL
	bucket, key    string
	now            time.Time

	stringToSign string // V1: the SDK's StringToSign, when the test prints it
	signature    string // the signature, as in the header or URL
}

func (v vector) request() *http.Request {
	r := httptest.NewRequest(v.method, "http://bucket.oss-cn-hangzhou.aliyuncs.com"+v.target, nil)
	for _, h := range v.header {
		r.Header.Add(h[0], h[1])
	}
	if v.authorization != "" {
		r.Header.Set("Authorization", v.authorization)
	}
	return r
}

var v1Date = time.Date(2022, 12, 28, 10, 27, 41, 0, time.UTC)

var v1Vectors = []vector{
	{
		name:   "header PUT with x-oss-meta",
		method: "PUT", target: "/nelson",
		header: [][2]string{
			{"Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="},
			{"Content-Type", "text/html"},
			{"x-oss-meta-author", "alice"},
			{"x-oss-meta-magic", "abracadabra"},
			{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
			{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
		},
		authorization: "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=",
		bucket:        "examplebucket", key: "nelson",
		now: v1Date,
		stringToSign: "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n" +
			"x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson",
		signature: "kSHKmLxlyEAKtZPkJhG9bZb5k7M=",
	},
	{
		name:   "header PUT acl",
		method: "PUT", target: "/nelson?acl",
		header: [][2]string{
			{"Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="},
			{"Content-Type", "text/html"},
			{"x-oss-meta-author", "alice"},
			{"x-oss-meta-magic", "abracadabra"},
			{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
			{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
		},
		authorization: "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=",
		bucket:        "examplebucket", key: "nelson",
		now: v1Date,
		stringToSign: "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n" +
			"x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson?acl",
		signature: "/afkugFbmWDQ967j1vr6zygBLQk=",
	},
	{
		name:   "header bucket-level, one sub-resource and one other parameter",
		method: "GET", target: "/?resourceGroup&non-resousce=null",
		header: [][2]string{
			{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
			{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
		},
		authorization: "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=",
		bucket:        "examplebucket",
		now:           v1Date,
		stringToSign:  "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/?resourceGroup",
		signature:     "vkQmfuUDyi1uDi3bKt67oemssIs=",
	},
	{
		name:   "header bucket-level, two sub-resources sorted",
		method: "GET", target: "/?resourceGroup&acl",
		header: [][2]string{
			{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
			{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
		},
		authorization: "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=",
		bucket:        "examplebucket",
		now:           v1Date,
		stringToSign:  "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/?acl&resourceGroup",
		signature:     "x3E5TgOvl/i7PN618s5mEvpJDYk=",
	},
	{
		name:   "URL with versionId",
		method: "GET", target: "/key?Expires=1699807420&OSSAccessKeyId=ak&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId",
		bucket: "bucket", key: "key",
		now:          time.Unix(1699807420-900, 0),
		stringToSign: "GET\n\n\n1699807420\n/bucket/key?versionId=versionId",
		signature:    "dcLTea+Yh9ApirQ8o8dOPqtvJXQ=",
	},
	{
		name:   "URL with STS token and a key with +",
		method: "GET", target: "/key%2B123?Expires=1699808204&OSSAccessKeyId=ak&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId",
		bucket: "bucket", key: "key+123",
		now:          time.Unix(1699808204, 0),
		stringToSign: "GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId",
		signature:    "jzKYRrM5y6Br0dRFPaTGOsbrDhY=",
	},
}

func TestV1Vectors(t *testing.T) {
	for _, v := range v1Vectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.request()
			a, err := FromRequest(r, v.bucket, v.key)
			if err != nil || a == nil {
				t.Fatalf("FromRequest() = %v, %v", a, err)
			}
			if a.Version != V1 || a.AccessKey != vecAK || a.Signature != v.signature || a.InQuery != (v.authorization == "") {
				t.Errorf("FromRequest() = %+v", a)
			}
			if got := StringToSignV1(r, v.bucket, v.key, a.Date); got != v.stringToSign {
				t.Errorf("StringToSignV1() = %q\nwant %q", got, v.stringToSign)
			}
			if got := SignatureV1(vecSK, v.stringToSign); got != v.signature {
				t.Errorf("SignatureV1() = %s, want %s", got, v.signature)
			}
			if err := a.Verify(r, vecSK, v.now); err != nil {
				t.Errorf("Verify() = %v", err)
			}

			// The signers reproduce the vector from the unsigned request.
			u := v.request()
			u.Header.Del("Authorization")
			switch {
			case a.InQuery:
				q := u.URL.Query()
				tok := q.Get("security-token")
				for _, k := range []string{"Expires", "OSSAccessKeyId", "Signature", "security-token"} {
					q.Del(k)
				}
				u.URL.RawQuery = q.Encode()
				PresignV1(u, v.bucket, v.key, Credentials{AccessKey: vecAK, SecretKey: vecSK, SecurityToken: tok}, a.Time)
				if got := u.URL.Query().Get("Signature"); got != v.signature {
					t.Errorf("PresignV1() Signature = %s, want %s (query %s)", got, v.signature, u.URL.RawQuery)
				}
			default:
				SignV1(u, v.bucket, v.key, Credentials{AccessKey: vecAK, SecretKey: vecSK}, v1Date)
				if got := u.Header.Get("Authorization"); got != v.authorization {
					t.Errorf("SignV1() = %s, want %s", got, v.authorization)
				}
			}
		})
	}
}

// The V4 vectors share one request: PUT bucket/"1234+-/123/1.txt" with
// these parameters and headers (abc, ZAbc and XYZ are signed only when
// listed as additional headers).
var (
	v4Key   = "1234+-/123/1.txt"
	v4Query = func() url.Values {
		v := url.Values{}
		v.Add("param1", "value1")
		v.Add("+param1", "value3")
		v.Add("|param1", "value4")
		v.Add("+param2", "")
		v.Add("|param2", "")
		v.Add("param2", "")
		return v
	}()
)

func v4Headers(contentType string, extra ...[2]string) [][2]string {
	h := [][2]string{
		{"x-oss-head1", "value"},
		{"abc", "value"},
		{"ZAbc", "value"},
		{"XYZ", "value"},
		{"content-type", contentType},
	}
	return append(h, extra...)
}

func v4HeaderVector(name string, signTime int64, token, region, product, additional, sig string) vector {
	t := time.Unix(signTime, 0).UTC()
	extra := [][2]string{
		{"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
		{"x-oss-date", t.Format(TimeFormatV4)},
		{"Date", t.Format(http.TimeFormat)},
	}
	if token != "" {
		extra = append(extra, [2]string{"x-oss-security-token", token})
	}
	auth := "OSS4-HMAC-SHA256 Credential=ak/" + t.Format("20060102") + "/" + region + "/" + product + "/aliyun_v4_request"
	if additional != "" {
		auth += ",AdditionalHeaders=" + additional
	}
	return vector{
		name:   name,
		method: "PUT", target: "/bucket/" + v4Key + "?" + v4Query.Encode(),
		header:        v4Headers("text/plain", extra...),
		authorization: auth + ",Signature=" + sig,
		bucket:        "bucket", key: v4Key,
		now:       t.Add(time.Minute),
		signature: sig,
	}
}

var v4Vectors = []vector{
	v4HeaderVector("header PUT", 1702743657, "", "cn-hangzhou", "oss", "",
		"e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"),
	v4HeaderVector("header PUT with STS token", 1702784856, vecToken, "cn-hangzhou", "oss", "",
		"b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea"),
	v4HeaderVector("header PUT with additional headers", 1702747512, "", "cn-hangzhou", "oss", "abc;zabc",
		"4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"),
	v4HeaderVector("header PUT on CloudBox", 1702743657, "", "cb-123", "oss-cloudbox", "",
		"94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43"),
	{
		// The URL exactly as aliyun-oss-go-sdk's TestAuthV4Query prints it.
		name:   "URL PUT",
		method: "PUT",
		target: "/1234%2B-%2F123%2F1.txt?%2Bparam1=value3&%2Bparam2&param1=value1&param2" +
			"&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z" +
			"&x-oss-expires=599&x-oss-signature=a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe" +
			"&x-oss-signature-version=OSS4-HMAC-SHA256&%7Cparam1=value4&%7Cparam2",
		header: v4Headers("application/octet-stream"),
		bucket: "bucket", key: v4Key,
		now:       time.Unix(1702781677+599, 0),
		signature: "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe",
	},
	{
		name:   "URL PUT with STS token",
		method: "PUT",
		target: "/1234%2B-%2F123%2F1.txt?%2Bparam1=value3&%2Bparam2&param1=value1&param2" +
			"&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T035628Z" +
			"&x-oss-expires=599&x-oss-security-token=token" +
			"&x-oss-signature=3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5" +
			"&x-oss-signature-version=OSS4-HMAC-SHA256&%7Cparam1=value4&%7Cparam2",
		header: v4Headers("application/octet-stream"),
		bucket: "bucket", key: v4Key,
		now:       time.Unix(1702785388-int64(MaxSkew/time.Second), 0),
		signature: "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5",
	},
	{
		name:   "URL PUT with additional headers",
		method: "PUT",
		target: "/1234%2B-%2F123%2F1.txt?%2Bparam1=value3&%2Bparam2&param1=value1&param2" +
			"&x-oss-additional-headers=abc%3Bzabc" +
			"&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T033009Z" +
			"&x-oss-expires=599&x-oss-signature=6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7" +
			"&x-oss-signature-version=OSS4-HMAC-SHA256&%7Cparam1=value4&%7Cparam2",
		header: v4Headers("application/octet-stream"),
		bucket: "bucket", key: v4Key,
		now:       time.Unix(1702783809+60, 0),
		signature: "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7",
	},
	{
		// Reconstructed from alibabacloud-oss-go-sdk-v2's
		// TestV4AuthQueryWithCloudBox, which prints no URL: its query is
		// url.Values.Encode() of the parameters and fields.
		name:   "URL PUT on CloudBox with additional headers",
		method: "PUT",
		target: "/bucket/" + v4Key + "?" + v4Query.Encode() +
			"&x-oss-additional-headers=abc%3Bzabc" +
			"&x-oss-credential=ak%2F20231217%2Fcb-123%2Foss-cloudbox%2Faliyun_v4_request&x-oss-date=20231217T025437Z" +
			"&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256" +
			"&x-oss-signature=07284191b9b4978ac3520cd39ee2dea2747eda454089359371ff463a6c7ba20f",
		header: v4Headers("application/octet-stream"),
		bucket: "bucket", key: v4Key,
		now:       time.Unix(1702781677, 0),
		signature: "07284191b9b4978ac3520cd39ee2dea2747eda454089359371ff463a6c7ba20f",
	},
}

func TestV4Vectors(t *testing.T) {
	for _, v := range v4Vectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.request()
			a, err := FromRequest(r, v.bucket, v.key)
			if err != nil || a == nil {
				t.Fatalf("FromRequest() = %v, %v", a, err)
			}
			if a.Version != V4 || a.AccessKey != vecAK || a.Signature != v.signature || a.InQuery != (v.authorization == "") {
				t.Errorf("FromRequest() = %+v", a)
			}
			if err := a.Verify(r, vecSK, v.now); err != nil {
				t.Errorf("Verify() = %v", err)
			}
			got := SignatureV4(vecSK, a.Scope, StringToSignV4(a.Date, a.Scope, CanonicalRequestV4(r, v.bucket, v.key, a.AdditionalHeaders)))
			if got != v.signature {
				t.Errorf("SignatureV4(CanonicalRequestV4()) = %s, want %s\n%s", got, v.signature, CanonicalRequestV4(r, v.bucket, v.key, a.AdditionalHeaders))
			}

			// The signers reproduce the vector from the unsigned request.
			c := Credentials{AccessKey: vecAK, SecretKey: vecSK, SecurityToken: a.SecurityToken}
			o := V4Options{Region: a.Scope.Region, Product: a.Scope.Product, AdditionalHeaders: a.AdditionalHeaders}
			u := v.request()
			if a.InQuery {
				u.URL.RawQuery = v4Query.Encode()
				if err := PresignV4(u, v.bucket, v.key, c, o, a.Time, a.Expires.Sub(a.Time)); err != nil {
					t.Fatal(err)
				}
				if got := u.URL.Query().Get("x-oss-signature"); got != v.signature {
					t.Errorf("PresignV4() x-oss-signature = %s, want %s", got, v.signature)
				}
				return
			}
			u.Header.Del("Authorization")
			SignV4(u, v.bucket, v.key, c, o, a.Time)
			if got := u.Header.Get("Authorization"); got != v.authorization {
				t.Errorf("SignV4() = %s\nwant %s", got, v.authorization)
			}
		})
	}
}

// A hand-checked canonical request for the first V4 vector: bare names
// for empty values, sorted by encoded name, "+" and "|" encoded.
func TestCanonicalRequestV4Shape(t *testing.T) {
	v := v4Vectors[0]
	r := v.request()
	want := strings.Join([]string{
		"PUT",
		"/bucket/1234%2B-/123/1.txt",
		"%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2",
		"content-type:text/plain",
		"x-oss-content-sha256:UNSIGNED-PAYLOAD",
		"x-oss-date:20231216T162057Z",
		"x-oss-head1:value",
		"",
		"",
		"UNSIGNED-PAYLOAD",
	}, "\n")
	if got := CanonicalRequestV4(r, v.bucket, v.key, nil); got != want {
		t.Errorf("CanonicalRequestV4() =\n%s\nwant\n%s", got, want)
	}
}

func TestCanonicalResource(t *testing.T) {
	tests := []struct {
		name, bucket, key, query, want string
	}{
		{"service", "", "", "", "/"},
		{"bucket", "b", "", "", "/b/"},
		{"object", "b", "k", "", "/b/k"},
		{"decoded key as given", "b", "a b/c+d%", "", "/b/a b/c+d%"},
		{"non-sub-resources dropped", "b", "k", "prefix=a&max-keys=10", "/b/k"},
		{"bare name for empty value", "b", "", "uploads", "/b/?uploads"},
		{"name= is bare too", "b", "", "uploads=", "/b/?uploads"},
		{"sorted, decoded values", "b", "k", "uploadId=a%2Bb&partNumber=2", "/b/k?partNumber=2&uploadId=a+b"},
		{"response-*", "b", "k", "response-content-disposition=attachment%3B%20filename%3D%22a%20b%22",
			`/b/k?response-content-disposition=attachment; filename="a b"`},
		{"x-oss-* parameters", "b", "k", "x-oss-process=image%2Fresize%2Cw_100&x-oss-anything=1",
			"/b/k?x-oss-anything=1&x-oss-process=image/resize,w_100"},
		{"first value wins", "b", "k", "versionId=1&versionId=2", "/b/k?versionId=1"},
		{"case matters", "b", "k", "ACL&Acl", "/b/k"},
		{"security-token", "b", "k", "security-token=t%2Bt", "/b/k?security-token=t+t"},
		{"signature fields are not sub-resources", "b", "k", "OSSAccessKeyId=a&Expires=1&Signature=s", "/b/k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalResource(tt.bucket, tt.key, tt.query); got != tt.want {
				t.Errorf("CanonicalResource(%q, %q, %q) = %q, want %q", tt.bucket, tt.key, tt.query, got, tt.want)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want, wantPath string }{
		{"", "", ""},
		{"AZaz09-_.~", "AZaz09-_.~", "AZaz09-_.~"},
		{"a b+c", "a%20b%2Bc", "a%20b%2Bc"},
		{"/a/b/", "%2Fa%2Fb%2F", "/a/b/"},
		{"!'()*", "%21%27%28%29%2A", "%21%27%28%29%2A"},
		{"中", "%E4%B8%AD", "%E4%B8%AD"},
		{"%", "%25", "%25"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := EscapePath(tt.in); got != tt.wantPath {
				t.Errorf("EscapePath(%q) = %q, want %q", tt.in, got, tt.wantPath)
			}
		})
	}
}
