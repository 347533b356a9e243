package oss_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv2creds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/oss/ossauth"
)

// TestSignaturesEverySDKAndStyle drives put, get and list through every
// signature the SDKs produce (aliyun-oss-go-sdk V1 and V4,
// alibabacloud-oss-go-sdk-v2 V4 and V1) on path-style and virtual-host
// URLs, with keys that exercise the canonical resource's encoding.
func TestSignaturesEverySDKAndStyle(t *testing.T) {
	e := newEnv(t, "sig")
	keys := []string{"plain.txt", "with space/中文 名+plus=eq&amp%25.txt", "tilde~_-.()!*'", "a//b/"}
	ctx := context.Background()
	for _, vh := range []bool{false, true} {
		style := map[bool]string{false: "path", true: "vhost"}[vh]
		v1 := map[string]*ossv1.Bucket{
			"v1/V1": e.s.OSSV1Bucket(e.bucket, vh),
			"v1/V4": e.s.OSSV1Bucket(e.bucket, vh, ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region(arcatest.OSSRegion)),
		}
		for name, b := range v1 {
			for _, k := range keys {
				data := []byte(name + style + k)
				if err := b.PutObject(k, bytes.NewReader(data), ossv1.Meta("who", name)); err != nil {
					t.Fatalf("%s %s put %q: %v", name, style, k, err)
				}
				r, err := b.GetObject(k, ossv1.VersionId("null"))
				if err == nil {
					got, _ := io.ReadAll(r)
					r.Close()
					if !bytes.Equal(got, data) {
						t.Errorf("%s %s get %q = %q", name, style, k, got)
					}
				} else {
					t.Errorf("%s %s get %q: %v", name, style, k, err)
				}
				if _, err := b.ListObjects(ossv1.Prefix(k), ossv1.MaxKeys(5)); err != nil {
					t.Errorf("%s %s list: %v", name, style, err)
				}
			}
		}
		v2 := map[string]*ossv2.Client{
			"v2/V4": e.s.OSSV2(vh),
			"v2/V1": e.s.OSSV2(vh, func(c *ossv2.Config) { c.WithSignatureVersion(ossv2.SignatureVersionV1) }),
		}
		for name, c := range v2 {
			for _, k := range keys {
				data := []byte(name + style + k)
				if _, err := c.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr(k), Body: bytes.NewReader(data),
					Metadata: map[string]string{"who": name}}); err != nil {
					t.Fatalf("%s %s put %q: %v", name, style, k, err)
				}
				g, err := c.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr(k)})
				if err != nil {
					t.Fatalf("%s %s get %q: %v", name, style, k, err)
				}
				got, _ := io.ReadAll(g.Body)
				g.Body.Close()
				if !bytes.Equal(got, data) {
					t.Errorf("%s %s get %q = %q", name, style, k, got)
				}
				if _, err := c.ListObjectsV2(ctx, &ossv2.ListObjectsV2Request{Bucket: &e.bucket, Prefix: ptr(k)}); err != nil {
					t.Errorf("%s %s list: %v", name, style, err)
				}
			}
		}
	}
}

