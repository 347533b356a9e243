package ossauth_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	oss "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	legacy "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/arcastore/arca/internal/oss/ossauth"
)

// These tests sign requests with the two official Go SDKs, through their
// public API, and check them with FromRequest and Verify behind a real
// HTTP server. Both SDKs use path-style URLs for an IP endpoint, so the
// server takes the bucket and key from the path.

const (
	sdkAK     = "LTAI5tSdkTestAccessKey"
	sdkSK     = "sdkTestAccessKeySecret0000000000"
	sdkToken  = "CAIS+sts/token==with spaces&amp"
	sdkBucket = "examplebucket"
)

// Object keys chosen to hit every encoding rule.
var sdkKeys = []string{
	"plain.txt",
	"with space.txt",
	"中文/文件 名.txt",
	"a+b=c&d.txt",
	"percent%25%.txt",
	"tilde~_-.txt",
	"paren(1)!*'.txt",
	"semi;colon,comma:colon@at$",
	"q?x#y[z]{w}|^`\\",
	"dir/sub/obj",
	"a//b",
	"trailing/",
	"emoji-😀.bin",
}

// verifier is an http.Handler that accepts only requests signed by sdkAK,
// with the expected security token. It answers with just enough for the
// SDKs to parse, or with an OSS error whose StringToSign helps debugging.
type verifier struct {
	token string // the STS token requests must carry

	mu       sync.Mutex
	verified int
	last     *ossauth.Auth
}

func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	a, err := ossauth.FromRequest(r, bucket, key)
	switch {
	case err != nil:
	case a == nil:
		err = &ossauth.Error{Code: "AccessDenied", Status: http.StatusForbidden, Message: "anonymous request"}
	case a.AccessKey != sdkAK:
		err = ossauth.ErrInvalidAccessKeyID
	case a.SecurityToken != v.token:
		err = &ossauth.Error{Code: "InvalidAccessKeyId", Status: http.StatusForbidden,
			Message: fmt.Sprintf("security token %q, want %q", a.SecurityToken, v.token)}
	default:
		err = a.Verify(r, sdkSK, time.Now())
	}
	var e *ossauth.Error
	if errors.As(err, &e) {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Oss-Ec", e.EC)
		w.WriteHeader(e.Status)
		xml.NewEncoder(w).Encode(struct {
			XMLName          xml.Name `xml:"Error"`
			Code, Message    string
			StringToSign     string `xml:",omitempty"`
			CanonicalRequest string `xml:",omitempty"`
			Method, URL      string
		}{Code: e.Code, Message: e.Message, StringToSign: e.StringToSign, CanonicalRequest: e.CanonicalRequest,
			Method: r.Method, URL: r.URL.String()})
		return
	}
	v.mu.Lock()
	v.verified++
	v.last = a
	v.mu.Unlock()

	w.Header().Set("ETag", `"5B3C1A2E053D763E1B002CC607C5A0FE"`)
	w.Header().Set("X-Oss-Next-Append-Position", "4")
	q := r.URL.Query()
	switch {
	case r.Method == "GET" && bucket == "":
		io.WriteString(w, `<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>`)
	case r.Method == "GET" && key == "" && len(q) > 0 && !q.Has("acl"):
		io.WriteString(w, `<ListBucketResult><Name>`+bucket+`</Name></ListBucketResult>`)
	case r.Method == "POST" && q.Has("uploads"):
		io.WriteString(w, `<InitiateMultipartUploadResult><Bucket>`+bucket+`</Bucket><Key>k</Key><UploadId>0004B9894A22E5B1888A1E29F823****</UploadId></InitiateMultipartUploadResult>`)
	case r.Method == "GET":
		io.WriteString(w, "data")
	case r.Method == "DELETE":
		w.WriteHeader(http.StatusNoContent)
	}
}

func (v *verifier) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.verified
}

func newServer(t *testing.T, token string) (*httptest.Server, *verifier) {
	v := &verifier{token: token}
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	return srv, v
}

