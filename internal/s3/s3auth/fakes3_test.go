package s3auth_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/s3/s3auth"
)

// fakeS3 is the smallest S3 endpoint the SDKs' object calls work against:
// PUT, GET (with Range), HEAD and DELETE of objects, multipart uploads,
// ?location, and POST form uploads, for one bucket, in memory. Every
// request goes through FromRequest, Verify and Body, and every checksum a
// client sends (x-amz-checksum-* header or trailer, Content-MD5) is
// checked against the bytes Body yielded. It does not route through
// ServeMux, which would clean the keys out of shape.
type fakeS3 struct {
	t      testing.TB
	bucket string
	keys   map[string]string // access key → secret key

	skew time.Duration // added to the server's clock

	mu      sync.Mutex
	objects map[string][]byte
	parts   map[string]map[int][]byte // upload id → part number → data
	seen    map[string]int            // "scheme payload" → count, see record
	failed  []string                  // errors answered, for the test log
}

const (
	sdkAK    = "AKIAARCATESTKEY00001"
	sdkSK    = "arca/Test+Secret=Key0000000000000000000"
	sdkToken = "session-token/with+odd=chars"
	// baseHost is the endpoint's host name; "<bucket>.s3.test" addresses
	// the bucket virtual-hosted style. A dialer sends both to the server.
	baseHost = "s3.test"
)

func newFakeS3(t testing.TB) *fakeS3 {
	return &fakeS3{
		t: t, bucket: "bucket",
		keys:    map[string]string{sdkAK: sdkSK},
		objects: map[string][]byte{}, parts: map[string]map[int][]byte{}, seen: map[string]int{},
	}
}

// start serves f over HTTP or HTTPS and returns the endpoint URL with the
// base host name and a client whose transport reaches the server for any
// host name under it.
func (f *fakeS3) start(tls bool) (endpoint string, client *http.Client) {
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(f)
	} else {
		srv = httptest.NewServer(f)
	}
	f.t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	scheme := "http"
	if tls {
		scheme = "https"
		tr.TLSClientConfig.ServerName = "example.com" // a name httptest's certificate holds
	}
	return scheme + "://" + baseHost + ":" + port, &http.Client{Transport: tr}
}

// kinds returns the "scheme payload" combinations served successfully.
func (f *fakeS3) kinds() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.seen)
}

func (f *fakeS3) record(a *s3auth.Auth, r *http.Request) {
	kind := "anonymous"
	if a != nil {
		kind = a.Scheme.String()
	}
	p := r.Header.Get("X-Amz-Content-Sha256")
	if a != nil && a.Scheme == s3auth.V4Query && a.PayloadHash != s3auth.UnsignedPayload {
		p = a.PayloadHash
	}
	if len(p) == 64 && !strings.HasPrefix(p, "STREAMING") {
		p = "hex"
	}
	if p != "" {
		kind += " " + p
	}
	f.mu.Lock()
	f.seen[kind]++
	f.mu.Unlock()
}

func (f *fakeS3) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *s3auth.Error
	if !errors.As(err, &e) {
		e = &s3auth.Error{Code: "InternalError", Status: 500, Message: err.Error()}
	}
	f.mu.Lock()
	f.failed = append(f.failed, fmt.Sprintf("%s %s: %s: %s %v", r.Method, r.RequestURI, e.Code, e.Message, e.Details))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Code", e.Code)
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>", e.Code, xmlEscape(e.Message))
	}
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// target splits the request into bucket and key, virtual-hosted style
// when the host is "<bucket>.s3.test".
func (f *fakeS3) target(r *http.Request) (bucket, key string, virtual bool) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if b, ok := strings.CutSuffix(host, "."+baseHost); ok {
		return b, strings.TrimPrefix(r.URL.Path, "/"), true
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key, false
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f.servePost(w, r)
		return
	}
	a, err := s3auth.FromRequest(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	bucket, key, virtual := f.target(r)
	if a == nil {
		f.fail(w, r, s3auth.ErrAccessDenied)
		return
	}
	sk, ok := f.keys[a.AccessKey]
	if !ok {
		f.fail(w, r, s3auth.ErrInvalidAccessKeyID)
		return
	}
	if a.SecurityToken != "" && a.SecurityToken != sdkToken {
		f.fail(w, r, &s3auth.Error{Code: "InvalidToken", Status: 400, Message: "The provided token is malformed or otherwise invalid."})
		return
	}
	if virtual {
		a.VirtualBucket = bucket
	}
	if err := a.Verify(r, sk, time.Now().Add(f.skew)); err != nil {
		f.fail(w, r, err)
		return
	}
	body, size, err := s3auth.Body(r, a, sk)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	data, err := io.ReadAll(body)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	if size >= 0 && int64(len(data)) != size {
		f.fail(w, r, fmt.Errorf("body is %d bytes, Body said %d", len(data), size))
		return
	}
	if err := checkSums(r, body, data); err != nil {
		f.fail(w, r, err)
		return
	}
	if bucket != f.bucket {
		f.fail(w, r, &s3auth.Error{Code: "NoSuchBucket", Status: 404, Message: "The specified bucket does not exist"})
		return
	}
	f.record(a, r)
	f.serveObject(w, r, key, data)
}

