package cos_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// multipartETag is the S3 formula Arca uses: MD5 of the parts' binary MD5s,
// then "-N".
func multipartETag(parts ...[]byte) string {
	var sums []byte
	for _, p := range parts {
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
	}
	s := md5.Sum(sums)
	return `"` + hex.EncodeToString(s[:]) + "-" + strconv.Itoa(len(parts)) + `"`
}

// TestMultipart_Upload covers the low-level multipart calls: Initiate,
// UploadPart (out of order, replaced, CRC checked by the SDK), ListParts
// with paging, Complete (the "-N" ETag, the whole object's CRC, metadata
// from Initiate), and Abort.
func TestMultipart_Upload(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := versionedBucket(t, s, "mpu")
	key := "dir/big file.bin"

	init, resp, err := c.Object.InitiateMultipartUpload(ctx, key, &cossdk.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{
			ContentType: "video/mp4", XCosMetaXXX: hdr("x-cos-meta-src", "mpu"), XCosStorageClass: "STANDARD_IA",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if init.Bucket != name || init.Key != key || init.UploadID == "" || resp.Header.Get("Content-Type") != "application/xml" {
		t.Fatalf("initiate %+v", init)
	}
	id := init.UploadID

	p1, p2, p3 := randBytes(1<<20, 1), randBytes(1<<20+5, 2), randBytes(1234, 3)
	etags := map[int]string{}
	upload := func(n int, data []byte) {
		t.Helper()
		resp, err := c.Object.UploadPart(ctx, key, id, n, bytes.NewReader(data), nil)
		if err != nil {
			t.Fatalf("part %d: %v", n, err)
		}
		if resp.Header.Get("ETag") != etagOf(data) || resp.Header.Get("x-cos-hash-crc64ecma") != crcOf(data) {
			t.Errorf("part %d headers %v", n, resp.Header)
		}
		etags[n] = resp.Header.Get("ETag")
	}
	upload(3, p3)
	upload(1, randBytes(1<<20, 99)) // replaced below
	upload(2, p2)
	upload(1, p1)

	t.Run("ListParts", func(t *testing.T) {
		res, _, err := c.Object.ListParts(ctx, key, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Bucket != name || res.Key != key || res.UploadID != id || res.StorageClass != "STANDARD_IA" ||
			res.Initiator == nil || res.Owner == nil || res.IsTruncated || res.MaxParts != "1000" {
			t.Errorf("result %+v", res)
		}
		sizes := []int{len(p1), len(p2), len(p3)}
		if len(res.Parts) != 3 {
			t.Fatalf("%d parts", len(res.Parts))
		}
		for i, p := range res.Parts {
			if p.PartNumber != i+1 || p.ETag != etags[i+1] || p.Size != int64(sizes[i]) || p.LastModified == "" {
				t.Errorf("part %d: %+v", i+1, p)
			}
		}
		// Paging.
		var seen []int
		opt := &cossdk.ObjectListPartsOptions{MaxParts: "2"}
		for pages := 1; ; pages++ {
			res, _, err := c.Object.ListParts(ctx, key, id, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Parts {
				seen = append(seen, p.PartNumber)
			}
			if !res.IsTruncated {
				if pages != 2 {
					t.Errorf("%d pages", pages)
				}
				break
			}
			if res.NextPartNumberMarker != "2" {
				t.Errorf("NextPartNumberMarker %q", res.NextPartNumberMarker)
			}
			opt.PartNumberMarker = res.NextPartNumberMarker
		}
		if fmt.Sprint(seen) != "[1 2 3]" {
			t.Errorf("paged parts %v", seen)
		}
		res, _, err = c.Object.ListParts(ctx, key, id, &cossdk.ObjectListPartsOptions{EncodingType: "url"})
		if err != nil || res.Key != "dir/big%20file.bin" {
			t.Errorf("encoded key %q, %v", res.Key, err)
		}
	})

	t.Run("Complete", func(t *testing.T) {
		res, resp, err := c.Object.CompleteMultipartUpload(ctx, key, id, &cossdk.CompleteMultipartUploadOptions{
			Parts: []cossdk.Object{{PartNumber: 1, ETag: etags[1]}, {PartNumber: 2, ETag: etags[2]}, {PartNumber: 3, ETag: etags[3]}},
		})
		if err != nil {
			t.Fatal(err)
		}
		whole := bytes.Join([][]byte{p1, p2, p3}, nil)
		if res.ETag != multipartETag(p1, p2, p3) || !strings.HasSuffix(res.ETag, `-3"`) {
			t.Errorf("ETag %s, want %s", res.ETag, multipartETag(p1, p2, p3))
		}
		if res.Bucket != name || res.Key != key || !strings.HasSuffix(res.Location, "/"+strings.ReplaceAll(key, " ", "%20")) {
			t.Errorf("result %+v", res)
		}
		if resp.Header.Get("x-cos-hash-crc64ecma") != crcOf(whole) || resp.Header.Get("x-cos-version-id") == "" {
			t.Errorf("complete headers %v", resp.Header)
		}
		body, gr := get(t, c, key, nil)
		if !bytes.Equal(body, whole) {
			t.Fatal("completed object differs")
		}
		checkObjectHeaders(t, "GET completed", gr.Header, whole, true)
		if gr.Header.Get("ETag") != res.ETag || gr.Header.Get("Content-Type") != "video/mp4" ||
			gr.Header.Get("x-cos-meta-src") != "mpu" || gr.Header.Get("x-cos-storage-class") != "STANDARD_IA" {
			t.Errorf("GET headers %v", gr.Header)
		}
		// A range across a part boundary.
		body, _ = get(t, c, key, &cossdk.ObjectGetOptions{Range: fmt.Sprintf("bytes=%d-%d", len(p1)-3, len(p1)+2)})
		if !bytes.Equal(body, whole[len(p1)-3:len(p1)+3]) {
			t.Error("range across parts differs")
		}
		// The upload is gone.
		_, _, err = c.Object.ListParts(ctx, key, id, nil)
		wantErr(t, err, 404, "NoSuchUpload")
	})

	t.Run("Abort", func(t *testing.T) {
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "aborted", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Object.UploadPart(ctx, "aborted", up.UploadID, 1, bytes.NewReader(p1), nil); err != nil {
			t.Fatal(err)
		}
		resp, err := c.Object.AbortMultipartUpload(ctx, "aborted", up.UploadID)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 204 {
			t.Errorf("abort status %d", resp.StatusCode)
		}
		_, err = c.Object.AbortMultipartUpload(ctx, "aborted", up.UploadID)
		wantErr(t, err, 404, "NoSuchUpload")
		_, _, err = c.Object.ListParts(ctx, "aborted", up.UploadID, nil)
		wantErr(t, err, 404, "NoSuchUpload")
		_, err = c.Object.UploadPart(ctx, "aborted", up.UploadID, 2, strings.NewReader("x"), nil)
		wantErr(t, err, 404, "NoSuchUpload")
		_, _, err = c.Object.CompleteMultipartUpload(ctx, "aborted", up.UploadID, &cossdk.CompleteMultipartUploadOptions{
			Parts: []cossdk.Object{{PartNumber: 1, ETag: etagOf(p1)}},
		})
		wantErr(t, err, 404, "NoSuchUpload")
		if ok, _ := c.Object.IsExist(ctx, "aborted"); ok {
			t.Error("aborted upload created the object")
		}
	})

	t.Run("part Content-MD5", func(t *testing.T) {
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "md5", nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Object.UploadPart(ctx, "md5", up.UploadID, 1, bytes.NewReader(p3), &cossdk.ObjectUploadPartOptions{ContentMD5: md5B64(p1)})
		wantErr(t, err, 400, "BadDigest")
		_, err = c.Object.UploadPart(ctx, "md5", up.UploadID, 1, bytes.NewReader(p3), &cossdk.ObjectUploadPartOptions{ContentMD5: "bad"})
		wantErr(t, err, 400, "InvalidDigest")
		if _, err := c.Object.UploadPart(ctx, "md5", up.UploadID, 1, bytes.NewReader(p3), &cossdk.ObjectUploadPartOptions{ContentMD5: md5B64(p3)}); err != nil {
			t.Fatal(err)
		}
		res, _, err := c.Object.ListParts(ctx, "md5", up.UploadID, nil)
		if err != nil || len(res.Parts) != 1 || res.Parts[0].ETag != etagOf(p3) {
			t.Errorf("parts after bad digests: %+v, %v", res, err)
		}
		if _, err := c.Object.AbortMultipartUpload(ctx, "md5", up.UploadID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ACL from Initiate, suspended bucket", func(t *testing.T) {
		if _, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Suspended"}); err != nil {
			t.Fatal(err)
		}
		defer c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Enabled"})
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "public", &cossdk.InitiateMultipartUploadOptions{
			ACLHeaderOptions: &cossdk.ACLHeaderOptions{XCosACL: "public-read"},
		})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Object.UploadPart(ctx, "public", up.UploadID, 1, bytes.NewReader(p3), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, cresp, err := c.Object.CompleteMultipartUpload(ctx, "public", up.UploadID, &cossdk.CompleteMultipartUploadOptions{
			Parts: []cossdk.Object{{PartNumber: 1, ETag: resp.Header.Get("ETag")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		// COS documents version "null" on Complete in a suspended bucket.
		if cresp.Header.Get("x-cos-version-id") != "null" {
			t.Errorf("x-cos-version-id %q", cresp.Header.Get("x-cos-version-id"))
		}
		if body, _ := get(t, anon(s, name), "public", nil); !bytes.Equal(body, p3) {
			t.Error("anonymous GET of an object initiated public-read failed")
		}
	})

	t.Run("unknown upload ids", func(t *testing.T) {
		for _, bad := range []string{"0123456789abcdef0123456789abcdef", "nonsense", strings.Repeat("f", 40)} {
			_, err := c.Object.UploadPart(ctx, key, bad, 1, strings.NewReader("x"), nil)
			wantErr(t, err, 404, "NoSuchUpload")
		}
		// An id is bound to its key.
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "bound", nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = c.Object.ListParts(ctx, "other-key", up.UploadID, nil)
		wantErr(t, err, 404, "NoSuchUpload")
		if _, err := c.Object.AbortMultipartUpload(ctx, "bound", up.UploadID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("part numbers", func(t *testing.T) {
		up, _, err := c.Object.InitiateMultipartUpload(ctx, "pn", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"0", "10001", "-1", "x"} {
			r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, key: "pn",
				query: "partNumber=" + n + "&uploadId=" + up.UploadID, body: []byte("x")}))
			wantRawErr(t, r, 400, "InvalidArgument")
		}
		if _, err := c.Object.UploadPart(ctx, "pn", up.UploadID, 10000, strings.NewReader("x"), nil); err != nil {
			t.Errorf("part 10000: %v", err)
		}
	})
}

// TestMultipart_CompleteErrors covers Complete's validation: parts out of
// order or repeated (InvalidPartOrder), unknown parts or ETags
// (InvalidPart), a small part that is not the last (EntityTooSmall), an
// empty or malformed body (MalformedXML); the upload survives each failure.
func TestMultipart_CompleteErrors(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "mpuerr")
	key := "k"
	up, _, err := c.Object.InitiateMultipartUpload(ctx, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := up.UploadID
	big, small := randBytes(1<<20, 4), []byte("tiny part")
	parts := map[int][]byte{1: big, 2: small, 3: big, 5: small}
	etag := map[int]string{}
	for n, data := range parts {
		resp, err := c.Object.UploadPart(ctx, key, id, n, bytes.NewReader(data), nil)
		if err != nil {
			t.Fatal(err)
		}
		etag[n] = resp.Header.Get("ETag")
	}
	p := func(n int, e string) cossdk.Object { return cossdk.Object{PartNumber: n, ETag: e} }

	cases := []struct {
		name  string
		parts []cossdk.Object
		code  string
	}{
		{"out of order", []cossdk.Object{p(3, etag[3]), p(1, etag[1])}, "InvalidPartOrder"},
		{"repeated", []cossdk.Object{p(1, etag[1]), p(1, etag[1])}, "InvalidPartOrder"},
		{"unknown part", []cossdk.Object{p(1, etag[1]), p(4, etag[3])}, "InvalidPart"},
		{"wrong etag", []cossdk.Object{p(1, etag[1]), p(3, etag[2])}, "InvalidPart"},
		{"garbage etag", []cossdk.Object{p(1, `"zz"`)}, "InvalidPart"},
		{"part 0", []cossdk.Object{p(0, etag[1])}, "InvalidPart"},
		{"small part not last", []cossdk.Object{p(1, etag[1]), p(2, etag[2]), p(3, etag[3])}, "EntityTooSmall"},
		{"no parts", nil, "InvalidPart"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.Object.CompleteMultipartUpload(ctx, key, id, &cossdk.CompleteMultipartUploadOptions{Parts: tc.parts})
			wantErr(t, err, 400, tc.code)
		})
	}

	t.Run("malformed bodies", func(t *testing.T) {
		for _, body := range []string{"<CompleteMultipartUpload><Part>", "nope", "<Other/>",
			"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber></Part></CompleteMultipartUpload>"} {
			r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, key: key, query: "uploadId=" + id, body: []byte(body)}))
			wantRawErr(t, r, 400, "MalformedXML")
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, key: key, query: "uploadId=" + id}))
		wantRawErr(t, r, 400, "MissingRequestBodyError")
	})

	t.Run("still completes", func(t *testing.T) {
		// Gaps are allowed; unlisted parts are dropped. Unquoted ETags and
		// PartNumber-first order are accepted (by hand).
		body := fmt.Sprintf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>"+
			"<Part><PartNumber>3</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>5</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
			strings.Trim(etag[1], `"`), etag[3], etag[5])
		r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, key: key, query: "uploadId=" + id, body: []byte(body),
			header: http.Header{"Content-Md5": {md5B64([]byte(body))}}}))
		wantRawOK(t, r, 200)
		var res struct {
			XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
			Location string
			Bucket   string
			Key      string
			ETag     string
		}
		if err := xml.Unmarshal(r.body, &res); err != nil {
			t.Fatal(err)
		}
		whole := bytes.Join([][]byte{big, big, small}, nil)
		if res.ETag != multipartETag(big, big, small) || r.Header.Get("x-cos-hash-crc64ecma") != crcOf(whole) {
			t.Errorf("result %+v, crc %s", res, r.Header.Get("x-cos-hash-crc64ecma"))
		}
		if body, _ := get(t, c, key, nil); !bytes.Equal(body, whole) {
			t.Error("completed object differs")
		}
	})
}

