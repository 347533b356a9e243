package oss_test

// PostObject (browser form upload) as OSS's PostObject document (seed 001)
// and form-upload document (seed 004) describe it: every form element,
// V1 and V4 form signatures, every success_action_status, and each row of
// the document's error table.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/engine/local"
	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/oss"
	"github.com/arcastore/arca/internal/oss/ossauth"
	"github.com/arcastore/arca/internal/server"
)

type field struct{ name, value string }

// postFile is the file part of a form.
type postFile struct {
	name, contentType string
	data              []byte
}

// form is a form upload to build and post.
type form struct {
	fields []field
	files  []postFile // usually one, last
	after  []field    // fields after the file, which OSS ignores
}

func (f *form) add(kv ...string) *form {
	for i := 0; i < len(kv); i += 2 {
		f.fields = append(f.fields, field{kv[i], kv[i+1]})
	}
	return f
}

func (f *form) body() ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, fd := range f.fields {
		w.WriteField(fd.name, fd.value)
	}
	for _, file := range f.files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, file.name))
		if file.contentType != "" {
			h.Set("Content-Type", file.contentType)
		}
		p, _ := w.CreatePart(h)
		p.Write(file.data)
	}
	for _, fd := range f.after {
		w.WriteField(fd.name, fd.value)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// policy is a policy document valid for an hour with these conditions.
func policy(conds ...any) string {
	if conds == nil {
		conds = []any{}
	}
	doc, _ := json.Marshal(map[string]any{
		"expiration": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": conds,
	})
	return base64.StdEncoding.EncodeToString(doc)
}

// signV1 adds the V1 signature fields for policy.
func (e *env) signFormV1(f *form, policyB64 string) *form {
	return f.add("OSSAccessKeyId", e.s.Root.AccessKey, "policy", policyB64, "Signature", ossauth.SignPostV1(policyB64, e.s.Root.SecretKey))
}

// v4Conds are the policy conditions pinning the V4 fields of a form
// signed at t.
func (e *env) v4Fields(t time.Time) map[string]string {
	return ossauth.PostV4Fields(e.creds(), arcatest.OSSRegion, t)
}

func v4Conds(fields map[string]string) []any {
	var out []any
	for _, k := range []string{ossauth.FieldVersion, ossauth.FieldCredential, ossauth.FieldDate} {
		out = append(out, map[string]string{k: fields[k]})
	}
	return out
}

// signFormV4 adds the V4 signature fields (signed at t) for a policy with
// conds plus the V4 conditions.
func (e *env) signFormV4(f *form, t time.Time, conds ...any) *form {
	fields := e.v4Fields(t)
	p := policy(append(conds, v4Conds(fields)...)...)
	for _, k := range []string{ossauth.FieldVersion, ossauth.FieldCredential, ossauth.FieldDate} {
		f.add(k, fields[k])
	}
	return f.add("policy", p, ossauth.FieldSignatureV4, ossauth.SignPostV4(p, e.s.Root.SecretKey, ossauth.NewScope(t, arcatest.OSSRegion)))
}

// signed returns a form for key signed with version ("V1" or "V4") over
// a policy with conds.
func (e *env) signed(version string, f *form, conds ...any) *form {
	if version == "V4" {
		return e.signFormV4(f, time.Now(), conds...)
	}
	return e.signFormV1(f, policy(conds...))
}

// post submits f to the bucket's URL (path style on the OSS domain, or
// virtual host).
func (e *env) post(f *form, vhost bool) (*http.Response, []byte) {
	e.t.Helper()
	u := e.objectURL(e.bucket, "", "")
	if vhost {
		u = fmt.Sprintf("http://%s.%s:%s/", e.bucket, arcatest.OSSDomain, e.s.Port())
	}
	return e.postTo(u, f)
}

func (e *env) postTo(u string, f *form) (*http.Response, []byte) {
	e.t.Helper()
	body, ct := f.body()
	// Redirects are not followed: success_action_redirect is checked.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if e.s != nil {
		client.Transport = e.s.Transport()
	}
	resp, err := client.Post(u, ct, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// wantPost asserts a PostObject response's status and (for errors) code.
func wantPost(t *testing.T, what string, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d: %s", what, resp.StatusCode, status, body)
		return
	}
	if code != "" && !bytes.Contains(body, []byte("<Code>"+code+"</Code>")) {
		t.Errorf("%s: body lacks code %s: %s", what, code, body)
	}
}

func file(data string) postFile {
	return postFile{name: "local.txt", contentType: "text/plain", data: []byte(data)}
}

// TestPostObjectSuccess: V1 and V4 forms, every form element of the
// document, every success_action_status and the redirect, on path-style
// and virtual-host URLs.
func TestPostObjectSuccess(t *testing.T) {
	e := newEnv(t, "post")
	for _, version := range []string{"V1", "V4"} {
		for _, vhost := range []bool{false, true} {
			name := fmt.Sprintf("%s vhost=%v", version, vhost)
			data := "content of " + name
			key := "up/" + version + fmt.Sprint(vhost) + "/${filename}"
			f := e.signed(version, (&form{}).add("key", key, "success_action_status", "201",
				"Cache-Control", "no-cache", "Content-Disposition", "attachment;filename=oss_download.jpg",
				"Content-Encoding", "identity", "Expires", "Wed, 01 Jan 2031 00:00:00 GMT",
				"x-oss-meta-uuid", "myuuid", "x-oss-meta-tag", "mytag", "x-oss-object-acl", "public-read",
				"x-oss-storage-class", "IA", "x-oss-server-side-encryption", "AES256"),
				map[string]string{"bucket": e.bucket}, []any{"starts-with", "$key", "up/"},
				[]any{"content-length-range", 1, 1024}, []any{"in", "$x-oss-storage-class", []string{"IA", "Standard"}})
			f.files = []postFile{{name: "My File.txt", contentType: "image/jpeg", data: []byte(data)}}
			f.after = []field{{"x-oss-meta-late", "ignored"}, {"submit", "Upload to OSS"}}
			resp, body := e.post(f, vhost)
			wantPost(t, name, resp, body, 201, "")
			wantKey := "up/" + version + fmt.Sprint(vhost) + "/My File.txt"
			var pr struct {
				XMLName                     xml.Name `xml:"PostResponse"`
				Bucket, Location, Key, ETag string
			}
			if err := xml.Unmarshal(body, &pr); err != nil || pr.Bucket != e.bucket || pr.Key != wantKey || pr.ETag != etagOf([]byte(data)) ||
				!strings.HasSuffix(pr.Location, "/up%2F"+version+fmt.Sprint(vhost)+"%2FMy%20File.txt") {
				t.Errorf("%s: PostResponse = %+v, %v\n%s", name, pr, err, body)
			}
			h := resp.Header
			if h.Get("ETag") != etagOf([]byte(data)) || h.Get("Content-MD5") != md5B64([]byte(data)) || h.Get("x-oss-hash-crc64ecma") != crcOf([]byte(data)) ||
				h.Get("x-oss-server-side-encryption") != "AES256" || h.Get("x-oss-version-id") != "" || len(h.Get("x-oss-request-id")) != 24 {
				t.Errorf("%s: response headers %v", name, h)
			}
			got, gh := e.get(wantKey)
			if string(got) != data {
				t.Errorf("%s: stored %q", name, got)
			}
			for k, v := range map[string]string{"Content-Type": "image/jpeg", "Cache-Control": "no-cache", "Content-Disposition": "attachment;filename=oss_download.jpg",
				"Content-Encoding": "identity", "Expires": "Wed, 01 Jan 2031 00:00:00 GMT", "x-oss-meta-uuid": "myuuid", "x-oss-meta-tag": "mytag",
				"x-oss-meta-late": "", "x-oss-storage-class": "IA", "x-oss-server-side-encryption": "AES256"} {
				if gh.Get(k) != v {
					t.Errorf("%s: stored %s = %q, want %q", name, k, gh.Get(k), v)
				}
			}
			if a, err := e.v1.GetObjectACL(wantKey); err != nil || a.ACL != "public-read" {
				t.Errorf("%s: ACL = %+v, %v", name, a, err)
			}
		}
	}

	// success_action_status: 200 and 204 empty, 201 XML, anything else 204.
	for _, tc := range []struct {
		status string
		want   int
	}{{"200", 200}, {"204", 204}, {"", 204}, {"202", 204}, {"abc", 204}, {"201", 201}} {
		for _, version := range []string{"V1", "V4"} {
			f := e.signed(version, (&form{}).add("key", "status/"+tc.status), map[string]string{"bucket": e.bucket})
			if tc.status != "" {
				f.add("success_action_status", tc.status)
			}
			f.files = []postFile{file("s")}
			resp, body := e.post(f, false)
			if resp.StatusCode != tc.want || (tc.want != 201 && len(body) != 0) || (tc.want == 201 && !bytes.Contains(body, []byte("<PostResponse>"))) {
				t.Errorf("%s success_action_status=%q: %d %q, want %d", version, tc.status, resp.StatusCode, body, tc.want)
			}
		}
	}
	// KMS with a key id, in V4.
	f0 := e.signed("V4", (&form{}).add("key", "kms", "x-oss-server-side-encryption", "KMS", "x-oss-server-side-encryption-key-id", "form-key"))
	f0.files = []postFile{file("kms data")}
	if resp, body := e.post(f0, true); resp.StatusCode != 204 || resp.Header.Get("x-oss-server-side-encryption") != "KMS" ||
		resp.Header.Get("x-oss-server-side-encryption-key-id") != "form-key" {
		t.Errorf("KMS form = %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if got, h := e.get("kms"); string(got) != "kms data" || h.Get("x-oss-server-side-encryption-key-id") != "form-key" {
		t.Errorf("KMS object = %q %v", got, h)
	}

	// success_action_redirect wins over the status; an empty one is unset.
	f := e.signed("V1", (&form{}).add("key", "redir", "success_action_redirect", "https://app.example/done?x=1", "success_action_status", "201"))
	f.files = []postFile{file("r")}
	resp, _ := e.post(f, false)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "https://app.example/done?x=1&bucket="+e.bucket+"&key=redir&etag=") {
		t.Errorf("redirect = %d %q", resp.StatusCode, loc)
	}
	f = e.signed("V1", (&form{}).add("key", "redir2", "success_action_redirect", ""))
	f.files = []postFile{file("r")}
	if resp, _ := e.post(f, false); resp.StatusCode != 204 {
		t.Errorf("empty redirect = %d, want 204", resp.StatusCode)
	}

	// Content type: x-oss-content-type, then the Content-Type field, then
	// the file part's type.
	for _, tc := range []struct {
		fields []string
		part   string
		want   string
	}{
		{[]string{"x-oss-content-type", "text/override", "Content-Type", "text/field"}, "image/png", "text/override"},
		{[]string{"Content-Type", "text/field"}, "image/png", "text/field"},
		{nil, "image/png", "image/png"},
		{nil, "", "application/octet-stream"},
	} {
		f := e.signed("V4", (&form{}).add(append([]string{"key", "ct"}, tc.fields...)...))
		f.files = []postFile{{name: "x", contentType: tc.part, data: []byte("x")}}
		if resp, body := e.post(f, false); resp.StatusCode != 204 {
			t.Fatalf("content type %v: %d %s", tc, resp.StatusCode, body)
		}
		if _, h := e.get("ct"); h.Get("Content-Type") != tc.want {
			t.Errorf("content type %v = %q, want %q", tc, h.Get("Content-Type"), tc.want)
		}
	}

	// The document's own example key, "/user/a/objectName.txt", is stored
	// without its leading slash; a signature in the Authorization header
	// is ignored.
	f = e.signed("V1", (&form{}).add("key", "/user/a/objectName.txt", "success_action_status", "201"))
	f.files = []postFile{file("abcdefg")}
	body, ct := f.body()
	req, _ := http.NewRequest("POST", e.objectURL(e.bucket, "", ""), bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "OSS "+e.s.Root.AccessKey+":bm90IGEgc2lnbmF0dXJl")
	resp, err := e.s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || !bytes.Contains(rb, []byte("<Key>user/a/objectName.txt</Key>")) {
		t.Errorf("example key = %d %s", resp.StatusCode, rb)
	}
	if got, _ := e.get("user/a/objectName.txt"); string(got) != "abcdefg" {
		t.Errorf("example object = %q", got)
	}
}

// TestPostObjectVersioning: x-oss-version-id with Enabled (an id) and
// Suspended (null), and x-oss-forbid-overwrite, which versioning makes
// moot.
func TestPostObjectVersioning(t *testing.T) {
	e := newEnv(t, "postver")
	f := func(key string, extra ...string) *form {
		fm := e.signed("V1", (&form{}).add(append([]string{"key", key}, extra...)...))
		fm.files = []postFile{file("data of " + key)}
		return fm
	}
	if resp, body := e.post(f("k", "x-oss-forbid-overwrite", "true"), false); resp.StatusCode != 204 {
		t.Fatalf("first = %d %s", resp.StatusCode, body)
	}
	resp, body := e.post(f("k", "x-oss-forbid-overwrite", "true"), false)
	wantPost(t, "forbid-overwrite", resp, body, 409, "FileAlreadyExists")
	if resp, _ := e.post(f("k", "x-oss-forbid-overwrite", "false"), false); resp.StatusCode != 204 {
		t.Errorf("forbid-overwrite false = %d", resp.StatusCode)
	}
	e.versioned()
	resp, body = e.post(f("k", "x-oss-forbid-overwrite", "true"), false)
	if resp.StatusCode != 204 || resp.Header.Get("x-oss-version-id") == "" || resp.Header.Get("x-oss-version-id") == "null" {
		t.Errorf("versioned = %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if err := e.s.OSSV1(false).SetBucketVersioning(e.bucket, ossv1.VersioningConfig{Status: "Suspended"}); err != nil {
		t.Fatal(err)
	}
	resp, _ = e.post(f("k", "x-oss-forbid-overwrite", "true"), false)
	if resp.StatusCode != 204 || resp.Header.Get("x-oss-version-id") != "null" {
		t.Errorf("suspended = %d %v", resp.StatusCode, resp.Header)
	}
}

// TestPostObjectErrors: each row of the PostObject document's error
// table, and the other refusals of the form rules.
func TestPostObjectErrors(t *testing.T) {
	e := newEnv(t, "posterr")
	simple := func(version string, extra ...string) *form {
		f := e.signed(version, (&form{}).add(append([]string{"key", "k"}, extra...)...))
		f.files = []postFile{file("data")}
		return f
	}
	for _, version := range []string{"V1", "V4"} {
		t.Run(version, func(t *testing.T) {
			// FieldItemTooLong: a field name over 8 KB, a value over 2 MB.
			f := simple(version)
			f.fields = append([]field{{strings.Repeat("n", 8<<10+1), "v"}}, f.fields...)
			resp, body := e.post(f, false)
			wantPost(t, "long name", resp, body, 400, "FieldItemTooLong")
			f = simple(version, "x-oss-meta-big", strings.Repeat("v", 2<<20+1))
			resp, body = e.post(f, false)
			wantPost(t, "long value", resp, body, 400, "FieldItemTooLong")

			// InvalidDigest: Content-MD5 of another content.
			resp, body = e.post(simple(version, "Content-MD5", md5B64([]byte("other"))), false)
			wantPost(t, "Content-MD5", resp, body, 400, "InvalidDigest")
			if resp, _ := e.post(simple(version, "Content-MD5", md5B64([]byte("data"))), false); resp.StatusCode != 204 {
				t.Errorf("matching Content-MD5 = %d", resp.StatusCode)
			}

			// InvalidEncryptionAlgorithmError.
			resp, body = e.post(simple(version, "x-oss-server-side-encryption", "DES"), false)
			wantPost(t, "encryption", resp, body, 400, "InvalidEncryptionAlgorithmError")

			// IncorrectNumberOfFilesInPOSTRequest: two files, or none.
			f = simple(version)
			f.files = append(f.files, file("second"))
			resp, body = e.post(f, false)
			wantPost(t, "two files", resp, body, 400, "IncorrectNumberOfFilesInPOSTRequest")
			f = simple(version)
			f.files = nil
			resp, body = e.post(f, false)
			wantPost(t, "no file", resp, body, 400, "IncorrectNumberOfFilesInPOSTRequest")

			// FileAlreadyExists.
			e.post(simple(version), false)
			resp, body = e.post(simple(version, "x-oss-forbid-overwrite", "true"), false)
			wantPost(t, "forbid-overwrite", resp, body, 409, "FileAlreadyExists")

			// EntityTooLarge: content-length-range (the FAQ's message) and
			// EntityTooSmall.
			f = e.signed(version, (&form{}).add("key", "sized"), []any{"content-length-range", 2, 3})
			f.files = []postFile{file("four")}
			resp, body = e.post(f, false)
			wantPost(t, "above the range", resp, body, 400, "EntityTooLarge")
			if !bytes.Contains(body, []byte("Your proposed upload exceeds the maximum allowed size.")) {
				t.Errorf("above the range: message %s", body)
			}
			f.files = []postFile{file("1")}
			resp, body = e.post(f, false)
			wantPost(t, "below the range", resp, body, 400, "EntityTooSmall")
			if _, err := e.v1.GetObjectMeta("sized"); err == nil {
				t.Error("an upload outside the range was stored")
			}

			// Policy problems.
			f = e.signed(version, (&form{}).add("key", "other/k"), []any{"starts-with", "$key", "up/"})
			f.files = []postFile{file("x")}
			resp, body = e.post(f, false)
			wantPost(t, "condition", resp, body, 403, "AccessDenied")
			if !bytes.Contains(body, []byte("Invalid according to Policy: Policy Condition failed")) {
				t.Errorf("condition message: %s", body)
			}
			f = e.signed(version, (&form{}).add("key", "k"), map[string]string{"bucket": "another-bucket"})
			f.files = []postFile{file("x")}
			resp, body = e.post(f, false)
			wantPost(t, "bucket condition", resp, body, 403, "AccessDenied")
			f = e.signed(version, (&form{}).add("key", "k"), []any{"in", "$x-oss-meta-c", []string{"a", "b"}})
			f.files = []postFile{file("x")}
			resp, body = e.post(f, false)
			wantPost(t, "in condition, field absent", resp, body, 403, "AccessDenied")
		})
	}

	// InvalidArgument: OSSAccessKeyId, policy and Signature are all or
	// none, whatever the bucket ACL.
	if err := e.s.OSSV1(false).SetBucketACL(e.bucket, ossv1.ACLPublicReadWrite); err != nil {
		t.Fatal(err)
	}
	p := policy(map[string]string{"bucket": e.bucket})
	for name, fields := range map[string][]string{
		"no Signature":      {"OSSAccessKeyId", e.s.Root.AccessKey, "policy", p},
		"no policy":         {"OSSAccessKeyId", e.s.Root.AccessKey, "Signature", ossauth.SignPostV1(p, e.s.Root.SecretKey)},
		"no OSSAccessKeyId": {"policy", p, "Signature", ossauth.SignPostV1(p, e.s.Root.SecretKey)},
		"policy alone":      {"policy", p},
		"empty Signature":   {"OSSAccessKeyId", e.s.Root.AccessKey, "policy", p, "Signature", ""},
	} {
		f := (&form{}).add(append([]string{"key", "k"}, fields...)...)
		f.files = []postFile{file("x")}
		resp, body := e.post(f, false)
		wantPost(t, name, resp, body, 400, "InvalidArgument")
	}
	// Anonymous: only on a public-read-write bucket.
	anon := (&form{}).add("key", "anon", "success_action_status", "200")
	anon.files = []postFile{file("anonymous")}
	if resp, body := e.post(anon, true); resp.StatusCode != 200 {
		t.Errorf("anonymous on public-read-write = %d %s", resp.StatusCode, body)
	}
	if err := e.s.OSSV1(false).SetBucketACL(e.bucket, ossv1.ACLPublicRead); err != nil {
		t.Fatal(err)
	}
	resp, body := e.post(anon, true)
	wantPost(t, "anonymous on public-read", resp, body, 403, "AccessDenied")

	// Signature failures.
	f := (&form{}).add("key", "k", "OSSAccessKeyId", e.s.Root.AccessKey, "policy", p, "Signature", ossauth.SignPostV1(p, "wrong"))
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "wrong V1 signature", resp, body, 403, "SignatureDoesNotMatch")
	f = (&form{}).add("key", "k", "OSSAccessKeyId", "LTAIunknown", "policy", p, "Signature", ossauth.SignPostV1(p, "x"))
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "unknown key", resp, body, 403, "InvalidAccessKeyId")
	f = e.signFormV1((&form{}).add("key", "k", "x-oss-security-token", "CAIS-token"), p)
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "security token", resp, body, 403, "InvalidSecurityToken")
	old := time.Now().Add(-8 * 24 * time.Hour)
	f = e.signFormV4((&form{}).add("key", "k"), old)
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "V4 form older than 7 days", resp, body, 403, "AccessDenied")
	// A V4 policy must pin the V4 fields.
	now := time.Now()
	v4 := e.v4Fields(now)
	bare := policy(map[string]string{"bucket": e.bucket})
	f = (&form{}).add("key", "k", ossauth.FieldVersion, v4[ossauth.FieldVersion], ossauth.FieldCredential, v4[ossauth.FieldCredential],
		ossauth.FieldDate, v4[ossauth.FieldDate], "policy", bare,
		ossauth.FieldSignatureV4, ossauth.SignPostV4(bare, e.s.Root.SecretKey, ossauth.NewScope(now, arcatest.OSSRegion)))
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "V4 policy without the V4 conditions", resp, body, 400, "InvalidPolicyDocument")
	f = (&form{}).add("key", "k", ossauth.FieldVersion, ossauth.AlgorithmV4, ossauth.FieldCredential, e.s.Root.AccessKey+"/20240101/r/oss/bad",
		ossauth.FieldDate, "20240101T000000Z", "policy", bare, ossauth.FieldSignatureV4, "00")
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "bad x-oss-credential", resp, body, 400, "InvalidArgument")

	// Malformed policies.
	expired, _ := json.Marshal(map[string]any{"expiration": "2020-01-01T00:00:00.000Z", "conditions": []any{}})
	for name, tc := range map[string]struct {
		doc    string
		status int
		code   string
	}{
		"expired":          {string(expired), 403, "AccessDenied"},
		"not JSON":         {"{not json", 400, "InvalidPolicyDocument"},
		"no expiration":    {`{"conditions":[]}`, 400, "InvalidPolicyDocument"},
		"no conditions":    {`{"expiration":"2099-01-01T00:00:00Z"}`, 400, "InvalidPolicyDocument"},
		"two properties":   {`{"expiration":"2099-01-01T00:00:00Z","conditions":[{"bucket":"b","key":"k"}]}`, 400, "InvalidPolicyDocument"},
		"4-element array":  {`{"expiration":"2099-01-01T00:00:00Z","conditions":[["starts-with","$key","a","b"]]}`, 400, "InvalidPolicyDocument"},
		"unknown operator": {`{"expiration":"2099-01-01T00:00:00Z","conditions":[["like","$key","a"]]}`, 400, "InvalidPolicyDocument"},
	} {
		pb := base64.StdEncoding.EncodeToString([]byte(tc.doc))
		f := e.signFormV1((&form{}).add("key", "k"), pb)
		f.files = []postFile{file("x")}
		resp, body := e.post(f, false)
		wantPost(t, "policy "+name, resp, body, tc.status, tc.code)
		if name == "expired" && !bytes.Contains(body, []byte("Policy expired.")) {
			t.Errorf("expired message: %s", body)
		}
	}

	// Object names (seed 004): UTF-8, 1 to 1023 bytes, no leading "/" or
	// "\" (one leading "/" is dropped, as OSS's example shows).
	for name, key := range map[string]string{"backslash": "\\k", "two slashes": "//k", "1024 bytes": strings.Repeat("k", 1024), "not UTF-8": "k\xff"} {
		f := e.signed("V1", (&form{}).add("key", key))
		f.files = []postFile{file("x")}
		resp, body := e.post(f, false)
		wantPost(t, "key "+name, resp, body, 400, "InvalidObjectName")
	}
	f = e.signed("V1", &form{})
	f.files = []postFile{file("x")}
	resp, body = e.post(f, false)
	wantPost(t, "no key", resp, body, 400, "InvalidArgument")
	f = e.signed("V1", (&form{}).add("key", strings.Repeat("k", 1023)))
	f.files = []postFile{file("x")}
	if resp, body := e.post(f, false); resp.StatusCode != 204 {
		t.Errorf("1023-byte key = %d %s", resp.StatusCode, body)
	}
	// User metadata: 8 KB at most.
	resp, body = e.post(simple("V1", "x-oss-meta-big", strings.Repeat("v", 8<<10)), false)
	wantPost(t, "metadata over 8 KB", resp, body, 400, "InvalidArgument")

	// MethodNotAllowed: a form posted to an object's URL.
	f = simple("V1")
	resp, body = e.postTo(e.objectURL(e.bucket, "k", ""), f)
	wantPost(t, "POST to an object", resp, body, 405, "MethodNotAllowed")

	// Not a form.
	resp2, err := e.s.Client.Post(e.objectURL(e.bucket, "", ""), "application/octet-stream", strings.NewReader("raw"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	wantPost(t, "not multipart", resp2, b, 400, "RequestIsNotMultiPartContent")
	// A missing bucket.
	resp, body = e.postTo(e.objectURL("posterr-missing", "", ""), simple("V1"))
	wantPost(t, "missing bucket", resp, body, 404, "NoSuchBucket")
}

// TestPostObjectTooLarge: a request body over 5 GB is refused with
// EntityTooLarge before its file is read.
func TestPostObjectTooLarge(t *testing.T) {
	e := newEnv(t, "postbig")
	f := e.signed("V1", (&form{}).add("key", "big"))
	f.files = []postFile{file("x")}
	body, ct := f.body()
	head, _, _ := bytes.Cut(body, []byte("\r\n\r\nx"))
	conn, err := net.Dial("tcp", e.s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /%s/ HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", e.bucket, arcatest.OSSDomain, e.s.Port(), ct, int64(5<<30)+1)
	conn.Write(head)
	conn.Write([]byte("\r\n\r\n"))
	conn.Write(bytes.Repeat([]byte("x"), 64<<10))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := io.ReadAll(resp.Body)
	wantPost(t, "6 GB body", resp, rb, 400, "EntityTooLarge")
}

// TestPostObjectFileImmutable: a bucket protected by a retention policy
// refuses to replace its objects (FileImmutable), through PostObject and
// every other write.
func TestPostObjectFileImmutable(t *testing.T) {
	e := newEnv(t, "worm")
	ctx := context.Background()
	c1 := e.s.OSSV1(false)
	e.put("old", []byte("before the policy"))
	id, err := c1.InitiateBucketWorm(e.bucket, 1)
	if err != nil || id == "" {
		t.Fatalf("InitiateBucketWorm = %q, %v", id, err)
	}
	w, err := c1.GetBucketWorm(e.bucket)
	if err != nil || w.WormId != id || w.State != "InProgress" || w.RetentionPeriodInDays != 1 {
		t.Fatalf("GetBucketWorm = %+v, %v", w, err)
	}
	// In progress, the policy already protects.
	f := e.signed("V1", (&form{}).add("key", "old"))
	f.files = []postFile{file("replacement")}
	resp, body := e.post(f, false)
	wantPost(t, "PostObject over a protected object", resp, body, 409, "FileImmutable")
	f = e.signed("V4", (&form{}).add("key", "new"))
	f.files = []postFile{file("new")}
	if resp, body := e.post(f, false); resp.StatusCode != 204 {
		t.Errorf("PostObject of a new key = %d %s", resp.StatusCode, body)
	}
	wantErr(t, "PutObject", e.v1.PutObject("new", strings.NewReader("x")), 409, "FileImmutable")
	wantErr(t, "DeleteObject", e.v1.DeleteObject("old"), 409, "FileImmutable")
	_, err = e.v1.CopyObject("new", "old")
	wantErr(t, "CopyObject", err, 409, "FileImmutable")
	res, err := e.v1.DeleteObjects([]string{"new"})
	if err != nil || len(res.DeletedObjects) != 0 {
		t.Errorf("multi-delete of a protected object = %+v, %v", res, err)
	}
	// Abort, then lock a new one and extend it.
	if err := c1.CompleteBucketWorm(e.bucket, "wrong-id"); err == nil {
		t.Error("CompleteBucketWorm with a wrong id succeeded")
	}
	if _, err := e.v2.AbortBucketWorm(ctx, &ossv2.AbortBucketWormRequest{Bucket: &e.bucket}); err != nil {
		t.Fatal(err)
	}
	if err := e.v1.DeleteObject("old"); err != nil {
		t.Errorf("delete after abort: %v", err)
	}
	id, _ = c1.InitiateBucketWorm(e.bucket, 2)
	if err := c1.CompleteBucketWorm(e.bucket, id); err != nil {
		t.Fatal(err)
	}
	if err := c1.ExtendBucketWorm(e.bucket, 5, id); err != nil {
		t.Fatal(err)
	}
	if w, err := c1.GetBucketWorm(e.bucket); err != nil || w.State != "Locked" || w.RetentionPeriodInDays != 5 {
		t.Errorf("after extend = %+v, %v", w, err)
	}
	wantErr(t, "abort locked", c1.AbortBucketWorm(e.bucket), 409, "WORMConfigurationLocked")
	_, err = e.v1.AppendObject("new", strings.NewReader("x"), 3)
	wantErr(t, "append to a protected object", err, 409, "FileImmutable")
}

// TestKMSNotEnabled: a server without a master key has no key manager;
// KMS (and AES256) encryption is refused as OSS refuses KMS to an account
// that has not enabled it.
func TestKMSNotEnabled(t *testing.T) {
	acct := &iam.Account{ID: "1", AccessKey: "LTAIkmstest", SecretKey: "kms-test-secret"}
	srv, st := standalone(t, nil, acct)
	if _, err := st.CreateBucket(context.Background(), core.Bucket{Name: "kms-bucket", Owner: "1"}); err != nil {
		t.Fatal(err)
	}
	p := policy(map[string]string{"bucket": "kms-bucket"})
	f := (&form{}).add("key", "k", "x-oss-server-side-encryption", "KMS", "OSSAccessKeyId", acct.AccessKey, "policy", p, "Signature", ossauth.SignPostV1(p, acct.SecretKey))
	f.files = []postFile{file("x")}
	e := &env{t: t}
	resp, body := e.postTo(srv.URL+"/kms-bucket/", f)
	wantPost(t, "PostObject with KMS", resp, body, 403, "KmsServiceNotEnabled")
	c, err := ossv1.New(srv.URL, acct.AccessKey, acct.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Bucket("kms-bucket")
	wantErr(t, "PutObject with KMS", b.PutObject("k", strings.NewReader("x"), ossv1.ServerSideEncryption("KMS")), 403, "KmsServiceNotEnabled")
	if err := b.PutObject("plain", strings.NewReader("x")); err != nil {
		t.Errorf("unencrypted PutObject: %v", err)
	}
}

// standalone serves the OSS dialect alone over a fresh store (without a
// master key unless one is given) for the accounts given: what arcatest's
// configuration cannot set up.
func standalone(t *testing.T, masterKey []byte, accounts ...*iam.Account) (*httptest.Server, *core.Store) {
	t.Helper()
	dir := t.TempDir()
	meta, err := local.OpenMeta(dir+"/meta", local.MetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := local.OpenBlobs(dir + "/blobs")
	if err != nil {
		t.Fatal(err)
	}
	st, err := core.Open(core.Config{Meta: meta, Blobs: blobs, MasterKey: masterKey})
	if err != nil {
		t.Fatal(err)
	}
	h := oss.New(oss.Config{Store: st, Keys: iam.Static(accounts)})
	srv := httptest.NewServer(server.New(server.Config{Default: server.OSS, Handlers: map[server.Dialect]server.Handler{server.OSS: h}}))
	t.Cleanup(func() { srv.Close(); <-st.SweepDone(); st.Close(); meta.Close() })
	return srv, st
}
