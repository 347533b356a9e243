package cos_test

// Server-side encryption through cos-go-sdk-v5: SSE-COS (AES256), SSE-KMS
// (cos/kms with a key id and an encryption context) and SSE-C (the SDK's
// customer-key options) on PUT, GET, HEAD, copy and multipart uploads.

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// ssecKey is an SSE-C key in the forms the SDK's options take.
type ssecKey struct{ alg, key, md5 string }

func newSSECKey(raw string) ssecKey {
	return ssecKey{"AES256", base64.StdEncoding.EncodeToString([]byte(raw)), md5B64([]byte(raw))}
}

var (
	keyA = newSSECKey("0123456789ABCDEF0123456789ABCDEF")
	keyB = newSSECKey("ZYXWVUTSRQPONMLKJIHGFEDCBA987654")
)

func (k ssecKey) put() *cossdk.ObjectPutOptions {
	return &cossdk.ObjectPutOptions{ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{
		XCosSSECustomerAglo: k.alg, XCosSSECustomerKey: k.key, XCosSSECustomerKeyMD5: k.md5,
	}}
}

func (k ssecKey) get() *cossdk.ObjectGetOptions {
	return &cossdk.ObjectGetOptions{XCosSSECustomerAglo: k.alg, XCosSSECustomerKey: k.key, XCosSSECustomerKeyMD5: k.md5}
}

func (k ssecKey) head() *cossdk.ObjectHeadOptions {
	return &cossdk.ObjectHeadOptions{XCosSSECustomerAglo: k.alg, XCosSSECustomerKey: k.key, XCosSSECustomerKeyMD5: k.md5}
}

func (k ssecKey) part() *cossdk.ObjectUploadPartOptions {
	return &cossdk.ObjectUploadPartOptions{XCosSSECustomerAglo: k.alg, XCosSSECustomerKey: k.key, XCosSSECustomerKeyMD5: k.md5}
}

func kmsHeaders(keyID, context string) *cossdk.ObjectPutHeaderOptions {
	h := http.Header{}
	h.Set("x-cos-server-side-encryption", "cos/kms")
	if keyID != "" {
		h.Set("x-cos-server-side-encryption-cos-kms-key-id", keyID)
	}
	if context != "" {
		h.Set("x-cos-server-side-encryption-context", context)
	}
	return &cossdk.ObjectPutHeaderOptions{XOptionHeader: &h}
}

// wantSSE asserts the encryption headers of a response.
func wantSSE(t *testing.T, what string, h http.Header, mode, kmsKey, customerMD5 string) {
	t.Helper()
	if got := h.Get("x-cos-server-side-encryption"); got != mode {
		t.Errorf("%s: x-cos-server-side-encryption %q, want %q", what, got, mode)
	}
	if got := h.Get("x-cos-server-side-encryption-cos-kms-key-id"); got != kmsKey {
		t.Errorf("%s: kms key id %q, want %q", what, got, kmsKey)
	}
	wantAlg := ""
	if customerMD5 != "" {
		wantAlg = "AES256"
	}
	if got := h.Get("x-cos-server-side-encryption-customer-algorithm"); got != wantAlg {
		t.Errorf("%s: customer algorithm %q, want %q", what, got, wantAlg)
	}
	if got := h.Get("x-cos-server-side-encryption-customer-key-MD5"); got != customerMD5 {
		t.Errorf("%s: customer key MD5 %q, want %q", what, got, customerMD5)
	}
}

