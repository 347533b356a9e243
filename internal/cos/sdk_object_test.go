package cos_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

func hdr(kv ...string) *http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return &h
}

func putOpt(h *cossdk.ObjectPutHeaderOptions) *cossdk.ObjectPutOptions {
	return &cossdk.ObjectPutOptions{ObjectPutHeaderOptions: h}
}

// TestObject_PutGet covers PUT Object with its content headers,
// Content-MD5, user metadata, storage class and ACL headers, and what GET
// and HEAD return for them; sizes around the inline limit; overwrites.
func TestObject_PutGet(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "putget")
	ctx := t.Context()

	t.Run("sizes", func(t *testing.T) {
		for i, n := range []int{0, 1, 1000, 64 << 10, 64<<10 + 1, 1 << 20, 3<<20 + 17} {
			key := fmt.Sprintf("size/%d", n)
			data := randBytes(n, uint64(i+1))
			h := put(t, c, key, data, nil)
			checkObjectHeaders(t, "PUT "+key, h, data, false)
			if h.Get("Content-Length") != "0" {
				t.Errorf("PUT response Content-Length %q", h.Get("Content-Length"))
			}
			body, resp := get(t, c, key, nil)
			if !bytes.Equal(body, data) {
				t.Fatalf("%s: GET returned %d bytes, differing", key, len(body))
			}
			checkObjectHeaders(t, "GET "+key, resp.Header, data, false)
			if resp.Header.Get("ETag") != etagOf(data) || resp.Header.Get("Content-Length") != strconv.Itoa(n) ||
				resp.Header.Get("Accept-Ranges") != "bytes" || resp.Header.Get("Content-Type") != "application/octet-stream" {
				t.Errorf("%s: GET headers %v", key, resp.Header)
			}
			lm, err := http.ParseTime(resp.Header.Get("Last-Modified"))
			if err != nil || time.Since(lm) > time.Minute {
				t.Errorf("%s: Last-Modified %q", key, resp.Header.Get("Last-Modified"))
			}
		}
	})

	t.Run("content headers and metadata", func(t *testing.T) {
		data := []byte("hello, headers")
		meta := hdr("x-cos-meta-author", "alice", "x-cos-meta-Multi-Word", "v 2", "X-Cos-Meta-Empty", "")
		h := put(t, c, "meta.txt", data, putOpt(&cossdk.ObjectPutHeaderOptions{
			ContentType:        "text/plain; charset=utf-8",
			CacheControl:       "max-age=60",
			ContentDisposition: `attachment; filename="m.txt"`,
			ContentEncoding:    "deflate",
			ContentLanguage:    "zh-CN",
			Expires:            "Thu, 01 Jan 2099 00:00:00 GMT",
			XCosMetaXXX:        meta,
		}))
		checkObjectHeaders(t, "PUT", h, data, false)
		want := map[string]string{
			"Content-Type":          "text/plain; charset=utf-8",
			"Cache-Control":         "max-age=60",
			"Content-Disposition":   `attachment; filename="m.txt"`,
			"Content-Encoding":      "deflate",
			"Content-Language":      "zh-CN",
			"Expires":               "Thu, 01 Jan 2099 00:00:00 GMT",
			"X-Cos-Meta-Author":     "alice",
			"X-Cos-Meta-Multi-Word": "v 2",
		}
		body, resp := get(t, c, "meta.txt", nil)
		if !bytes.Equal(body, data) {
			t.Errorf("body %q", body)
		}
		hresp, err := c.Object.Head(ctx, "meta.txt", nil)
		if err != nil {
			t.Fatal(err)
		}
		for what, got := range map[string]http.Header{"GET": resp.Header, "HEAD": hresp.Header} {
			for k, v := range want {
				if got.Get(k) != v {
					t.Errorf("%s %s = %q, want %q", what, k, got.Get(k), v)
				}
			}
			if _, ok := got["X-Cos-Storage-Class"]; ok {
				t.Errorf("%s: STANDARD object has x-cos-storage-class %q", what, got.Get("X-Cos-Storage-Class"))
			}
			if _, ok := got["X-Cos-Object-Type"]; ok {
				t.Errorf("%s: normal object has x-cos-object-type", what)
			}
		}
	})

	t.Run("metadata over 2 KB", func(t *testing.T) {
		_, err := c.Object.Put(ctx, "bigmeta", strings.NewReader("x"), putOpt(&cossdk.ObjectPutHeaderOptions{
			XCosMetaXXX: hdr("x-cos-meta-big", strings.Repeat("m", 2100)),
		}))
		wantErr(t, err, 400, "InvalidArgument")
		// Several keys adding up past the limit.
		many := hdr()
		for i := range 30 {
			many.Set(fmt.Sprintf("x-cos-meta-k%02d", i), strings.Repeat("v", 60))
		}
		_, err = c.Object.Put(ctx, "bigmeta", strings.NewReader("x"), putOpt(&cossdk.ObjectPutHeaderOptions{XCosMetaXXX: many}))
		wantErr(t, err, 400, "InvalidArgument")
		_, err = c.Object.Head(ctx, "bigmeta", nil)
		wantStatus(t, err, 404)
		// Just under the limit is fine.
		put(t, c, "okmeta", []byte("x"), putOpt(&cossdk.ObjectPutHeaderOptions{
			XCosMetaXXX: hdr("x-cos-meta-ok", strings.Repeat("m", 1900)),
		}))
	})

	t.Run("Content-MD5", func(t *testing.T) {
		data := []byte("checked body")
		put(t, c, "md5", data, putOpt(&cossdk.ObjectPutHeaderOptions{ContentMD5: md5B64(data)}))
		cases := []struct{ md5, code string }{
			{md5B64([]byte("other body")), "BadDigest"},
			{"not base64!", "InvalidDigest"},
			{"AAAA", "InvalidDigest"}, // valid base64, 3 bytes
		}
		for _, tc := range cases {
			_, err := c.Object.Put(ctx, "md5", bytes.NewReader([]byte("new body")), putOpt(&cossdk.ObjectPutHeaderOptions{ContentMD5: tc.md5}))
			wantErr(t, err, 400, tc.code)
		}
		// A failed upload leaves the old object in place.
		if body, _ := get(t, c, "md5", nil); !bytes.Equal(body, data) {
			t.Errorf("object after failed uploads = %q", body)
		}
		// A large body with a wrong digest (stored in a blob first).
		big := randBytes(200<<10, 7)
		_, err := c.Object.Put(ctx, "md5big", bytes.NewReader(big), putOpt(&cossdk.ObjectPutHeaderOptions{ContentMD5: md5B64(data)}))
		wantErr(t, err, 400, "BadDigest")
		_, err = c.Object.Head(ctx, "md5big", nil)
		wantStatus(t, err, 404)
	})

	t.Run("storage class", func(t *testing.T) {
		for _, sc := range []string{"STANDARD_IA", "ARCHIVE", "DEEP_ARCHIVE", "INTELLIGENT_TIERING", "STANDARD"} {
			key := "class/" + sc
			put(t, c, key, []byte(sc), putOpt(&cossdk.ObjectPutHeaderOptions{XCosStorageClass: sc}))
			resp, err := c.Object.Head(ctx, key, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, has := resp.Header.Get("x-cos-storage-class"), resp.Header["X-Cos-Storage-Class"] != nil
			if sc == "STANDARD" && has || sc != "STANDARD" && got != sc {
				t.Errorf("%s: HEAD x-cos-storage-class = %q (present %v)", sc, got, has)
			}
		}
		res, _, err := c.Bucket.Get(ctx, &cossdk.BucketGetOptions{Prefix: "class/"})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Contents {
			if o.StorageClass != strings.TrimPrefix(o.Key, "class/") {
				t.Errorf("%s listed with class %s", o.Key, o.StorageClass)
			}
		}
		for _, bad := range []string{"GLACIER", "COLD", "standard-ia"} {
			_, err := c.Object.Put(ctx, "class/bad", strings.NewReader("x"), putOpt(&cossdk.ObjectPutHeaderOptions{XCosStorageClass: bad}))
			wantErr(t, err, 400, "InvalidArgument")
		}
		_, err = c.Object.Head(ctx, "class/bad", nil)
		wantStatus(t, err, 404)
	})

	t.Run("ACL headers", func(t *testing.T) {
		put(t, c, "acl/public", []byte("pub"), &cossdk.ObjectPutOptions{ACLHeaderOptions: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}})
		put(t, c, "acl/private", []byte("priv"), nil)
		a := anon(s, name)
		if body, _ := get(t, a, "acl/public", nil); string(body) != "pub" {
			t.Errorf("anonymous GET of public-read object = %q", body)
		}
		_, err := a.Object.Get(ctx, "acl/private", nil)
		wantErr(t, err, 403, "AccessDenied")

		put(t, c, "acl/granted", []byte("g"), &cossdk.ObjectPutOptions{ACLHeaderOptions: &cossdk.ACLHeaderOptions{
			XCosGrantRead: `id="100000000002"`, XCosGrantFullControl: `id="100000000001/100000000003"`,
		}})
		acl, _, err := c.Object.GetACL(ctx, "acl/granted")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{uin("100000000002") + "=READ", uin("100000000003") + "=FULL_CONTROL", uin(s.Root.ID) + "=FULL_CONTROL"}
		slices.Sort(want)
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("grants %q, want %q", got, want)
		}

		_, err = c.Object.Put(ctx, "acl/bad", strings.NewReader("x"), &cossdk.ObjectPutOptions{ACLHeaderOptions: &cossdk.ACLHeaderOptions{XCosACL: "everyone"}})
		wantErr(t, err, 400, "InvalidArgument")
		_, err = c.Object.Put(ctx, "acl/bad", strings.NewReader("x"), &cossdk.ObjectPutOptions{ACLHeaderOptions: &cossdk.ACLHeaderOptions{XCosGrantWrite: `id="100000000002"`}})
		wantErr(t, err, 400, "InvalidArgument")
	})

	t.Run("overwrite", func(t *testing.T) {
		put(t, c, "over", []byte("first version"), putOpt(&cossdk.ObjectPutHeaderOptions{ContentType: "text/a", XCosMetaXXX: hdr("x-cos-meta-a", "1")}))
		put(t, c, "over", []byte("second"), putOpt(&cossdk.ObjectPutHeaderOptions{ContentType: "text/b"}))
		body, resp := get(t, c, "over", nil)
		if string(body) != "second" || resp.Header.Get("Content-Type") != "text/b" || resp.Header.Get("x-cos-meta-a") != "" {
			t.Errorf("after overwrite: %q, %v", body, resp.Header)
		}
	})

	t.Run("chunked upload", func(t *testing.T) {
		// A reader of unknown length goes out with Transfer-Encoding: chunked.
		data := randBytes(100<<10, 3)
		resp, err := c.Object.Put(ctx, "chunked", struct{ *bytes.Reader }{bytes.NewReader(data)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkObjectHeaders(t, "chunked PUT", resp.Header, data, false)
		if body, _ := get(t, c, "chunked", nil); !bytes.Equal(body, data) {
			t.Error("chunked upload stored different bytes")
		}
	})

	t.Run("Expect: 100-continue", func(t *testing.T) {
		data := randBytes(10<<10, 8)
		put(t, c, "expect", data, putOpt(&cossdk.ObjectPutHeaderOptions{Expect: "100-continue"}))
		if body, _ := get(t, c, "expect", nil); !bytes.Equal(body, data) {
			t.Error("body differs")
		}
	})

	t.Run("missing", func(t *testing.T) {
		_, err := c.Object.Get(ctx, "nope", nil)
		wantErr(t, err, 404, "NoSuchKey")
		_, err = c.Object.Head(ctx, "nope", nil)
		wantStatus(t, err, 404)
		if ok, err := c.Object.IsExist(ctx, "nope"); ok || err != nil {
			t.Errorf("IsExist = %v, %v", ok, err)
		}
		nb := s.COS(arcatest.Bucket("nobucket"))
		_, err = nb.Object.Get(ctx, "k", nil)
		wantErr(t, err, 404, "NoSuchBucket")
		_, err = nb.Object.Put(ctx, "k", strings.NewReader("x"), nil)
		wantErr(t, err, 404, "NoSuchBucket")
		r := do(t, s, signed(s, rawReq{method: http.MethodHead, bucket: name, key: "nope"}))
		wantRawErr(t, r, 404, "")
	})
}

// TestObject_GetRange covers GET Object with Range: closed, open-ended,
// suffix and clamped ranges (206 with Content-Range and the whole object's
// CRC), unsatisfiable ones (416 InvalidRange), and ignored ones (200).
func TestObject_GetRange(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, _ := newBucket(t, s, "range")
	data := randBytes(100, 1)
	put(t, c, "obj", data, nil)
	put(t, c, "empty", nil, nil)
	big := randBytes(300<<10, 2)
	put(t, c, "big", big, nil)

	cases := []struct {
		key, rng   string
		status     int
		first, end int // served bytes [first, end)
		code       string
	}{
		{"obj", "bytes=0-9", 206, 0, 10, ""},
		{"obj", "bytes=0-0", 206, 0, 1, ""},
		{"obj", "bytes=10-19", 206, 10, 20, ""},
		{"obj", "bytes=90-", 206, 90, 100, ""},
		{"obj", "bytes=-5", 206, 95, 100, ""},
		{"obj", "bytes=-500", 206, 0, 100, ""},
		{"obj", "bytes=95-200", 206, 95, 100, ""},
		{"obj", "bytes=99-99", 206, 99, 100, ""},
		{"obj", "bytes=100-", 416, 0, 0, "InvalidRange"},
		{"obj", "bytes=200-300", 416, 0, 0, "InvalidRange"},
		{"obj", "bytes=-0", 416, 0, 0, "InvalidRange"},
		{"obj", "bytes=5-2", 200, 0, 100, ""},
		{"obj", "bytes=abc", 200, 0, 100, ""},
		{"obj", "items=0-1", 200, 0, 100, ""},
		{"empty", "bytes=0-", 416, 0, 0, "InvalidRange"},
		{"big", "bytes=100000-200000", 206, 100000, 200001, ""},
		{"big", "bytes=-70000", 206, len(big) - 70000, len(big), ""},
	}
	for _, tc := range cases {
		t.Run(tc.key+" "+tc.rng, func(t *testing.T) {
			whole := map[string][]byte{"obj": data, "empty": nil, "big": big}[tc.key]
			resp, err := c.Object.Get(t.Context(), tc.key, &cossdk.ObjectGetOptions{Range: tc.rng})
			if tc.code != "" {
				e := wantErr(t, err, tc.status, tc.code)
				if got := e.Response.Header.Get("Content-Range"); got != fmt.Sprintf("bytes */%d", len(whole)) {
					t.Errorf("416 Content-Range = %q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if !bytes.Equal(body.Bytes(), whole[tc.first:tc.end]) {
				t.Errorf("served %d bytes, want [%d,%d)", body.Len(), tc.first, tc.end)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(tc.end-tc.first) {
				t.Errorf("Content-Length %s", got)
			}
			wantCR := ""
			if tc.status == 206 {
				wantCR = fmt.Sprintf("bytes %d-%d/%d", tc.first, tc.end-1, len(whole))
			}
			if got := resp.Header.Get("Content-Range"); got != wantCR {
				t.Errorf("Content-Range %q, want %q", got, wantCR)
			}
			checkObjectHeaders(t, "ranged GET", resp.Header, whole, false)
		})
	}
}

// TestObject_Conditional covers the four conditional headers on GET and
// HEAD: 304 (no body, still ETag) and 412 PreconditionFailed, and their
// precedence (If-Match over If-Unmodified-Since, If-None-Match over
// If-Modified-Since).
func TestObject_Conditional(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "cond")
	data := []byte("conditional body")
	put(t, c, "obj", data, nil)
	resp, err := c.Object.Head(t.Context(), "obj", nil)
	if err != nil {
		t.Fatal(err)
	}
	etag := resp.Header.Get("ETag")
	lm, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	past := lm.Add(-time.Hour).Format(http.TimeFormat)
	future := lm.Add(time.Hour).Format(http.TimeFormat)
	at := lm.Format(http.TimeFormat)

	cases := []struct {
		name   string
		header []string
		status int
	}{
		{"If-Match equal", []string{"If-Match", etag}, 200},
		{"If-Match unquoted", []string{"If-Match", strings.Trim(etag, `"`)}, 200},
		{"If-Match star", []string{"If-Match", "*"}, 200},
		{"If-Match list", []string{"If-Match", `"x", ` + etag}, 200},
		{"If-Match differs", []string{"If-Match", `"0123"`}, 412},
		{"If-None-Match equal", []string{"If-None-Match", etag}, 304},
		{"If-None-Match star", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match differs", []string{"If-None-Match", `"0123"`}, 200},
		{"If-Modified-Since at", []string{"If-Modified-Since", at}, 304},
		{"If-Modified-Since future", []string{"If-Modified-Since", future}, 304},
		{"If-Modified-Since past", []string{"If-Modified-Since", past}, 200},
		{"If-Unmodified-Since past", []string{"If-Unmodified-Since", past}, 412},
		{"If-Unmodified-Since at", []string{"If-Unmodified-Since", at}, 200},
		{"If-Match beats If-Unmodified-Since", []string{"If-Match", etag, "If-Unmodified-Since", past}, 200},
		{"If-None-Match beats If-Modified-Since", []string{"If-None-Match", `"0123"`, "If-Modified-Since", future}, 200},
		{"If-None-Match and If-Modified-Since", []string{"If-None-Match", etag, "If-Modified-Since", past}, 304},
		{"If-Match fails before If-None-Match", []string{"If-Match", `"0123"`, "If-None-Match", etag}, 412},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := hdr(tc.header...)
			resp, err := c.Object.Get(t.Context(), "obj", &cossdk.ObjectGetOptions{XOptionHeader: h})
			switch tc.status {
			case 200:
				if err != nil {
					t.Fatalf("GET: %v", err)
				}
				var b bytes.Buffer
				b.ReadFrom(resp.Body)
				resp.Body.Close()
				if !bytes.Equal(b.Bytes(), data) {
					t.Errorf("GET body %q", b.Bytes())
				}
			case 412:
				wantErr(t, err, 412, "PreconditionFailed")
			case 304:
				wantStatus(t, err, 304)
				e, _ := cossdk.IsCOSError(err)
				if e.Response.Header.Get("ETag") != etag || e.Response.Header.Get("x-cos-request-id") == "" {
					t.Errorf("304 headers %v", e.Response.Header)
				}
			}
			// HEAD answers the same, without a body.
			_, err = c.Object.Head(t.Context(), "obj", &cossdk.ObjectHeadOptions{XOptionHeader: h})
			if tc.status == 200 {
				if err != nil {
					t.Fatalf("HEAD: %v", err)
				}
			} else {
				wantStatus(t, err, tc.status)
			}
			// And by hand, to see the bodies.
			r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: "obj", header: *h}))
			if r.StatusCode != tc.status {
				t.Fatalf("raw GET status %d", r.StatusCode)
			}
			switch tc.status {
			case 304:
				if len(r.body) != 0 {
					t.Errorf("304 has a body: %q", r.body)
				}
			case 412:
				wantRawErr(t, r, 412, "PreconditionFailed")
			}
		})
	}
}