// TestSignatureFailures covers OSS's answers to wrong, unknown, expired,
// skewed and malformed signatures, each with its code and EC.
func TestSignatureFailures(t *testing.T) {
	e := newEnv(t, "sigfail")
	e.put("k", []byte("data"))
	ctx := context.Background()

	bad := e.s.OSSV1With(e.s.Root.AccessKey, "wrong-secret", false)
	_, err := bad.ListBuckets()
	wantErr(t, "v1 wrong secret", err, 403, "SignatureDoesNotMatch")
	if _, _, ec, _ := svcErr(err); ec != "0002-00000040" {
		t.Errorf("v1 mismatch EC = %q", ec)
	}
	bad4 := e.s.OSSV2With(ossv2creds.NewStaticCredentialsProvider(e.s.Root.AccessKey, "wrong-secret"), true)
	_, err = bad4.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("k")})
	wantErr(t, "v2 wrong secret", err, 403, "SignatureDoesNotMatch")
	if _, _, ec, _ := svcErr(err); ec != "0002-00000201" {
		t.Errorf("v4 mismatch EC = %q", ec)
	}
	// A HEAD error has no body: alibabacloud-oss-go-sdk-v2 reads x-oss-err.
	_, err = bad4.HeadObject(ctx, &ossv2.HeadObjectRequest{Bucket: &e.bucket, Key: ptr("k")})
	wantErr(t, "v2 HEAD wrong secret", err, 403, "SignatureDoesNotMatch")

	unknown := e.s.OSSV1With("LTAIunknownAccessKey", "x", false)
	_, err = unknown.ListBuckets()
	wantErr(t, "unknown key", err, 403, "InvalidAccessKeyId")
	if _, _, ec, _ := svcErr(err); ec != "0002-00000902" {
		t.Errorf("unknown key EC = %q", ec)
	}

	// The body of a mismatch tells the client what the server signed.
	_, body, err := e.request("GET", e.bucket, "k", "", nil, nil, func(r *http.Request, b, k string) {
		ossauth.SignV1(r, b, k, ossauth.Credentials{AccessKey: e.s.Root.AccessKey, SecretKey: "nope"}, time.Now())
	})
	wantErr(t, "raw mismatch", err, 403, "SignatureDoesNotMatch")
	for _, want := range []string{"<StringToSign>GET\n", "<SignatureProvided>", "<OSSAccessKeyId>" + e.s.Root.AccessKey, "<HostId>" + arcatest.OSSDomain} {
		if !strings.Contains(string(body), strings.ReplaceAll(want, "\n", "&#xA;")) {
			t.Errorf("mismatch body lacks %q:\n%s", want, body)
		}
	}

	// A signed header's date more than 15 minutes off.
	for name, sign := range map[string]func(*http.Request, string, string){
		"V1": func(r *http.Request, b, k string) { ossauth.SignV1(r, b, k, e.creds(), time.Now().Add(-time.Hour)) },
		"V4": func(r *http.Request, b, k string) {
			ossauth.SignV4(r, b, k, e.creds(), ossauth.V4Options{Region: "any-region"}, time.Now().Add(20*time.Minute))
		},
	} {
		_, _, err := e.request("GET", e.bucket, "k", "", nil, nil, sign)
		wantErr(t, name+" skewed", err, 403, "RequestTimeTooSkewed")
		if _, _, ec, _ := svcErr(err); ec != "0002-00000504" {
			t.Errorf("%s skewed EC = %q", name, ec)
		}
	}
	// Within the window the region of a V4 scope does not matter.
	if _, _, err := e.request("GET", e.bucket, "k", "", nil, nil, func(r *http.Request, b, k string) {
		ossauth.SignV4(r, b, k, e.creds(), ossauth.V4Options{Region: "eu-central-1"}, time.Now().Add(-10*time.Minute))
	}); err != nil {
		t.Errorf("V4 10 minutes early, other region: %v", err)
	}

	// Malformed Authorization headers.
	for _, v := range []string{"OSS nocolon", "OSS4-HMAC-SHA256 Credential=ak/20240101/r/oss/wrong,Signature=00", "Bearer xyz"} {
		_, _, err := e.request("GET", e.bucket, "k", "", nil, hdr("Authorization", v, "Date", time.Now().UTC().Format(http.TimeFormat)), nil)
		wantErr(t, "malformed "+v, err, 400, "InvalidArgument")
	}

	// A tampered signed request: a signed header changed after signing.
	_, _, err = e.request("PUT", e.bucket, "k2", "", []byte("x"), hdr("x-oss-meta-a", "1"), func(r *http.Request, b, k string) {
		e.signV4(r, b, k)
		r.Header.Set("x-oss-meta-a", "2")
	})
	wantErr(t, "tampered header", err, 403, "SignatureDoesNotMatch")
}