func TestSSE_PutGetHead(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "sse")
	data := randBytes(200<<10, 11)

	t.Run("SSE-COS", func(t *testing.T) {
		h := put(t, c, "cos", data, putOpt(&cossdk.ObjectPutHeaderOptions{XCosServerSideEncryption: "AES256"}))
		wantSSE(t, "PUT", h, "AES256", "", "")
		_, gr := get(t, c, "cos", nil)
		wantSSE(t, "GET", gr.Header, "AES256", "", "")
		readBack(t, c, "cos", data, nil)
		body, _ := get(t, c, "cos", &cossdk.ObjectGetOptions{Range: "bytes=100000-100099"})
		if !bytes.Equal(body, data[100000:100100]) {
			t.Error("range of an encrypted object differs")
		}
		hr, err := c.Object.Head(ctx, "cos", nil)
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "HEAD", hr.Header, "AES256", "", "")
		// Anyone who may read the object reads it decrypted.
		if _, err := c.Object.PutACL(ctx, "cos", &cossdk.ObjectPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}}); err != nil {
			t.Fatal(err)
		}
		readBack(t, anon(s, name), "cos", data, nil)
	})

	t.Run("SSE-KMS with key id and context", func(t *testing.T) {
		kctx := base64.StdEncoding.EncodeToString([]byte(`{"team":"arca"}`))
		h := put(t, c, "kms", data, putOpt(kmsHeaders("key-1", kctx)))
		wantSSE(t, "PUT", h, "cos/kms", "key-1", "")
		_, gr := get(t, c, "kms", nil)
		wantSSE(t, "GET", gr.Header, "cos/kms", "key-1", "")
		readBack(t, c, "kms", data, nil)
		hr, err := c.Object.Head(ctx, "kms", nil)
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "HEAD", hr.Header, "cos/kms", "key-1", "")
	})

	t.Run("SSE-KMS default key", func(t *testing.T) {
		h := put(t, c, "kmsdefault", []byte("small"), putOpt(kmsHeaders("", "")))
		wantSSE(t, "PUT", h, "cos/kms", "arca-default-kms-key", "")
		readBack(t, c, "kmsdefault", []byte("small"), nil)
	})

	t.Run("SSE-KMS bad context", func(t *testing.T) {
		_, err := c.Object.Put(ctx, "kmsbad", bytes.NewReader(data), putOpt(kmsHeaders("k", "not base64 !")))
		wantErr(t, err, 400, "InvalidArgument")
	})

	t.Run("SSE-C", func(t *testing.T) {
		resp, err := c.Object.Put(ctx, "ssec", bytes.NewReader(data), keyA.put())
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "PUT", resp.Header, "", "", keyA.md5)
		if resp.Header.Get("ETag") == etagOf(data) {
			t.Error("SSE-C ETag is the plaintext's MD5")
		}
		if resp.Header.Get("x-cos-hash-crc64ecma") != crcOf(data) {
			t.Errorf("crc %s", resp.Header.Get("x-cos-hash-crc64ecma"))
		}
		h := readBack(t, c, "ssec", data, keyA.get())
		wantSSE(t, "GET", h, "", "", keyA.md5)
		body, _ := get(t, c, "ssec", &cossdk.ObjectGetOptions{Range: "bytes=5-20", XCosSSECustomerAglo: keyA.alg, XCosSSECustomerKey: keyA.key, XCosSSECustomerKeyMD5: keyA.md5})
		if !bytes.Equal(body, data[5:21]) {
			t.Error("range of an SSE-C object differs")
		}
		hr, err := c.Object.Head(ctx, "ssec", keyA.head())
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "HEAD", hr.Header, "", "", keyA.md5)

		_, err = c.Object.Get(ctx, "ssec", nil)
		wantErr(t, err, 400, "InvalidRequest")
		_, err = c.Object.Get(ctx, "ssec", keyB.get())
		wantErr(t, err, 403, "AccessDenied")
		_, err = c.Object.Head(ctx, "ssec", nil)
		wantStatus(t, err, 400)
		_, err = c.Object.Head(ctx, "ssec", keyB.head())
		wantStatus(t, err, 403)
		bad := keyA
		bad.md5 = keyB.md5
		_, err = c.Object.Get(ctx, "ssec", bad.get())
		wantErr(t, err, 400, "InvalidArgument")
		// A key given for an object not stored with one.
		_, err = c.Object.Get(ctx, "cos", keyA.get())
		wantErr(t, err, 400, "InvalidRequest")
	})

	t.Run("SSE-C bad requests", func(t *testing.T) {
		short := newSSECKey("too short")
		for name, opt := range map[string]*cossdk.ObjectPutOptions{
			"key not 256 bits":  short.put(),
			"MD5 of another":    {ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosSSECustomerAglo: "AES256", XCosSSECustomerKey: keyA.key, XCosSSECustomerKeyMD5: keyB.md5}},
			"algorithm not AES": {ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosSSECustomerAglo: "SM4", XCosSSECustomerKey: keyA.key, XCosSSECustomerKeyMD5: keyA.md5}},
			"no algorithm":      {ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosSSECustomerKey: keyA.key, XCosSSECustomerKeyMD5: keyA.md5}},
			"both kinds":        {ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosServerSideEncryption: "AES256", XCosSSECustomerAglo: keyA.alg, XCosSSECustomerKey: keyA.key, XCosSSECustomerKeyMD5: keyA.md5}},
			"unknown mode":      putOpt(&cossdk.ObjectPutHeaderOptions{XCosServerSideEncryption: "AES128"}),
		} {
			t.Run(name, func(t *testing.T) {
				_, err := c.Object.Put(ctx, "bad", bytes.NewReader([]byte("x")), opt)
				wantErr(t, err, 400, "InvalidArgument")
				wantGone(t, c, "bad")
			})
		}
	})
}

