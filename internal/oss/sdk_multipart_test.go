package oss_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// multipartETag is the ETag OSS gives an object of these parts.
func multipartETag(parts ...[]byte) string {
	var sums []byte
	for _, p := range parts {
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
	}
	s := md5.Sum(sums)
	return `"` + strings.ToUpper(hex.EncodeToString(s[:])) + "-" + strconv.Itoa(len(parts)) + `"`
}

// TestMultipartV1: aliyun-oss-go-sdk's multipart calls, step by step:
// initiate, upload part, upload part copy, list parts, list uploads,
// complete and abort.
func TestMultipartV1(t *testing.T) {
	e := newEnv(t, "mpv1")
	p1, p2, p3 := randBytes(120<<10, 1), randBytes(100<<10, 2), randBytes(1000, 3)
	e.put("copy-src", append(append([]byte(nil), bytes.Repeat([]byte("s"), 50)...), p2...))
	imur, err := e.v1.InitiateMultipartUpload("multi part+key", ossv1.Meta("m", "1"), ossv1.ContentType("text/mp"), ossv1.ObjectStorageClass(ossv1.StorageIA))
	if err != nil || imur.UploadID == "" || imur.Key != "multi part+key" || imur.Bucket != e.bucket {
		t.Fatalf("initiate = %+v, %v", imur, err)
	}
	var h http.Header
	up1, err := e.v1.UploadPart(imur, bytes.NewReader(p1), int64(len(p1)), 1, ossv1.GetResponseHeader(&h))
	if err != nil || up1.ETag != etagOf(p1) || h.Get("Content-MD5") != md5B64(p1) || h.Get("x-oss-hash-crc64ecma") != crcOf(p1) {
		t.Fatalf("part 1 = %+v, %v, %v", up1, h, err)
	}
	up2, err := e.v1.UploadPartCopy(imur, e.bucket, "copy-src", 50, int64(len(p2)), 2)
	if err != nil || up2.ETag != etagOf(p2) {
		t.Fatalf("part copy = %+v, %v", up2, err)
	}
	up3, err := e.v1.UploadPart(imur, bytes.NewReader(p3), int64(len(p3)), 3)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := e.v1.ListUploadedParts(imur)
	if err != nil || len(lp.UploadedParts) != 3 || lp.UploadedParts[1].Size != len(p2) || lp.UploadedParts[2].ETag != etagOf(p3) || lp.Key != "multi part+key" {
		t.Fatalf("list parts = %+v, %v", lp, err)
	}
	lp, err = e.v1.ListUploadedParts(imur, ossv1.MaxParts(2))
	if err != nil || len(lp.UploadedParts) != 2 || !lp.IsTruncated || lp.NextPartNumberMarker != "2" {
		t.Fatalf("list parts page = %+v, %v", lp, err)
	}
	other, err := e.v1.InitiateMultipartUpload("another")
	if err != nil {
		t.Fatal(err)
	}
	lu, err := e.v1.ListMultipartUploads()
	if err != nil || len(lu.Uploads) != 2 || lu.Uploads[0].Key != "another" || lu.Uploads[1].Key != "multi part+key" || lu.Uploads[1].Initiated.IsZero() {
		t.Fatalf("list uploads = %+v, %v", lu, err)
	}
	lu, err = e.v1.ListMultipartUploads(ossv1.MaxUploads(1))
	if err != nil || len(lu.Uploads) != 1 || !lu.IsTruncated || lu.NextKeyMarker != "another" {
		t.Fatalf("list uploads page = %+v, %v", lu, err)
	}
	if err := e.v1.AbortMultipartUpload(other); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "abort twice", e.v1.AbortMultipartUpload(other), 404, "NoSuchUpload")

	var ch http.Header
	res, err := e.v1.CompleteMultipartUpload(imur, []ossv1.UploadPart{up1, up2, up3}, ossv1.GetResponseHeader(&ch))
	all := append(append(append([]byte(nil), p1...), p2...), p3...)
	if err != nil || res.ETag != multipartETag(p1, p2, p3) || res.Key != "multi part+key" || res.Location == "" || ch.Get("x-oss-hash-crc64ecma") != crcOf(all) {
		t.Fatalf("complete = %+v, %v, %v", res, ch, err)
	}
	got, gh := e.get("multi part+key")
	if !bytes.Equal(got, all) || gh.Get("x-oss-object-type") != "Multipart" || gh.Get("x-oss-meta-m") != "1" || gh.Get("Content-Type") != "text/mp" ||
		gh.Get("x-oss-storage-class") != "IA" || gh.Get("Content-MD5") != "" || gh.Get("x-oss-hash-crc64ecma") != crcOf(all) {
		t.Errorf("GET multipart: %d bytes, %v", len(got), gh)
	}
	_, err = e.v1.ListUploadedParts(imur)
	wantErr(t, "parts of a completed upload", err, 404, "NoSuchUpload")

	// Complete's checks.
	imur, _ = e.v1.InitiateMultipartUpload("bad")
	small1, _ := e.v1.UploadPart(imur, bytes.NewReader([]byte("tiny")), 4, 1)
	small2, _ := e.v1.UploadPart(imur, bytes.NewReader([]byte("end")), 3, 2)
	_, err = e.v1.CompleteMultipartUpload(imur, []ossv1.UploadPart{small1, small2})
	wantErr(t, "part under 100 KB", err, 400, "EntityTooSmall")
	_, err = e.v1.CompleteMultipartUpload(imur, []ossv1.UploadPart{{PartNumber: 1, ETag: `"00000000000000000000000000000000"`}})
	wantErr(t, "wrong ETag", err, 400, "InvalidPart")
	_, _, err = e.request("POST", e.bucket, "bad", "uploadId="+imur.UploadID,
		[]byte(`<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>`+small2.ETag+`</ETag></Part><Part><PartNumber>1</PartNumber><ETag>`+small1.ETag+`</ETag></Part></CompleteMultipartUpload>`), nil, e.signV1)
	wantErr(t, "parts out of order", err, 400, "InvalidPartOrder")
	_, err = e.v1.UploadPart(imur, bytes.NewReader([]byte("x")), 1, 10001)
	wantErr(t, "part 10001", err, 400, "InvalidArgument")
	_, err = e.v1.UploadPart(ossv1.InitiateMultipartUploadResult{Bucket: e.bucket, Key: "bad", UploadID: "nosuchupload"}, bytes.NewReader([]byte("x")), 1, 1)
	wantErr(t, "unknown upload", err, 404, "NoSuchUpload")
	// A single small part is a whole object.
	if _, err := e.v1.CompleteMultipartUpload(imur, []ossv1.UploadPart{small1}); err != nil {
		t.Errorf("complete with one part: %v", err)
	}
}

