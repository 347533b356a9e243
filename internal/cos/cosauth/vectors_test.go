package cosauth

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The example credentials of the COS "Request Signature" document
// (tencentcloud.com/document/product/436/7778).
const (
	docSecretID  = "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q"
	docSecretKey = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz"
	docHost      = "examplebucket-1250000000.cos.ap-beijing.myqcloud.com"
)

// docVector is one worked example of that document: the request as sent,
// then the intermediate values. The English page prints the path inside
// HttpString as "/exampleobject(tencentcloud)"; the published hashes only
// come out with the decoded path of the request, "/exampleobject(腾讯云)".
type docVector struct {
	name           string
	method, target string      // target is the request line's escaped path and query
	header         [][2]string // besides Host
	body           string
	keyTime        string
	signKey        string
	sha1HTTPString string
	signature      string
	authorization  string
}

var docVectors = []docVector{
	{
		name:   "put",
		method: "PUT",
		target: "/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)",
		header: [][2]string{
			{"Date", "Thu, 16 May 2019 06:45:51 GMT"},
			{"Content-Type", "text/plain"},
			{"Content-Length", "13"},
			{"Content-MD5", "mQ/fVh815F3k6TAUm8m0eg=="},
			{"x-cos-acl", "private"},
			{"x-cos-grant-read", `uin="100000000011"`},
		},
		body:           "ObjectContent",
		keyTime:        "1557989151;1557996351",
		signKey:        "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f",
		sha1HTTPString: "8b2751e77f43a0995d6e9eb9477f4b685cca4172",
		signature:      "3b8851a11a569213c17ba8fa7dcf2abec6935172",
		authorization: "q-sign-algorithm=sha1&q-ak=AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q" +
			"&q-sign-time=1557989151;1557996351&q-key-time=1557989151;1557996351" +
			"&q-header-list=content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read" +
			"&q-url-param-list=&q-signature=3b8851a11a569213c17ba8fa7dcf2abec6935172",
	},
	{
		name:   "get with response-* params",
		method: "GET",
		target: "/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)" +
			"?response-content-type=application%2Foctet-stream&response-cache-control=max-age%3D600",
		header:         [][2]string{{"Date", "Thu, 16 May 2019 06:55:53 GMT"}},
		keyTime:        "1557989753;1557996953",
		signKey:        "937914bf490e9e8c189836aad2052e4feeb35eaf",
		sha1HTTPString: "54ecfe22f59d3514fdc764b87a32d8133ea611e6",
		signature:      "01681b8c9d798a678e43b685a9f1bba0f6c0e012",
		authorization: "q-sign-algorithm=sha1&q-ak=AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q" +
			"&q-sign-time=1557989753;1557996953&q-key-time=1557989753;1557996953" +
			"&q-header-list=date;host&q-url-param-list=response-cache-control;response-content-type" +
			"&q-signature=01681b8c9d798a678e43b685a9f1bba0f6c0e012",
	},
}

// request builds the vector's request as a server receives it.
func (v docVector) request() *http.Request {
	r := httptest.NewRequest(v.method, "http://"+docHost+v.target, strings.NewReader(v.body))
	for _, h := range v.header {
		r.Header.Add(h[0], h[1])
	}
	r.Header.Set("Authorization", v.authorization)
	return r
}

func (v docVector) window() (time.Time, time.Time) {
	start, end, err := parseWindow("", v.keyTime)
	if err != nil {
		panic(err)
	}
	return time.Unix(start, 0), time.Unix(end, 0)
}

// httpStringOf is the HttpString Verify builds first for r.
func httpStringOf(r *http.Request, a *Auth) string {
	return string(appendHTTPString(nil, r.Method, r.URL.Path,
		collectParams(a.ParamList, r.URL.RawQuery), collectHeaders(a.HeaderList, r), false))
}

func TestDocVectors(t *testing.T) {
	for _, v := range docVectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.request()
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			if got := SignKey(docSecretKey, v.keyTime); got != v.signKey {
				t.Errorf("SignKey(sk, %q) = %s, want %s", v.keyTime, got, v.signKey)
			}
			hs := httpStringOf(r, a)
			sum := sha1.Sum([]byte(hs))
			if got := hex.EncodeToString(sum[:]); got != v.sha1HTTPString {
				t.Errorf("SHA1(HttpString) = %s, want %s\nHttpString: %q", got, v.sha1HTTPString, hs)
			}
			sts := StringToSign(v.keyTime, hs)
			if want := "sha1\n" + v.keyTime + "\n" + v.sha1HTTPString + "\n"; sts != want {
				t.Errorf("StringToSign() = %q, want %q", sts, want)
			}
			if got := HMACHex(v.signKey, sts); got != v.signature {
				t.Errorf("HMACHex(SignKey, StringToSign) = %s, want %s", got, v.signature)
			}
			start, end := v.window()
			for _, now := range []time.Time{start, start.Add(time.Minute), end} {
				if err := a.Verify(r, docSecretKey, now); err != nil {
					t.Errorf("Verify(now=%d) = %v, want nil", now.Unix(), err)
				}
			}

			// Signing the same request reproduces the document's header.
			h := make(http.Header)
			for _, kv := range v.header {
				h.Add(kv[0], kv[1])
			}
			u, _ := url.Parse(v.target)
			got := Sign(v.method, u.Path, u.Query(), h, docHost, docSecretID, docSecretKey, start, end)
			if got != v.authorization {
				t.Errorf("Sign() = %s\nwant %s", got, v.authorization)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{"a b", "a%20b"},
		{"!'()*", "%21%27%28%29%2A"},
		{"/?#[]@$&+,;=%", "%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%25"},
		{"腾讯云", "%E8%85%BE%E8%AE%AF%E4%BA%91"},
		{"\x00\xff", "%00%FF"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Encode(tt.in); got != tt.want {
				t.Errorf("Encode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The building blocks reproduce the POST Object policy example of the COS
// documents (tencentcloud.com/document/product/436/14690), where the
// StringToSign is hex(SHA1(policy JSON)) and is given here as computed.
func TestBuildingBlocksPostPolicy(t *testing.T) {
	const (
		keyTime      = "1567150692;1567157892"
		wantSignKey  = "39acc8c9f34ba5b19bce4e965b370cd3f62d2fba"
		stringToSign = "d5d903b8360468bc81c1311f134989bc8c8b5b89"
		wantSig      = "7758dc9a832e9d301dca704cacbf9d9f8172fdef"
	)
	signKey := SignKey(docSecretKey, keyTime)
	if signKey != wantSignKey {
		t.Errorf("SignKey(sk, %q) = %s, want %s", keyTime, signKey, wantSignKey)
	}
	if got := HMACHex(signKey, stringToSign); got != wantSig {
		t.Errorf("HMACHex(%s, %s) = %s, want %s", signKey, stringToSign, got, wantSig)
	}
}
