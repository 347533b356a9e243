package s3_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

type field struct{ name, value string }

// postForm sends a browser form upload to the bucket (path-style), the
// file part last.
func postForm(t *testing.T, s *arcatest.Server, bucket string, fields []field, filename string, file []byte) rawResp {
	t.Helper()
	return postFormURL(t, s, s.S3Endpoint(false)+"/"+bucket, fields, filename, file)
}

// postFormURL sends a form upload to url.
func postFormURL(t *testing.T, s *arcatest.Server, u string, fields []field, filename string, file []byte) rawResp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f.name, f.value)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(file)
	mw.Close()
	r, _ := http.NewRequest(http.MethodPost, u, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	hc := &http.Client{Transport: s.Transport(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := rawResp{Response: resp, body: b}
	if resp.StatusCode >= 300 {
		xml.Unmarshal(b, &out.err)
	}
	return out
}

// policyV4 signs a policy with conditions (besides those on the signature
// fields, which it adds) and returns the signature fields.
func policyV4(s *arcatest.Server, expires time.Time, conditions ...any) []field {
	now := time.Now().UTC()
	date := now.Format("20060102")
	cred := s.Root.AccessKey + "/" + date + "/" + arcatest.S3Region + "/s3/aws4_request"
	conditions = append(conditions,
		map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
		map[string]string{"x-amz-credential": cred},
		map[string]string{"x-amz-date": now.Format("20060102T150405Z")})
	doc, _ := json.Marshal(map[string]any{"expiration": expires.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conditions})
	policy := base64.StdEncoding.EncodeToString(doc)
	return []field{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", cred}, {"x-amz-date", now.Format("20060102T150405Z")},
		{"policy", policy}, {"x-amz-signature", s3auth.PostPolicySignatureV4(policy, s.Root.SecretKey, date, arcatest.S3Region)},
	}
}

// TestPost covers POST Object with S3 policies: SigV4 and SigV2 forms,
// success_action_status and success_action_redirect, ${filename}, the
// policy's conditions, expiry and size range, the rule that a condition
// names every field, and anonymous forms.
func TestPost(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "post")
	file := []byte("uploaded through a form")
	hour := time.Now().Add(time.Hour)

	t.Run("v4 201", func(t *testing.T) {
		fields := append([]field{{"key", "up/${filename}"}, {"Content-Type", "text/plain"}, {"x-amz-meta-who", "form"},
			{"success_action_status", "201"}, {"acl", "public-read"}, {"x-ignore-extra", "ignored"}},
			policyV4(s, hour, map[string]string{"bucket": bucket}, []string{"starts-with", "$key", "up/"},
				[]string{"starts-with", "$Content-Type", "text/"}, map[string]string{"x-amz-meta-who": "form"},
				map[string]string{"success_action_status": "201"}, map[string]string{"acl": "public-read"},
				[]any{"content-length-range", 1, 1000})...)
		resp := postForm(t, s, bucket, fields, `C:\docs\note.txt`, file)
		if resp.StatusCode != 201 {
			t.Fatalf("POST = %d %s", resp.StatusCode, resp.body)
		}
		var pr struct {
			Location, Bucket, Key, ETag string
		}
		if err := xml.Unmarshal(resp.body, &pr); err != nil || pr.Bucket != bucket || pr.Key != "up/note.txt" || pr.ETag != etagOf(file) ||
			!strings.HasSuffix(pr.Location, "/"+bucket+"/up/note.txt") {
			t.Errorf("PostResponse %+v (%v)", pr, err)
		}
		got, out := get(t, anonymous(s), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("up/note.txt")})
		if !bytes.Equal(got, file) || aws.ToString(out.ContentType) != "text/plain" || out.Metadata["who"] != "form" {
			t.Errorf("stored %q %q %v", got, aws.ToString(out.ContentType), out.Metadata)
		}
	})

	t.Run("virtual-hosted", func(t *testing.T) {
		fields := append([]field{{"key", "vh/obj"}, {"success_action_status", "201"}},
			policyV4(s, hour, map[string]string{"bucket": bucket}, map[string]string{"key": "vh/obj"}, map[string]string{"success_action_status": "201"})...)
		resp := postFormURL(t, s, "http://"+bucket+"."+arcatest.S3Domain+":"+s.Port()+"/", fields, "f", file)
		if resp.StatusCode != 201 || !bytes.Contains(resp.body, []byte("<Location>http://"+bucket+"."+arcatest.S3Domain+":"+s.Port()+"/vh/obj</Location>")) {
			t.Fatalf("POST = %d %s", resp.StatusCode, resp.body)
		}
	})

	t.Run("redirect", func(t *testing.T) {
		fields := append([]field{{"key", "redir"}, {"success_action_redirect", "https://app.example.com/done?x=1"}},
			policyV4(s, hour, map[string]string{"key": "redir"}, []string{"starts-with", "$success_action_redirect", "https://app.example.com/"})...)
		resp := postForm(t, s, bucket, fields, "f", file)
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != 303 || loc == nil || loc.Host != "app.example.com" || loc.Query().Get("key") != "redir" ||
			loc.Query().Get("bucket") != bucket || loc.Query().Get("etag") != etagOf(file) || loc.Query().Get("x") != "1" {
			t.Errorf("POST = %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	for _, tc := range []struct {
		name   string
		fields []field
		file   []byte
		status int
		code   string
		msg    string
	}{
		{name: "field without condition", fields: append([]field{{"key", "x1"}, {"x-amz-meta-sneaky", "1"}}, policyV4(s, hour, map[string]string{"key": "x1"})...),
			status: 403, code: "AccessDenied", msg: "Extra input fields: x-amz-meta-sneaky"},
		{name: "condition fails", fields: append([]field{{"key", "other/x2"}}, policyV4(s, hour, []string{"starts-with", "$key", "up/"})...),
			status: 403, code: "AccessDenied", msg: "Policy Condition failed"},
		{name: "expired", fields: append([]field{{"key", "x3"}}, policyV4(s, time.Now().Add(-time.Minute), map[string]string{"key": "x3"})...),
			status: 403, code: "AccessDenied", msg: "Policy expired"},
		{name: "too large", fields: append([]field{{"key", "x4"}}, policyV4(s, hour, map[string]string{"key": "x4"}, []any{"content-length-range", 0, 5})...),
			status: 400, code: "EntityTooLarge"},
		{name: "bad signature", fields: func() []field {
			f := append([]field{{"key", "x5"}}, policyV4(s, hour, map[string]string{"key": "x5"})...)
			f[len(f)-1].value = strings.Repeat("0", 64)
			return f
		}(), status: 403, code: "SignatureDoesNotMatch"},
		{name: "no key", fields: policyV4(s, hour), status: 400, code: "InvalidArgument"},
		{name: "anonymous to a private bucket", fields: []field{{"key", "x6"}}, status: 403, code: "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.file
			if f == nil {
				f = file
			}
			resp := postForm(t, s, bucket, tc.fields, "f", f)
			if resp.StatusCode != tc.status || resp.err.Code != tc.code || !strings.Contains(resp.err.Message, tc.msg) {
				t.Fatalf("POST = %d %s, want %d %s %q", resp.StatusCode, resp.body, tc.status, tc.code, tc.msg)
			}
			list, _ := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("x")})
			if len(list.Contents) != 0 {
				t.Errorf("a refused form stored %s", aws.ToString(list.Contents[0].Key))
			}
		})
	}

	t.Run("v2", func(t *testing.T) {
		doc, _ := json.Marshal(map[string]any{"expiration": hour.UTC().Format(time.RFC3339), "conditions": []any{
			map[string]string{"bucket": bucket}, map[string]string{"key": "v2obj"}}})
		policy := base64.StdEncoding.EncodeToString(doc)
		resp := postForm(t, s, bucket, []field{{"key", "v2obj"}, {"AWSAccessKeyId", s.Root.AccessKey}, {"policy", policy},
			{"signature", s3auth.PostPolicySignatureV2(policy, s.Root.SecretKey)}}, "f", file)
		if resp.StatusCode != 204 || resp.Header.Get("ETag") != etagOf(file) {
			t.Fatalf("V2 POST = %d %s", resp.StatusCode, resp.body)
		}
	})

	t.Run("anonymous to a public bucket", func(t *testing.T) {
		pub := arcatest.Bucket("postpub")
		if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(pub), ACL: types.BucketCannedACLPublicReadWrite}); err != nil {
			t.Fatal(err)
		}
		resp := postForm(t, s, pub, []field{{"key", "anon"}, {"success_action_status", "200"}}, "f", file)
		if resp.StatusCode != 200 {
			t.Fatalf("anonymous POST = %d %s", resp.StatusCode, resp.body)
		}
		got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String(pub), Key: aws.String("anon")})
		if !bytes.Equal(got, file) {
			t.Errorf("stored %q", got)
		}
	})
}

