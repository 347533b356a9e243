package cos_test

// POST Object: browser form uploads, as COS's POST Object document
// describes them. One test per sample of the document (the response each
// sample shows, then the object read back with cos-go-sdk-v5), then the
// rules the document states, with hand-built multipart bodies.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"time"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/cos"
)

// The document's samples upload the 16 bytes "[Object Content]", whose MD5
// is the ETag every sample (but SSE-C's) shows.
var (
	sampleBody = []byte("[Object Content]")
	sampleETag = `"ee8de918d05640145b18f70f4c3aa602"`
)

// The SSE-C key whose MD5 is the one sample 4 shows.
const (
	sampleSSECKey    = "0123456789ABCDEF0123456789ABCDEF"
	sampleSSECKeyMD5 = "U5L61r7jcwdNvT7frmUG8g=="
)

// postPart is one part of a hand-built multipart/form-data body.
type postPart struct {
	name, value string
	file        bool
	filename    string
	ctype       string
}

func fld(name, value string) postPart { return postPart{name: name, value: value} }

// filePart is a file part as a browser sends it.
func filePart(filename, ctype string, data []byte) postPart {
	return postPart{name: "file", value: string(data), file: true, filename: filename, ctype: ctype}
}

// sampleFile is the file part of the document's samples.
func sampleFile() postPart { return filePart("example.jpg", "image/jpeg", sampleBody) }

