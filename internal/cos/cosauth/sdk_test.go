package cosauth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/cos/cosauth"
)

// These tests sign requests with the official Go SDK and check them with
// FromRequest and Verify behind a real HTTP server.

const (
	sdkID    = "AKIDsdkTestSecretId000000000000000"
	sdkKey   = "sdkTestSecretKey0000000000000000"
	sdkToken = "sts-token+/= with spaces"
)

// verifier is an http.Handler that accepts only requests signed by sdkID.
// It answers 200 with the body "ok", or the error's status with its code
// in the X-Code header. It does not route through ServeMux, which would
// clean the object keys out of shape.
type verifier struct{}

func (verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a, err := cosauth.FromRequest(r)
	switch {
	case err != nil:
	case a == nil:
		err = &cosauth.Error{Code: "AccessDenied", Status: http.StatusForbidden, Message: "anonymous"}
	case a.AccessKey != sdkID:
		err = cosauth.ErrInvalidAccessKeyID
	default:
		err = a.Verify(r, sdkKey, time.Now())
	}
	var e *cosauth.Error
	if errors.As(err, &e) {
		w.Header().Set("X-Code", e.Code)
		http.Error(w, e.Message, e.Status)
		return
	}
	w.Header().Set("ETag", `"0"`)
	io.WriteString(w, "ok")
}

// Object keys and parameters chosen to hit every encoding rule.
var sdkKeys = []string{
	"plain.txt",
	"with space.txt",
	"中文/文件 名.txt",
	"a+b=c&d.txt",
	"bang!.txt",
	"paren(1).txt",
	"star*'quote",
	"tilde~_-.txt",
	"percent%25%.txt",
	"semi;colon,comma:colon@at$",
	"hash#q?x[y]{z}|^`\\",
	"dir/sub/",
	"emoji-😀.bin",
}

func check(t *testing.T, resp *http.Response, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, code %s (%s), want 200", resp.StatusCode, resp.Header.Get("X-Code"), strings.TrimSpace(string(body)))
	}
}

func TestSDKAuthorizationHeader(t *testing.T) {
	srv := httptest.NewServer(verifier{})
	defer srv.Close()

	type request struct {
		method string
		query  url.Values
		header http.Header
		body   string
		token  string
	}
	requests := map[string]request{
		"get": {method: "GET"},
		"get with response params": {method: "GET", query: url.Values{
			"response-content-disposition": {`attachment; filename="报告 (1).pdf"`},
			"response-cache-control":       {"max-age=600"},
			"versionId":                    {""},
		}},
		"get with range and odd params": {method: "GET",
			query:  url.Values{"a b": {"c+d"}, "x!y": {"(1)*"}, "键": {"值 /?#&="}, "acl": {""}},
			header: http.Header{"Range": {"bytes=0-9"}, "If-None-Match": {`"etag"`}}},
		"put": {method: "PUT", body: "hello, world",
			header: http.Header{
				"Content-Type":           {"text/plain; charset=utf-8"},
				"Content-Md5":            {"5NfxtO0uQtFYmPSyewGdpA=="},
				"X-Cos-Acl":              {"private"},
				"X-Cos-Meta-Note":        {"héllo (wörld)! *'"},
				"X-Cos-Storage-Class":    {"STANDARD_IA"},
				"X-Cos-Traffic-Limit":    {"819200"},
				"Content-Disposition":    {`inline; filename="a b.txt"`},
				"Cache-Control":          {"no-cache"},
				"X-Cos-Grant-Read":       {`id="100000000001"`},
				"X-Cos-Tagging":          {"k1=v1&k2=v 2"},
				"X-Cos-Forbid-Overwrite": {"true"},
			}},
		"put with token": {method: "PUT", body: "x", token: sdkToken,
			header: http.Header{"Content-Type": {"application/octet-stream"}}},
		"multipart part": {method: "PUT", body: "part",
			query: url.Values{"partNumber": {"1"}, "uploadId": {"1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361"}}},
		"head":   {method: "HEAD"},
		"delete": {method: "DELETE", query: url.Values{"versionId": {"MTg0NDUxNTc1NjIzMTQ1MDAwODg"}}},
		"post":   {method: "POST", query: url.Values{"uploads": {""}}},
	}
	for name, rq := range requests {
		for _, key := range sdkKeys {
			for _, prefix := range []string{"/", "/examplebucket-1250000000/"} { // virtual-hosted and path style
				t.Run(name+"/"+prefix+key, func(t *testing.T) {
					var body io.Reader
					if rq.body != "" {
						body = strings.NewReader(rq.body)
					}
					req, err := http.NewRequest(rq.method, srv.URL, body)
					if err != nil {
						t.Fatal(err)
					}
					req.URL.Path = prefix + key
					req.URL.RawQuery = rq.query.Encode()
					for k, v := range rq.header {
						req.Header[k] = v
					}
					cos.AddAuthorizationHeader(sdkID, sdkKey, rq.token, req, cos.NewAuthTime(time.Hour))
					resp, err := srv.Client().Do(req)
					check(t, resp, err)
				})
			}
		}
	}
}