func TestSSE_Copy(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "ssecopy")
	data := randBytes(100<<10, 12)
	if _, err := c.Object.Put(ctx, "src-c", bytes.NewReader(data), keyA.put()); err != nil {
		t.Fatal(err)
	}
	put(t, c, "src-cos", data, putOpt(&cossdk.ObjectPutHeaderOptions{XCosServerSideEncryption: "AES256"}))
	put(t, c, "src-kms", data, putOpt(kmsHeaders("key-2", "")))
	put(t, c, "src-plain", data, nil)
	cp := func(dst, src string, h *cossdk.ObjectCopyHeaderOptions) (*cossdk.Response, error) {
		_, resp, err := c.Object.Copy(ctx, dst, copySource(name, src), &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: h})
		return resp, err
	}
	srcKeyA := func(h *cossdk.ObjectCopyHeaderOptions) *cossdk.ObjectCopyHeaderOptions {
		h.XCosCopySourceSSECustomerAglo, h.XCosCopySourceSSECustomerKey, h.XCosCopySourceSSECustomerKeyMD5 = keyA.alg, keyA.key, keyA.md5
		return h
	}

	t.Run("SSE-C source to SSE-COS", func(t *testing.T) {
		resp, err := cp("d1", "src-c", srcKeyA(&cossdk.ObjectCopyHeaderOptions{XCosServerSideEncryption: "AES256"}))
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "copy", resp.Header, "AES256", "", "")
		h := readBack(t, c, "d1", data, nil)
		wantSSE(t, "GET", h, "AES256", "", "")
		if h.Get("ETag") != etagOf(data) {
			t.Errorf("ETag %s", h.Get("ETag"))
		}
	})

	t.Run("SSE-C source needs its key", func(t *testing.T) {
		_, err := cp("d2", "src-c", &cossdk.ObjectCopyHeaderOptions{})
		wantErr(t, err, 400, "InvalidRequest")
		h := &cossdk.ObjectCopyHeaderOptions{XCosCopySourceSSECustomerAglo: keyB.alg, XCosCopySourceSSECustomerKey: keyB.key, XCosCopySourceSSECustomerKeyMD5: keyB.md5}
		_, err = cp("d2", "src-c", h)
		wantErr(t, err, 403, "AccessDenied")
		wantGone(t, c, "d2")
	})

	t.Run("SSE-C to SSE-C with another key", func(t *testing.T) {
		resp, err := cp("d3", "src-c", srcKeyA(&cossdk.ObjectCopyHeaderOptions{
			XCosSSECustomerAglo: keyB.alg, XCosSSECustomerKey: keyB.key, XCosSSECustomerKeyMD5: keyB.md5,
		}))
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "copy", resp.Header, "", "", keyB.md5)
		readBack(t, c, "d3", data, keyB.get())
		_, err = c.Object.Get(ctx, "d3", keyA.get())
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("plain to SSE-KMS", func(t *testing.T) {
		h := http.Header{}
		h.Set("x-cos-server-side-encryption", "cos/kms")
		h.Set("x-cos-server-side-encryption-cos-kms-key-id", "key-3")
		_, resp, err := c.Object.Copy(ctx, "d4", copySource(name, "src-plain"), &cossdk.ObjectCopyOptions{
			ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{XOptionHeader: &h},
		})
		if err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "copy", resp.Header, "cos/kms", "key-3", "")
		wantSSE(t, "GET", readBack(t, c, "d4", data, nil), "cos/kms", "key-3", "")
	})

	t.Run("encrypted sources to plain", func(t *testing.T) {
		for _, src := range []string{"src-cos", "src-kms"} {
			resp, err := cp("plain-"+src, src, &cossdk.ObjectCopyHeaderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wantSSE(t, "copy "+src, resp.Header, "", "", "")
			wantSSE(t, "GET", readBack(t, c, "plain-"+src, data, nil), "", "", "")
		}
	})

	t.Run("SSE-C source to plain", func(t *testing.T) {
		if _, err := cp("d5", "src-c", srcKeyA(&cossdk.ObjectCopyHeaderOptions{})); err != nil {
			t.Fatal(err)
		}
		wantSSE(t, "GET", readBack(t, c, "d5", data, nil), "", "", "")
	})
}