// TestPost_MissingFieldsAndPolicyKeys: a signed form missing a field its signature
// needs is an InvalidArgument naming it; a policy document's members are
// named exactly "expiration" and "conditions", and a policy without either
// is an InvalidPolicyDocument.
func TestPost_MissingFieldsAndPolicyKeys(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "postform")
	exp := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	sign := func(doc map[string]any) (string, string) {
		raw, _ := json.Marshal(doc)
		policy := base64.StdEncoding.EncodeToString(raw)
		return policy, s3auth.PostPolicySignatureV2(policy, s.Root.SecretKey)
	}
	conds := []any{map[string]string{"bucket": bucket}, []string{"starts-with", "$key", ""}}
	policy, sig := sign(map[string]any{"expiration": exp, "conditions": conds})

	resp := postForm(t, s, bucket, []field{{"key", "a"}, {"AWSAccessKeyId", s.Root.AccessKey}, {"policy", policy}}, "f", []byte("x"))
	if resp.StatusCode != 400 || resp.err.Code != "InvalidArgument" || !strings.Contains(resp.err.Message, "'Signature'") {
		t.Errorf("form without a signature = %d %s", resp.StatusCode, resp.body)
	}
	resp = postForm(t, s, bucket, []field{{"key", "a"}, {"AWSAccessKeyId", s.Root.AccessKey}, {"signature", sig}}, "f", []byte("x"))
	if resp.StatusCode != 400 || resp.err.Code != "InvalidArgument" {
		t.Errorf("form without a policy = %d %s", resp.StatusCode, resp.body)
	}
	for name, doc := range map[string]map[string]any{
		"CONDITIONS":    {"expiration": exp, "CONDITIONS": conds},
		"EXPIRATION":    {"EXPIRATION": exp, "conditions": conds},
		"no conditions": {"expiration": exp},
	} {
		policy, sig := sign(doc)
		resp := postForm(t, s, bucket, []field{{"key", "a"}, {"AWSAccessKeyId", s.Root.AccessKey}, {"policy", policy}, {"signature", sig}}, "f", []byte("x"))
		if resp.StatusCode != 400 || resp.err.Code != "InvalidPolicyDocument" {
			t.Errorf("%s: POST = %d %s", name, resp.StatusCode, resp.body)
		}
	}
	resp = postForm(t, s, bucket, []field{{"key", "a"}, {"AWSAccessKeyId", s.Root.AccessKey}, {"policy", policy}, {"signature", sig}}, "f", []byte("x"))
	if resp.StatusCode != 204 {
		t.Errorf("good form = %d %s", resp.StatusCode, resp.body)
	}
}

