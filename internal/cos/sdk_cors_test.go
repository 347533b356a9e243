package cos_test

// Bucket CORS: PUT/GET/DELETE ?cors with cos-go-sdk-v5, OPTIONS preflights
// (the SDK's Object.Options and hand-built ones, on an object and on the
// bucket for a form POST), and the CORS headers of actual responses,
// errors included.

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

const (
	appOrigin   = "https://app.example.com"
	otherOrigin = "https://evil.example.net"
)

var testCORSRules = []cossdk.BucketCORSRule{
	{
		ID:             "app",
		AllowedOrigins: []string{appOrigin, "http://*.example.org"},
		AllowedMethods: []string{"GET", "PUT", "POST", "HEAD"},
		AllowedHeaders: []string{"Content-Type", "x-cos-meta-*", "Authorization"},
		MaxAgeSeconds:  600,
		ExposeHeaders:  []string{"ETag", "x-cos-request-id"},
	},
	{
		ID:             "anyone-reads",
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{"GET"},
	},
}

func putCORS(t *testing.T, c *cossdk.Client, rules []cossdk.BucketCORSRule) {
	t.Helper()
	if _, err := c.Bucket.PutCORS(t.Context(), &cossdk.BucketPutCORSOptions{Rules: rules}); err != nil {
		t.Fatalf("PutCORS: %v", err)
	}
}

func TestCORS_Config(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "cors")

	_, _, err := c.Bucket.GetCORS(ctx)
	wantErr(t, err, 404, "NoSuchCORSConfiguration")

	putCORS(t, c, testCORSRules)
	res, _, err := c.Bucket.GetCORS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Rules, testCORSRules) {
		t.Errorf("GetCORS = %+v\nwant %+v", res.Rules, testCORSRules)
	}

	// A new configuration replaces the old one.
	one := []cossdk.BucketCORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"DELETE"}}}
	putCORS(t, c, one)
	if res, _, err = c.Bucket.GetCORS(ctx); err != nil || !reflect.DeepEqual(res.Rules, one) {
		t.Errorf("after replace: %+v, %v", res, err)
	}

	t.Run("invalid", func(t *testing.T) {
		for name, rules := range map[string][]cossdk.BucketCORSRule{
			"no rules":         nil,
			"no origin":        {{AllowedMethods: []string{"GET"}}},
			"no method":        {{AllowedOrigins: []string{"*"}}},
			"unknown method":   {{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}},
			"two wildcards":    {{AllowedOrigins: []string{"http://*.*.example.com"}, AllowedMethods: []string{"GET"}}},
			"header wildcards": {{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"x-*-*"}}},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := c.Bucket.PutCORS(ctx, &cossdk.BucketPutCORSOptions{Rules: rules})
				if e, ok := cossdk.IsCOSError(err); !ok || e.Response.StatusCode != 400 {
					t.Fatalf("got %v, want a 400", err)
				}
			})
		}
		if res, _, err = c.Bucket.GetCORS(ctx); err != nil || !reflect.DeepEqual(res.Rules, one) {
			t.Errorf("a refused configuration changed the rules: %+v, %v", res, err)
		}
	})

	t.Run("only the owner", func(t *testing.T) {
		a := anon(s, name)
		_, err := a.Bucket.PutCORS(ctx, &cossdk.BucketPutCORSOptions{Rules: testCORSRules})
		wantErr(t, err, 403, "AccessDenied")
		_, _, err = a.Bucket.GetCORS(ctx)
		wantErr(t, err, 403, "AccessDenied")
		_, err = a.Bucket.DeleteCORS(ctx)
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("delete", func(t *testing.T) {
		resp, err := c.Bucket.DeleteCORS(ctx)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("DeleteCORS: %v %v", resp, err)
		}
		_, _, err = c.Bucket.GetCORS(ctx)
		wantErr(t, err, 404, "NoSuchCORSConfiguration")
		if _, err := c.Bucket.DeleteCORS(ctx); err != nil {
			t.Errorf("DeleteCORS again: %v", err)
		}
	})

	t.Run("missing bucket", func(t *testing.T) {
		_, _, err := s.COS("nosuch-1250000000").Bucket.GetCORS(ctx)
		wantErr(t, err, 404, "NoSuchBucket")
	})
}

// preflight sends a hand-built OPTIONS request.
func preflight(t *testing.T, s *arcatest.Server, bucket, key, query, origin, method, headers string, pathStyle bool) rawResp {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	if method != "" {
		h.Set("Access-Control-Request-Method", method)
	}
	if headers != "" {
		h.Set("Access-Control-Request-Headers", headers)
	}
	return do(t, s, rawReq{method: http.MethodOptions, bucket: bucket, key: key, query: query, header: h, pathStyle: pathStyle})
}