func (f *fakeS3) serveObject(w http.ResponseWriter, r *http.Request, key string, data []byte) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case q.Has("location"):
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>`)
	case r.Method == http.MethodPost && q.Has("uploads"):
		id := strconv.Itoa(len(f.parts) + 1)
		f.parts[id] = map[int][]byte{}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>`,
			f.bucket, xmlEscape(key), id)
	case r.Method == http.MethodPut && q.Has("uploadId"):
		n, _ := strconv.Atoi(q.Get("partNumber"))
		f.parts[q.Get("uploadId")][n] = data
		w.Header().Set("ETag", etag(data))
	case r.Method == http.MethodPost && q.Has("uploadId"):
		parts := f.parts[q.Get("uploadId")]
		var all []byte
		for _, n := range slices.Sorted(keysOf(parts)) {
			all = append(all, parts[n]...)
		}
		f.objects[key] = all
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><ETag>%s</ETag></CompleteMultipartUploadResult>`,
			f.bucket, xmlEscape(key), xmlEscape(etag(all)))
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		delete(f.parts, q.Get("uploadId"))
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPut:
		f.objects[key] = data
		w.Header().Set("ETag", etag(data))
	case r.Method == http.MethodGet, r.Method == http.MethodHead:
		obj, ok := f.objects[key]
		if !ok {
			w.Header().Set("X-Code", "NoSuchKey")
			w.WriteHeader(http.StatusNotFound)
			if r.Method == http.MethodGet {
				fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>%s</Key></Error>`, xmlEscape(key))
			}
			return
		}
		w.Header().Set("ETag", etag(obj))
		w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/octet-stream")
		status, part := http.StatusOK, obj
		if rg := r.Header.Get("Range"); rg != "" {
			var from, to int
			if _, err := fmt.Sscanf(rg, "bytes=%d-%d", &from, &to); err == nil && from <= to && to < len(obj) {
				part, status = obj[from:to+1], http.StatusPartialContent
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to, len(obj)))
			}
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(part)))
		w.WriteHeader(status)
		if r.Method == http.MethodGet {
			w.Write(part)
		}
	case r.Method == http.MethodDelete:
		delete(f.objects, key)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// servePost takes a browser form upload: the form's signature is checked
// with FromPostForm and PostAuth.Verify.
func (f *fakeS3) servePost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		f.fail(w, r, err)
		return
	}
	get := func(name string) (string, bool) {
		for k, v := range r.MultipartForm.Value {
			if strings.EqualFold(k, name) && len(v) > 0 {
				return v[0], true
			}
		}
		return "", false
	}
	p, err := s3auth.FromPostForm(get)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	if p == nil {
		f.fail(w, r, s3auth.ErrAccessDenied)
		return
	}
	sk, ok := f.keys[p.AccessKey]
	if !ok {
		f.fail(w, r, s3auth.ErrInvalidAccessKeyID)
		return
	}
	if err := p.Verify(sk); err != nil {
		f.fail(w, r, err)
		return
	}
	fh := r.MultipartForm.File["file"]
	if len(fh) != 1 {
		f.fail(w, r, errors.New("no file"))
		return
	}
	file, _ := fh[0].Open()
	data, _ := io.ReadAll(file)
	key, _ := get("key")
	key = strings.ReplaceAll(key, "${filename}", fh[0].Filename)
	f.mu.Lock()
	f.objects[key] = data
	f.seen["form "+p.Scheme.String()]++
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func keysOf(m map[int][]byte) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func etag(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// crc64NVME is CRC-64/NVME: the reflected polynomial 0x9A6C9329AC4BC9B5
// with hash/crc64's initial and final inversion.
var crc64NVME = crc64.MakeTable(0x9A6C9329AC4BC9B5)

// checksumOf returns the base64 checksum of data for an x-amz-checksum-*
// algorithm name, or false for one this test does not know.
func checksumOf(alg string, data []byte) (string, bool) {
	var h hash.Hash
	switch alg {
	case "crc32":
		h = crc32.NewIEEE()
	case "crc32c":
		h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "crc64nvme":
		h = crc64.New(crc64NVME)
	case "sha1":
		h = sha1.New()
	case "sha256":
		h = sha256.New()
	default:
		return "", false
	}
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), true
}

// checkSums compares every checksum the client sent, in headers or in
// the aws-chunked trailer, with the data.
func checkSums(r *http.Request, body io.Reader, data []byte) error {
	sent := http.Header{}
	for k, v := range r.Header {
		sent[k] = v
	}
	if cr, ok := body.(*s3auth.ChunkedReader); ok {
		for k, v := range cr.Trailer() {
			if len(v) == 0 {
				return fmt.Errorf("trailer %s declared but empty after EOF", k)
			}
			sent[k] = v
		}
	}
	for k, v := range sent {
		alg, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-checksum-")
		if !ok || alg == "type" || alg == "algorithm" {
			continue
		}
		want, known := checksumOf(alg, data)
		if known && v[0] != want {
			return &s3auth.Error{Code: "BadDigest", Status: 400, Message: fmt.Sprintf("The %s you specified did not match the calculated checksum: sent %s, computed %s.", alg, v[0], want)}
		}
	}
	if m := r.Header.Get("Content-Md5"); m != "" {
		sum := md5.Sum(data)
		if m != base64.StdEncoding.EncodeToString(sum[:]) {
			return &s3auth.Error{Code: "BadDigest", Status: 400, Message: "The Content-MD5 you specified did not match what we received."}
		}
	}
	return nil
}

// trickyKeys hit the encoding rules of the canonical URI.
var trickyKeys = []string{
	"plain.txt",
	"with space.txt",
	"unicode/ключ/文件 名.txt",
	"a+b=c&d.txt",
	"percent%25%.txt",
	"equals=sign==",
	"dir//double/slash",
	"trailing/",
	"dots/./x/../y",
	"semi;colon,comma:colon@at$!'()*",
	"tilde~_-.txt",
	"hash#q?x[y]{z}|^`\\<>\"",
	"emoji-😀.bin",
}