// expect fails t when an SDK call failed; the server's answer is in err.
func expect(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// do sends a request built from a pre-signed URL and checks the status.
func do(t *testing.T, method, url string, header map[string]string, wantStatus int) {
	t.Helper()
	var body io.Reader
	if method == "PUT" || method == "POST" {
		body = strings.NewReader("uploaded")
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != wantStatus/100 {
		t.Errorf("%s %s: status %d (%s %s), want %d", method, url, resp.StatusCode, resp.Header.Get("X-Oss-Ec"), b, wantStatus)
	}
}

// ---- aliyun-oss-go-sdk (v3, V1 by default, V4 with AuthVersion) ----

type legacyCase struct {
	name  string
	v4    bool
	token string
}

var legacyCases = []legacyCase{
	{"V1", false, ""},
	{"V1 with token", false, sdkToken},
	{"V4", true, ""},
	{"V4 with token", true, sdkToken},
}

func newLegacy(t *testing.T, endpoint string, c legacyCase) (*legacy.Client, *legacy.Bucket) {
	t.Helper()
	opts := []legacy.ClientOption{legacy.EnableCRC(false), legacy.Timeout(5, 10)}
	if c.v4 {
		opts = append(opts, legacy.AuthVersion(legacy.AuthV4), legacy.Region("cn-hangzhou"))
	}
	if c.token != "" {
		opts = append(opts, legacy.SecurityToken(c.token))
	}
	client, err := legacy.New(endpoint, sdkAK, sdkSK, opts...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := client.Bucket(sdkBucket)
	if err != nil {
		t.Fatal(err)
	}
	return client, b
}

func TestLegacySDKRequests(t *testing.T) {
	for _, c := range legacyCases {
		t.Run(c.name, func(t *testing.T) {
			srv, v := newServer(t, c.token)
			client, b := newLegacy(t, srv.URL, c)
			_, err := client.ListBuckets(legacy.Prefix("a b"))
			expect(t, "ListBuckets", err)
			_, err = b.ListObjects(legacy.Prefix("dir/a b+c"), legacy.MaxKeys(10), legacy.Delimiter("/"))
			expect(t, "ListObjects", err)
			for _, key := range sdkKeys {
				t.Run(key, func(t *testing.T) {
					before := v.count()
					expect(t, "PutObject", b.PutObject(key, strings.NewReader("data"),
						legacy.ContentType("text/plain"), legacy.Meta("note", "a (b) c! é"),
						legacy.ObjectACL(legacy.ACLPublicRead), legacy.CacheControl("no-cache")))
					rc, err := b.GetObject(key, legacy.ResponseContentType("application/json"),
						legacy.ResponseContentDisposition(`attachment; filename="x y.txt"`), legacy.Range(0, 1),
						legacy.VersionId("CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0****"))
					if expect(t, "GetObject", err); err == nil {
						rc.Close()
					}
					rc, err = b.GetObject(key, legacy.Process("image/resize,w_100"))
					if expect(t, "GetObject with x-oss-process", err); err == nil {
						rc.Close()
					}
					_, err = b.GetObjectDetailedMeta(key)
					expect(t, "GetObjectDetailedMeta (HEAD)", err)
					_, err = b.GetObjectMeta(key)
					expect(t, "GetObjectMeta (?objectMeta)", err)
					expect(t, "SetObjectACL", b.SetObjectACL(key, legacy.ACLPrivate))
					_, err = b.AppendObject(key, strings.NewReader("data"), 0, legacy.ContentType("text/plain"))
					expect(t, "AppendObject", err)
					imur, err := b.InitiateMultipartUpload(key, legacy.ContentType("text/plain"))
					if expect(t, "InitiateMultipartUpload", err); err == nil {
						_, err = b.UploadPart(imur, strings.NewReader("part"), 4, 1)
						expect(t, "UploadPart", err)
					}
					expect(t, "DeleteObject", b.DeleteObject(key, legacy.VersionId("v+1/=")))
					if got := v.count() - before; got != 10 {
						t.Errorf("server verified %d requests, want 10", got)
					}
				})
			}
		})
	}
}

func TestLegacySDKSignURL(t *testing.T) {
	for _, c := range legacyCases {
		t.Run(c.name, func(t *testing.T) {
			srv, _ := newServer(t, c.token)
			_, b := newLegacy(t, srv.URL, c)
			for _, key := range sdkKeys {
				t.Run(key, func(t *testing.T) {
					u, err := b.SignURL(key, legacy.HTTPGet, 600, legacy.ResponseContentType("application/octet-stream"),
						legacy.ResponseContentDisposition(`attachment; filename="a (1)!.txt"`), legacy.Process("image/resize,w_100"))
					expect(t, "SignURL GET", err)
					do(t, "GET", u, nil, 200)

					u, err = b.SignURL(key, legacy.HTTPPut, 600, legacy.ContentType("text/plain"), legacy.Meta("note", "x y"))
					expect(t, "SignURL PUT", err)
					do(t, "PUT", u, map[string]string{"Content-Type": "text/plain", "X-Oss-Meta-Note": "x y"}, 200)
					// The content type and x-oss-* headers are signed.
					do(t, "PUT", u, map[string]string{"Content-Type": "text/html", "X-Oss-Meta-Note": "x y"}, 403)
					do(t, "PUT", u, map[string]string{"Content-Type": "text/plain"}, 403)

					u, err = b.SignURL(key, legacy.HTTPHead, 600)
					expect(t, "SignURL HEAD", err)
					do(t, "HEAD", u, nil, 200)
					do(t, "GET", u, nil, 403) // the method is signed

					u, err = b.SignURL(key, legacy.HTTPDelete, 600, legacy.VersionId("v1"))
					expect(t, "SignURL DELETE", err)
					do(t, "DELETE", u, nil, 204)
				})
			}
		})
	}
}

// ---- alibabacloud-oss-go-sdk-v2 (V4 by default, V1 as an option) ----

type v2Case struct {
	name  string
	v1    bool
	token string
}

var v2Cases = []v2Case{
	{"V4", false, ""},
	{"V4 with token", false, sdkToken},
	{"V1", true, ""},
	{"V1 with token", true, sdkToken},
}

func newV2(endpoint string, c v2Case) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(sdkAK, sdkSK, c.token)).
		WithRegion("cn-hangzhou").
		WithEndpoint(endpoint).
		WithRetryMaxAttempts(1).
		WithDisableUploadCRC64Check(true).
		WithDisableDownloadCRC64Check(true).
		// Signed in V4 when the request carries them; ignored by V1.
		WithAdditionalHeaders([]string{"cache-control", "content-disposition", "host"})
	if c.v1 {
		cfg = cfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	return oss.NewClient(cfg)
}

func TestV2SDKRequests(t *testing.T) {
	ctx := context.Background()
	for _, c := range v2Cases {
		t.Run(c.name, func(t *testing.T) {
			srv, v := newServer(t, c.token)
			client := newV2(srv.URL, c)
			_, err := client.ListBuckets(ctx, &oss.ListBucketsRequest{Prefix: oss.Ptr("a b")})
			expect(t, "ListBuckets", err)
			_, err = client.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(sdkBucket),
				Prefix: oss.Ptr("dir/a b+c"), ContinuationToken: oss.Ptr("tok+/=="), Delimiter: oss.Ptr("/")})
			expect(t, "ListObjectsV2", err)
			for _, key := range sdkKeys {
				t.Run(key, func(t *testing.T) {
					before := v.count()
					b, k := oss.Ptr(sdkBucket), oss.Ptr(key)
					_, err := client.PutObject(ctx, &oss.PutObjectRequest{Bucket: b, Key: k, Body: strings.NewReader("data"),
						ContentType: oss.Ptr("text/plain"), CacheControl: oss.Ptr("no-cache"),
						ContentDisposition: oss.Ptr(`inline; filename="a b.txt"`),
						Metadata:           map[string]string{"note": "a (b) c! é"}, Acl: oss.ObjectACLPublicRead})
					expect(t, "PutObject", err)
					res, err := client.GetObject(ctx, &oss.GetObjectRequest{Bucket: b, Key: k, Range: oss.Ptr("bytes=0-1"),
						ResponseContentType:        oss.Ptr("application/json"),
						ResponseContentDisposition: oss.Ptr(`attachment; filename="x y.txt"`),
						VersionId:                  oss.Ptr("CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0****")})
					if expect(t, "GetObject", err); err == nil {
						res.Body.Close()
					}
					res, err = client.GetObject(ctx, &oss.GetObjectRequest{Bucket: b, Key: k, Process: oss.Ptr("image/resize,w_100")})
					if expect(t, "GetObject with x-oss-process", err); err == nil {
						res.Body.Close()
					}
					_, err = client.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: b, Key: k})
					expect(t, "HeadObject", err)
					_, err = client.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: b, Key: k})
					expect(t, "GetObjectMeta", err)
					_, err = client.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: b, Key: k, Acl: oss.ObjectACLPrivate})
					expect(t, "PutObjectAcl", err)
					_, err = client.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: b, Key: k, Position: oss.Ptr(int64(0)),
						Body: strings.NewReader("data")})
					expect(t, "AppendObject", err)
					imu, err := client.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: b, Key: k})
					if expect(t, "InitiateMultipartUpload", err); err == nil {
						_, err = client.UploadPart(ctx, &oss.UploadPartRequest{Bucket: b, Key: k, UploadId: imu.UploadId,
							PartNumber: 1, Body: strings.NewReader("part")})
						expect(t, "UploadPart", err)
					}
					_, err = client.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: b, Key: k, VersionId: oss.Ptr("v+1/=")})
					expect(t, "DeleteObject", err)
					if got := v.count() - before; got != 10 {
						t.Errorf("server verified %d requests, want 10", got)
					}
				})
			}
		})
	}
}