// TestMultipart_UploadDownload covers the SDK's high-level Upload (parallel
// parts, CRC of the whole file checked by the SDK against Complete's
// x-cos-hash-crc64ecma) and Download (HEAD, parallel ranged GETs, CRC
// checked), with a multi-MiB file; and the single-PUT path for a small
// file.
func TestMultipart_UploadDownload(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, _ := newBucket(t, s, "updown")
	dir := t.TempDir()
	data := randBytes(5<<20+12345, 42)
	src := filepath.Join(dir, "src.bin")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}

	res, resp, err := c.Object.Upload(ctx, "up/big.bin", src, &cossdk.MultiUploadOptions{PartSize: 1, ThreadPoolSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(res.ETag, `-6"`) {
		t.Errorf("ETag %s, want 6 parts", res.ETag)
	}
	if resp.Header.Get("x-cos-hash-crc64ecma") != crcOf(data) {
		t.Errorf("complete CRC %s", resp.Header.Get("x-cos-hash-crc64ecma"))
	}
	hr, err := c.Object.Head(ctx, "up/big.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkObjectHeaders(t, "HEAD uploaded", hr.Header, data, false)

	dst := filepath.Join(dir, "dst.bin")
	if _, err := c.Object.Download(ctx, "up/big.bin", dst, &cossdk.MultiDownloadOptions{PartSize: 1, ThreadPoolSize: 3}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded file differs (%d bytes, %v)", len(got), err)
	}

	// A checkpointed upload resumes an upload started before.
	if _, _, err := c.Object.Upload(ctx, "up/resumed.bin", src, &cossdk.MultiUploadOptions{PartSize: 2, CheckPoint: true}); err != nil {
		t.Fatal(err)
	}
	if body, _ := get(t, c, "up/resumed.bin", nil); !bytes.Equal(body, data) {
		t.Error("checkpointed upload differs")
	}

	small := filepath.Join(dir, "small.bin")
	sdata := randBytes(1000, 43)
	if err := os.WriteFile(small, sdata, 0o600); err != nil {
		t.Fatal(err)
	}
	res, _, err = c.Object.Upload(ctx, "up/small.bin", small, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.ETag != etagOf(sdata) {
		t.Errorf("single-part upload ETag %s", res.ETag)
	}
	if _, err := c.Object.Download(ctx, "up/small.bin", dst, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, sdata) {
		t.Error("small download differs")
	}
}