// TestObject_ResponseOverrides covers the response-* parameters of GET
// Object: honoured on signed requests, AccessDenied on anonymous ones.
func TestObject_ResponseOverrides(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "override")
	ctx := t.Context()
	put(t, c, "obj", []byte("body"), putOpt(&cossdk.ObjectPutHeaderOptions{ContentType: "text/plain", CacheControl: "no-cache"}))
	opt := &cossdk.ObjectGetOptions{
		ResponseContentType:        "application/json",
		ResponseContentLanguage:    "fr",
		ResponseExpires:            "Fri, 01 Jan 2100 00:00:00 GMT",
		ResponseCacheControl:       "max-age=5",
		ResponseContentDisposition: `inline; filename="x.json"`,
		ResponseContentEncoding:    "identity",
	}
	body, resp := get(t, c, "obj", opt)
	if string(body) != "body" {
		t.Errorf("body %q", body)
	}
	for k, v := range map[string]string{
		"Content-Type": "application/json", "Content-Language": "fr", "Expires": "Fri, 01 Jan 2100 00:00:00 GMT",
		"Cache-Control": "max-age=5", "Content-Disposition": `inline; filename="x.json"`, "Content-Encoding": "identity",
	} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	// Without overrides the stored values come back.
	_, resp = get(t, c, "obj", nil)
	if resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stored headers %v", resp.Header)
	}

	if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}}); err != nil {
		t.Fatal(err)
	}
	a := anon(s, name)
	if body, _ := get(t, a, "obj", nil); string(body) != "body" {
		t.Fatalf("anonymous GET %q", body)
	}
	for _, o := range []*cossdk.ObjectGetOptions{opt, {ResponseContentType: "text/html"}, {ResponseContentDisposition: "attachment"}} {
		_, err := a.Object.Get(ctx, "obj", o)
		wantErr(t, err, 403, "AccessDenied")
	}
}