func TestV2SDKPresign(t *testing.T) {
	ctx := context.Background()
	for _, c := range v2Cases {
		t.Run(c.name, func(t *testing.T) {
			srv, v := newServer(t, c.token)
			client := newV2(srv.URL, c)
			for _, key := range sdkKeys {
				t.Run(key, func(t *testing.T) {
					b, k := oss.Ptr(sdkBucket), oss.Ptr(key)
					p, err := client.Presign(ctx, &oss.GetObjectRequest{Bucket: b, Key: k,
						ResponseContentType:        oss.Ptr("application/octet-stream"),
						ResponseContentDisposition: oss.Ptr(`attachment; filename="a (1)!.txt"`),
						VersionId:                  oss.Ptr("v+1/="), Process: oss.Ptr("image/resize,w_100")},
						oss.PresignExpires(10*time.Minute))
					expect(t, "Presign GET", err)
					do(t, p.Method, p.URL, p.SignedHeaders, 200)
					if a := v.last; a == nil || a.InQuery != true || (a.Version == ossauth.V1) != c.v1 {
						t.Errorf("last verified = %+v", a)
					}

					p, err = client.Presign(ctx, &oss.PutObjectRequest{Bucket: b, Key: k, ContentType: oss.Ptr("text/plain"),
						CacheControl: oss.Ptr("no-cache"), Metadata: map[string]string{"note": "x y"}},
						oss.PresignExpires(time.Hour))
					expect(t, "Presign PUT", err)
					do(t, p.Method, p.URL, p.SignedHeaders, 200)
					changed := map[string]string{}
					for hk, hv := range p.SignedHeaders {
						changed[hk] = hv
					}
					changed["Content-Type"] = "text/html"
					do(t, p.Method, p.URL, changed, 403)

					p, err = client.Presign(ctx, &oss.HeadObjectRequest{Bucket: b, Key: k}, oss.PresignExpires(time.Minute))
					expect(t, "Presign HEAD", err)
					do(t, p.Method, p.URL, p.SignedHeaders, 200)

					p, err = client.Presign(ctx, &oss.InitiateMultipartUploadRequest{Bucket: b, Key: k}, oss.PresignExpires(time.Minute))
					expect(t, "Presign POST ?uploads", err)
					do(t, p.Method, p.URL, p.SignedHeaders, 200)

					p, err = client.Presign(ctx, &oss.UploadPartRequest{Bucket: b, Key: k, UploadId: oss.Ptr("id+/="), PartNumber: 2},
						oss.PresignExpires(time.Minute))
					expect(t, "Presign UploadPart", err)
					do(t, p.Method, p.URL, p.SignedHeaders, 200)
				})
			}
		})
	}
}

