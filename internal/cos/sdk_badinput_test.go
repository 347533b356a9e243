package cos_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/cos/cosauth"
)

// TestBadInput_KeyLength covers the 850-byte key limit: 850 bytes (also in
// multi-byte characters) work, 851 give KeyTooLong on every write.
func TestBadInput_KeyLength(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "keylen")

	ok := []string{strings.Repeat("k", 850), strings.Repeat("中", 283) + "a", strings.Repeat("d/", 425)}
	for _, k := range ok {
		put(t, c, k, []byte(k[:10]), nil)
		if body, _ := get(t, c, k, nil); string(body) != k[:10] {
			t.Errorf("%d-byte key: GET %q", len(k), body)
		}
	}
	res, _, err := c.Bucket.Get(ctx, nil)
	if err != nil || len(res.Contents) != 3 {
		t.Fatalf("listing: %d, %v", len(res.Contents), err)
	}

	long := strings.Repeat("k", 851)
	longMB := strings.Repeat("中", 284) // 852 bytes, 284 characters
	for _, k := range []string{long, longMB} {
		_, err := c.Object.Put(ctx, k, strings.NewReader("x"), nil)
		wantErr(t, err, 400, "KeyTooLong")
		_, _, err = c.Object.InitiateMultipartUpload(ctx, k, nil)
		wantErr(t, err, 400, "KeyTooLong")
		_, _, err = c.Object.Append(ctx, k, 0, strings.NewReader("x"), nil)
		wantErr(t, err, 400, "KeyTooLong")
		_, _, err = c.Object.Copy(ctx, k, copySource(name, ok[0]), nil)
		wantErr(t, err, 400, "KeyTooLong")
	}
	res, _, _ = c.Bucket.Get(ctx, nil)
	if len(res.Contents) != 3 {
		t.Errorf("a long key was stored: %d objects", len(res.Contents))
	}
}

// rawConn sends a hand-written HTTP/1.1 request on its own connection.
type rawConn struct {
	net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, s *arcatest.Server) *rawConn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawConn{Conn: conn, br: bufio.NewReader(conn)}
}

