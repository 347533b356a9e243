package crashtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/cos/cosauth"
)

// cosClient sends path-style COS requests (http://host:port/<bucket>/<key>)
// signed by hand with cosauth.Sign.
type cosClient struct {
	addr   string
	ak, sk string
	hc     *http.Client
}

func newClient(addr, ak, sk string) *cosClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		DisableCompression:  true,
	}
	return &cosClient{addr: addr, ak: ak, sk: sk, hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (c *cosClient) close() { c.hc.CloseIdleConnections() }

// request is one COS request.
type request struct {
	method, bucket, key string
	query               url.Values
	header              http.Header // sent and signed
	body                []byte
	anonymous           bool
}

// response is a COS response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) String() string {
	return fmt.Sprintf("%d %s", r.status, tail(string(r.body), 300))
}

// errCode returns the <Code> of an error body.
func (r *response) errCode() string {
	var e struct {
		Code string `xml:"Code"`
	}
	_ = xml.Unmarshal(r.body, &e)
	return e.Code
}

func objectPath(bucket, key string) string {
	switch {
	case bucket == "":
		return "/"
	case key == "":
		return "/" + bucket
	}
	return "/" + bucket + "/" + key
}

// signRequest returns the Authorization header of a request.
func (c *cosClient) sign(method, path string, q url.Values, h http.Header) string {
	now := time.Now()
	return cosauth.Sign(method, path, q, h, c.addr, c.ak, c.sk, now.Add(-time.Minute), now.Add(time.Hour))
}

