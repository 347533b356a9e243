package cos_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/cos/cosauth"
)

// httpDo sends a plain net/http request (no SDK) and reads the response.
func httpDo(t *testing.T, s *arcatest.Server, method, u string, body []byte, h http.Header) rawResp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	return send(t, s, req)
}

// TestAuth_Presigned covers pre-signed URLs as the seed document describes
// them: made by the SDK (GetPresignedURL for PUT, then GET) or by
// cosauth.Presign as `arca presign` does, used by a plain HTTP client; with
// signed headers and parameters; and the SignMerged form.
func TestAuth_Presigned(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "presign")
	ak, sk := s.Root.AccessKey, s.Root.SecretKey

	for _, key := range []string{"aaa.txt", "dir/sub/1.jpg", "with space/文件 (1)+x.txt", "q?x#y&z=1 ~*'!"} {
		t.Run("SDK URL "+key, func(t *testing.T) {
			data := []byte("This text uploaded as object. " + key)
			pu, err := c.Object.GetPresignedURL(ctx, http.MethodPut, key, ak, sk, 30*time.Minute, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Like the Java sample's HttpURLConnection: a Content-Type of
			// its own, not signed.
			r := httpDo(t, s, http.MethodPut, pu.String(), data, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			wantRawOK(t, r, 200)
			checkObjectHeaders(t, "presigned PUT", r.Header, data, false)
			if r.Header.Get("ETag") != etagOf(data) {
				t.Errorf("ETag %s", r.Header.Get("ETag"))
			}

			gu, err := c.Object.GetPresignedURL(ctx, http.MethodGet, key, ak, sk, time.Minute, nil)
			if err != nil {
				t.Fatal(err)
			}
			r = httpDo(t, s, http.MethodGet, gu.String(), nil, nil)
			wantRawOK(t, r, 200)
			if !bytes.Equal(r.body, data) {
				t.Errorf("presigned GET = %q", r.body)
			}
			checkObjectHeaders(t, "presigned GET", r.Header, data, false)
			// And the SDK sees the same object.
			if body, _ := get(t, c, key, nil); !bytes.Equal(body, data) {
				t.Errorf("SDK GET = %q", body)
			}
		})
	}

	t.Run("arca presign (cosauth.Presign), path style", func(t *testing.T) {
		data := []byte("cat picture")
		key := "cats/cat 1.jpg"
		now := time.Now()
		path := "/" + name + "/" + key
		h := http.Header{"Content-Type": {"image/jpeg"}}
		q := cosauth.Presign(http.MethodPut, path, nil, h, s.Addr(), ak, sk, "", now, now.Add(30*time.Minute))
		u := url.URL{Scheme: "http", Host: s.Addr(), Path: path, RawQuery: q.Encode()}
		r := httpDo(t, s, http.MethodPut, u.String(), data, h)
		wantRawOK(t, r, 200)
		checkObjectHeaders(t, "PUT", r.Header, data, false)
		// The pinned Content-Type must be sent as signed.
		r = httpDo(t, s, http.MethodPut, u.String(), data, http.Header{"Content-Type": {"text/html"}})
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")

		q = cosauth.Presign(http.MethodGet, path, nil, nil, s.Addr(), ak, sk, "", now, now.Add(time.Minute))
		u.RawQuery = q.Encode()
		r = httpDo(t, s, http.MethodGet, u.String(), nil, nil)
		wantRawOK(t, r, 200)
		if !bytes.Equal(r.body, data) || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("GET %q %v", r.body, r.Header)
		}
	})

	t.Run("signed header", func(t *testing.T) {
		pu, err := c.Object.GetPresignedURL(ctx, http.MethodPut, "typed", ak, sk, time.Minute,
			&cossdk.PresignedURLOptions{Header: hdr("Content-Type", "text/plain", "x-cos-meta-who", "me")})
		if err != nil {
			t.Fatal(err)
		}
		r := httpDo(t, s, http.MethodPut, pu.String(), []byte("typed"), http.Header{"Content-Type": {"text/plain"}, "X-Cos-Meta-Who": {"me"}})
		wantRawOK(t, r, 200)
		r = httpDo(t, s, http.MethodPut, pu.String(), []byte("typed"), http.Header{"Content-Type": {"text/plain"}, "X-Cos-Meta-Who": {"you"}})
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")
		r = httpDo(t, s, http.MethodPut, pu.String(), []byte("typed"), http.Header{"Content-Type": {"text/plain"}})
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")
	})

	t.Run("signed parameters", func(t *testing.T) {
		gu, err := c.Object.GetPresignedURL(ctx, http.MethodGet, "aaa.txt", ak, sk, time.Minute,
			&cossdk.PresignedURLOptions{Query: &url.Values{"response-content-disposition": {"attachment; filename=a.txt"}}})
		if err != nil {
			t.Fatal(err)
		}
		r := httpDo(t, s, http.MethodGet, gu.String(), nil, nil)
		wantRawOK(t, r, 200)
		if r.Header.Get("Content-Disposition") != "attachment; filename=a.txt" {
			t.Errorf("override through a presigned URL: %q", r.Header.Get("Content-Disposition"))
		}
		// Changing a signed parameter breaks the signature.
		tampered := strings.Replace(gu.String(), "a.txt", "b.txt", 1)
		tampered = strings.Replace(tampered, "filename%3Da.txt", "filename%3Db.txt", 1)
		r = httpDo(t, s, http.MethodGet, tampered, nil, nil)
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")
	})

	t.Run("host not signed", func(t *testing.T) {
		gu, err := c.Object.GetPresignedURL(ctx, http.MethodGet, "aaa.txt", ak, sk, time.Minute, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if gu.Query().Get("q-header-list") != "" {
			t.Fatalf("host signed anyway: %s", gu)
		}
		wantRawOK(t, httpDo(t, s, http.MethodGet, gu.String(), nil, nil), 200)
	})

	t.Run("SignMerged", func(t *testing.T) {
		gu, err := c.Object.GetPresignedURL(ctx, http.MethodGet, "aaa.txt", ak, sk, time.Minute, &cossdk.PresignedURLOptions{SignMerged: true})
		if err != nil {
			t.Fatal(err)
		}
		if gu.Query().Get("sign") == "" {
			t.Fatalf("no sign parameter in %s", gu)
		}
		r := httpDo(t, s, http.MethodGet, gu.String(), nil, nil)
		wantRawOK(t, r, 200)
	})

	t.Run("DELETE and HEAD", func(t *testing.T) {
		hu, err := c.Object.GetPresignedURL(ctx, http.MethodHead, "aaa.txt", ak, sk, time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := httpDo(t, s, http.MethodHead, hu.String(), nil, nil)
		wantRawOK(t, r, 200)
		du, err := c.Object.GetPresignedURL(ctx, http.MethodDelete, "aaa.txt", ak, sk, time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		r = httpDo(t, s, http.MethodDelete, du.String(), nil, nil)
		wantRawOK(t, r, 204)
		if ok, _ := c.Object.IsExist(ctx, "aaa.txt"); ok {
			t.Error("presigned DELETE left the object")
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// flipLast changes the last hex digit of s.
func flipLast(s string) string {
	if strings.HasSuffix(s, "0") {
		return s[:len(s)-1] + "1"
	}
	return s[:len(s)-1] + "0"
}

// TestAuth_Failures covers rejected signatures: expired (403 AccessDenied
// "Request has expired"), tampered (SignatureDoesNotMatch), unknown SecretId
// (InvalidAccessKeyId), wrong SecretKey, a signed header or the method
// changed after signing, a window starting beyond the clock tolerance, a
// URL for key A used for key B, and a malformed Authorization.
func TestAuth_Failures(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "authfail")
	ak, sk := s.Root.AccessKey, s.Root.SecretKey
	put(t, c, "a", []byte("key a"), nil)
	put(t, c, "b", []byte("key b"), nil)

	t.Run("expired presigned URL", func(t *testing.T) {
		now := time.Now()
		at := &cossdk.AuthTime{SignStartTime: now.Add(-2 * time.Hour), SignEndTime: now.Add(-time.Hour), KeyStartTime: now.Add(-2 * time.Hour), KeyEndTime: now.Add(-time.Hour)}
		u, err := c.Object.GetPresignedURL(ctx, http.MethodGet, "a", ak, sk, time.Hour, &cossdk.PresignedURLOptions{AuthTime: at})
		if err != nil {
			t.Fatal(err)
		}
		r := httpDo(t, s, http.MethodGet, u.String(), nil, nil)
		e := wantRawErr(t, r, 403, "AccessDenied")
		if e.Message != "Request has expired" {
			t.Errorf("message %q", e.Message)
		}
		pu, _ := c.Object.GetPresignedURL(ctx, http.MethodPut, "new", ak, sk, time.Hour, &cossdk.PresignedURLOptions{AuthTime: at})
		r = httpDo(t, s, http.MethodPut, pu.String(), []byte("x"), nil)
		wantRawErr(t, r, 403, "AccessDenied")
		if ok, _ := c.Object.IsExist(ctx, "new"); ok {
			t.Error("expired URL uploaded")
		}
	})

	t.Run("expired header signature", func(t *testing.T) {
		// The SDK's own transport always signs for an hour from now; sign
		// with the SDK's function for a window that has passed.
		now := time.Now()
		tr := s.Transport()
		ec := cossdk.NewClient(&cossdk.BaseURL{BucketURL: s.BucketURL(name)}, &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			cossdk.AddAuthorizationHeader(ak, sk, "", r, &cossdk.AuthTime{
				SignStartTime: now.Add(-time.Hour), SignEndTime: now.Add(-time.Minute),
				KeyStartTime: now.Add(-time.Hour), KeyEndTime: now.Add(-time.Minute),
			})
			return tr.RoundTrip(r)
		})})
		_, err := ec.Object.Get(ctx, "a", nil)
		e := wantErr(t, err, 403, "AccessDenied")
		if e.Message != "Request has expired" {
			t.Errorf("message %q", e.Message)
		}
	})

	t.Run("tampered signature", func(t *testing.T) {
		u, err := c.Object.GetPresignedURL(ctx, http.MethodGet, "a", ak, sk, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		sig := q.Get("q-signature")
		u.RawQuery = strings.Replace(u.RawQuery, "q-signature="+sig, "q-signature="+flipLast(sig), 1)
		r := httpDo(t, s, http.MethodGet, u.String(), nil, nil)
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")

		r = do(t, s, rawReq{method: http.MethodGet, bucket: name, key: "a", ak: ak, sk: sk, tamper: func(r *http.Request) {
			auth := r.Header.Get("Authorization")
			r.Header.Set("Authorization", flipLast(auth))
		}})
		wantRawErr(t, r, 403, "SignatureDoesNotMatch")
	})

	t.Run("unknown SecretId", func(t *testing.T) {
		_, err := s.COSWith(name, "AKIDunknown000000000000000000000000", sk).Object.Get(ctx, "a", nil)
		wantErr(t, err, 403, "InvalidAccessKeyId")
		_, err = s.COSWith(name, "AKIDunknown000000000000000000000000", sk).Object.Put(ctx, "x", strings.NewReader("x"), nil)
		wantErr(t, err, 403, "InvalidAccessKeyId")
		u, _ := c.Object.GetPresignedURL(ctx, http.MethodGet, "a", "AKIDnobody", sk, time.Hour, nil)
		r := httpDo(t, s, http.MethodGet, u.String(), nil, nil)
		wantRawErr(t, r, 403, "InvalidAccessKeyId")
	})

	t.Run("wrong SecretKey", func(t *testing.T) {
		_, err := s.COSWith(name, ak, "not-the-secret").Object.Get(ctx, "a", nil)
		wantErr(t, err, 403, "SignatureDoesNotMatch")
		_, _, err = s.COSWith(name, ak, "not-the-secret").Bucket.Get(ctx, nil)
		wantErr(t, err, 403, "SignatureDoesNotMatch")
	})

	t.Run("signed header changed after signing", func(t *testing.T) {
		base := rawReq{method: http.MethodPut, bucket: name, key: "signed", body: []byte("body"), ak: ak, sk: sk,
			header: http.Header{"Content-Type": {"text/plain"}, "X-Cos-Meta-A": {"1"}, "X-Cos-Acl": {"private"}}}
		wantRawOK(t, do(t, s, base), 200)
		for hk, hv := range map[string]string{"Content-Type": "text/html", "X-Cos-Meta-A": "2", "X-Cos-Acl": "public-read"} {
			rr := base
			rr.tamper = func(r *http.Request) { r.Header.Set(hk, hv) }
			wantRawErr(t, do(t, s, rr), 403, "SignatureDoesNotMatch")
		}
		// The Host is signed too.
		rr := base
		rr.tamper = func(r *http.Request) { r.Host = arcatest.Bucket("other") + "." + arcatest.Domain + ":" + s.Port() }
		wantRawErr(t, do(t, s, rr), 403, "SignatureDoesNotMatch")
		// A header that was not signed may be added.
		rr = base
		rr.tamper = func(r *http.Request) { r.Header.Set("X-Unsigned", "1") }
		wantRawOK(t, do(t, s, rr), 200)
		// A signed parameter changed.
		rr = rawReq{method: http.MethodGet, bucket: name, key: "a", query: "response-content-type=text%2Fplain", ak: ak, sk: sk,
			tamper: func(r *http.Request) { r.URL.RawQuery = "response-content-type=text%2Fhtml" }}
		wantRawErr(t, do(t, s, rr), 403, "SignatureDoesNotMatch")
		// The method changed.
		rr = rawReq{method: http.MethodGet, bucket: name, key: "a", ak: ak, sk: sk, tamper: func(r *http.Request) { r.Method = http.MethodDelete }}
		wantRawErr(t, do(t, s, rr), 403, "SignatureDoesNotMatch")
		if ok, _ := c.Object.IsExist(ctx, "a"); !ok {
			t.Error("a request with a mismatched signature deleted the object")
		}
	})

	t.Run("not yet valid", func(t *testing.T) {
		now := time.Now()
		rr := rawReq{method: http.MethodGet, bucket: name, key: "a", ak: ak, sk: sk, start: now.Add(time.Hour), end: now.Add(2 * time.Hour)}
		wantRawErr(t, do(t, s, rr), 403, "RequestTimeTooSkewed")
		// A client clock a few minutes ahead is tolerated.
		rr.start, rr.end = now.Add(5*time.Minute), now.Add(time.Hour)
		r := do(t, s, rr)
		wantRawOK(t, r, 200)
		// Same for presigned URLs.
		at := &cossdk.AuthTime{SignStartTime: now.Add(time.Hour), SignEndTime: now.Add(2 * time.Hour), KeyStartTime: now.Add(time.Hour), KeyEndTime: now.Add(2 * time.Hour)}
		u, _ := c.Object.GetPresignedURL(ctx, http.MethodGet, "a", ak, sk, time.Hour, &cossdk.PresignedURLOptions{AuthTime: at})
		wantRawErr(t, httpDo(t, s, http.MethodGet, u.String(), nil, nil), 403, "RequestTimeTooSkewed")
	})

	t.Run("URL for key A used for key B", func(t *testing.T) {
		u, err := c.Object.GetPresignedURL(ctx, http.MethodGet, "a", ak, sk, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantRawOK(t, httpDo(t, s, http.MethodGet, u.String(), nil, nil), 200)
		u.Path = "/b"
		wantRawErr(t, httpDo(t, s, http.MethodGet, u.String(), nil, nil), 403, "SignatureDoesNotMatch")
		pu, err := c.Object.GetPresignedURL(ctx, http.MethodPut, "a", ak, sk, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		pu.Path = "/b"
		wantRawErr(t, httpDo(t, s, http.MethodPut, pu.String(), []byte("overwrite"), nil), 403, "SignatureDoesNotMatch")
		// A GET URL does not allow PUT.
		gu, _ := c.Object.GetPresignedURL(ctx, http.MethodGet, "b", ak, sk, time.Hour, nil)
		wantRawErr(t, httpDo(t, s, http.MethodPut, gu.String(), []byte("overwrite"), nil), 403, "SignatureDoesNotMatch")
		// Another bucket's host.
		other, _ := newBucket(t, s, "authother")
		ou, _ := other.Object.GetPresignedURL(ctx, http.MethodPut, "b", ak, sk, time.Hour, nil)
		ou.Host = s.BucketURL(name).Host
		wantRawErr(t, httpDo(t, s, http.MethodPut, ou.String(), []byte("overwrite"), nil), 403, "SignatureDoesNotMatch")
		if body, _ := get(t, c, "b", nil); string(body) != "key b" {
			t.Errorf("b = %q", body)
		}
	})

	t.Run("malformed Authorization", func(t *testing.T) {
		for _, auth := range []string{
			"q-sign-algorithm=sha1&q-ak=" + ak,
			"q-sign-algorithm=md5&q-ak=" + ak + "&q-sign-time=1;2&q-key-time=1;2&q-signature=00",
			"q-sign-algorithm=sha1&q-ak=" + ak + "&q-sign-time=abc&q-key-time=abc&q-header-list=&q-url-param-list=&q-signature=0000000000000000000000000000000000000000",
		} {
			r := do(t, s, rawReq{method: http.MethodGet, bucket: name, key: "a", header: http.Header{"Authorization": {auth}}})
			wantRawErr(t, r, 400, "InvalidArgument")
		}
	})
}

// TestAuth_Anonymous covers unsigned requests judged by ACLs: a private
// bucket refuses everything; public-read allows reads (GET, HEAD, list)
// but no writes; public-read-write allows writes too.
func TestAuth_Anonymous(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "anonymous")
	put(t, c, "obj", []byte("public?"), nil)
	a := anon(s, name)
	plainURL := s.URL() + "/" + name + "/obj"

	type access struct{ get, head, list, put, del, mpu, appendObj bool }
	try := func(t *testing.T, want access) {
		t.Helper()
		check := func(what string, err error, allowed bool) {
			t.Helper()
			if allowed && err != nil {
				t.Errorf("%s: %v", what, err)
			}
			if !allowed {
				if e, ok := cossdk.IsCOSError(err); !ok || e.Response.StatusCode != 403 || (e.Code != "AccessDenied" && e.Response.Request.Method != http.MethodHead) {
					t.Errorf("%s: got %v, want 403 AccessDenied", what, err)
				}
			}
		}
		resp, err := a.Object.Get(ctx, "obj", nil)
		if err == nil {
			resp.Body.Close()
		}
		check("GET", err, want.get)
		_, err = a.Object.Head(ctx, "obj", nil)
		check("HEAD", err, want.head)
		_, _, err = a.Bucket.Get(ctx, nil)
		check("list", err, want.list)
		_, err = a.Object.Put(ctx, "anon-put", strings.NewReader("x"), nil)
		check("PUT", err, want.put)
		_, err = a.Object.Delete(ctx, "anon-put")
		check("DELETE", err, want.del)
		up, _, err := a.Object.InitiateMultipartUpload(ctx, "anon-mpu", nil)
		check("initiate", err, want.mpu)
		if err == nil {
			if _, err := a.Object.AbortMultipartUpload(ctx, "anon-mpu", up.UploadID); err != nil {
				t.Errorf("abort: %v", err)
			}
		}
		_, _, err = a.Object.Append(ctx, "anon-append", 0, strings.NewReader("x"), nil)
		check("append", err, want.appendObj)
		if err == nil {
			c.Object.Delete(ctx, "anon-append")
		}
		// A plain GET without any SDK.
		r := httpDo(t, s, http.MethodGet, plainURL, nil, nil)
		if want.get {
			wantRawOK(t, r, 200)
		} else {
			wantRawErr(t, r, 403, "AccessDenied")
		}
	}

	t.Run("private", func(t *testing.T) { try(t, access{}) })
	t.Run("missing key does not leak", func(t *testing.T) {
		// A private bucket answers AccessDenied whether or not the key exists.
		_, err := a.Object.Get(ctx, "no-such-key", nil)
		wantErr(t, err, 403, "AccessDenied")
	})
	setACL := func(t *testing.T, v string) {
		if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: v}}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("public-read", func(t *testing.T) {
		setACL(t, "public-read")
		try(t, access{get: true, head: true, list: true})
		_, err := a.Object.Get(ctx, "no-such-key", nil)
		wantErr(t, err, 404, "NoSuchKey")
	})
	t.Run("public-read-write", func(t *testing.T) {
		setACL(t, "public-read-write")
		try(t, access{get: true, head: true, list: true, put: true, del: true, mpu: true, appendObj: true})
	})
	t.Run("private again", func(t *testing.T) {
		setACL(t, "private")
		try(t, access{})
	})
}
