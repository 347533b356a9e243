package cos_test

// Shared helpers of the COS conformance suite (sdk_*_test.go). Every test
// starts a real Arca with arcatest and drives it with cos-go-sdk-v5; the
// negative cases the SDK cannot produce are hand-built with net/http (or a
// raw net.Conn) and signed with cosauth.

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
	"sync"
	"testing"
	"time"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/cos/cosauth"
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// crcOf is the x-cos-hash-crc64ecma value of data.
func crcOf(data []byte) string {
	return strconv.FormatUint(crc64.Checksum(data, crcTable), 10)
}

// etagOf is the quoted hex MD5 of data, the ETag of a simple upload.
func etagOf(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
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

// newBucket creates a fresh private bucket and returns a root client for it.
func newBucket(t *testing.T, s *arcatest.Server, prefix string) (*cossdk.Client, string) {
	t.Helper()
	name := arcatest.Bucket(prefix)
	c := s.COS(name)
	if _, err := c.Bucket.Put(t.Context(), nil); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return c, name
}

// versionedBucket is newBucket with versioning enabled.
func versionedBucket(t *testing.T, s *arcatest.Server, prefix string) (*cossdk.Client, string) {
	t.Helper()
	c, name := newBucket(t, s, prefix)
	if _, err := c.Bucket.PutVersioning(t.Context(), &cossdk.BucketPutVersionOptions{Status: "Enabled"}); err != nil {
		t.Fatalf("enable versioning: %v", err)
	}
	return c, name
}

// anon returns an unsigned SDK client for bucket.
func anon(s *arcatest.Server, bucket string) *cossdk.Client {
	return s.COSWith(bucket, "", "")
}

// put uploads data with the SDK (which itself checks x-cos-hash-crc64ecma)
// and returns the response headers.
func put(t *testing.T, c *cossdk.Client, key string, data []byte, opt *cossdk.ObjectPutOptions) http.Header {
	t.Helper()
	resp, err := c.Object.Put(t.Context(), key, bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
	if got := resp.Header.Get("ETag"); got != etagOf(data) {
		t.Errorf("put %q: ETag = %s, want %s", key, got, etagOf(data))
	}
	if got := resp.Header.Get("x-cos-hash-crc64ecma"); got != crcOf(data) {
		t.Errorf("put %q: x-cos-hash-crc64ecma = %s, want %s", key, got, crcOf(data))
	}
	return resp.Header
}

// get downloads key (optionally a version) and returns its body and headers.
func get(t *testing.T, c *cossdk.Client, key string, opt *cossdk.ObjectGetOptions, version ...string) ([]byte, *http.Response) {
	t.Helper()
	resp, err := c.Object.Get(t.Context(), key, opt, version...)
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("get %q: reading body: %v", key, err)
	}
	return b, resp.Response
}

// checkObjectHeaders asserts the headers every object response carries:
// ETag, x-cos-hash-crc64ecma of the whole object, x-cos-request-id, and
// x-cos-version-id exactly when the bucket has versioning.
func checkObjectHeaders(t *testing.T, what string, h http.Header, whole []byte, versioned bool) {
	t.Helper()
	if h.Get("ETag") == "" {
		t.Errorf("%s: no ETag", what)
	}
	if got := h.Get("x-cos-hash-crc64ecma"); got != crcOf(whole) {
		t.Errorf("%s: x-cos-hash-crc64ecma = %q, want %s", what, got, crcOf(whole))
	}
	if h.Get("x-cos-request-id") == "" {
		t.Errorf("%s: no x-cos-request-id", what)
	}
	if _, has := h["X-Cos-Version-Id"]; has != versioned {
		t.Errorf("%s: x-cos-version-id present = %v (%q), want %v", what, has, h.Get("x-cos-version-id"), versioned)
	}
}

// wantErr asserts that err is a COS error response with status and code
// whose body had the full error shape, and returns it.
func wantErr(t *testing.T, err error, status int, code string) *cossdk.ErrorResponse {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %d %s", status, code)
	}
	var e *cossdk.ErrorResponse
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a COS error %d %s", err, err, status, code)
	}
	if e.Response == nil || e.Response.StatusCode != status || e.Code != code {
		st := 0
		if e.Response != nil {
			st = e.Response.StatusCode
		}
		t.Fatalf("got %d %s (%s), want %d %s", st, e.Code, e.Message, status, code)
	}
	if e.Response.Request.Method != http.MethodHead {
		if e.Message == "" || e.Resource == "" || e.RequestID == "" || e.TraceID == "" {
			t.Errorf("error body incomplete: %+v", e)
		}
		if h := e.Response.Header.Get("x-cos-request-id"); h == "" || h != e.RequestID {
			t.Errorf("x-cos-request-id %q, body RequestId %q", h, e.RequestID)
		}
	}
	if e.Response.Header.Get("x-cos-trace-id") == "" {
		t.Errorf("error response has no x-cos-trace-id")
	}
	return e
}

// wantStatus asserts err is a COS error with the status (any code; for
// HEAD, whose errors have no body).
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	e, ok := cossdk.IsCOSError(err)
	if !ok {
		t.Fatalf("got %v, want a COS error with status %d", err, status)
	}
	if e.Response.StatusCode != status {
		t.Fatalf("status = %d (%s), want %d", e.Response.StatusCode, e.Code, status)
	}
}