func (c *cosClient) do(ctx context.Context, r request) (*response, error) {
	path := objectPath(r.bucket, r.key)
	u := &url.URL{Scheme: "http", Host: c.addr, Path: path, RawQuery: r.query.Encode()}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if !r.anonymous {
		req.Header.Set("Authorization", c.sign(r.method, path, r.query, r.header))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// must sends r and fails the test unless the status is want.
func (c *cosClient) must(t *testing.T, want int, r request) *response {
	t.Helper()
	resp, err := c.do(context.Background(), r)
	if err != nil {
		t.Fatalf("%s %s?%s: %v", r.method, objectPath(r.bucket, r.key), r.query.Encode(), err)
	}
	if resp.status != want {
		t.Fatalf("%s %s?%s: got %s, want %d", r.method, objectPath(r.bucket, r.key), r.query.Encode(), resp, want)
	}
	return resp
}

func (c *cosClient) mustXML(t *testing.T, r request, v any) *response {
	t.Helper()
	resp := c.must(t, 200, r)
	if err := xml.Unmarshal(resp.body, v); err != nil {
		t.Fatalf("%s %s: decoding %T: %v\n%s", r.method, objectPath(r.bucket, r.key), v, err, resp.body)
	}
	return resp
}

func (c *cosClient) createBucket(t *testing.T, bucket string) {
	t.Helper()
	c.must(t, 200, request{method: "PUT", bucket: bucket})
}

// --- listings ---

type listBucketResult struct {
	IsTruncated bool   `xml:"IsTruncated"`
	NextMarker  string `xml:"NextMarker"`
	Contents    []struct {
		Key  string `xml:"Key"`
		ETag string `xml:"ETag"`
		Size int64  `xml:"Size"`
	} `xml:"Contents"`
}

type listedObject struct {
	etag string
	size int64
}

// listAll lists every key of a bucket, page by page.
func (c *cosClient) listAll(t *testing.T, bucket string) map[string]listedObject {
	t.Helper()
	out := map[string]listedObject{}
	marker := ""
	for {
		q := url.Values{"max-keys": {"200"}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var res listBucketResult
		c.mustXML(t, request{method: "GET", bucket: bucket, query: q}, &res)
		for _, o := range res.Contents {
			if _, dup := out[o.Key]; dup {
				t.Errorf("listing returned %q twice", o.Key)
			}
			out[o.Key] = listedObject{etag: strings.Trim(o.ETag, `"`), size: o.Size}
		}
		if !res.IsTruncated {
			return out
		}
		marker = res.NextMarker
		if marker == "" && len(res.Contents) > 0 {
			marker = res.Contents[len(res.Contents)-1].Key
		}
	}
}

type listedUpload struct{ key, id string }

type listUploadsResult struct {
	IsTruncated        bool   `xml:"IsTruncated"`
	NextKeyMarker      string `xml:"NextKeyMarker"`
	NextUploadIDMarker string `xml:"NextUploadIdMarker"`
	Uploads            []struct {
		Key      string `xml:"Key"`
		UploadID string `xml:"UploadId"`
	} `xml:"Upload"`
}

func (c *cosClient) listUploads(t *testing.T, bucket string) []listedUpload {
	t.Helper()
	var out []listedUpload
	km, um := "", ""
	for {
		q := url.Values{"uploads": {""}, "max-uploads": {"100"}}
		if km != "" {
			q.Set("key-marker", km)
			q.Set("upload-id-marker", um)
		}
		var res listUploadsResult
		c.mustXML(t, request{method: "GET", bucket: bucket, query: q}, &res)
		for _, u := range res.Uploads {
			out = append(out, listedUpload{u.Key, u.UploadID})
		}
		if !res.IsTruncated {
			return out
		}
		km, um = res.NextKeyMarker, res.NextUploadIDMarker
	}
}

type listedPart struct {
	Number int    `xml:"PartNumber"`
	ETag   string `xml:"ETag"`
	Size   int64  `xml:"Size"`
}

func (c *cosClient) listParts(t *testing.T, bucket, key, uploadID string) []listedPart {
	t.Helper()
	var res struct {
		IsTruncated bool         `xml:"IsTruncated"`
		Parts       []listedPart `xml:"Part"`
	}
	c.mustXML(t, request{method: "GET", bucket: bucket, key: key, query: url.Values{"uploadId": {uploadID}}}, &res)
	if res.IsTruncated {
		t.Fatalf("list parts of %s truncated", key)
	}
	for i := range res.Parts {
		res.Parts[i].ETag = strings.Trim(res.Parts[i].ETag, `"`)
	}
	return res.Parts
}

// --- multipart ---

func initiateRequest(bucket, key string) request {
	return request{method: "POST", bucket: bucket, key: key, query: url.Values{"uploads": {""}}}
}

func uploadID(resp *response) (string, error) {
	var res struct {
		UploadID string `xml:"UploadId"`
	}
	if err := xml.Unmarshal(resp.body, &res); err != nil || res.UploadID == "" {
		return "", fmt.Errorf("no UploadId in %s", resp)
	}
	return res.UploadID, nil
}

func partRequest(bucket, key, id string, n int, body []byte) request {
	return request{method: "PUT", bucket: bucket, key: key, body: body,
		query: url.Values{"uploadId": {id}, "partNumber": {strconv.Itoa(n)}}}
}

func completeRequest(bucket, key, id string, etags []string) request {
	var b strings.Builder
	b.WriteString("<CompleteMultipartUpload>")
	for i, e := range etags {
		fmt.Fprintf(&b, "<Part><PartNumber>%d</PartNumber><ETag>\"%s\"</ETag></Part>", i+1, e)
	}
	b.WriteString("</CompleteMultipartUpload>")
	return request{method: "POST", bucket: bucket, key: key, query: url.Values{"uploadId": {id}},
		header: http.Header{"Content-Type": {"application/xml"}}, body: []byte(b.String())}
}

func abortRequest(bucket, key, id string) request {
	return request{method: "DELETE", bucket: bucket, key: key, query: url.Values{"uploadId": {id}}}
}

// --- payloads ---

var crcTable = crc64.MakeTable(crc64.ECMA)

// chunk is a deterministic piece of data: size bytes drawn from seed.
type chunk struct {
	seed uint64
	size int
}

func (c chunk) bytes() []byte {
	r := rand.New(rand.NewPCG(c.seed, 0x9e3779b97f4a7c15))
	b := make([]byte, c.size+8)
	for i := 0; i < c.size; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b[:c.size]
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// content is an object's expected bytes and the checksums Arca reports.
type content struct {
	chunks    []chunk // one for a plain PUT, one per part for a multipart upload
	multipart bool
	size      int64
	etag      string // without quotes
	crc       uint64
}

func newContent(chunks []chunk, multipart bool) *content {
	c := &content{chunks: chunks, multipart: multipart}
	h := crc64.New(crcTable)
	var md5s []byte
	for _, ch := range chunks {
		b := ch.bytes()
		c.size += int64(len(b))
		h.Write(b)
		s := md5.Sum(b)
		md5s = append(md5s, s[:]...)
	}
	c.crc = h.Sum64()
	if multipart {
		s := md5.Sum(md5s)
		c.etag = hex.EncodeToString(s[:]) + "-" + strconv.Itoa(len(chunks))
	} else {
		c.etag = hex.EncodeToString(md5s)
	}
	return c
}

func (c *content) bytes() []byte {
	out := make([]byte, 0, c.size)
	for _, ch := range c.chunks {
		out = append(out, ch.bytes()...)
	}
	return out
}

// blobCount is how many blob files the content occupies: one per part of a
// multipart object, one for a plain object larger than the 64 KiB inline
// limit, none for a small one.
func (c *content) blobCount() int {
	switch {
	case c.multipart:
		return len(c.chunks)
	case c.size > 64<<10:
		return 1
	}
	return 0
}

func (c *content) String() string {
	return fmt.Sprintf("{%d bytes, etag %s, %d chunks}", c.size, c.etag, len(c.chunks))
}

// checkObject compares a GET response with the expected content: status,
// length, ETag, x-cos-hash-crc64ecma and every byte.
func checkObject(resp *response, want *content) error {
	if resp.status != 200 {
		return fmt.Errorf("GET: %s", resp)
	}
	if got := strings.Trim(resp.header.Get("ETag"), `"`); got != want.etag {
		return fmt.Errorf("ETag %s, want %s", got, want.etag)
	}
	if got := resp.header.Get("x-cos-hash-crc64ecma"); got != strconv.FormatUint(want.crc, 10) {
		return fmt.Errorf("x-cos-hash-crc64ecma %s, want %d", got, want.crc)
	}
	if int64(len(resp.body)) != want.size {
		return fmt.Errorf("body is %d bytes, want %d", len(resp.body), want.size)
	}
	if !bytes.Equal(resp.body, want.bytes()) {
		return fmt.Errorf("body differs from the expected %d bytes", want.size)
	}
	return nil
}