// TestObject_Head covers HEAD Object: the full set of headers with no
// body, versions, and a key whose latest version is a delete marker.
func TestObject_Head(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := versionedBucket(t, s, "head")
	ctx := t.Context()
	data := randBytes(70<<10, 5)
	h1 := put(t, c, "obj", data, putOpt(&cossdk.ObjectPutHeaderOptions{ContentType: "image/png", XCosMetaXXX: hdr("x-cos-meta-k", "v")}))
	v1 := h1.Get("x-cos-version-id")
	put(t, c, "obj", []byte("v2"), nil)

	resp, err := c.Object.Head(ctx, "obj", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkObjectHeaders(t, "HEAD", resp.Header, []byte("v2"), true)
	if resp.Header.Get("Content-Length") != "2" || resp.ContentLength != 2 {
		t.Errorf("HEAD Content-Length %q", resp.Header.Get("Content-Length"))
	}

	resp, err = c.Object.Head(ctx, "obj", nil, v1)
	if err != nil {
		t.Fatal(err)
	}
	checkObjectHeaders(t, "HEAD v1", resp.Header, data, true)
	if resp.Header.Get("x-cos-version-id") != v1 || resp.Header.Get("Content-Length") != strconv.Itoa(len(data)) ||
		resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("x-cos-meta-k") != "v" || resp.Header.Get("ETag") != etagOf(data) {
		t.Errorf("HEAD v1 headers %v", resp.Header)
	}
	r := do(t, s, signed(s, rawReq{method: http.MethodHead, bucket: name, key: "obj"}))
	wantRawOK(t, r, 200)
	if len(r.body) != 0 {
		t.Errorf("HEAD body %q", r.body)
	}

	dresp, err := c.Object.Delete(ctx, "obj")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Object.Head(ctx, "obj", nil)
	wantStatus(t, err, 404)
	e, _ := cossdk.IsCOSError(err)
	if e.Response.Header.Get("x-cos-delete-marker") != "true" || e.Response.Header.Get("x-cos-version-id") != dresp.Header.Get("x-cos-version-id") {
		t.Errorf("HEAD of a deleted key: %v", e.Response.Header)
	}
	_, err = c.Object.Head(ctx, "obj", nil, dresp.Header.Get("x-cos-version-id"))
	wantStatus(t, err, 404)
	_, err = c.Object.Head(ctx, "obj", nil, "bm90LWEtdmVyc2lvbg")
	wantStatus(t, err, 404)
	if _, err := c.Object.Head(ctx, "obj", nil, v1); err != nil {
		t.Errorf("old version after delete: %v", err)
	}
}

// TestObject_Delete covers DELETE Object: 204 in every case; without
// versioning the object goes; with versioning a delete marker is added
// (x-cos-delete-marker, x-cos-version-id), versions are removed by id (both
// VersionId and versionId spellings), and removing the marker restores the
// object; suspended buckets get a null marker.
func TestObject_Delete(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()

	t.Run("unversioned", func(t *testing.T) {
		c, name := newBucket(t, s, "delplain")
		put(t, c, "k", []byte("v"), nil)
		resp, err := c.Object.Delete(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 204 || resp.Header.Get("x-cos-delete-marker") != "" || resp.Header.Get("x-cos-version-id") != "" {
			t.Errorf("delete response %d %v", resp.StatusCode, resp.Header)
		}
		_, err = c.Object.Get(ctx, "k", nil)
		wantErr(t, err, 404, "NoSuchKey")
		if res, _, _ := c.Bucket.Get(ctx, nil); len(res.Contents) != 0 {
			t.Errorf("deleted key still listed")
		}
		resp, err = c.Object.Delete(ctx, "k")
		if err != nil || resp.StatusCode != 204 {
			t.Errorf("deleting a missing key: %v", err)
		}
		put(t, c, "k", []byte("v"), nil)
		_, err = anon(s, name).Object.Delete(ctx, "k")
		wantErr(t, err, 403, "AccessDenied")
		_, err = s.COS(arcatest.Bucket("nob")).Object.Delete(ctx, "k")
		wantErr(t, err, 404, "NoSuchBucket")
	})

	t.Run("versioned", func(t *testing.T) {
		c, name := versionedBucket(t, s, "delver")
		v1 := put(t, c, "k", []byte("one"), nil).Get("x-cos-version-id")
		v2 := put(t, c, "k", []byte("two"), nil).Get("x-cos-version-id")

		resp, err := c.Object.Delete(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		m1 := resp.Header.Get("x-cos-version-id")
		if resp.StatusCode != 204 || resp.Header.Get("x-cos-delete-marker") != "true" || m1 == "" || m1 == v2 {
			t.Fatalf("delete marker response %d %v", resp.StatusCode, resp.Header)
		}
		_, err = c.Object.Get(ctx, "k", nil)
		wantErr(t, err, 404, "NoSuchKey")
		if body, _ := get(t, c, "k", nil, v2); string(body) != "two" {
			t.Errorf("GET v2 after delete = %q", body)
		}
		_, err = c.Object.Get(ctx, "k", nil, m1)
		wantErr(t, err, 404, "NoSuchKey")
		if res, _, _ := c.Bucket.Get(ctx, nil); len(res.Contents) != 0 {
			t.Errorf("deleted key still listed")
		}

		// Deleting again adds a second marker.
		resp, err = c.Object.Delete(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		m2 := resp.Header.Get("x-cos-version-id")
		if m2 == m1 || resp.Header.Get("x-cos-delete-marker") != "true" {
			t.Errorf("second marker %v", resp.Header)
		}

		// Remove both markers by id: the SDK spells the parameter VersionId.
		for _, m := range []string{m2, m1} {
			resp, err = c.Object.Delete(ctx, "k", &cossdk.ObjectDeleteOptions{VersionId: m})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Header.Get("x-cos-delete-marker") != "true" || resp.Header.Get("x-cos-version-id") != m {
				t.Errorf("removing marker %s: %v", m, resp.Header)
			}
		}
		body, gr := get(t, c, "k", nil)
		if string(body) != "two" || gr.Header.Get("x-cos-version-id") != v2 {
			t.Errorf("after removing markers: %q %v", body, gr.Header)
		}

		// Remove the current version by id (documented spelling, by hand):
		// the previous one becomes current.
		r := do(t, s, signed(s, rawReq{method: http.MethodDelete, bucket: name, key: "k", query: "versionId=" + v2}))
		wantRawOK(t, r, 204)
		if r.Header.Get("x-cos-version-id") != v2 || r.Header.Get("x-cos-delete-marker") != "" {
			t.Errorf("version delete headers %v", r.Header)
		}
		if body, _ := get(t, c, "k", nil); string(body) != "one" {
			t.Errorf("after deleting v2: %q", body)
		}
		_, err = c.Object.Get(ctx, "k", nil, v2)
		wantErr(t, err, 404, "NoSuchVersion")

		// Deleting an absent version succeeds; a malformed id is refused.
		if _, err := c.Object.Delete(ctx, "k", &cossdk.ObjectDeleteOptions{VersionId: v2}); err != nil {
			t.Errorf("deleting an absent version: %v", err)
		}
		_, err = c.Object.Delete(ctx, "k", &cossdk.ObjectDeleteOptions{VersionId: "not*a*version"})
		wantErr(t, err, 400, "InvalidArgument")

		if _, err := c.Object.Delete(ctx, "k", &cossdk.ObjectDeleteOptions{VersionId: v1}); err != nil {
			t.Fatal(err)
		}
		vres, _, err := c.Bucket.GetObjectVersions(ctx, nil)
		if err != nil || len(vres.Version)+len(vres.DeleteMarker) != 0 {
			t.Errorf("versions left: %+v %v", vres, err)
		}
	})

	t.Run("suspended", func(t *testing.T) {
		c, _ := versionedBucket(t, s, "delsusp")
		v1 := put(t, c, "k", []byte("one"), nil).Get("x-cos-version-id")
		if _, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Suspended"}); err != nil {
			t.Fatal(err)
		}
		put(t, c, "k", []byte("null one"), nil)
		resp, err := c.Object.Delete(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("x-cos-delete-marker") != "true" || resp.Header.Get("x-cos-version-id") != "null" {
			t.Errorf("suspended delete %v", resp.Header)
		}
		vres, _, err := c.Bucket.GetObjectVersions(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The null version was replaced by the null delete marker.
		if len(vres.Version) != 1 || vres.Version[0].VersionId != v1 || len(vres.DeleteMarker) != 1 || vres.DeleteMarker[0].VersionId != "null" {
			t.Errorf("versions %+v", vres)
		}
		if _, err := c.Object.Delete(ctx, "k", &cossdk.ObjectDeleteOptions{VersionId: "null"}); err != nil {
			t.Fatal(err)
		}
		if body, _ := get(t, c, "k", nil); string(body) != "one" {
			t.Errorf("after removing the null marker: %q", body)
		}
	})
}

// deleteDoc is a DeleteResult read by hand (the SDK drops DeleteMarker*).
type deleteDoc struct {
	Deleted []struct {
		Key                   string `xml:"Key"`
		VersionID             string `xml:"VersionId"`
		DeleteMarker          bool   `xml:"DeleteMarker"`
		DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId"`
	} `xml:"Deleted"`
	Errors []struct {
		Key, Code, Message, VersionId string
	} `xml:"Error"`
}

func deleteBody(quiet bool, objs ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<Delete><Quiet>%v</Quiet>", quiet)
	for i := 0; i < len(objs); i += 2 {
		fmt.Fprintf(&b, "<Object><Key>%s</Key>", objs[i])
		if objs[i+1] != "" {
			fmt.Fprintf(&b, "<VersionId>%s</VersionId>", objs[i+1])
		}
		b.WriteString("</Object>")
	}
	b.WriteString("</Delete>")
	return []byte(b.String())
}

// TestObject_DeleteMulti covers DELETE Multiple Objects: verbose and quiet
// results, missing keys reported as deleted, versions and delete markers,
// per-key errors, and malformed requests.
func TestObject_DeleteMulti(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()

	t.Run("unversioned", func(t *testing.T) {
		c, _ := newBucket(t, s, "mdel")
		for _, k := range []string{"a", "b", "dir/c", "keep"} {
			put(t, c, k, []byte(k), nil)
		}
		res, _, err := c.Object.DeleteMulti(ctx, &cossdk.ObjectDeleteMultiOptions{
			Objects: []cossdk.Object{{Key: "a"}, {Key: "dir/c"}, {Key: "missing"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range res.DeletedObjects {
			got = append(got, d.Key)
		}
		if joinKeys(got) != "a,dir/c,missing" || len(res.Errors) != 0 {
			t.Errorf("verbose result: deleted %q errors %+v", got, res.Errors)
		}
		res, _, err = c.Object.DeleteMulti(ctx, &cossdk.ObjectDeleteMultiOptions{Quiet: true, Objects: []cossdk.Object{{Key: "b"}}})
		if err != nil || len(res.DeletedObjects) != 0 || len(res.Errors) != 0 {
			t.Errorf("quiet result %+v, %v", res, err)
		}
		lres, _, _ := c.Bucket.Get(ctx, nil)
		if len(lres.Contents) != 1 || lres.Contents[0].Key != "keep" {
			t.Errorf("left: %+v", lres.Contents)
		}
	})

	t.Run("versioned", func(t *testing.T) {
		c, name := versionedBucket(t, s, "mdelv")
		a1 := put(t, c, "a", []byte("a1"), nil).Get("x-cos-version-id")
		a2 := put(t, c, "a", []byte("a2"), nil).Get("x-cos-version-id")
		b1 := put(t, c, "b", []byte("b1"), nil).Get("x-cos-version-id")

		// Verbose, by hand, to see the delete-marker fields.
		body := deleteBody(false, "a", "", "b", b1, "c", "", "a", "bogus*id")
		r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, query: "delete", body: body,
			header: http.Header{"Content-Md5": {md5B64(body)}, "Content-Type": {"application/xml"}}}))
		wantRawOK(t, r, 200)
		var d deleteDoc
		if err := xml.Unmarshal(r.body, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Deleted) != 3 || len(d.Errors) != 1 {
			t.Fatalf("result %s", r.body)
		}
		if x := d.Deleted[0]; x.Key != "a" || !x.DeleteMarker || x.DeleteMarkerVersionID == "" || x.VersionID != "" {
			t.Errorf("marker entry %+v", x)
		}
		if x := d.Deleted[1]; x.Key != "b" || x.VersionID != b1 || x.DeleteMarker {
			t.Errorf("version entry %+v", x)
		}
		if x := d.Errors[0]; x.Key != "a" || x.VersionId != "bogus*id" || x.Code != "InvalidArgument" || x.Message == "" {
			t.Errorf("error entry %+v", x)
		}
		marker := d.Deleted[0].DeleteMarkerVersionID
		_, err := c.Object.Get(ctx, "a", nil)
		wantErr(t, err, 404, "NoSuchKey")
		_, err = c.Object.Get(ctx, "b", nil)
		wantErr(t, err, 404, "NoSuchKey")

		// With the SDK: remove the marker and a version.
		res, _, err := c.Object.DeleteMulti(ctx, &cossdk.ObjectDeleteMultiOptions{
			Objects: []cossdk.Object{{Key: "a", VersionId: marker}, {Key: "a", VersionId: a2}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.DeletedObjects) != 2 || res.DeletedObjects[0].VersionId != marker || res.DeletedObjects[1].VersionId != a2 {
			t.Errorf("SDK result %+v", res)
		}
		if body, _ := get(t, c, "a", nil); string(body) != "a1" {
			t.Errorf("current a = %q, want a1 (%s)", body, a1)
		}
		// Quiet reports only errors.
		res, _, err = c.Object.DeleteMulti(ctx, &cossdk.ObjectDeleteMultiOptions{Quiet: true,
			Objects: []cossdk.Object{{Key: "a", VersionId: a1}, {Key: "b", VersionId: "bad*"}}})
		if err != nil || len(res.DeletedObjects) != 0 || len(res.Errors) != 1 || res.Errors[0].Key != "b" {
			t.Errorf("quiet with an error: %+v, %v", res, err)
		}
	})

	t.Run("malformed", func(t *testing.T) {
		c, name := newBucket(t, s, "mdelbad")
		put(t, c, "a", []byte("a"), nil)
		many := make([]string, 0, 2002)
		for i := range 1001 {
			many = append(many, fmt.Sprintf("k%d", i), "")
		}
		for _, body := range [][]byte{
			[]byte("<Delete><Object><Key>a</Key>"),
			[]byte("{json}"),
			[]byte("<Delete><Quiet>false</Quiet></Delete>"),
			deleteBody(false, many...),
		} {
			r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, query: "delete", body: body}))
			wantRawErr(t, r, 400, "MalformedXML")
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, query: "delete"}))
		wantRawErr(t, r, 400, "MissingRequestBodyError")
		body := deleteBody(false, "a", "")
		r = do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, query: "delete", body: body,
			header: http.Header{"Content-Md5": {md5B64([]byte("x"))}}}))
		wantRawErr(t, r, 400, "BadDigest")
		_, _, err := anon(s, name).Object.DeleteMulti(ctx, &cossdk.ObjectDeleteMultiOptions{Objects: []cossdk.Object{{Key: "a"}}})
		wantErr(t, err, 403, "AccessDenied")
		if ok, _ := c.Object.IsExist(ctx, "a"); !ok {
			t.Error("a failed multi-delete removed the object")
		}
	})
}