// TestPresignedURLs: SignURL (aliyun-oss-go-sdk, V1 and V4) and Presign
// (alibabacloud-oss-go-sdk-v2, V4 and V1) for GET and PUT, used by a plain
// HTTP client; expired and tampered URLs are refused.
func TestPresignedURLs(t *testing.T) {
	e := newEnv(t, "presign")
	ctx := context.Background()
	plain := &http.Client{Transport: e.s.Transport()}
	do := func(method, u string, body []byte, h map[string]string) (*http.Response, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, _ := http.NewRequest(method, u, rd)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	type signed struct {
		url     string
		headers map[string]string
	}
	signers := map[string]func(method, key string, d time.Duration) signed{
		"v1/V1": func(method, key string, d time.Duration) signed {
			u, err := e.s.OSSV1Bucket(e.bucket, false).SignURL(key, ossv1.HTTPMethod(method), int64(d/time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return signed{url: u}
		},
		"v1/V4": func(method, key string, d time.Duration) signed {
			u, err := e.s.OSSV1Bucket(e.bucket, true, ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region(arcatest.OSSRegion)).SignURL(key, ossv1.HTTPMethod(method), int64(d/time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return signed{url: u}
		},
		"v2/V4": func(method, key string, d time.Duration) signed {
			var req any = &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: &key}
			if method == "PUT" {
				req = &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: &key}
			}
			r, err := e.s.OSSV2(false).Presign(ctx, req, ossv2.PresignExpires(d))
			if err != nil {
				t.Fatal(err)
			}
			return signed{url: r.URL, headers: r.SignedHeaders}
		},
		"v2/V1": func(method, key string, d time.Duration) signed {
			var req any = &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: &key}
			if method == "PUT" {
				req = &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: &key}
			}
			c := e.s.OSSV2(true, func(c *ossv2.Config) { c.WithSignatureVersion(ossv2.SignatureVersionV1) })
			r, err := c.Presign(ctx, req, ossv2.PresignExpires(d))
			if err != nil {
				t.Fatal(err)
			}
			return signed{url: r.URL, headers: r.SignedHeaders}
		},
	}
	for name, sign := range signers {
		key := "presigned/" + name + "/a b+c.txt"
		data := []byte("uploaded through " + name)
		p := sign("PUT", key, time.Minute)
		if resp, body := do("PUT", p.url, data, p.headers); resp.StatusCode != 200 {
			t.Fatalf("%s: presigned PUT = %d %s", name, resp.StatusCode, body)
		} else if resp.Header.Get("ETag") != etagOf(data) || resp.Header.Get("x-oss-hash-crc64ecma") != crcOf(data) {
			t.Errorf("%s: PUT headers %v", name, resp.Header)
		}
		g := sign("GET", key, time.Minute)
		resp, body := do("GET", g.url, nil, g.headers)
		if resp.StatusCode != 200 || !bytes.Equal(body, data) {
			t.Fatalf("%s: presigned GET = %d %q", name, resp.StatusCode, body)
		}
		// Another key under the same signature.
		u, _ := url.Parse(g.url)
		u.Path += "x"
		if resp, _ := do("GET", u.String(), nil, g.headers); resp.StatusCode != 403 {
			t.Errorf("%s: tampered URL = %d, want 403", name, resp.StatusCode)
		}
		// PUT through a GET URL.
		if resp, _ := do("PUT", g.url, data, g.headers); resp.StatusCode != 403 {
			t.Errorf("%s: GET URL used for PUT = %d, want 403", name, resp.StatusCode)
		}
	}

	// Expiry: a V1 URL whose Expires is past, and a V4 URL signed two
	// minutes ago for one minute.
	req, _ := http.NewRequest("GET", e.s.URL()+"/"+e.bucket+"/presigned/v1/V1/a%20b+c.txt", nil)
	ossauth.PresignV1(req, e.bucket, "presigned/v1/V1/a b+c.txt", e.creds(), time.Now().Add(-time.Second))
	resp, body := do("GET", req.URL.String(), nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(string(body), "<Code>AccessDenied</Code>") || !strings.Contains(string(body), "Request has expired.") {
		t.Errorf("expired V1 URL = %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest("GET", e.s.URL()+"/"+e.bucket+"/presigned/v1/V1/a%20b+c.txt", nil)
	if err := ossauth.PresignV4(req, e.bucket, "presigned/v1/V1/a b+c.txt", e.creds(), ossauth.V4Options{Region: arcatest.OSSRegion}, time.Now().Add(-2*time.Minute), time.Minute); err != nil {
		t.Fatal(err)
	}
	resp, body = do("GET", req.URL.String(), nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Request has expired.") || resp.Header.Get("x-oss-ec") != "0002-00000236" {
		t.Errorf("expired V4 URL = %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// An incomplete V1 URL.
	resp, body = do("GET", e.s.URL()+"/"+e.bucket+"/x?OSSAccessKeyId="+e.s.Root.AccessKey+"&Expires=9999999999", nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Query-string authentication requires") {
		t.Errorf("incomplete V1 URL = %d %s", resp.StatusCode, body)
	}
	// x-oss-expires beyond seven days.
	resp, _ = do("GET", e.s.URL()+"/"+e.bucket+"/x?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential="+
		url.QueryEscape(e.s.Root.AccessKey+"/20240101/cn-hangzhou/oss/aliyun_v4_request")+"&x-oss-date=20240101T000000Z&x-oss-expires=604801&x-oss-signature=00", nil, nil)
	if resp.StatusCode != 400 || resp.Header.Get("x-oss-ec") != "0002-00000232" {
		t.Errorf("x-oss-expires 604801 = %d (EC %s), want 400 0002-00000232", resp.StatusCode, resp.Header.Get("x-oss-ec"))
	}
}

// TestSecurityToken: an STS token is signed with the request (header or
// URL), so tampering with it breaks the signature; the root keys are not
// temporary, so a well-signed token with them is refused with
// InvalidSecurityToken.
func TestSecurityToken(t *testing.T) {
	e := newEnv(t, "sts")
	e.put("k", []byte("data"))
	const token = "CAIS+sts/token=="
	v1 := e.s.OSSV1Bucket(e.bucket, false, ossv1.SecurityToken(token))
	_, err := v1.GetObject("k")
	wantErr(t, "v1 token", err, 403, "InvalidSecurityToken")
	v2 := e.s.OSSV2With(ossv2creds.NewStaticCredentialsProvider(e.s.Root.AccessKey, e.s.Root.SecretKey, token), true)
	_, err = v2.GetObject(context.Background(), &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("k")})
	wantErr(t, "v2 token", err, 403, "InvalidSecurityToken")
	u, err := v1.SignURL("k", ossv1.HTTPGet, 60)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "security-token=") {
		t.Fatalf("URL lacks security-token: %s", u)
	}
	resp, err := e.s.Client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-oss-ec") == "0002-00000040" {
		t.Errorf("presigned with token = %d (EC %s)", resp.StatusCode, resp.Header.Get("x-oss-ec"))
	}
	resp, err = e.s.Client.Get(strings.Replace(u, "security-token=CAIS", "security-token=XAIS", 1))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-oss-ec") != "0002-00000040" {
		t.Errorf("tampered token = %d (EC %s), want SignatureDoesNotMatch", resp.StatusCode, resp.Header.Get("x-oss-ec"))
	}
	creds := e.creds()
	creds.SecurityToken = token
	_, _, err = e.request("GET", e.bucket, "k", "", nil, nil, func(r *http.Request, b, k string) {
		ossauth.SignV4(r, b, k, creds, ossauth.V4Options{Region: arcatest.OSSRegion}, time.Now())
		r.Header.Set("x-oss-security-token", "other")
	})
	wantErr(t, "tampered header token", err, 403, "SignatureDoesNotMatch")
}

// TestAnonymousAccess: unsigned requests follow the bucket and object ACLs.
func TestAnonymousAccess(t *testing.T) {
	e := newEnv(t, "anon")
	e.put("k", []byte("data"))
	anon := e.s.OSSV2With(ossv2creds.NewAnonymousCredentialsProvider(), true)
	ctx := context.Background()
	_, err := anon.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("k")})
	wantErr(t, "anonymous GET private", err, 403, "AccessDenied")
	_, err = anon.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("missing")})
	wantErr(t, "anonymous GET missing in private bucket", err, 403, "AccessDenied")
	_, err = anon.ListBuckets(ctx, &ossv2.ListBucketsRequest{})
	wantErr(t, "anonymous ListBuckets", err, 403, "AccessDenied")

	// A public-read object in a private bucket.
	e.put("pub", []byte("public"), ossv1.ObjectACL(ossv1.ACLPublicRead))
	if _, _, err := e.request("GET", e.bucket, "pub", "", nil, nil, nil); err != nil {
		t.Errorf("anonymous GET of a public-read object: %v", err)
	}
	if _, _, err := e.request("GET", e.bucket, "pub", "response-content-type=text/plain", nil, nil, nil); err == nil {
		t.Error("anonymous GET with response-* succeeded")
	} else {
		wantErr(t, "anonymous response-*", err, 400, "InvalidRequest")
	}

	// public-read bucket: read yes, write no.
	if err := e.s.OSSV1(false).SetBucketACL(e.bucket, ossv1.ACLPublicRead); err != nil {
		t.Fatal(err)
	}
	if _, err := anon.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("k")}); err != nil {
		t.Errorf("anonymous GET, public-read bucket: %v", err)
	}
	_, err = anon.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr("w"), Body: strings.NewReader("x")})
	wantErr(t, "anonymous PUT, public-read bucket", err, 403, "AccessDenied")
	// An object made private overrides the bucket.
	if err := e.v1.SetObjectACL("k", ossv1.ACLPrivate); err != nil {
		t.Fatal(err)
	}
	_, err = anon.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("k")})
	wantErr(t, "anonymous GET of a private object in a public-read bucket", err, 403, "AccessDenied")

	// public-read-write: anonymous writes.
	if err := e.s.OSSV1(false).SetBucketACL(e.bucket, ossv1.ACLPublicReadWrite); err != nil {
		t.Fatal(err)
	}
	if _, err := anon.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr("w"), Body: strings.NewReader("x")}); err != nil {
		t.Errorf("anonymous PUT, public-read-write bucket: %v", err)
	}
	// Bucket configuration stays the owner's.
	_, err = anon.PutBucketVersioning(ctx, &ossv2.PutBucketVersioningRequest{Bucket: &e.bucket,
		VersioningConfiguration: &ossv2.VersioningConfiguration{Status: ossv2.VersionEnabled}})
	wantErr(t, "anonymous PutBucketVersioning", err, 403, "AccessDenied")
}