// TestMultipartV2: alibabacloud-oss-go-sdk-v2's multipart calls with
// encoding-type=url, x-oss-complete-all, the ACL and forbid-overwrite at
// Complete, and versioning.
func TestMultipartV2(t *testing.T) {
	e := newEnv(t, "mpv2").versioned()
	ctx := context.Background()
	key := "v2 multi/\f\v+%.bin"
	init, err := e.v2.InitiateMultipartUpload(ctx, &ossv2.InitiateMultipartUploadRequest{Bucket: &e.bucket, Key: &key})
	if err != nil || *init.Key != key {
		t.Fatalf("initiate = %+v, %v", init, err)
	}
	p1, p2 := randBytes(150<<10, 4), randBytes(10, 5)
	for i, p := range [][]byte{p1, p2} {
		r, err := e.v2.UploadPart(ctx, &ossv2.UploadPartRequest{Bucket: &e.bucket, Key: &key, UploadId: init.UploadId, PartNumber: int32(i + 1), Body: bytes.NewReader(p)})
		if err != nil || *r.ETag != etagOf(p) || *r.ContentMD5 != md5B64(p) || *r.HashCRC64 != crcOf(p) {
			t.Fatalf("part %d = %+v, %v", i+1, r, err)
		}
	}
	var parts []int32
	for pg := e.v2.NewListPartsPaginator(&ossv2.ListPartsRequest{Bucket: &e.bucket, Key: &key, UploadId: init.UploadId, MaxParts: 1}); pg.HasNext(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if *page.Key != key {
			t.Errorf("ListParts key %q", *page.Key)
		}
		for _, p := range page.Parts {
			parts = append(parts, p.PartNumber)
			if p.HashCRC64 == nil || *p.HashCRC64 == "" {
				t.Errorf("part without HashCrc64ecma: %+v", p)
			}
		}
	}
	if !slices.Equal(parts, []int32{1, 2}) {
		t.Errorf("paged parts = %v", parts)
	}
	var uploads []string
	for pg := e.v2.NewListMultipartUploadsPaginator(&ossv2.ListMultipartUploadsRequest{Bucket: &e.bucket}); pg.HasNext(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Uploads {
			uploads = append(uploads, *u.Key)
		}
	}
	if !slices.Equal(uploads, []string{key}) {
		t.Errorf("uploads = %q", uploads)
	}
	// x-oss-complete-all with a body is refused; without one it takes
	// every part.
	_, err = e.v2.CompleteMultipartUpload(ctx, &ossv2.CompleteMultipartUploadRequest{Bucket: &e.bucket, Key: &key, UploadId: init.UploadId, CompleteAll: ptr("yes"),
		CompleteMultipartUpload: &ossv2.CompleteMultipartUpload{Parts: []ossv2.UploadPart{{PartNumber: 1, ETag: ptr(etagOf(p1))}}}})
	wantErr(t, "complete-all with a body", err, 400, "InvalidArgument")
	res, err := e.v2.CompleteMultipartUpload(ctx, &ossv2.CompleteMultipartUploadRequest{Bucket: &e.bucket, Key: &key, UploadId: init.UploadId,
		CompleteAll: ptr("yes"), Acl: ossv2.ObjectACLPublicRead})
	if err != nil || *res.Key != key || *res.ETag != multipartETag(p1, p2) || *res.HashCRC64 != crcOf(append(append([]byte(nil), p1...), p2...)) || res.VersionId == nil {
		t.Fatalf("complete-all = %+v, %v", res, err)
	}
	if a, err := e.v1.GetObjectACL(key); err != nil || a.ACL != "public-read" {
		t.Errorf("ACL set at Complete = %+v, %v", a, err)
	}

	// The uploader: parts in parallel, its CRC checked against Complete's.
	big := randBytes(900<<10, 6)
	path := t.TempDir() + "/big"
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	u := e.v2.NewUploader(func(o *ossv2.UploaderOptions) { o.PartSize = 200 << 10; o.ParallelNum = 3 })
	if _, err := u.UploadFile(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr("uploaded")}, path); err != nil {
		t.Fatalf("uploader: %v", err)
	}
	if err := e.v1.UploadFile("uploaded-v1", path, 200<<10, ossv1.Routines(3)); err != nil {
		t.Fatalf("v1 UploadFile: %v", err)
	}
	for _, k := range []string{"uploaded", "uploaded-v1"} {
		if got, h := e.get(k); !bytes.Equal(got, big) || h.Get("x-oss-object-type") != "Multipart" {
			t.Errorf("%s: %d bytes, %v", k, len(got), h.Get("x-oss-object-type"))
		}
	}
}