// TestPost_AbsentFieldCondition: a condition on a field the form does not
// carry is held against the empty value: starts-with "" (any value)
// passes, an equality with a value fails.
func TestPost_AbsentFieldCondition(t *testing.T) {
	t.Parallel()
	s := start(t)
	bucket := newBucket(t, root(s), "postabsent")
	exp := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	for _, tc := range []struct {
		cond   []string
		status int
	}{
		{[]string{"starts-with", "$x-amz-server-side-encryption", ""}, 204},
		{[]string{"eq", "$x-amz-meta-foo", "bar"}, 403},
	} {
		raw, _ := json.Marshal(map[string]any{"expiration": exp, "conditions": []any{
			map[string]string{"bucket": bucket}, []string{"starts-with", "$key", ""}, tc.cond}})
		policy := base64.StdEncoding.EncodeToString(raw)
		resp := postForm(t, s, bucket, []field{{"key", "a"}, {"AWSAccessKeyId", s.Root.AccessKey}, {"policy", policy},
			{"signature", s3auth.PostPolicySignatureV2(policy, s.Root.SecretKey)}}, "f", []byte("x"))
		if resp.StatusCode != tc.status {
			t.Errorf("%v: POST = %d %s", tc.cond, resp.StatusCode, resp.body)
		}
	}
}