// TestTemporaryCredentials: an account whose keys are temporary (an STS
// token) is served when its requests carry the token, in the header, in
// a pre-signed URL or in a form, and refused otherwise.
func TestTemporaryCredentials(t *testing.T) {
	const token = "CAIS+temporary/token=="
	root := &iam.Account{ID: "1", AccessKey: "LTAIroot", SecretKey: "root-secret"}
	temp := &iam.Account{ID: "1", AccessKey: "STS.temporary", SecretKey: "temp-secret", SessionToken: token}
	srv, st := standalone(t, nil, root, temp)
	if _, err := st.CreateBucket(context.Background(), core.Bucket{Name: "sts-bucket", Owner: "1"}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	v1 := func(tok string, opts ...ossv1.ClientOption) *ossv1.Bucket {
		if tok != "" {
			opts = append(opts, ossv1.SecurityToken(tok))
		}
		c, err := ossv1.New(srv.URL, temp.AccessKey, temp.SecretKey, opts...)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := c.Bucket("sts-bucket")
		return b
	}
	if err := v1(token).PutObject("k", strings.NewReader("temporary")); err != nil {
		t.Fatalf("v1 V1 with the token: %v", err)
	}
	if _, err := v1(token, ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region("cn-hangzhou")).GetObjectDetailedMeta("k"); err != nil {
		t.Errorf("v1 V4 with the token: %v", err)
	}
	c2 := ossv2.NewClient(ossv2.LoadDefaultConfig().WithEndpoint(srv.URL).WithRegion("cn-hangzhou").WithRetryMaxAttempts(1).
		WithCredentialsProvider(ossv2creds.NewStaticCredentialsProvider(temp.AccessKey, temp.SecretKey, token)))
	if _, err := c2.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: ptr("sts-bucket"), Key: ptr("k")}); err != nil {
		t.Errorf("v2 with the token: %v", err)
	}
	u, err := v1(token).SignURL("k", ossv1.HTTPGet, 60)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(u); err != nil || resp.StatusCode != 200 {
		t.Errorf("pre-signed URL with the token = %v, %v", resp, err)
	}
	_, err = v1("").GetObject("k")
	wantErr(t, "temporary keys without the token", err, 403, "InvalidSecurityToken")
	_, err = v1("CAIS+other").GetObject("k")
	wantErr(t, "another token", err, 403, "InvalidSecurityToken")

	// A form signed with temporary keys carries the token too.
	p := policy(map[string]string{"bucket": "sts-bucket"}, map[string]string{"x-oss-security-token": token})
	f := (&form{}).add("key", "form", "OSSAccessKeyId", temp.AccessKey, "policy", p, "Signature", ossauth.SignPostV1(p, temp.SecretKey),
		"x-oss-security-token", token)
	f.files = []postFile{file("via form")}
	e := &env{t: t}
	if resp, body := e.postTo(srv.URL+"/sts-bucket/", f); resp.StatusCode != 204 {
		t.Errorf("form with the token = %d %s", resp.StatusCode, body)
	}
	f.fields[len(f.fields)-1].value = "CAIS+other"
	resp, body := e.postTo(srv.URL+"/sts-bucket/", f)
	wantPost(t, "form with another token", resp, body, 403, "InvalidSecurityToken")
}