// wantNoCORS asserts that a response grants nothing cross-origin.
func wantNoCORS(t *testing.T, h http.Header) {
	t.Helper()
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			t.Errorf("unexpected %s: %q", k, h.Get(k))
		}
	}
}

func TestCORS_Preflight(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "pre")
	put(t, c, "dir/obj.txt", []byte("data"), nil)
	a := anon(s, name)
	opts := func(origin, method, headers string) *cossdk.ObjectOptionsOptions {
		return &cossdk.ObjectOptionsOptions{Origin: origin, AccessControlRequestMethod: method, AccessControlRequestHeaders: headers}
	}

	t.Run("no configuration", func(t *testing.T) {
		resp, err := a.Object.Options(ctx, "dir/obj.txt", opts(appOrigin, "GET", ""))
		wantErr(t, err, 403, "AccessForbidden")
		wantNoCORS(t, resp.Header)
		r := preflight(t, s, name, "", "", appOrigin, "POST", "", false)
		wantRawErr(t, r, 403, "AccessForbidden")
	})

	putCORS(t, c, testCORSRules)

	t.Run("allowed", func(t *testing.T) {
		resp, err := a.Object.Options(ctx, "dir/obj.txt", opts(appOrigin, "PUT", "content-type, X-Cos-Meta-Color"))
		if err != nil {
			t.Fatal(err)
		}
		h := resp.Header
		for k, want := range map[string]string{
			"Access-Control-Allow-Origin":   appOrigin,
			"Access-Control-Allow-Methods":  "GET,PUT,POST,HEAD",
			"Access-Control-Allow-Headers":  "content-type,X-Cos-Meta-Color",
			"Access-Control-Expose-Headers": "ETag,x-cos-request-id",
			"Access-Control-Max-Age":        "600",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if h.Get("x-cos-request-id") == "" || resp.StatusCode != 200 {
			t.Errorf("status %d, headers %v", resp.StatusCode, h)
		}
	})

	t.Run("wildcard origins", func(t *testing.T) {
		resp, err := a.Object.Options(ctx, "dir/obj.txt", opts("http://img.cdn.example.org", "HEAD", ""))
		if err != nil || resp.Header.Get("Access-Control-Allow-Origin") != "http://img.cdn.example.org" {
			t.Errorf("subdomain wildcard: %v %v", err, resp)
		}
		// The second rule lets any origin GET, and nothing else.
		resp, err = a.Object.Options(ctx, "dir/obj.txt", opts(otherOrigin, "GET", ""))
		if err != nil || resp.Header.Get("Access-Control-Allow-Origin") != otherOrigin || resp.Header.Get("Access-Control-Allow-Methods") != "GET" {
			t.Errorf("* rule: %v %v", err, resp)
		}
	})

	for _, tc := range []struct{ name, origin, method, headers string }{
		{"origin not allowed", otherOrigin, "PUT", ""},
		{"origin differs in scheme", "http://app.example.com", "PUT", ""},
		{"method not allowed", appOrigin, "DELETE", ""},
		{"header not allowed", appOrigin, "PUT", "content-type,x-custom"},
		{"any origin, but not for POST", otherOrigin, "POST", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := a.Object.Options(ctx, "dir/obj.txt", opts(tc.origin, tc.method, tc.headers))
			wantErr(t, err, 403, "AccessForbidden")
			wantNoCORS(t, resp.Header)
		})
	}

	t.Run("on the bucket, for a form POST", func(t *testing.T) {
		for _, q := range []string{"", "lifecycle"} {
			r := preflight(t, s, name, "", q, appOrigin, "POST", "", false)
			wantRawOK(t, r, 200)
			if r.Header.Get("Access-Control-Allow-Origin") != appOrigin || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
				t.Errorf("?%s: headers %v", q, r.Header)
			}
		}
		r := preflight(t, s, name, "", "", appOrigin, "POST", "", true)
		wantRawOK(t, r, 200)
		r = preflight(t, s, name, "dir/obj.txt", "", appOrigin, "GET", "", true)
		wantRawOK(t, r, 200)
	})

	t.Run("signed or not, the same", func(t *testing.T) {
		resp, err := c.Object.Options(ctx, "dir/obj.txt", opts(appOrigin, "GET", ""))
		if err != nil || resp.Header.Get("Access-Control-Allow-Origin") != appOrigin {
			t.Errorf("signed preflight: %v", err)
		}
	})

	t.Run("not a preflight", func(t *testing.T) {
		wantRawErr(t, preflight(t, s, name, "dir/obj.txt", "", "", "GET", "", false), 400, "InvalidRequest")
		wantRawErr(t, preflight(t, s, name, "dir/obj.txt", "", appOrigin, "", "", false), 400, "InvalidRequest")
	})

	t.Run("missing bucket", func(t *testing.T) {
		wantRawErr(t, preflight(t, s, "nosuch-1250000000", "k", "", appOrigin, "GET", "", false), 404, "NoSuchBucket")
	})
}