// --- hand-built requests ---

// rawReq is a request built by hand.
type rawReq struct {
	method string
	bucket string // "" for the service
	key    string // decoded key, "" for bucket requests
	// query is the raw query string, sent as is and signed by its decoded
	// parameters.
	query  string
	header http.Header
	body   []byte
	// sign with these keys; empty means anonymous.
	ak, sk string
	// pathStyle sends http://127.0.0.1:port/<bucket>/<key>.
	pathStyle bool
	// window overrides the signature window (default now-1m .. now+1h).
	start, end time.Time
	// after signing, edit the request (tampering).
	tamper func(r *http.Request)
}

// rawResp is a response read to its end.
type rawResp struct {
	*http.Response
	body []byte
}

// signed returns rr with the root keys.
func signed(s *arcatest.Server, rr rawReq) rawReq {
	rr.ak, rr.sk = s.Root.AccessKey, s.Root.SecretKey
	return rr
}

func buildRaw(t *testing.T, s *arcatest.Server, rr rawReq) *http.Request {
	t.Helper()
	u := &url.URL{Scheme: "http"}
	path := "/"
	switch {
	case rr.pathStyle:
		u.Host = s.Addr()
		if rr.bucket != "" {
			path = "/" + rr.bucket
			if rr.key != "" {
				path += "/" + rr.key
			}
		}
	case rr.bucket == "":
		u.Host = arcatest.Domain + ":" + s.Port()
	default:
		u.Host = s.BucketURL(rr.bucket).Host
		path = "/" + rr.key
	}
	u.Path = path
	u.RawQuery = rr.query
	var body io.Reader
	if rr.body != nil {
		body = bytes.NewReader(rr.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), rr.method, u.String(), body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range rr.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if rr.ak != "" {
		q, err := url.ParseQuery(rr.query)
		if err != nil {
			t.Fatal(err)
		}
		start, end := rr.start, rr.end
		if start.IsZero() {
			start, end = time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
		}
		req.Header.Set("Authorization", cosauth.Sign(rr.method, path, q, rr.header, req.Host, rr.ak, rr.sk, start, end))
	}
	if rr.tamper != nil {
		rr.tamper(req)
	}
	return req
}

// do sends rr and reads the whole response.
func do(t *testing.T, s *arcatest.Server, rr rawReq) rawResp {
	t.Helper()
	return send(t, s, buildRaw(t, s, rr))
}

func send(t *testing.T, s *arcatest.Server, req *http.Request) rawResp {
	t.Helper()
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return rawResp{resp, b}
}

// errorDoc is COS's error body.
type errorDoc struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource"`
	RequestID string   `xml:"RequestId"`
	TraceID   string   `xml:"TraceId"`
}

// wantRawErr asserts a hand-built request's error response: status, code,
// and the full error shape (for non-HEAD requests).
func wantRawErr(t *testing.T, r rawResp, status int, code string) errorDoc {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d %s; body %s", r.Request.Method, r.Request.URL, r.StatusCode, status, code, r.body)
	}
	if r.Header.Get("x-cos-request-id") == "" || r.Header.Get("x-cos-trace-id") == "" {
		t.Errorf("error response lacks x-cos-request-id or x-cos-trace-id: %v", r.Header)
	}
	var e errorDoc
	if r.Request.Method == http.MethodHead {
		if len(r.body) != 0 {
			t.Errorf("HEAD error has a body: %q", r.body)
		}
		return e
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("error Content-Type = %q", ct)
	}
	if err := xml.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not COS XML: %v: %s", err, r.body)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.Message == "" || e.Resource == "" || e.RequestID == "" || e.TraceID == "" {
		t.Errorf("error body incomplete: %s", r.body)
	}
	if e.RequestID != r.Header.Get("x-cos-request-id") || e.TraceID != r.Header.Get("x-cos-trace-id") {
		t.Errorf("ids differ: body %s/%s, headers %s/%s", e.RequestID, e.TraceID, r.Header.Get("x-cos-request-id"), r.Header.Get("x-cos-trace-id"))
	}
	return e
}

// wantRawOK asserts a 2xx status.
func wantRawOK(t *testing.T, r rawResp, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", r.Request.Method, r.Request.URL, r.StatusCode, status, r.body)
	}
}

// parallel runs fn(i) for i in [0,n) on at most 8 goroutines.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for range min(n, 8) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d failed, first: %v", len(errs), n, errs[0])
	}
}

// listAll pages through a bucket with max-keys and returns the keys and
// common prefixes in order, with the number of pages.
func listAll(t *testing.T, c *cossdk.Client, opt cossdk.BucketGetOptions) (keys, prefixes []string, pages int) {
	t.Helper()
	for {
		res, _, err := c.Bucket.Get(t.Context(), &opt)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range res.Contents {
			keys = append(keys, o.Key)
		}
		prefixes = append(prefixes, res.CommonPrefixes...)
		if !res.IsTruncated {
			if res.NextMarker != "" {
				t.Errorf("NextMarker %q on the last page", res.NextMarker)
			}
			return
		}
		if res.NextMarker == "" {
			t.Fatalf("truncated page without NextMarker")
		}
		if pages > 1000 {
			t.Fatal("listing does not end")
		}
		opt.Marker = res.NextMarker
	}
}

func joinKeys(ks []string) string { return strings.Join(ks, ",") }