// TestTwoAccounts: buckets belong to the account that created them; the
// other account gets what the ACLs give it.
func TestTwoAccounts(t *testing.T) {
	a := &iam.Account{ID: "100000000001", AccessKey: "LTAIaccountA", SecretKey: "secret-a"}
	b := &iam.Account{ID: "100000000002", AccessKey: "LTAIaccountB", SecretKey: "secret-b"}
	srv, _ := standalone(t, nil, a, b)
	client := func(acct *iam.Account) *ossv1.Client {
		c, err := ossv1.New(srv.URL, acct.AccessKey, acct.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ca, cb := client(a), client(b)
	if err := ca.CreateBucket("owned-by-a"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "B creates A's bucket", cb.CreateBucket("owned-by-a"), 409, "BucketAlreadyExists")
	if res, err := cb.ListBuckets(); err != nil || len(res.Buckets) != 0 {
		t.Errorf("B lists = %+v, %v", res, err)
	}
	ba, _ := ca.Bucket("owned-by-a")
	bb, _ := cb.Bucket("owned-by-a")
	if err := ba.PutObject("k", strings.NewReader("a's")); err != nil {
		t.Fatal(err)
	}
	_, err := bb.GetObject("k")
	wantErr(t, "B reads A's private object", err, 403, "AccessDenied")
	wantErr(t, "B writes to A's private bucket", bb.PutObject("b", strings.NewReader("x")), 403, "AccessDenied")
	wantErr(t, "B deletes A's bucket", cb.DeleteBucket("owned-by-a"), 403, "AccessDenied")
	wantErr(t, "B sets A's bucket ACL", cb.SetBucketACL("owned-by-a", ossv1.ACLPublicReadWrite), 403, "AccessDenied")
	_, err = cb.GetBucketInfo("owned-by-a")
	wantErr(t, "B reads A's bucket info", err, 403, "AccessDenied")
	if err := ba.SetObjectACL("k", ossv1.ACLPublicRead); err != nil {
		t.Fatal(err)
	}
	if r, err := bb.GetObject("k"); err != nil {
		t.Errorf("B reads a public-read object: %v", err)
	} else {
		r.Close()
	}
	if err := ca.SetBucketACL("owned-by-a", ossv1.ACLPublicReadWrite); err != nil {
		t.Fatal(err)
	}
	if err := bb.PutObject("b", strings.NewReader("b's")); err != nil {
		t.Errorf("B writes to a public-read-write bucket: %v", err)
	}
	if _, err := bb.ListObjects(); err != nil {
		t.Errorf("B lists a public-read-write bucket: %v", err)
	}
	wantErr(t, "B deletes A's public-read-write bucket", cb.DeleteBucket("owned-by-a"), 403, "AccessDenied")
}