// copySource is the x-cos-copy-source the SDK expects: <bucket host>/<key>.
func copySource(bucket, key string) string {
	return bucket + "." + arcatest.Domain + "/" + key
}

// TestObject_Copy covers PUT Object - Copy: metadata directive Copy and
// Replaced, copying a version, the copy-source conditions (412), copying an
// object onto itself, cross-bucket copies and missing sources.
func TestObject_Copy(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "copy")
	data := randBytes(150<<10, 9)
	srcKey := "src/файл (1)+x.bin"
	put(t, c, srcKey, data, &cossdk.ObjectPutOptions{
		ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{ContentType: "image/jpeg", CacheControl: "max-age=1", XCosMetaXXX: hdr("x-cos-meta-origin", "src")},
	})
	src := copySource(name, srcKey)

	t.Run("directive Copy", func(t *testing.T) {
		res, resp, err := c.Object.Copy(ctx, "dst/copy", src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.ETag != etagOf(data) || res.CRC64 != crcOf(data) || res.LastModified == "" || res.VersionId != "" {
			t.Errorf("CopyObjectResult %+v", res)
		}
		if resp.Header.Get("x-cos-hash-crc64ecma") != crcOf(data) {
			t.Errorf("copy x-cos-hash-crc64ecma %q", resp.Header.Get("x-cos-hash-crc64ecma"))
		}
		body, gr := get(t, c, "dst/copy", nil)
		if !bytes.Equal(body, data) {
			t.Error("copied bytes differ")
		}
		checkObjectHeaders(t, "GET copy", gr.Header, data, false)
		if gr.Header.Get("Content-Type") != "image/jpeg" || gr.Header.Get("Cache-Control") != "max-age=1" || gr.Header.Get("x-cos-meta-origin") != "src" {
			t.Errorf("copied metadata %v", gr.Header)
		}
		// An explicit Copy directive ignores metadata headers.
		_, _, err = c.Object.Copy(ctx, "dst/copy2", src, &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{
			XCosMetadataDirective: "Copy", ContentType: "text/plain", XCosMetaXXX: hdr("x-cos-meta-new", "1"),
		}})
		if err != nil {
			t.Fatal(err)
		}
		_, gr = get(t, c, "dst/copy2", nil)
		if gr.Header.Get("Content-Type") != "image/jpeg" || gr.Header.Get("x-cos-meta-new") != "" || gr.Header.Get("x-cos-meta-origin") != "src" {
			t.Errorf("Copy directive took new metadata: %v", gr.Header)
		}
	})

	t.Run("directive Replaced", func(t *testing.T) {
		_, _, err := c.Object.Copy(ctx, "dst/replaced", src, &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{
			XCosMetadataDirective: "Replaced", ContentType: "text/plain", ContentDisposition: "attachment",
			XCosMetaXXX: hdr("x-cos-meta-new", "1"), XCosStorageClass: "STANDARD_IA",
		}})
		if err != nil {
			t.Fatal(err)
		}
		body, gr := get(t, c, "dst/replaced", nil)
		if !bytes.Equal(body, data) {
			t.Error("copied bytes differ")
		}
		if gr.Header.Get("Content-Type") != "text/plain" || gr.Header.Get("Content-Disposition") != "attachment" ||
			gr.Header.Get("x-cos-meta-new") != "1" || gr.Header.Get("x-cos-meta-origin") != "" ||
			gr.Header.Get("Cache-Control") != "" || gr.Header.Get("x-cos-storage-class") != "STANDARD_IA" {
			t.Errorf("replaced metadata %v", gr.Header)
		}
		_, _, err = c.Object.Copy(ctx, "dst/bad", src, &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{XCosMetadataDirective: "Merge"}})
		wantErr(t, err, 400, "InvalidArgument")
	})

	t.Run("onto itself", func(t *testing.T) {
		put(t, c, "self", []byte("self"), putOpt(&cossdk.ObjectPutHeaderOptions{ContentType: "text/a"}))
		_, _, err := c.Object.Copy(ctx, "self", copySource(name, "self"), nil)
		wantErr(t, err, 400, "InvalidRequest")
		_, _, err = c.Object.Copy(ctx, "self", copySource(name, "self"), &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{XCosMetadataDirective: "Copy"}})
		wantErr(t, err, 400, "InvalidRequest")
		_, _, err = c.Object.Copy(ctx, "self", copySource(name, "self"), &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{
			XCosMetadataDirective: "Replaced", ContentType: "text/b",
		}})
		if err != nil {
			t.Fatal(err)
		}
		body, gr := get(t, c, "self", nil)
		if string(body) != "self" || gr.Header.Get("Content-Type") != "text/b" {
			t.Errorf("self copy: %q %v", body, gr.Header)
		}
	})

	t.Run("copy-source conditions", func(t *testing.T) {
		hr, err := c.Object.Head(ctx, srcKey, nil)
		if err != nil {
			t.Fatal(err)
		}
		etag := hr.Header.Get("ETag")
		lm, _ := http.ParseTime(hr.Header.Get("Last-Modified"))
		past, future := lm.Add(-time.Hour).Format(http.TimeFormat), lm.Add(time.Hour).Format(http.TimeFormat)
		cases := []struct {
			name string
			opt  cossdk.ObjectCopyHeaderOptions
			ok   bool
		}{
			{"If-Match equal", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfMatch: etag}, true},
			{"If-Match differs", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfMatch: `"abc"`}, false},
			{"If-None-Match equal", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfNoneMatch: etag}, false},
			{"If-None-Match differs", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfNoneMatch: `"abc"`}, true},
			{"If-Modified-Since past", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfModifiedSince: past}, true},
			{"If-Modified-Since future", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfModifiedSince: future}, false},
			{"If-Unmodified-Since future", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfUnmodifiedSince: future}, true},
			{"If-Unmodified-Since past", cossdk.ObjectCopyHeaderOptions{XCosCopySourceIfUnmodifiedSince: past}, false},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				dst := fmt.Sprintf("cond/%d", i)
				_, _, err := c.Object.Copy(ctx, dst, src, &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &tc.opt})
				if tc.ok {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantErr(t, err, 412, "PreconditionFailed")
				if ok, _ := c.Object.IsExist(ctx, dst); ok {
					t.Error("failed copy created the target")
				}
			})
		}
	})

	t.Run("from a version", func(t *testing.T) {
		vc, vname := versionedBucket(t, s, "copyver")
		v1 := put(t, vc, "k", []byte("version one"), nil).Get("x-cos-version-id")
		put(t, vc, "k", []byte("version two"), nil)
		res, resp, err := vc.Object.Copy(ctx, "from-v1", copySource(vname, "k"), nil, v1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("x-cos-copy-source-version-id") != v1 {
			t.Errorf("x-cos-copy-source-version-id %q", resp.Header.Get("x-cos-copy-source-version-id"))
		}
		if res.VersionId == "" || resp.Header.Get("x-cos-version-id") != res.VersionId {
			t.Errorf("versioned target: result %+v header %q", res, resp.Header.Get("x-cos-version-id"))
		}
		body, gr := get(t, vc, "from-v1", nil)
		if string(body) != "version one" {
			t.Errorf("copied %q", body)
		}
		checkObjectHeaders(t, "GET copy of version", gr.Header, body, true)
		// Copying a version of a key onto the same key restores it.
		if _, _, err := vc.Object.Copy(ctx, "k", copySource(vname, "k"), nil, v1); err != nil {
			t.Fatal(err)
		}
		if body, _ := get(t, vc, "k", nil); string(body) != "version one" {
			t.Errorf("restored %q", body)
		}
		// Into an unversioned bucket, by the '?versionId=' form of the source.
		if _, _, err := c.Object.Copy(ctx, "cross-v1", copySource(vname, "k")+"?versionId="+v1, nil); err != nil {
			t.Fatal(err)
		}
		if body, _ := get(t, c, "cross-v1", nil); string(body) != "version one" {
			t.Errorf("cross-bucket version copy %q", body)
		}
		_, _, err = vc.Object.Copy(ctx, "x", copySource(vname, "k"), nil, "bm9uZQ")
		wantErr(t, err, 404, "NoSuchVersion")
	})

	t.Run("missing source", func(t *testing.T) {
		_, _, err := c.Object.Copy(ctx, "x", copySource(name, "no-such-key"), nil)
		wantErr(t, err, 404, "NoSuchKey")
		_, _, err = c.Object.Copy(ctx, "x", copySource(arcatest.Bucket("nob"), "k"), nil)
		wantErr(t, err, 404, "NoSuchBucket")
	})

	t.Run("multipart source", func(t *testing.T) {
		part := randBytes(1<<20, 11)
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "mp", nil)
		if err != nil {
			t.Fatal(err)
		}
		var parts []cossdk.Object
		for i := 1; i <= 2; i++ {
			resp, err := c.Object.UploadPart(ctx, "mp", up.UploadID, i, bytes.NewReader(part), nil)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, cossdk.Object{PartNumber: i, ETag: resp.Header.Get("ETag")})
		}
		if _, _, err := c.Object.CompleteMultipartUpload(ctx, "mp", up.UploadID, &cossdk.CompleteMultipartUploadOptions{Parts: parts}); err != nil {
			t.Fatal(err)
		}
		whole := append(append([]byte(nil), part...), part...)
		res, _, err := c.Object.Copy(ctx, "mp-copy", copySource(name, "mp"), nil)
		if err != nil {
			t.Fatal(err)
		}
		// A copy is a plain object: its ETag is the MD5 of its bytes.
		if res.ETag != etagOf(whole) || res.CRC64 != crcOf(whole) {
			t.Errorf("copy of multipart object: %+v", res)
		}
	})

	t.Run("anonymous", func(t *testing.T) {
		_, _, err := anon(s, name).Object.Copy(ctx, "anon", src, nil)
		wantErr(t, err, 403, "AccessDenied")
	})
}

