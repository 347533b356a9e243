package oss_test

// Shared helpers of the OSS conformance suite (sdk_*_test.go). Every test
// starts a real Arca with arcatest and drives it with aliyun-oss-go-sdk
// ("v1": V1 signatures, or V4 with its AuthV4 option) and
// alibabacloud-oss-go-sdk-v2 ("v2": V4 signatures); what the SDKs cannot
// send is built by hand with net/http and signed with ossauth.

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/oss/ossauth"
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// crcOf is the x-oss-hash-crc64ecma of data.
func crcOf(data []byte) string { return strconv.FormatUint(crc64.Checksum(data, crcTable), 10) }

// etagOf is OSS's ETag of a simple upload: the quoted uppercase hex MD5.
func etagOf(data []byte) string {
	sum := md5.Sum(data)
	return `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
}

func md5B64(data []byte) string {
	sum := md5.Sum(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// randBytes returns n pseudo-random bytes (deterministic per seed).
func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// env is a server and a fresh bucket with clients of both SDKs: v1 signs
// V1 on path-style URLs, v2 signs V4 on virtual-host URLs.
type env struct {
	t      *testing.T
	s      *arcatest.Server
	bucket string
	v1     *ossv1.Bucket
	v2     *ossv2.Client
}

func newEnv(t *testing.T, prefix string) *env {
	t.Helper()
	s := arcatest.Start(t)
	return bucketEnv(t, s, prefix)
}

// bucketEnv creates a private bucket on s.
func bucketEnv(t *testing.T, s *arcatest.Server, prefix string) *env {
	t.Helper()
	name := arcatest.OSSBucket(prefix)
	if err := s.OSSV1(false).CreateBucket(name); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return &env{t: t, s: s, bucket: name, v1: s.OSSV1Bucket(name, false), v2: s.OSSV2(true)}
}

// versioned enables versioning on the env's bucket.
func (e *env) versioned() *env {
	e.t.Helper()
	if err := e.s.OSSV1(false).SetBucketVersioning(e.bucket, ossv1.VersioningConfig{Status: "Enabled"}); err != nil {
		e.t.Fatalf("enable versioning: %v", err)
	}
	return e
}

// put uploads data with v1 (which checks x-oss-hash-crc64ecma itself).
func (e *env) put(key string, data []byte, opts ...ossv1.Option) http.Header {
	e.t.Helper()
	var h http.Header
	opts = append(opts, ossv1.GetResponseHeader(&h))
	if err := e.v1.PutObject(key, bytes.NewReader(data), opts...); err != nil {
		e.t.Fatalf("put %q: %v", key, err)
	}
	return h
}

// get downloads key with v1 and returns its body and headers.
func (e *env) get(key string, opts ...ossv1.Option) ([]byte, http.Header) {
	e.t.Helper()
	var h http.Header
	opts = append(opts, ossv1.GetResponseHeader(&h))
	r, err := e.v1.GetObject(key, opts...)
	if err != nil {
		e.t.Fatalf("get %q: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		e.t.Fatalf("get %q: reading: %v", key, err)
	}
	return b, h
}

// svcErr extracts the status, code and EC of an OSS error returned by
// either SDK (or by request below).
func svcErr(err error) (status int, code, ec string, ok bool) {
	var e1 ossv1.ServiceError
	if errors.As(err, &e1) {
		return e1.StatusCode, e1.Code, e1.Ec, true
	}
	var e2 *ossv2.ServiceError
	if errors.As(err, &e2) {
		return e2.StatusCode, e2.Code, e2.EC, true
	}
	var e3 *rawError
	if errors.As(err, &e3) {
		return e3.StatusCode, e3.Code, e3.EC, true
	}
	return 0, "", "", false
}

// wantErr asserts that err is the OSS error status/code.
func wantErr(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	st, c, _, ok := svcErr(err)
	if !ok {
		t.Errorf("%s: error = %v, want %d %s", what, err, status, code)
		return
	}
	if st != status || c != code {
		t.Errorf("%s: got %d %s, want %d %s (%v)", what, st, c, status, code, err)
	}
}

// rawError is an OSS error body read by request.
type rawError struct {
	StatusCode int
	Code       string `xml:"Code"`
	Message    string `xml:"Message"`
	RequestID  string `xml:"RequestId"`
	HostID     string `xml:"HostId"`
	EC         string `xml:"EC"`
	Body       string
}

func (e *rawError) Error() string {
	return strconv.Itoa(e.StatusCode) + " " + e.Code + ": " + e.Message
}

// signer signs a request for bucket/key.
type signer func(r *http.Request, bucket, key string)

func (e *env) creds() ossauth.Credentials {
	return ossauth.Credentials{AccessKey: e.s.Root.AccessKey, SecretKey: e.s.Root.SecretKey}
}

// signV1 signs in the Authorization header (V1) with the root keys.
func (e *env) signV1(r *http.Request, bucket, key string) {
	ossauth.SignV1(r, bucket, key, e.creds(), time.Now())
}

// signV4 signs in the Authorization header (V4) with the root keys.
func (e *env) signV4(r *http.Request, bucket, key string) {
	ossauth.SignV4(r, bucket, key, e.creds(), ossauth.V4Options{Region: arcatest.OSSRegion}, time.Now())
}

// objectURL is the path-style URL of key ("" for the bucket) on the
// server's OSS domain, whose unsigned requests answer in OSS.
func (e *env) objectURL(bucket, key, query string) string {
	u := e.s.OSSEndpoint(true) + "/" + bucket + "/" + (&url.URL{Path: key}).EscapedPath()
	if query != "" {
		u += "?" + query
	}
	return u
}

// request sends a hand-built request to bucket/key (path style, OSS
// domain), signed with sign (nil: anonymous). It returns the response
// with its body read, and an *rawError for a status of 300 or more.
func (e *env) request(method, bucket, key, query string, body []byte, h http.Header, sign signer) (*http.Response, []byte, error) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.objectURL(bucket, key, query), rd)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if sign != nil {
		sign(req, bucket, key)
	}
	resp, err := e.s.Client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		re := &rawError{StatusCode: resp.StatusCode, Body: string(b)}
		if len(b) > 0 {
			xml.Unmarshal(b, re)
		} else if x := resp.Header.Get("x-oss-err"); x != "" {
			dec, _ := base64.StdEncoding.DecodeString(x)
			xml.Unmarshal(dec, re)
		}
		return resp, b, re
	}
	return resp, b, nil
}

// hdr builds a header from name, value pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// checkObjectHeaders asserts the headers a GET or HEAD of a Normal object
// data carries.
func checkObjectHeaders(t *testing.T, what string, h http.Header, data []byte) {
	t.Helper()
	for _, kv := range [][2]string{
		{"ETag", etagOf(data)},
		{"Content-MD5", md5B64(data)},
		{"X-Oss-Hash-Crc64ecma", crcOf(data)},
		{"X-Oss-Object-Type", "Normal"},
		{"X-Oss-Storage-Class", "Standard"},
		{"Server", "AliyunOSS"},
	} {
		if got := h.Get(kv[0]); got != kv[1] {
			t.Errorf("%s: %s = %q, want %q", what, kv[0], got, kv[1])
		}
	}
	if len(h.Get("X-Oss-Request-Id")) != 24 {
		t.Errorf("%s: x-oss-request-id = %q, want 24 hex digits", what, h.Get("X-Oss-Request-Id"))
	}
}

func ptr[T any](v T) *T { return &v }