// TestMultipartForbidOverwrite: x-oss-forbid-overwrite at Complete.
func TestMultipartForbidOverwrite(t *testing.T) {
	e := newEnv(t, "mpforbid")
	ctx := context.Background()
	init, err := e.v2.InitiateMultipartUpload(ctx, &ossv2.InitiateMultipartUploadRequest{Bucket: &e.bucket, Key: ptr("k")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.v2.UploadPart(ctx, &ossv2.UploadPartRequest{Bucket: &e.bucket, Key: ptr("k"), UploadId: init.UploadId, PartNumber: 1, Body: strings.NewReader("x")})
	if err != nil {
		t.Fatal(err)
	}
	e.put("k", []byte("exists"))
	_, err = e.v2.CompleteMultipartUpload(ctx, &ossv2.CompleteMultipartUploadRequest{Bucket: &e.bucket, Key: ptr("k"), UploadId: init.UploadId, ForbidOverwrite: ptr("true"),
		CompleteMultipartUpload: &ossv2.CompleteMultipartUpload{Parts: []ossv2.UploadPart{{PartNumber: 1, ETag: r.ETag}}}})
	wantErr(t, "complete over an existing key", err, 409, "FileAlreadyExists")
	if _, err := e.v2.AbortMultipartUpload(ctx, &ossv2.AbortMultipartUploadRequest{Bucket: &e.bucket, Key: ptr("k"), UploadId: init.UploadId}); err != nil {
		t.Fatal(err)
	}
}