// head writes a signed request head for a virtual-host request with the
// given extra header lines (already formatted "Name: value").
func (rc *rawConn) head(t *testing.T, s *arcatest.Server, method, bucket, key, query string, lines ...string) {
	t.Helper()
	host := s.BucketURL(bucket).Host
	q, _ := url.ParseQuery(query)
	now := time.Now()
	auth := cosauth.Sign(method, "/"+key, q, nil, host, s.Root.AccessKey, s.Root.SecretKey, now.Add(-time.Minute), now.Add(time.Hour))
	target := (&url.URL{Path: "/" + key}).EscapedPath()
	if query != "" {
		target += "?" + query
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n", method, target, host, auth)
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(rc, b.String()); err != nil {
		t.Fatal(err)
	}
}

func (rc *rawConn) response(t *testing.T, method string) rawResp {
	t.Helper()
	resp, err := http.ReadResponse(rc.br, &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	resp.Request = &http.Request{Method: method, URL: &url.URL{Path: "(raw)"}}
	return rawResp{resp, b}
}

// blobFiles lists the files of the server's blob store.
func blobFiles(t *testing.T, s *arcatest.Server) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(s.Dir(), "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBadInput_Body covers request bodies that do not match their framing:
// a client that sends less than its Content-Length and disconnects (nothing
// becomes visible, no data is left behind, even after a restart); one that
// sends less and waits (400 IncompleteBody); uploads with neither
// Content-Length nor chunked encoding (411 MissingContentLength).
func TestBadInput_Body(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "body")
	up, _, err := c.Object.InitiateMultipartUpload(ctx, "mpu", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Object.Append(ctx, "app", 0, strings.NewReader("base"), nil); err != nil {
		t.Fatal(err)
	}

	t.Run("disconnect mid-body", func(t *testing.T) {
		cases := []struct {
			key, query string
			declared   int
			sent       int
		}{
			{"small", "", 1000, 10},
			{"large", "", 1 << 20, 300 << 10}, // past the inline limit: a blob was being written
			{"mpu", "partNumber=1&uploadId=" + up.UploadID, 2 << 20, 1 << 20},
			{"app", "append&position=4", 500 << 10, 100 << 10},
		}
		for _, tc := range cases {
			rc := dialRaw(t, s)
			method := http.MethodPut
			if strings.HasPrefix(tc.query, "append") {
				method = http.MethodPost
			}
			rc.head(t, s, method, name, tc.key, tc.query, fmt.Sprintf("Content-Length: %d", tc.declared))
			if _, err := rc.Write(randBytes(tc.sent, 1)); err != nil {
				t.Fatal(err)
			}
			rc.Close()
		}
		// A graceful restart waits for every handler to finish, so what
		// follows sees the final state.
		s.Restart()
		for _, k := range []string{"small", "large"} {
			_, err := c.Object.Get(ctx, k, nil)
			wantErr(t, err, 404, "NoSuchKey")
		}
		res, _, err := c.Bucket.Get(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Contents) != 1 || res.Contents[0].Key != "app" || res.Contents[0].Size != 4 {
			t.Errorf("listing after aborted uploads: %+v", res.Contents)
		}
		parts, _, err := c.Object.ListParts(ctx, "mpu", up.UploadID, nil)
		if err != nil || len(parts.Parts) != 0 {
			t.Errorf("parts after an aborted part upload: %+v, %v", parts, err)
		}
		if files := blobFiles(t, s); len(files) != 0 {
			t.Errorf("aborted uploads left blob files: %q", files)
		}
	})

	t.Run("short body, then wait", func(t *testing.T) {
		for _, n := range []int{100, 200 << 10} {
			rc := dialRaw(t, s)
			rc.head(t, s, http.MethodPut, name, "short", "", fmt.Sprintf("Content-Length: %d", n+1))
			rc.Write(randBytes(n, 2))
			rc.Conn.(*net.TCPConn).CloseWrite()
			r := rc.response(t, http.MethodPut)
			wantRawErr(t, r, 400, "IncompleteBody")
		}
		_, err := c.Object.Head(ctx, "short", nil)
		wantStatus(t, err, 404)
	})

	t.Run("no Content-Length", func(t *testing.T) {
		cases := []struct{ method, key, query string }{
			{http.MethodPut, "nolen", ""},
			{http.MethodPut, "mpu", "partNumber=1&uploadId=" + up.UploadID},
			{http.MethodPost, "app", "append&position=4"},
		}
		for _, tc := range cases {
			rc := dialRaw(t, s)
			rc.head(t, s, tc.method, name, tc.key, tc.query)
			r := rc.response(t, tc.method)
			wantRawErr(t, r, 411, "MissingContentLength")
		}
		_, err := c.Object.Head(ctx, "nolen", nil)
		wantStatus(t, err, 404)
		// Chunked encoding needs no Content-Length.
		rc := dialRaw(t, s)
		rc.head(t, s, http.MethodPut, name, "chunked", "", "Transfer-Encoding: chunked")
		io.WriteString(rc, "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
		r := rc.response(t, http.MethodPut)
		wantRawOK(t, r, 200)
		if r.Header.Get("x-cos-hash-crc64ecma") != crcOf([]byte("hello world")) {
			t.Errorf("chunked PUT CRC %s", r.Header.Get("x-cos-hash-crc64ecma"))
		}
		if body, _ := get(t, c, "chunked", nil); string(body) != "hello world" {
			t.Errorf("chunked object %q", body)
		}
	})
}

// TestBadInput_MalformedXML covers every XML-bodied request with bodies that
// are not well formed or have the wrong root: MalformedXML.
func TestBadInput_MalformedXML(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "xml")
	put(t, c, "obj", []byte("x"), nil)
	up, _, err := c.Object.InitiateMultipartUpload(ctx, "mpu", nil)
	if err != nil {
		t.Fatal(err)
	}
	targets := []struct {
		name, method, key, query string
	}{
		{"versioning", http.MethodPut, "", "versioning"},
		{"bucket ACL", http.MethodPut, "", "acl"},
		{"object ACL", http.MethodPut, "obj", "acl"},
		{"delete", http.MethodPost, "", "delete"},
		{"complete", http.MethodPost, "mpu", "uploadId=" + up.UploadID},
	}
	bodies := []string{
		"<",
		"<VersioningConfiguration><Status>Enabled</Status>",
		"<?xml version='1.0'?><AccessControlPolicy><Owner></AccessControlPolicy>",
		"<Delete><Object><Key>obj</Key></Object></Delete></Delete>",
		"plain text",
		`{"json": true}`,
		"<Wrong/>",
	}
	for _, tg := range targets {
		for i, b := range bodies {
			t.Run(fmt.Sprintf("%s %d", tg.name, i), func(t *testing.T) {
				r := do(t, s, signed(s, rawReq{method: tg.method, bucket: name, key: tg.key, query: tg.query, body: []byte(b),
					header: http.Header{"Content-Type": {"application/xml"}, "Content-Md5": {md5B64([]byte(b))}}}))
				wantRawErr(t, r, 400, "MalformedXML")
			})
		}
	}
	// Nothing changed.
	if res, _, _ := c.Bucket.GetVersioning(ctx); res.Status != "" {
		t.Errorf("versioning %q", res.Status)
	}
	if ok, _ := c.Object.IsExist(ctx, "obj"); !ok {
		t.Error("obj deleted")
	}
	if _, _, err := c.Object.ListParts(ctx, "mpu", up.UploadID, nil); err != nil {
		t.Errorf("upload gone: %v", err)
	}
}

// TestBadInput_Keys covers keys that would be dangerous as file paths or
// need escaping: they round-trip exactly through PUT, GET, HEAD, listing
// (plain and encoding-type=url), copy and delete, whatever the addressing;
// and no key reaches the file system.
func TestBadInput_Keys(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "keys")
	keys := []string{
		"..", "../x", "../../../../etc/arca-escape", "a/../b", "a/..", "./y", "a/./b", ".",
		"a//b", "dir//", "a%2Fb", "%2F", "%", "100%25", "sp ace", " lead", "trail ",
		"unicode/中文/😀.txt", "trailing/", "a?b#c", "plus+key=v&w", "semi;colon,comma", `back\slash`,
		"~tilde*star'quote\"", "tab\tkey", "new\nline",
	}
	big := randBytes(70<<10, 5) // stored as a blob, not inline
	data := func(i int) []byte {
		if i == 2 {
			return big
		}
		return []byte(fmt.Sprintf("body of %q", keys[i]))
	}
	// The SDK cannot address "." and ".." at all: it resolves its URLs
	// against the bucket URL, which removes such dot segments (RFC 3986),
	// so "/.." becomes "/". Other keys with dots go out with "/" escaped
	// as %2F and survive. Those two are sent by hand.
	viaSDK := func(k string) bool { return k != "." && k != ".." }
	for i, k := range keys {
		if viaSDK(k) {
			put(t, c, k, data(i), nil)
			continue
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, key: k, body: data(i)}))
		wantRawOK(t, r, 200)
		checkObjectHeaders(t, "PUT "+k, r.Header, data(i), false)
	}

	sdk := cossdk.NewClient(&cossdk.BaseURL{BucketURL: s.BucketURL(name)}, &http.Client{Transport: &cossdk.AuthorizationTransport{
		SecretID: s.Root.AccessKey, SecretKey: s.Root.SecretKey, Transport: s.Transport(),
	}})
	sdk.Conf.ObjectKeySimplifyCheck = false // it refuses keys like "a/.." that resolve to "/"

	for i, k := range keys {
		want := data(i)
		if viaSDK(k) {
			body, resp := get(t, sdk, k, nil)
			if !bytes.Equal(body, want) {
				t.Errorf("GET %q = %q", k, body)
			}
			checkObjectHeaders(t, "GET "+k, resp.Header, want, false)
		}
		// By hand, virtual-host and path-style.
		r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: k}))
		if r.StatusCode != 200 || !bytes.Equal(r.body, want) {
			t.Errorf("raw GET %q: %d", k, r.StatusCode)
		}
		r = do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: k, pathStyle: true}))
		if r.StatusCode != 200 || !bytes.Equal(r.body, want) {
			t.Errorf("path-style GET %q: %d %s", k, r.StatusCode, r.body)
		}
	}

	t.Run("listing", func(t *testing.T) {
		res, _, err := c.Bucket.Get(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, o := range res.Contents {
			got[o.Key] = true
		}
		// Control characters cannot travel in XML; encoding-type=url carries
		// them.
		for _, k := range keys {
			if !got[k] && !strings.ContainsAny(k, "\t\n") {
				t.Errorf("key %q not listed as is", k)
			}
		}
		res, _, err = c.Bucket.Get(ctx, &cossdk.BucketGetOptions{EncodingType: "url"})
		if err != nil {
			t.Fatal(err)
		}
		got = map[string]bool{}
		for _, o := range res.Contents {
			k, err := url.QueryUnescape(o.Key)
			if err != nil {
				t.Errorf("listed key %q does not decode: %v", o.Key, err)
			}
			got[k] = true
		}
		for _, k := range keys {
			if !got[k] {
				t.Errorf("key %q missing from the encoded listing", k)
			}
		}
		if len(res.Contents) != len(keys) {
			t.Errorf("%d keys listed, want %d", len(res.Contents), len(keys))
		}
	})

	t.Run("encoded slash", func(t *testing.T) {
		put(t, c, "x/y", []byte("slash"), nil)
		// The SDK sends "/x%2Fy"; a browser-style client sends "/x/y".
		for _, path := range []string{"/x%2Fy", "/x/y"} {
			req := buildRaw(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: "x/y"}))
			req.URL.RawPath = path
			r := send(t, s, req)
			if r.StatusCode != 200 || string(r.body) != "slash" {
				t.Errorf("GET %s: %d %q", path, r.StatusCode, r.body)
			}
		}
	})

	t.Run("copy and delete", func(t *testing.T) {
		for i, k := range keys[:8] {
			dst := "copy/" + k
			if _, _, err := sdk.Object.Copy(ctx, dst, copySource(name, k), nil); err != nil {
				t.Errorf("copy %q: %v", k, err)
				continue
			}
			if body, _ := get(t, sdk, dst, nil); !bytes.Equal(body, data(i)) {
				t.Errorf("copy of %q = %q", k, body)
			}
			if _, err := sdk.Object.Delete(ctx, dst); err != nil {
				t.Errorf("delete %q: %v", dst, err)
			}
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodDelete, bucket: name, key: ".."}))
		wantRawOK(t, r, 204)
		r = do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: ".."}))
		wantRawErr(t, r, 404, "NoSuchKey")
		if body, _ := get(t, sdk, "../x", nil); !bytes.Equal(body, data(1)) {
			t.Error("deleting .. touched ../x")
		}
		if _, err := sdk.Object.Delete(ctx, "a/.."); err != nil {
			t.Fatal(err)
		}
		_, err := sdk.Object.Head(ctx, "a/..", nil)
		wantStatus(t, err, 404)
		if ok, _ := c.Object.IsExist(ctx, "a/../b"); !ok {
			t.Error("deleting a/.. touched a/../b")
		}
	})

	t.Run("no key on disk", func(t *testing.T) {
		marker := regexp.MustCompile(`arca-escape`)
		err := filepath.WalkDir(filepath.Dir(s.Dir()), func(p string, d fs.DirEntry, err error) error {
			if err == nil && marker.MatchString(d.Name()) {
				t.Errorf("file named after a key: %s", p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestErrors_Shape covers COS's error format: the XML prolog, the five
// elements in order, Resource for object, bucket and path-style requests,
// x-cos-request-id (base64 of <hex seconds>_…) equal to RequestId,
// x-cos-trace-id equal to TraceId, Server: tencent-cos; HEAD errors without
// a body; unsupported methods and sub-resources.
func TestErrors_Shape(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	_, name := newBucket(t, s, "errs")
	host := name + "." + arcatest.Domain
	gone := arcatest.Bucket("gone")

	cases := []struct {
		name     string
		rr       rawReq
		status   int
		code     string
		resource string
	}{
		{"object", signed(s, rawReq{method: http.MethodGet, bucket: name, key: "dir/no key"}), 404, "NoSuchKey", host + "/dir/no key"},
		{"bucket", signed(s, rawReq{method: http.MethodGet, bucket: gone}), 404, "NoSuchBucket", gone + "." + arcatest.Domain},
		{"path style", signed(s, rawReq{method: http.MethodGet, bucket: name, key: "k", pathStyle: true}), 404, "NoSuchKey", "127.0.0.1/" + name + "/k"},
		{"anonymous", rawReq{method: http.MethodGet, bucket: name}, 403, "AccessDenied", host},
		{"method", signed(s, rawReq{method: http.MethodPatch, bucket: name, key: "k"}), 405, "MethodNotAllowed", host + "/k"},
		{"sub-resource", signed(s, rawReq{method: http.MethodGet, bucket: name, query: "inventory"}), 501, "NotImplemented", host},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, tc.rr)
			e := wantRawErr(t, r, tc.status, tc.code)
			if e.Resource != tc.resource {
				t.Errorf("Resource %q, want %q", e.Resource, tc.resource)
			}
			if !bytes.HasPrefix(r.body, []byte("<?xml version='1.0' encoding='utf-8' ?>")) {
				t.Errorf("prolog: %.60s", r.body)
			}
			order := regexp.MustCompile(`(?s)<Error><Code>.*</Code><Message>.*</Message><Resource>.*</Resource><RequestId>.*</RequestId><TraceId>.*</TraceId></Error>`)
			if !order.Match(r.body) {
				t.Errorf("element order: %s", r.body)
			}
			if r.Header.Get("Server") != "tencent-cos" {
				t.Errorf("Server %q", r.Header.Get("Server"))
			}
			id, err := base64.StdEncoding.DecodeString(r.Header.Get("x-cos-request-id"))
			if err != nil || !regexp.MustCompile(`^[0-9a-f]{8}_[0-9a-f]+_[0-9a-f]+_[0-9a-f]+$`).Match(id) {
				t.Errorf("x-cos-request-id %q decodes to %q", r.Header.Get("x-cos-request-id"), id)
			}
		})
	}

	t.Run("HEAD", func(t *testing.T) {
		r := do(t, s, signed(s, rawReq{method: http.MethodHead, bucket: name, key: "nokey"}))
		wantRawErr(t, r, 404, "")
		if r.Header.Get("Content-Length") != "0" || r.Header.Get("Content-Type") != "application/xml" {
			t.Errorf("HEAD error headers %v", r.Header)
		}
	})

	t.Run("request ids differ", func(t *testing.T) {
		seen := map[string]bool{}
		for range 20 {
			r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: "nokey"}))
			id := r.Header.Get("x-cos-request-id")
			if seen[id] {
				t.Fatalf("request id %s repeated", id)
			}
			seen[id] = true
		}
	})
}