func TestSSE_Multipart(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, _ := newBucket(t, s, "ssemp")
	p1, p2 := randBytes(1<<20, 13), randBytes(300<<10, 14)
	whole := append(append([]byte(nil), p1...), p2...)

	upload := func(t *testing.T, key string, ini *cossdk.ObjectPutHeaderOptions, part *cossdk.ObjectUploadPartOptions) (http.Header, http.Header) {
		t.Helper()
		up, iresp, err := c.Object.InitiateMultipartUpload(ctx, key, &cossdk.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: ini})
		if err != nil {
			t.Fatal(err)
		}
		var parts []cossdk.Object
		for i, p := range [][]byte{p1, p2} {
			var o *cossdk.ObjectUploadPartOptions
			if part != nil {
				cp := *part
				o = &cp
			}
			resp, err := c.Object.UploadPart(ctx, key, up.UploadID, i+1, bytes.NewReader(p), o)
			if err != nil {
				t.Fatalf("part %d: %v", i+1, err)
			}
			parts = append(parts, cossdk.Object{PartNumber: i + 1, ETag: resp.Header.Get("ETag")})
		}
		_, cresp, err := c.Object.CompleteMultipartUpload(ctx, key, up.UploadID, &cossdk.CompleteMultipartUploadOptions{Parts: parts})
		if err != nil {
			t.Fatal(err)
		}
		if cresp.Header.Get("x-cos-hash-crc64ecma") != crcOf(whole) {
			t.Errorf("complete crc %s", cresp.Header.Get("x-cos-hash-crc64ecma"))
		}
		return iresp.Header, cresp.Header
	}

	t.Run("SSE-COS", func(t *testing.T) {
		ih, ch := upload(t, "mp-cos", &cossdk.ObjectPutHeaderOptions{XCosServerSideEncryption: "AES256"}, nil)
		wantSSE(t, "initiate", ih, "AES256", "", "")
		wantSSE(t, "complete", ch, "AES256", "", "")
		wantSSE(t, "GET", readBack(t, c, "mp-cos", whole, nil), "AES256", "", "")
	})

	t.Run("SSE-KMS", func(t *testing.T) {
		ih, ch := upload(t, "mp-kms", kmsHeaders("key-mp", base64.StdEncoding.EncodeToString([]byte(`{"a":"b"}`))), nil)
		wantSSE(t, "initiate", ih, "cos/kms", "key-mp", "")
		wantSSE(t, "complete", ch, "cos/kms", "key-mp", "")
		wantSSE(t, "GET", readBack(t, c, "mp-kms", whole, nil), "cos/kms", "key-mp", "")
	})

	t.Run("SSE-C", func(t *testing.T) {
		ih, ch := upload(t, "mp-c", keyA.put().ObjectPutHeaderOptions, keyA.part())
		wantSSE(t, "initiate", ih, "", "", keyA.md5)
		wantSSE(t, "complete", ch, "", "", keyA.md5)
		wantSSE(t, "GET", readBack(t, c, "mp-c", whole, keyA.get()), "", "", keyA.md5)
		_, err := c.Object.Get(ctx, "mp-c", nil)
		wantErr(t, err, 400, "InvalidRequest")
	})

	t.Run("SSE-C parts need the upload's key", func(t *testing.T) {
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "mp-c2", &cossdk.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: keyA.put().ObjectPutHeaderOptions})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Object.UploadPart(ctx, "mp-c2", up.UploadID, 1, bytes.NewReader(p2), nil)
		wantErr(t, err, 400, "InvalidRequest")
		_, err = c.Object.UploadPart(ctx, "mp-c2", up.UploadID, 1, bytes.NewReader(p2), keyB.part())
		wantErr(t, err, 403, "AccessDenied")
		if _, err := c.Object.UploadPart(ctx, "mp-c2", up.UploadID, 1, bytes.NewReader(p2), keyA.part()); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Object.AbortMultipartUpload(ctx, "mp-c2", up.UploadID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("SDK Upload and Download helpers with SSE-C", func(t *testing.T) {
		dir := t.TempDir()
		data := randBytes(2<<20+777, 15)
		src := filepath.Join(dir, "src.bin")
		if err := os.WriteFile(src, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := c.Object.Upload(ctx, "helper", src, &cossdk.MultiUploadOptions{
			PartSize: 1, ThreadPoolSize: 2,
			OptIni: &cossdk.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: keyA.put().ObjectPutHeaderOptions},
		})
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "dst.bin")
		if _, err := c.Object.Download(ctx, "helper", dst, &cossdk.MultiDownloadOptions{Opt: keyA.get(), PartSize: 1, ThreadPoolSize: 2}); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(dst); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("downloaded %d bytes, %v", len(got), err)
		}
	})
}