// The signers of this package produce what both SDKs' servers accept and
// what this package verifies: checked against the verifier over HTTP,
// with the Go client's own encoding of the URL.
func TestOwnSignersOverHTTP(t *testing.T) {
	srv, _ := newServer(t, "")
	c := ossauth.Credentials{AccessKey: sdkAK, SecretKey: sdkSK}
	for _, key := range sdkKeys {
		t.Run(key, func(t *testing.T) {
			target := srv.URL + "/" + sdkBucket + "/" + ossauth.EscapePath(key) + "?uploadId=a%2Bb&partNumber=3&x-oss-process=x%2Fy"
			for _, sign := range []struct {
				name string
				fn   func(r *http.Request)
			}{
				{"SignV1", func(r *http.Request) { ossauth.SignV1(r, sdkBucket, key, c, time.Now()) }},
				{"PresignV1", func(r *http.Request) { ossauth.PresignV1(r, sdkBucket, key, c, time.Now().Add(time.Minute)) }},
				{"SignV4", func(r *http.Request) {
					ossauth.SignV4(r, sdkBucket, key, c, ossauth.V4Options{Region: "cn-hangzhou", AdditionalHeaders: []string{"host"}}, time.Now())
				}},
				{"PresignV4", func(r *http.Request) {
					if err := ossauth.PresignV4(r, sdkBucket, key, c, ossauth.V4Options{Region: "cn-hangzhou", AdditionalHeaders: []string{"host"}}, time.Now(), time.Minute); err != nil {
						t.Fatal(err)
					}
				}},
			} {
				req, err := http.NewRequest("PUT", target, strings.NewReader("data"))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("X-Oss-Meta-Note", "a b")
				sign.fn(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("%s: status %d %s", sign.name, resp.StatusCode, b)
				}
			}
		})
	}
}