// TestObject_ACL covers PUT/GET Object ACL: the default, canned values,
// grant headers, an XML body, per-version ACLs, invalid input, and its
// effect on anonymous readers against the bucket's ACL.
func TestObject_ACL(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "oacl")
	owner := uin(s.Root.ID)
	put(t, c, "obj", []byte("data"), nil)
	a := anon(s, name)

	acl, _, err := c.Object.GetACL(ctx, "obj")
	if err != nil {
		t.Fatal(err)
	}
	if acl.Owner == nil || acl.Owner.ID != owner || joinKeys(grantsOf(acl)) != owner+"=FULL_CONTROL" {
		t.Errorf("default object ACL %+v %q", acl.Owner, grantsOf(acl))
	}

	setACL := func(t *testing.T, opt *cossdk.ObjectPutACLOptions, id ...string) {
		t.Helper()
		if _, err := c.Object.PutACL(ctx, "obj", opt, id...); err != nil {
			t.Fatal(err)
		}
	}
	canned := func(v string) *cossdk.ObjectPutACLOptions {
		return &cossdk.ObjectPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: v}}
	}

	t.Run("public-read object in a private bucket", func(t *testing.T) {
		setACL(t, canned("public-read"))
		acl, resp, err := c.Object.GetACL(ctx, "obj")
		if err != nil {
			t.Fatal(err)
		}
		if got := grantsOf(acl); joinKeys(got) != joinKeys([]string{allUsers + "=READ", owner + "=FULL_CONTROL"}) {
			t.Errorf("grants %q", got)
		}
		if resp.Header.Get("x-cos-acl") != "public-read" {
			t.Errorf("SDK reads x-cos-acl %q", resp.Header.Get("x-cos-acl"))
		}
		if body, _ := get(t, a, "obj", nil); string(body) != "data" {
			t.Errorf("anonymous GET %q", body)
		}
		if _, err := a.Object.Head(ctx, "obj", nil); err != nil {
			t.Errorf("anonymous HEAD: %v", err)
		}
		_, _, err = a.Object.GetACL(ctx, "obj")
		wantErr(t, err, 403, "AccessDenied")
		_, err = a.Object.PutACL(ctx, "obj", canned("private"))
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("private object in a public-read bucket", func(t *testing.T) {
		if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}}); err != nil {
			t.Fatal(err)
		}
		put(t, c, "other", []byte("other"), nil)
		setACL(t, canned("private"))
		_, err := a.Object.Get(ctx, "obj", nil)
		wantErr(t, err, 403, "AccessDenied")
		if body, _ := get(t, a, "other", nil); string(body) != "other" {
			t.Errorf("default-ACL object in public-read bucket: %q", body)
		}
		setACL(t, canned("default"))
		if body, _ := get(t, a, "obj", nil); string(body) != "data" {
			t.Errorf("after default: %q", body)
		}
		if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "private"}}); err != nil {
			t.Fatal(err)
		}
		_, err = a.Object.Get(ctx, "obj", nil)
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("grant headers", func(t *testing.T) {
		setACL(t, &cossdk.ObjectPutACLOptions{Header: &cossdk.ACLHeaderOptions{
			XCosGrantRead: `id="100000000002",id="100000000003"`, XCosGrantReadACP: `id="100000000004"`,
		}})
		acl, resp, err := c.Object.GetACL(ctx, "obj")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{owner + "=FULL_CONTROL", uin("100000000002") + "=READ", uin("100000000003") + "=READ", uin("100000000004") + "=READ_ACP"}
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("grants %q", got)
		}
		if resp.Header.Get("x-cos-grant-read-acp") != `id="`+uin("100000000004")+`"` {
			t.Errorf("SDK reads x-cos-grant-read-acp %q", resp.Header.Get("x-cos-grant-read-acp"))
		}
		_, err = c.Object.PutACL(ctx, "obj", &cossdk.ObjectPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosGrantWrite: `id="100000000002"`}})
		wantErr(t, err, 400, "InvalidArgument")
	})

	t.Run("XML body", func(t *testing.T) {
		setACL(t, &cossdk.ObjectPutACLOptions{Body: &cossdk.ACLXml{
			Owner: &cossdk.Owner{ID: owner},
			AccessControlList: []cossdk.ACLGrant{
				{Grantee: &cossdk.ACLGrantee{Type: "Group", URI: allUsers}, Permission: "READ"},
				{Grantee: &cossdk.ACLGrantee{Type: "CanonicalUser", ID: uin("100000000005")}, Permission: "FULL_CONTROL"},
			},
		}})
		acl, _, err := c.Object.GetACL(ctx, "obj")
		if err != nil {
			t.Fatal(err)
		}
		if got := grantsOf(acl); joinKeys(got) != joinKeys([]string{allUsers + "=READ", uin("100000000005") + "=FULL_CONTROL"}) {
			t.Errorf("grants %q", got)
		}
		if body, _ := get(t, a, "obj", nil); string(body) != "data" {
			t.Errorf("anonymous GET after AllUsers READ: %q", body)
		}
		// WRITE is not a permission objects have.
		_, err = c.Object.PutACL(ctx, "obj", &cossdk.ObjectPutACLOptions{Body: &cossdk.ACLXml{
			Owner:             &cossdk.Owner{ID: owner},
			AccessControlList: []cossdk.ACLGrant{{Grantee: &cossdk.ACLGrantee{Type: "Group", URI: allUsers}, Permission: "WRITE"}},
		}})
		wantErr(t, err, 400, "MalformedXML")
		for _, body := range []string{"<AccessControlPolicy><Owner>", "text"} {
			r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, key: "obj", query: "acl", body: []byte(body)}))
			wantRawErr(t, r, 400, "MalformedXML")
		}
	})

	t.Run("missing object", func(t *testing.T) {
		_, err := c.Object.PutACL(ctx, "nope", canned("public-read"))
		wantErr(t, err, 404, "NoSuchKey")
		_, _, err = c.Object.GetACL(ctx, "nope")
		wantErr(t, err, 404, "NoSuchKey")
	})

	t.Run("per version", func(t *testing.T) {
		vc, vname := versionedBucket(t, s, "oaclv")
		v1 := put(t, vc, "k", []byte("one"), nil).Get("x-cos-version-id")
		put(t, vc, "k", []byte("two"), nil)
		if _, err := vc.Object.PutACL(ctx, "k", canned("public-read"), v1); err != nil {
			t.Fatal(err)
		}
		va := anon(s, vname)
		if body, _ := get(t, va, "k", nil, v1); string(body) != "one" {
			t.Errorf("anonymous GET of public version: %q", body)
		}
		_, err := va.Object.Get(ctx, "k", nil)
		wantErr(t, err, 403, "AccessDenied")
		acl, _, err := vc.Object.GetACL(ctx, "k")
		if err != nil || joinKeys(grantsOf(acl)) != owner+"=FULL_CONTROL" {
			t.Errorf("current version's ACL %q, %v", grantsOf(acl), err)
		}
	})
}