func TestCORS_ActualResponses(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "actual")
	putCORS(t, c, testCORSRules)
	put(t, c, "obj", []byte("data"), nil)
	withOrigin := func(origin string) http.Header {
		h := http.Header{}
		h.Set("Origin", origin)
		return h
	}
	wantAllowed := func(t *testing.T, h http.Header, origin string) {
		t.Helper()
		if got := h.Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("Access-Control-Allow-Origin %q, want %q", got, origin)
		}
		if origin == appOrigin && h.Get("Access-Control-Expose-Headers") != "ETag,x-cos-request-id" {
			t.Errorf("Access-Control-Expose-Headers %q", h.Get("Access-Control-Expose-Headers"))
		}
		if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("no Vary: Origin")
		}
	}

	t.Run("GET", func(t *testing.T) {
		r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: "obj", header: withOrigin(appOrigin)}))
		wantRawOK(t, r, 200)
		wantAllowed(t, r.Header, appOrigin)
	})

	t.Run("PUT through the SDK", func(t *testing.T) {
		h := putOpt(&cossdk.ObjectPutHeaderOptions{XOptionHeader: hdr("Origin", "http://a.example.org")})
		resp, err := c.Object.Put(ctx, "sdkput", strings.NewReader("x"), h)
		if err != nil {
			t.Fatal(err)
		}
		wantAllowed(t, resp.Header, "http://a.example.org")
	})

	t.Run("errors carry the headers too", func(t *testing.T) {
		r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, key: "missing", header: withOrigin(appOrigin)}))
		wantRawErr(t, r, 404, "NoSuchKey")
		wantAllowed(t, r.Header, appOrigin)
		r = do(t, s, rawReq{method: http.MethodGet, bucket: name, key: "obj", header: withOrigin(appOrigin)})
		wantRawErr(t, r, 403, "AccessDenied")
		wantAllowed(t, r.Header, appOrigin)
	})

	t.Run("form POST", func(t *testing.T) {
		to := postTo{bucket: name, header: withOrigin(appOrigin)}
		r := postForm(t, s, to, cat([]postPart{fld("key", "form")}, rootSig(s), []postPart{sampleFile()}))
		wantRawOK(t, r, 204)
		wantAllowed(t, r.Header, appOrigin)
		r = postForm(t, s, to, cat([]postPart{fld("key", "form")}, signedBy(s.Root.AccessKey, "wrong"), []postPart{sampleFile()}))
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")
		wantAllowed(t, r.Header, appOrigin)
		r = postForm(t, s, postTo{bucket: name, header: withOrigin(appOrigin), pathStyle: true}, cat([]postPart{fld("key", "form2")}, rootSig(s), []postPart{sampleFile()}))
		wantRawOK(t, r, 204)
		wantAllowed(t, r.Header, appOrigin)
	})

	t.Run("no matching rule", func(t *testing.T) {
		for _, tc := range []struct {
			method, origin string
		}{{http.MethodHead, "https://app.example.com.evil.net"}, {http.MethodDelete, appOrigin}, {http.MethodPut, otherOrigin}} {
			rr := signed(s, rawReq{method: tc.method, bucket: name, key: "other", header: withOrigin(tc.origin)})
			if tc.method == http.MethodPut {
				rr.body = []byte("x")
			}
			r := do(t, s, rr)
			if r.StatusCode >= 500 {
				t.Fatalf("%s: %d", tc.method, r.StatusCode)
			}
			wantNoCORS(t, r.Header)
		}
	})

	t.Run("bucket without rules", func(t *testing.T) {
		c2, name2 := newBucket(t, s, "norules")
		put(t, c2, "obj", []byte("data"), nil)
		r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name2, key: "obj", header: withOrigin(appOrigin)}))
		wantRawOK(t, r, 200)
		wantNoCORS(t, r.Header)
	})
}