func cat(groups ...[]postPart) []postPart {
	var out []postPart
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func encodeForm(t *testing.T, parts []postPart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name="%s"`, p.name)
		if p.file {
			cd += fmt.Sprintf(`; filename="%s"`, p.filename)
			if p.ctype != "" {
				h.Set("Content-Type", p.ctype)
			}
		}
		h.Set("Content-Disposition", cd)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.value))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// policyDoc is the JSON policy of a form: expiration and conditions plus
// the three q-* conditions COS requires.
func policyDoc(ak string, exp time.Time, keyTime string, conds []any) []byte {
	all := append(append([]any{}, conds...),
		map[string]string{"q-sign-algorithm": "sha1"},
		map[string]string{"q-ak": ak},
		map[string]string{"q-sign-time": keyTime})
	doc, _ := json.MarshalIndent(map[string]any{
		"expiration": exp.UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": all,
	}, "", "    ")
	return doc
}

// sigFields signs a policy document with cos.PostFormFields and returns the
// signature fields, in the order the samples send them.
func sigFields(ak, sk string, doc []byte, start, end time.Time) []postPart {
	f := cos.PostFormFields(ak, sk, doc, start, end)
	return []postPart{
		fld("policy", f["policy"]), fld("q-sign-algorithm", f["q-sign-algorithm"]), fld("q-ak", f["q-ak"]),
		fld("q-key-time", f["q-key-time"]), fld("q-signature", f["q-signature"]),
	}
}

// signedBy returns the signature fields of a policy with conds, signed
// with ak/sk, key time now-1m..now+1h, expiring in an hour.
func signedBy(ak, sk string, conds ...any) []postPart {
	start, end := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	keyTime := fmt.Sprintf("%d;%d", start.Unix(), end.Unix())
	return sigFields(ak, sk, policyDoc(ak, end, keyTime, conds), start, end)
}

// rootSig is signedBy with the root keys.
func rootSig(s *arcatest.Server, conds ...any) []postPart {
	return signedBy(s.Root.AccessKey, s.Root.SecretKey, conds...)
}

// postTo says where a form goes.
type postTo struct {
	bucket    string
	pathStyle bool // POST http://127.0.0.1:port/<bucket> instead of the bucket's host
	header    http.Header
}

// postForm POSTs parts as multipart/form-data to the bucket and reads the
// response; redirects are not followed.
func postForm(t *testing.T, s *arcatest.Server, to postTo, parts []postPart) rawResp {
	t.Helper()
	body, ctype := encodeForm(t, parts)
	return postRaw(t, s, to, body, ctype)
}

func postRaw(t *testing.T, s *arcatest.Server, to postTo, body []byte, ctype string) rawResp {
	t.Helper()
	u := s.BucketURL(to.bucket).String() + "/"
	if to.pathStyle {
		u = s.URL() + "/" + to.bucket
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	for k, vs := range to.header {
		req.Header[k] = vs
	}
	tr := s.Transport()
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatalf("POST %s: reading body: %v", u, err)
	}
	return rawResp{resp, b.Bytes()}
}

// requestIDShape is a COS request id once base64-decoded.
var requestIDShape = regexp.MustCompile(`^[0-9a-f]{8}_[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]+$`)

// checkPostResponse asserts a successful POST Object response as the
// samples show it: the status, an empty body, ETag, Location,
// Server and x-cos-request-id, and x-cos-version-id exactly when the bucket
// has versioning enabled.
func checkPostResponse(t *testing.T, r rawResp, status int, etag, location string, versioned bool) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", r.StatusCode, status, r.body)
	}
	if len(r.body) != 0 {
		t.Errorf("body %q, want empty", r.body)
	}
	if status != http.StatusNoContent && r.Header.Get("Content-Length") != "0" {
		t.Errorf("Content-Length %q, want 0", r.Header.Get("Content-Length"))
	}
	if etag != "" && r.Header.Get("ETag") != etag {
		t.Errorf("ETag %s, want %s", r.Header.Get("ETag"), etag)
	}
	if got := r.Header.Get("Location"); got != location {
		t.Errorf("Location %q, want %q", got, location)
	}
	if r.Header.Get("Server") != "tencent-cos" {
		t.Errorf("Server %q", r.Header.Get("Server"))
	}
	id, err := base64.StdEncoding.DecodeString(r.Header.Get("x-cos-request-id"))
	if err != nil || !requestIDShape.Match(id) {
		t.Errorf("x-cos-request-id %q (%q)", r.Header.Get("x-cos-request-id"), id)
	}
	if _, has := r.Header["X-Cos-Version-Id"]; has != versioned {
		t.Errorf("x-cos-version-id present = %v (%q), want %v", has, r.Header.Get("x-cos-version-id"), versioned)
	}
	if r.Header.Get("x-cos-trace-id") != "" {
		t.Errorf("x-cos-trace-id on a success")
	}
}

// objectURL is the Location of an object uploaded to the bucket's host.
func objectURL(s *arcatest.Server, bucket, escapedKey string) string {
	return s.BucketURL(bucket).String() + "/" + escapedKey
}

// readBack downloads key with the SDK and checks its content.
func readBack(t *testing.T, c *cossdk.Client, key string, want []byte, opt *cossdk.ObjectGetOptions, version ...string) http.Header {
	t.Helper()
	body, resp := get(t, c, key, opt, version...)
	if !bytes.Equal(body, want) {
		t.Fatalf("GET %q: %d bytes %q, want %d bytes", key, len(body), trunc(body), len(want))
	}
	return resp.Header
}

func trunc(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

// wantGone asserts key does not exist.
func wantGone(t *testing.T, c *cossdk.Client, key string) {
	t.Helper()
	_, err := c.Object.Head(t.Context(), key, nil)
	wantStatus(t, err, 404)
}

// --- the document's samples ---

// Sample 1: the simplest form (key, the signature fields, the file) on a
// bucket without versioning.
func TestPostObject_Sample1Simple(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post1")
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{fld("key", "exampleobject")},
		rootSig(s, map[string]string{"bucket": name}, []string{"starts-with", "$key", ""}),
		[]postPart{sampleFile()}))
	checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "exampleobject"), false)
	if got := r.Header.Get("x-cos-hash-crc64ecma"); got != crcOf(sampleBody) {
		t.Errorf("x-cos-hash-crc64ecma %q, want %s", got, crcOf(sampleBody))
	}
	h := readBack(t, c, "exampleobject", sampleBody, nil)
	checkObjectHeaders(t, "GET", h, sampleBody, false)
	if h.Get("ETag") != sampleETag {
		t.Errorf("GET ETag %s", h.Get("ETag"))
	}
	// COS does not take the file part's type: only the Content-Type field
	// sets the object's.
	if ct := h.Get("Content-Type"); ct == "image/jpeg" {
		t.Errorf("Content-Type %q came from the file part", ct)
	}
	// The object belongs to the signer and inherits the bucket's ACL.
	_, err := anon(s, name).Object.Get(t.Context(), "exampleobject", nil)
	wantErr(t, err, 403, "AccessDenied")
}

// Sample 2: metadata and ACL as form fields, with Content-MD5.
func TestPostObject_Sample2MetadataACL(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post2")
	ctx := t.Context()
	owner := uin(s.Root.ID)

	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{
			fld("key", "exampleobject"),
			fld("acl", "public-read"),
			fld("Cache-Control", "max-age=7200"),
			fld("Content-Disposition", "attachment; filename=example.jpg"),
			fld("Content-Type", "image/jpeg"),
			fld("x-cos-meta-example-field", "example-value"),
			fld("Content-MD5", md5B64(sampleBody)),
		},
		rootSig(s,
			map[string]string{"acl": "public-read"},
			map[string]string{"bucket": name},
			[]string{"starts-with", "$key", "example"},
			[]string{"starts-with", "$Content-Type", "image/"},
			[]string{"eq", "$x-cos-meta-example-field", "example-value"},
			[]string{"starts-with", "$Cache-Control", "max-age="},
		),
		[]postPart{sampleFile()}))
	checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "exampleobject"), false)

	h := readBack(t, c, "exampleobject", sampleBody, nil)
	for k, want := range map[string]string{
		"Cache-Control":            "max-age=7200",
		"Content-Disposition":      "attachment; filename=example.jpg",
		"Content-Type":             "image/jpeg",
		"x-cos-meta-example-field": "example-value",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("GET %s = %q, want %q", k, got, want)
		}
	}
	acl, _, err := c.Object.GetACL(ctx, "exampleobject")
	if err != nil {
		t.Fatal(err)
	}
	if got := grantsOf(acl); joinKeys(got) != joinKeys([]string{allUsers + "=READ", owner + "=FULL_CONTROL"}) {
		t.Errorf("ACL grants %q", got)
	}
	readBack(t, anon(s, name), "exampleobject", sampleBody, nil)

	t.Run("grant fields", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{
				fld("key", "granted"),
				fld("x-cos-grant-read", `id="100000000002",id="100000000003"`),
				fld("x-cos-grant-read-acp", `id="100000000004"`),
				fld("x-cos-grant-write-acp", `id="100000000005"`),
				fld("x-cos-grant-full-control", `id="100000000006"`),
			},
			rootSig(s, []string{"eq", "$x-cos-grant-read", `id="100000000002",id="100000000003"`}),
			[]postPart{sampleFile()}))
		checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "granted"), false)
		acl, _, err := c.Object.GetACL(ctx, "granted")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{owner + "=FULL_CONTROL", uin("100000000002") + "=READ", uin("100000000003") + "=READ",
			uin("100000000004") + "=READ_ACP", uin("100000000005") + "=WRITE_ACP", uin("100000000006") + "=FULL_CONTROL"}
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("ACL grants %q\nwant %q", got, want)
		}
	})

	t.Run("acl default or empty inherits the bucket's", func(t *testing.T) {
		for i, v := range []string{"default", ""} {
			key := fmt.Sprintf("inherit%d", i)
			r := postForm(t, s, postTo{bucket: name}, cat(
				[]postPart{fld("key", key), fld("acl", v)},
				rootSig(s, map[string]string{"acl": v}),
				[]postPart{sampleFile()}))
			checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, key), false)
			acl, _, err := c.Object.GetACL(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if got := grantsOf(acl); joinKeys(got) != owner+"=FULL_CONTROL" {
				t.Errorf("acl=%q: grants %q", v, got)
			}
			_, err = anon(s, name).Object.Get(ctx, key, nil)
			wantErr(t, err, 403, "AccessDenied")
		}
	})

	t.Run("invalid acl", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "badacl"), fld("acl", "public-read-write-everything")},
			rootSig(s), []postPart{sampleFile()}))
		wantRawErr(t, r, 400, "InvalidArgument")
		wantGone(t, c, "badacl")
	})
}

// Sample 3: SSE-COS.
func TestPostObject_Sample3SSECOS(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post3")
	ctx := t.Context()
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{fld("key", "exampleobject"), fld("x-cos-server-side-encryption", "AES256")},
		rootSig(s, []string{"eq", "$x-cos-server-side-encryption", "AES256"}),
		[]postPart{sampleFile()}))
	checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "exampleobject"), false)
	if got := r.Header.Get("x-cos-server-side-encryption"); got != "AES256" {
		t.Errorf("x-cos-server-side-encryption %q, want AES256", got)
	}
	h := readBack(t, c, "exampleobject", sampleBody, nil)
	if h.Get("x-cos-server-side-encryption") != "AES256" || h.Get("ETag") != sampleETag {
		t.Errorf("GET: SSE %q ETag %s", h.Get("x-cos-server-side-encryption"), h.Get("ETag"))
	}
	resp, err := c.Object.Head(ctx, "exampleobject", nil)
	if err != nil || resp.Header.Get("x-cos-server-side-encryption") != "AES256" {
		t.Errorf("HEAD: %v %v", err, resp)
	}

	t.Run("cos/kms", func(t *testing.T) {
		kctx := base64.StdEncoding.EncodeToString([]byte(`{"a":"asdfa","b":"123321"}`))
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{
				fld("key", "kms"), fld("x-cos-server-side-encryption", "cos/kms"),
				fld("x-cos-server-side-encryption-cos-kms-key-id", "my-kms-key"),
				fld("x-cos-server-side-encryption-context", kctx),
			},
			rootSig(s), []postPart{sampleFile()}))
		checkPostResponse(t, r, 204, "", objectURL(s, name, "kms"), false)
		if r.Header.Get("x-cos-server-side-encryption") != "cos/kms" || r.Header.Get("x-cos-server-side-encryption-cos-kms-key-id") != "my-kms-key" {
			t.Errorf("SSE headers %v", r.Header)
		}
		h := readBack(t, c, "kms", sampleBody, nil)
		if h.Get("x-cos-server-side-encryption") != "cos/kms" || h.Get("x-cos-server-side-encryption-cos-kms-key-id") != "my-kms-key" {
			t.Errorf("GET SSE headers %v", h)
		}
	})

	t.Run("unknown algorithm", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "badsse"), fld("x-cos-server-side-encryption", "DES")},
			rootSig(s), []postPart{sampleFile()}))
		wantRawErr(t, r, 400, "InvalidArgument")
		wantGone(t, c, "badsse")
	})
}

func ssecGetOpt(key string) *cossdk.ObjectGetOptions {
	return &cossdk.ObjectGetOptions{
		XCosSSECustomerAglo: "AES256", XCosSSECustomerKey: base64.StdEncoding.EncodeToString([]byte(key)),
		XCosSSECustomerKeyMD5: md5B64([]byte(key)),
	}
}

// Sample 4: SSE-C, with the key whose MD5 the sample shows.
func TestPostObject_Sample4SSEC(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post4")
	ctx := t.Context()
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{
			fld("key", "exampleobject"),
			fld("x-cos-server-side-encryption-customer-algorithm", "AES256"),
			fld("x-cos-server-side-encryption-customer-key", base64.StdEncoding.EncodeToString([]byte(sampleSSECKey))),
			fld("x-cos-server-side-encryption-customer-key-MD5", sampleSSECKeyMD5),
		},
		rootSig(s), []postPart{sampleFile()}))
	checkPostResponse(t, r, 204, "", objectURL(s, name, "exampleobject"), false)
	if r.Header.Get("x-cos-server-side-encryption-customer-algorithm") != "AES256" ||
		r.Header.Get("x-cos-server-side-encryption-customer-key-MD5") != sampleSSECKeyMD5 {
		t.Errorf("SSE-C headers %v", r.Header)
	}
	// As in the sample, the ETag of an SSE-C object is not its MD5.
	etag := r.Header.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) || etag == sampleETag {
		t.Errorf("SSE-C ETag %s", etag)
	}

	h := readBack(t, c, "exampleobject", sampleBody, ssecGetOpt(sampleSSECKey))
	if h.Get("ETag") != etag || h.Get("x-cos-server-side-encryption-customer-key-MD5") != sampleSSECKeyMD5 {
		t.Errorf("GET with the key: ETag %s, headers %v", h.Get("ETag"), h)
	}
	_, err := c.Object.Get(ctx, "exampleobject", nil)
	wantErr(t, err, 400, "InvalidRequest")
	_, err = c.Object.Get(ctx, "exampleobject", ssecGetOpt("ZYXWVUTSRQPONMLKJIHGFEDCBA987654"))
	wantErr(t, err, 403, "AccessDenied")
	_, err = c.Object.Head(ctx, "exampleobject", nil)
	wantStatus(t, err, 400)
	o := ssecGetOpt(sampleSSECKey)
	if _, err := c.Object.Head(ctx, "exampleobject", &cossdk.ObjectHeadOptions{
		XCosSSECustomerAglo: o.XCosSSECustomerAglo, XCosSSECustomerKey: o.XCosSSECustomerKey, XCosSSECustomerKeyMD5: o.XCosSSECustomerKeyMD5,
	}); err != nil {
		t.Errorf("HEAD with the key: %v", err)
	}

	t.Run("key MD5 mismatch", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{
				fld("key", "badkey"),
				fld("x-cos-server-side-encryption-customer-algorithm", "AES256"),
				fld("x-cos-server-side-encryption-customer-key", base64.StdEncoding.EncodeToString([]byte(sampleSSECKey))),
				fld("x-cos-server-side-encryption-customer-key-MD5", md5B64([]byte("other"))),
			},
			rootSig(s), []postPart{sampleFile()}))
		wantRawErr(t, r, 400, "InvalidArgument")
		wantGone(t, c, "badkey")
	})
}

// Sample 5: a versioning-enabled bucket returns the new version's id.
func TestPostObject_Sample5VersioningEnabled(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := versionedBucket(t, s, "post5")
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{fld("key", "exampleobject")}, rootSig(s), []postPart{sampleFile()}))
	checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "exampleobject"), true)
	v := r.Header.Get("x-cos-version-id")
	if v == "" || v == "null" {
		t.Fatalf("x-cos-version-id %q", v)
	}
	h := readBack(t, c, "exampleobject", sampleBody, nil, v)
	if h.Get("x-cos-version-id") != v {
		t.Errorf("GET by version: x-cos-version-id %q, want %q", h.Get("x-cos-version-id"), v)
	}
}

// Sample 6: a versioning-suspended bucket stores the null version and
// returns no x-cos-version-id.
func TestPostObject_Sample6VersioningSuspended(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := versionedBucket(t, s, "post6")
	if _, err := c.Bucket.PutVersioning(t.Context(), &cossdk.BucketPutVersionOptions{Status: "Suspended"}); err != nil {
		t.Fatal(err)
	}
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{fld("key", "exampleobject")}, rootSig(s), []postPart{sampleFile()}))
	checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "exampleobject"), false)
	readBack(t, c, "exampleobject", sampleBody, nil)
	readBack(t, c, "exampleobject", sampleBody, nil, "null")
}

// Sample 7: ${filename} in the key is replaced by the file's name.
func TestPostObject_Sample7Filename(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post7")
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{fld("key", "folder/subfolder/${filename}")},
		rootSig(s, []string{"starts-with", "$key", "folder/subfolder/"}),
		[]postPart{filePart("photo.jpg", "image/jpeg", sampleBody)}))
	checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "folder/subfolder/photo.jpg"), false)
	readBack(t, c, "folder/subfolder/photo.jpg", sampleBody, nil)
	wantGone(t, c, "folder/subfolder/${filename}")

	t.Run("name with spaces and non-ASCII", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "u/${filename}")}, rootSig(s),
			[]postPart{filePart("my photo 照片.jpg", "image/jpeg", sampleBody)}))
		checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "u/my%20photo%20%E7%85%A7%E7%89%87.jpg"), false)
		readBack(t, c, "u/my photo 照片.jpg", sampleBody, nil)
	})
}

// Sample 8: success_action_redirect answers 303 with bucket, key and etag
// appended to the URL.
func TestPostObject_Sample8Redirect(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post8")
	r := postForm(t, s, postTo{bucket: name}, cat(
		[]postPart{fld("key", "exampleobject"), fld("success_action_redirect", "https://my.website/upload_success.html")},
		rootSig(s, []string{"starts-with", "$success_action_redirect", "https://my.website/"}),
		[]postPart{sampleFile()}))
	checkPostResponse(t, r, 303, sampleETag,
		"https://my.website/upload_success.html?bucket="+name+"&key=exampleobject&etag=%22ee8de918d05640145b18f70f4c3aa602%22", false)
	readBack(t, c, "exampleobject", sampleBody, nil)

	t.Run("URL with a query, key needing escapes, success_action_status ignored", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{
				fld("key", "dir/a b&c.jpg"), fld("success_action_status", "201"),
				fld("success_action_redirect", "https://my.website/done?from=form#top"),
			},
			rootSig(s), []postPart{sampleFile()}))
		checkPostResponse(t, r, 303, sampleETag,
			"https://my.website/done?from=form&bucket="+name+"&key=dir%2Fa+b%26c.jpg&etag=%22ee8de918d05640145b18f70f4c3aa602%22#top", false)
		readBack(t, c, "dir/a b&c.jpg", sampleBody, nil)
	})

	t.Run("redirect refused by the policy", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "evil"), fld("success_action_redirect", "https://evil.example/")},
			rootSig(s, []string{"starts-with", "$success_action_redirect", "https://my.website/"}),
			[]postPart{sampleFile()}))
		wantRawErr(t, r, 403, "AccessDenied")
		wantGone(t, c, "evil")
	})
}

// Sample 9: success_action_status picks 200, 201 or 204; anything else is
// 204.
func TestPostObject_Sample9Status(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "post9")
	for _, tc := range []struct {
		value string
		want  int
	}{{"200", 200}, {"201", 201}, {"204", 204}, {"404", 204}, {"302", 204}, {"abc", 204}, {"", 204}} {
		t.Run("status "+tc.value, func(t *testing.T) {
			key := "status-" + tc.value
			r := postForm(t, s, postTo{bucket: name}, cat(
				[]postPart{fld("key", key), fld("success_action_status", tc.value)},
				rootSig(s, map[string]string{"success_action_status": tc.value}),
				[]postPart{sampleFile()}))
			checkPostResponse(t, r, tc.want, sampleETag, objectURL(s, name, key), false)
			readBack(t, c, key, sampleBody, nil)
		})
	}
}

// --- same-name uploads ---

func TestPostObject_SameName(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	upload := func(t *testing.T, bucket string, data []byte) rawResp {
		t.Helper()
		r := postForm(t, s, postTo{bucket: bucket}, cat(
			[]postPart{fld("key", "same")}, rootSig(s), []postPart{filePart("same.txt", "text/plain", data)}))
		wantRawOK(t, r, 204)
		if r.Header.Get("ETag") != etagOf(data) {
			t.Errorf("ETag %s, want %s", r.Header.Get("ETag"), etagOf(data))
		}
		return r
	}
	strs := func(d versionsDoc) []string {
		var out []string
		for _, e := range d.Entries {
			out = append(out, e.String())
		}
		return out
	}

	t.Run("unversioned overwrites", func(t *testing.T) {
		c, name := newBucket(t, s, "same")
		upload(t, name, []byte("one"))
		r := upload(t, name, []byte("two"))
		if _, has := r.Header["X-Cos-Version-Id"]; has {
			t.Error("x-cos-version-id without versioning")
		}
		readBack(t, c, "same", []byte("two"), nil)
		if got := strs(rawVersions(t, s, name, "")); joinKeys(got) != "V:same@:true" {
			t.Errorf("versions %q", got)
		}
	})

	t.Run("enabled keeps both", func(t *testing.T) {
		c, name := versionedBucket(t, s, "samev")
		v1 := upload(t, name, []byte("one")).Header.Get("x-cos-version-id")
		v2 := upload(t, name, []byte("two")).Header.Get("x-cos-version-id")
		if v1 == "" || v2 == "" || v1 == v2 || v1 == "null" {
			t.Fatalf("version ids %q %q", v1, v2)
		}
		readBack(t, c, "same", []byte("two"), nil)
		readBack(t, c, "same", []byte("one"), nil, v1)
		if got := strs(rawVersions(t, s, name, "")); joinKeys(got) != joinKeys([]string{"V:same@" + v2 + ":true", "V:same@" + v1 + ":false"}) {
			t.Errorf("versions %q", got)
		}
	})

	t.Run("suspended replaces the null version", func(t *testing.T) {
		c, name := versionedBucket(t, s, "sames")
		v1 := upload(t, name, []byte("one")).Header.Get("x-cos-version-id")
		if _, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Suspended"}); err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{"two", "three"} {
			r := upload(t, name, []byte(body))
			if _, has := r.Header["X-Cos-Version-Id"]; has {
				t.Errorf("x-cos-version-id %q while suspended", r.Header.Get("x-cos-version-id"))
			}
		}
		readBack(t, c, "same", []byte("three"), nil)
		readBack(t, c, "same", []byte("three"), nil, "null")
		readBack(t, c, "same", []byte("one"), nil, v1)
		if got := strs(rawVersions(t, s, name, "")); joinKeys(got) != joinKeys([]string{"V:same@null:true", "V:same@" + v1 + ":false"}) {
			t.Errorf("versions %q", got)
		}
	})
}

// --- signature and policy ---

func TestPostObject_Signature(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "postsig")
	ak, sk := s.Root.AccessKey, s.Root.SecretKey
	now := time.Now()
	form := func(sig []postPart) []postPart {
		return cat([]postPart{fld("key", "obj")}, sig, []postPart{sampleFile()})
	}
	keyTime := func(a, b time.Time) string { return fmt.Sprintf("%d;%d", a.Unix(), b.Unix()) }
	replace := func(sig []postPart, name, value string) []postPart {
		out := append([]postPart(nil), sig...)
		for i := range out {
			if out[i].name == name {
				out[i].value = value
			}
		}
		return out
	}
	without := func(sig []postPart, name string) []postPart {
		var out []postPart
		for _, p := range sig {
			if p.name != name {
				out = append(out, p)
			}
		}
		return out
	}

	for _, tc := range []struct {
		name   string
		sig    []postPart
		status int
		code   string
	}{
		{"policy expired", func() []postPart {
			start, end := now.Add(-time.Minute), now.Add(time.Hour)
			return sigFields(ak, sk, policyDoc(ak, now.Add(-time.Second), keyTime(start, end), nil), start, end)
		}(), 403, "AccessDenied"},
		{"key time over", func() []postPart {
			start, end := now.Add(-2*time.Hour), now.Add(-time.Hour)
			return sigFields(ak, sk, policyDoc(ak, now.Add(time.Hour), keyTime(start, end), nil), start, end)
		}(), 403, "AccessDenied"},
		{"bad signature", replace(rootSig(s), "q-signature", strings.Repeat("0", 40)), 403, "SignatureDoesNotMatch"},
		{"wrong secret", signedBy(ak, "not-the-secret"), 403, "SignatureDoesNotMatch"},
		{"unknown q-ak", signedBy("AKIDnobodyhasthiskey", sk), 403, "InvalidAccessKeyId"},
		{"policy tampered", func() []postPart {
			sig := rootSig(s)
			doc, _ := base64.StdEncoding.DecodeString(sig[0].value)
			doc = bytes.Replace(doc, []byte(`"conditions": [`), []byte(`"conditions": [{"acl": "private"},`), 1)
			return replace(sig, "policy", base64.StdEncoding.EncodeToString(doc))
		}(), 403, "SignatureDoesNotMatch"},
		{"no q-signature", without(rootSig(s), "q-signature"), 403, "AccessDenied"},
		{"no policy", without(rootSig(s), "policy"), 400, "InvalidPolicyDocument"},
		{"policy not base64", replace(rootSig(s), "policy", "!!not base64!!"), 400, "InvalidPolicyDocument"},
		{"q-sign-algorithm not sha1", replace(rootSig(s), "q-sign-algorithm", "md5"), 400, "InvalidArgument"},
		{"q-ak differs from the policy's", func() []postPart {
			start, end := now.Add(-time.Minute), now.Add(time.Hour)
			doc := policyDoc("AKIDsomeoneelse", end, keyTime(start, end), nil)
			return sigFields(ak, sk, doc, start, end)
		}(), 403, "AccessDenied"},
		{"q-sign-time differs from q-key-time", func() []postPart {
			start, end := now.Add(-time.Minute), now.Add(time.Hour)
			doc := policyDoc(ak, end, keyTime(start, end.Add(time.Hour)), nil)
			return sigFields(ak, sk, doc, start, end)
		}(), 403, "AccessDenied"},
		{"policy without q-sign-time", func() []postPart {
			start, end := now.Add(-time.Minute), now.Add(time.Hour)
			doc, _ := json.Marshal(map[string]any{"expiration": end.UTC().Format(time.RFC3339), "conditions": []any{
				map[string]string{"q-sign-algorithm": "sha1"}, map[string]string{"q-ak": ak},
			}})
			return sigFields(ak, sk, doc, start, end)
		}(), 400, "InvalidPolicyDocument"},
		{"temporary credentials", append(rootSig(s), fld("x-cos-security-token", "token")), 403, "InvalidAccessKeyId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, s, postTo{bucket: name}, form(tc.sig))
			wantRawErr(t, r, tc.status, tc.code)
			wantGone(t, c, "obj")
		})
	}
}

func TestPostObject_Policy(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "postpol")
	type cond = any
	for _, tc := range []struct {
		name   string
		fields []postPart
		conds  []cond
		file   postPart
		ok     bool
		key    string // stored key when ok
	}{
		{"exact met", []postPart{fld("key", "k1"), fld("acl", "default")}, []cond{map[string]string{"acl": "default"}}, sampleFile(), true, "k1"},
		{"exact not met", []postPart{fld("key", "k2"), fld("acl", "public-read")}, []cond{map[string]string{"acl": "default"}}, sampleFile(), false, "k2"},
		{"eq form met", []postPart{fld("key", "k3"), fld("Content-Type", "image/png")}, []cond{[]string{"eq", "$Content-Type", "image/png"}}, sampleFile(), true, "k3"},
		{"eq form not met", []postPart{fld("key", "k4"), fld("Content-Type", "image/pngx")}, []cond{[]string{"eq", "$Content-Type", "image/png"}}, sampleFile(), false, "k4"},
		{"starts-with met", []postPart{fld("key", "user/alice/a.jpg")}, []cond{[]string{"starts-with", "$key", "user/alice/"}}, sampleFile(), true, "user/alice/a.jpg"},
		{"starts-with not met", []postPart{fld("key", "user/bob/a.jpg")}, []cond{[]string{"starts-with", "$key", "user/alice/"}}, sampleFile(), false, "user/bob/a.jpg"},
		{"starts-with empty prefix allows anything", []postPart{fld("key", "k5"), fld("x-cos-meta-note", "anything at all")}, []cond{[]string{"starts-with", "$x-cos-meta-note", ""}}, sampleFile(), true, "k5"},
		{"starts-with empty prefix still needs the field", []postPart{fld("key", "k6")}, []cond{[]string{"starts-with", "$x-cos-meta-note", ""}}, sampleFile(), false, "k6"},
		{"key checked after ${filename}", []postPart{fld("key", "up/${filename}")}, []cond{[]string{"eq", "$key", "up/photo.jpg"}}, filePart("photo.jpg", "image/jpeg", sampleBody), true, "up/photo.jpg"},
		{"key after ${filename} not met", []postPart{fld("key", "up/${filename}")}, []cond{[]string{"eq", "$key", "up/photo.jpg"}}, filePart("other.jpg", "image/jpeg", sampleBody), false, "up/other.jpg"},
		{"literal ${filename} in the policy does not match", []postPart{fld("key", "lit/${filename}")}, []cond{[]string{"eq", "$key", "lit/${filename}"}}, filePart("x.jpg", "image/jpeg", sampleBody), false, "lit/x.jpg"},
		{"condition field missing from the form", []postPart{fld("key", "k7")}, []cond{[]string{"starts-with", "$Content-Type", "image/"}}, sampleFile(), false, "k7"},
		{"exact condition field missing", []postPart{fld("key", "k8")}, []cond{map[string]string{"success_action_status": "201"}}, sampleFile(), false, "k8"},
		{"bucket exempt from presence", []postPart{fld("key", "k9")}, []cond{map[string]string{"bucket": name}}, sampleFile(), true, "k9"},
		{"bucket in the form", []postPart{fld("key", "k10"), fld("bucket", name)}, []cond{map[string]string{"bucket": name}}, sampleFile(), true, "k10"},
		{"other bucket", []postPart{fld("key", "k11")}, []cond{map[string]string{"bucket": "other-1250000000"}}, sampleFile(), false, "k11"},
		{"other bucket named by the form", []postPart{fld("key", "k12"), fld("bucket", "other-1250000000")}, []cond{map[string]string{"bucket": "other-1250000000"}}, sampleFile(), false, "k12"},
		{"field names case-insensitive", []postPart{fld("Key", "k13"), fld("content-type", "image/gif"), fld("X-Cos-Meta-Who", "me")}, []cond{[]string{"starts-with", "$Content-Type", "image/"}, map[string]string{"$x-cos-meta-who": "me"}, []string{"eq", "$KEY", "k13"}}, sampleFile(), true, "k13"},
		{"values case-sensitive", []postPart{fld("key", "k14"), fld("Content-Type", "IMAGE/gif")}, []cond{[]string{"starts-with", "$Content-Type", "image/"}}, sampleFile(), false, "k14"},
		{"condition on a field after the file", []postPart{fld("key", "k15")}, []cond{map[string]string{"x-cos-meta-late": "1"}}, sampleFile(), false, "k15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := cat(tc.fields, rootSig(s, tc.conds...), []postPart{tc.file})
			if tc.name == "condition on a field after the file" {
				parts = append(parts, fld("x-cos-meta-late", "1"))
			}
			r := postForm(t, s, postTo{bucket: name}, parts)
			if tc.ok {
				wantRawOK(t, r, 204)
				readBack(t, c, tc.key, sampleBody, nil)
				return
			}
			wantRawErr(t, r, 403, "AccessDenied")
			wantGone(t, c, tc.key)
		})
	}

	t.Run("content type field stored, file's type ignored", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "typed"), fld("CONTENT-TYPE", "text/markdown")},
			rootSig(s), []postPart{filePart("a.jpg", "image/jpeg", sampleBody)}))
		wantRawOK(t, r, 204)
		if h := readBack(t, c, "typed", sampleBody, nil); h.Get("Content-Type") != "text/markdown" {
			t.Errorf("Content-Type %q", h.Get("Content-Type"))
		}
	})

	t.Run("malformed policy", func(t *testing.T) {
		for _, doc := range []string{
			`{"conditions": [{"q-ak": "x"}]}`,
			`{"expiration": "tomorrow", "conditions": []}`,
			`{"expiration": "2099-01-01T00:00:00.000Z", "conditions": [["between", "$key", "a"]]}`,
			`not json`,
		} {
			start, end := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
			r := postForm(t, s, postTo{bucket: name}, cat(
				[]postPart{fld("key", "malformed")}, sigFields(s.Root.AccessKey, s.Root.SecretKey, []byte(doc), start, end),
				[]postPart{sampleFile()}))
			wantRawErr(t, r, 400, "InvalidPolicyDocument")
		}
		wantGone(t, c, "malformed")
	})
}

// --- the file and its size ---

func TestPostObject_ContentLengthRange(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "postlen")
	big := randBytes(200<<10, 1)
	small := randBytes(80<<10, 2)
	before := len(blobFiles(t, s))
	for _, tc := range []struct {
		name     string
		data     []byte
		min, max int64
		status   int
		code     string
	}{
		{"too big", big, 0, 100 << 10, 400, "EntityTooLarge"},
		{"too big, small limit", sampleBody, 0, 15, 400, "EntityTooLarge"},
		{"too small", small, 100 << 10, 1 << 20, 400, "EntityTooSmall"},
		{"too small, empty file", nil, 1, 10, 400, "EntityTooSmall"},
		{"within", small, 80 << 10, 80 << 10, 204, ""},
		{"within, empty allowed", nil, 0, 10, 204, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := strings.ReplaceAll(tc.name, " ", "-")
			r := postForm(t, s, postTo{bucket: name}, cat(
				[]postPart{fld("key", key)},
				rootSig(s, []any{"content-length-range", tc.min, tc.max}),
				[]postPart{filePart("f.bin", "application/octet-stream", tc.data)}))
			if tc.code == "" {
				wantRawOK(t, r, tc.status)
				readBack(t, c, key, tc.data, nil)
				return
			}
			wantRawErr(t, r, tc.status, tc.code)
			wantGone(t, c, key)
		})
	}
	// Only the accepted 80 KiB file left a blob (small bodies are inline).
	if after := blobFiles(t, s); len(after) != before+1 {
		t.Errorf("blob files: %d before, %d after: %q", before, len(after), after)
	}
}

func TestPostObject_FormShape(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "postshape")

	t.Run("fields after the file are ignored", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "late"), fld("x-cos-meta-early", "1")},
			rootSig(s), []postPart{sampleFile()},
			[]postPart{fld("x-cos-meta-late", "1"), fld("Content-Type", "text/late"), fld("key", "other"), fld("acl", "public-read")}))
		checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "late"), false)
		h := readBack(t, c, "late", sampleBody, nil)
		if h.Get("x-cos-meta-early") != "1" || h.Get("x-cos-meta-late") != "" || h.Get("Content-Type") == "text/late" {
			t.Errorf("headers %v", h)
		}
		wantGone(t, c, "other")
		_, err := anon(s, name).Object.Get(t.Context(), "late", nil)
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("signature after the file is not seen", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat([]postPart{fld("key", "sigafter"), sampleFile()}, rootSig(s)))
		wantRawErr(t, r, 403, "AccessDenied")
		wantGone(t, c, "sigafter")
	})

	t.Run("two files", func(t *testing.T) {
		before := len(blobFiles(t, s))
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "two")}, rootSig(s),
			[]postPart{filePart("a.bin", "", randBytes(100<<10, 3)), filePart("b.bin", "", sampleBody)}))
		wantRawErr(t, r, 400, "IncorrectNumberOfFilesInPostRequest")
		wantGone(t, c, "two")
		if after := len(blobFiles(t, s)); after != before {
			t.Errorf("blob files %d -> %d", before, after)
		}
	})

	t.Run("file named in another case", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "FileCase")}, rootSig(s),
			[]postPart{{name: "File", value: string(sampleBody), file: true, filename: "x.jpg"}}))
		checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "FileCase"), false)
	})

	t.Run("no file", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat([]postPart{fld("key", "nofile")}, rootSig(s)))
		wantRawErr(t, r, 400, "IncorrectNumberOfFilesInPostRequest")
		wantGone(t, c, "nofile")
	})

	t.Run("fields sent with a filename are fields", func(t *testing.T) {
		// Ceph's s3-tests send every field as a part with filename=.
		parts := cat([]postPart{fld("key", "ceph-style")}, rootSig(s))
		for i := range parts {
			parts[i].file, parts[i].filename = true, "blob"
		}
		r := postForm(t, s, postTo{bucket: name}, append(parts, sampleFile()))
		checkPostResponse(t, r, 204, sampleETag, objectURL(s, name, "ceph-style"), false)
	})

	t.Run("no key", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat(rootSig(s), []postPart{sampleFile()}))
		wantRawErr(t, r, 400, "InvalidArgument")
	})

	t.Run("key too long", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, cat([]postPart{fld("key", strings.Repeat("k", 851))}, rootSig(s), []postPart{sampleFile()}))
		wantRawErr(t, r, 400, "KeyTooLong")
	})

	t.Run("not multipart", func(t *testing.T) {
		r := postRaw(t, s, postTo{bucket: name}, []byte("key=x"), "application/x-www-form-urlencoded")
		wantRawErr(t, r, 400, "InvalidArgument")
	})

	t.Run("truncated body", func(t *testing.T) {
		body, ctype := encodeForm(t, cat([]postPart{fld("key", "cut")}, rootSig(s), []postPart{sampleFile()}))
		r := postRaw(t, s, postTo{bucket: name}, body[:len(body)-20], ctype)
		wantRawErr(t, r, 400, "MalformedPOSTRequest")
		wantGone(t, c, "cut")
	})
}

func TestPostObject_Fields(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "postfld")
	for _, tc := range []struct {
		name   string
		fields []postPart
		status int
		code   string
	}{
		{"Content-MD5 matches", []postPart{fld("Content-MD5", md5B64(sampleBody))}, 204, ""},
		{"Content-MD5 wrong", []postPart{fld("Content-MD5", md5B64([]byte("something else")))}, 400, "BadDigest"},
		{"content-md5 lower-case name, wrong", []postPart{fld("content-md5", md5B64([]byte("x")))}, 400, "BadDigest"},
		{"Content-MD5 malformed", []postPart{fld("Content-MD5", "not-an-md5")}, 400, "InvalidDigest"},
		{"metadata at 2 KB", []postPart{fld("x-cos-meta-big", strings.Repeat("m", 2048-len("x-cos-meta-big")))}, 204, ""},
		{"metadata over 2 KB", []postPart{fld("x-cos-meta-big", strings.Repeat("m", 2048))}, 400, "InvalidArgument"},
		{"metadata over 2 KB in two fields", []postPart{fld("x-cos-meta-a", strings.Repeat("m", 1100)), fld("x-cos-meta-b", strings.Repeat("m", 1100))}, 400, "InvalidArgument"},
		{"storage class", []postPart{fld("x-cos-storage-class", "STANDARD_IA")}, 204, ""},
		{"storage class invalid", []postPart{fld("x-cos-storage-class", "COLD_AS_ICE")}, 400, "InvalidArgument"},
		{"Expires and Content-Encoding", []postPart{fld("Expires", "Wed, 21 Oct 2015 07:28:00 GMT"), fld("Content-Encoding", "identity")}, 204, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := strings.ReplaceAll(tc.name, " ", "_")
			r := postForm(t, s, postTo{bucket: name}, cat([]postPart{fld("key", key)}, tc.fields, rootSig(s), []postPart{sampleFile()}))
			if tc.code != "" {
				wantRawErr(t, r, tc.status, tc.code)
				wantGone(t, c, key)
				return
			}
			checkPostResponse(t, r, tc.status, sampleETag, objectURL(s, name, key), false)
			h := readBack(t, c, key, sampleBody, nil)
			for _, f := range tc.fields {
				if strings.EqualFold(f.name, "Content-MD5") {
					continue
				}
				if got := h.Get(f.name); got != f.value {
					t.Errorf("GET %s = %q, want %q", f.name, got, f.value)
				}
			}
		})
	}

	t.Run("Content-MD5 wrong on a file stored outside the metadata", func(t *testing.T) {
		before := len(blobFiles(t, s))
		data := randBytes(150<<10, 5)
		r := postForm(t, s, postTo{bucket: name}, cat(
			[]postPart{fld("key", "bigmd5"), fld("Content-MD5", md5B64(data[1:]))}, rootSig(s),
			[]postPart{filePart("b.bin", "", data)}))
		wantRawErr(t, r, 400, "BadDigest")
		wantGone(t, c, "bigmd5")
		if after := len(blobFiles(t, s)); after != before {
			t.Errorf("blob files %d -> %d", before, after)
		}
	})
}

func TestPostObject_Access(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "postacc")
	anonForm := func(key string) []postPart {
		return []postPart{fld("key", key), fld("Content-Type", "text/plain"), sampleFile()}
	}

	t.Run("anonymous form on a private bucket", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name}, anonForm("anon"))
		wantRawErr(t, r, 403, "AccessDenied")
		wantGone(t, c, "anon")
	})

	t.Run("anonymous form on a public-read bucket", func(t *testing.T) {
		pc, pname := newBucket(t, s, "postpr")
		if _, err := pc.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}}); err != nil {
			t.Fatal(err)
		}
		r := postForm(t, s, postTo{bucket: pname}, anonForm("anon"))
		wantRawErr(t, r, 403, "AccessDenied")
	})

	t.Run("anonymous form on a public-read-write bucket", func(t *testing.T) {
		pc, pname := newBucket(t, s, "postprw")
		if _, err := pc.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read-write"}}); err != nil {
			t.Fatal(err)
		}
		r := postForm(t, s, postTo{bucket: pname}, anonForm("anon"))
		checkPostResponse(t, r, 204, sampleETag, objectURL(s, pname, "anon"), false)
		readBack(t, pc, "anon", sampleBody, nil)
	})

	t.Run("missing bucket", func(t *testing.T) {
		for _, ps := range []bool{false, true} {
			r := postForm(t, s, postTo{bucket: "nosuch-1250000000", pathStyle: ps}, cat([]postPart{fld("key", "k")}, rootSig(s), []postPart{sampleFile()}))
			wantRawErr(t, r, 404, "NoSuchBucket")
		}
	})

	t.Run("path-style POST /<bucket>", func(t *testing.T) {
		r := postForm(t, s, postTo{bucket: name, pathStyle: true}, cat(
			[]postPart{fld("key", "dir/path style.txt")},
			rootSig(s, map[string]string{"bucket": name}), []postPart{sampleFile()}))
		checkPostResponse(t, r, 204, sampleETag, s.URL()+"/"+name+"/dir/path%20style.txt", false)
		readBack(t, c, "dir/path style.txt", sampleBody, nil)
	})

	t.Run("path-style with a trailing slash", func(t *testing.T) {
		body, ctype := encodeForm(t, cat([]postPart{fld("key", "slash")}, rootSig(s), []postPart{sampleFile()}))
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/"+name+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		r := send(t, s, req)
		wantRawOK(t, r, 204)
		readBack(t, c, "slash", sampleBody, nil)
	})

	t.Run("large file streams through", func(t *testing.T) {
		data := randBytes(3<<20+7, 9)
		r := postForm(t, s, postTo{bucket: name}, cat([]postPart{fld("key", "large")}, rootSig(s), []postPart{filePart("l.bin", "", data)}))
		checkPostResponse(t, r, 204, etagOf(data), objectURL(s, name, "large"), false)
		if r.Header.Get("x-cos-hash-crc64ecma") != crcOf(data) {
			t.Errorf("crc %s", r.Header.Get("x-cos-hash-crc64ecma"))
		}
		readBack(t, c, "large", data, nil)
	})
}