// The SDK's own operations, signed by its AuthorizationTransport.
func TestSDKClient(t *testing.T) {
	srv := httptest.NewServer(verifier{})
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := cos.NewClient(&cos.BaseURL{BucketURL: u, ServiceURL: u}, &http.Client{
		Transport: &cos.AuthorizationTransport{SecretID: sdkID, SecretKey: sdkKey, SessionToken: sdkToken},
	})
	c.Conf.EnableCRC = false
	ctx := context.Background()
	for _, key := range sdkKeys {
		t.Run(key, func(t *testing.T) {
			_, err := c.Object.Put(ctx, key, strings.NewReader("data"), &cos.ObjectPutOptions{
				ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{
					ContentType: "text/plain",
					XCosMetaXXX: &http.Header{"X-Cos-Meta-Note": {"a (b) c!"}},
				},
				ACLHeaderOptions: &cos.ACLHeaderOptions{XCosACL: "public-read"},
			})
			if err != nil {
				t.Errorf("Object.Put(%q) error = %v", key, err)
			}
			resp, err := c.Object.Get(ctx, key, &cos.ObjectGetOptions{
				ResponseContentType:        "application/json",
				ResponseContentDisposition: `attachment; filename="x y"`,
				Range:                      "bytes=0-1",
			})
			if err != nil {
				t.Errorf("Object.Get(%q) error = %v", key, err)
			} else {
				resp.Body.Close()
			}
			if _, err := c.Object.Head(ctx, key, nil); err != nil {
				t.Errorf("Object.Head(%q) error = %v", key, err)
			}
			if _, err := c.Object.Delete(ctx, key); err != nil {
				t.Errorf("Object.Delete(%q) error = %v", key, err)
			}
		})
	}
}

func TestSDKPresignedURL(t *testing.T) {
	srv := httptest.NewServer(verifier{})
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ctx := context.Background()
	plain := cos.NewClient(&cos.BaseURL{BucketURL: u}, nil)
	withToken := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{
		Transport: &cos.AuthorizationTransport{SecretID: sdkID, SecretKey: sdkKey, SessionToken: sdkToken},
	})
	query := &url.Values{
		"response-content-type":        {"application/octet-stream"},
		"response-content-disposition": {`attachment; filename="a (1)!.txt"`},
		"x-cos-traffic-limit":          {"819200"},
	}

	type presign func(method, key string, opt any) (*url.URL, error)
	presigners := map[string]presign{
		"GetPresignedURL": func(method, key string, opt any) (*url.URL, error) {
			return plain.Object.GetPresignedURL(ctx, method, key, sdkID, sdkKey, time.Hour, opt)
		},
		"GetPresignedURL with token": func(method, key string, opt any) (*url.URL, error) {
			return withToken.Object.GetPresignedURL2(ctx, method, key, time.Hour, opt)
		},
		"GetPresignedURL3": func(method, key string, opt any) (*url.URL, error) {
			return withToken.Object.GetPresignedURL3(ctx, method, key, time.Hour, opt)
		},
	}
	for pname, presign := range presigners {
		for _, key := range sdkKeys {
			t.Run(pname+"/GET/"+key, func(t *testing.T) {
				pu, err := presign(http.MethodGet, key, &cos.PresignedURLOptions{Query: query})
				if err != nil {
					t.Fatal(err)
				}
				resp, err := srv.Client().Get(pu.String())
				check(t, resp, err)
			})
			t.Run(pname+"/GET merged/"+key, func(t *testing.T) {
				pu, err := presign(http.MethodGet, key, &cos.PresignedURLOptions{Query: query, SignMerged: true})
				if err != nil {
					t.Fatal(err)
				}
				resp, err := srv.Client().Get(pu.String())
				check(t, resp, err)
			})
			t.Run(pname+"/PUT/"+key, func(t *testing.T) {
				pu, err := presign(http.MethodPut, key, &cos.ObjectPutHeaderOptions{ContentType: "text/plain"})
				if err != nil {
					t.Fatal(err)
				}
				req, err := http.NewRequest(http.MethodPut, pu.String(), strings.NewReader("uploaded"))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "text/plain")
				resp, err := srv.Client().Do(req)
				check(t, resp, err)

				// The content type is signed: another one is refused.
				req, _ = http.NewRequest(http.MethodPut, pu.String(), strings.NewReader("uploaded"))
				req.Header.Set("Content-Type", "text/html")
				resp, err = srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if code := resp.Header.Get("X-Code"); code != "SignatureDoesNotMatch" {
					t.Errorf("PUT with another Content-Type: status %d code %q, want SignatureDoesNotMatch", resp.StatusCode, code)
				}
			})
		}
	}
}
