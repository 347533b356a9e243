package oss_test

import (
	"bytes"
	"context"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// TestPutGetHeadDelete: PutObject, GetObject, HeadObject, GetObjectMeta,
// IsObjectExist and DeleteObject with both SDKs: data, the content
// headers, user metadata and every header OSS answers with.
func TestPutGetHeadDelete(t *testing.T) {
	e := newEnv(t, "obj")
	ctx := context.Background()
	for _, size := range []int{0, 5, 200 << 10} {
		data := randBytes(size, uint64(size))
		key := "sized/" + strconv.Itoa(size)
		h := e.put(key, data, ossv1.ContentType("text/x-test"), ossv1.CacheControl("no-cache"),
			ossv1.ContentDisposition("attachment; filename=a.txt"), ossv1.ContentEncoding("identity"),
			ossv1.Expires(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), ossv1.Meta("Color", "blue"), ossv1.Meta("n", "1"))
		if h.Get("ETag") != etagOf(data) || h.Get("Content-MD5") != md5B64(data) || h.Get("x-oss-hash-crc64ecma") != crcOf(data) || len(h.Get("x-oss-request-id")) != 24 {
			t.Errorf("PUT %d headers %v", size, h)
		}
		got, gh := e.get(key)
		if !bytes.Equal(got, data) {
			t.Fatalf("GET %d: %d bytes", size, len(got))
		}
		checkObjectHeaders(t, "GET "+key, gh, data)
		for k, v := range map[string]string{"Content-Type": "text/x-test", "Cache-Control": "no-cache", "Content-Disposition": "attachment; filename=a.txt",
			"Content-Encoding": "identity", "X-Oss-Meta-Color": "blue", "X-Oss-Meta-N": "1", "Content-Length": strconv.Itoa(size)} {
			if gh.Get(k) != v {
				t.Errorf("GET %d: %s = %q, want %q", size, k, gh.Get(k), v)
			}
		}
		hh, err := e.v1.GetObjectDetailedMeta(key)
		if err != nil {
			t.Fatal(err)
		}
		checkObjectHeaders(t, "HEAD "+key, hh, data)
		if hh.Get("Content-Length") != strconv.Itoa(size) || hh.Get("Last-Modified") == "" {
			t.Errorf("HEAD %d: %v", size, hh)
		}
		v2h, err := e.v2.HeadObject(ctx, &ossv2.HeadObjectRequest{Bucket: &e.bucket, Key: &key})
		if err != nil || v2h.ContentLength != int64(size) || *v2h.ObjectType != "Normal" || *v2h.HashCRC64 != crcOf(data) || v2h.Metadata["color"] != "blue" {
			t.Errorf("v2 HEAD = %+v, %v", v2h, err)
		}
		m, err := e.v1.GetObjectMeta(key)
		if err != nil || m.Get("ETag") != etagOf(data) || m.Get("x-oss-hash-crc64ecma") != crcOf(data) || m.Get("Content-Length") != strconv.Itoa(size) {
			t.Errorf("GetObjectMeta = %v, %v", m, err)
		}
		if m, err := e.v2.GetObjectMeta(ctx, &ossv2.GetObjectMetaRequest{Bucket: &e.bucket, Key: &key}); err != nil || *m.ETag != etagOf(data) || m.LastModified == nil {
			t.Errorf("v2 GetObjectMeta = %+v, %v", m, err)
		}
	}
	// alibabacloud-oss-go-sdk-v2 checks the CRC of what it uploads and
	// downloads; it sends Content-MD5 with every call.
	big := randBytes(300<<10, 7)
	if r, err := e.v2.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr("v2/big"), Body: bytes.NewReader(big),
		ContentType: ptr("application/x-big"), Metadata: map[string]string{"k": "v"}}); err != nil || *r.ETag != etagOf(big) || *r.ContentMD5 != md5B64(big) {
		t.Fatalf("v2 put = %+v, %v", r, err)
	}
	g, err := e.v2.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("v2/big"), ResponseContentType: ptr("text/override")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(g.Body)
	g.Body.Close()
	if err != nil || !bytes.Equal(got, big) || *g.ContentType != "text/override" || g.Metadata["k"] != "v" || *g.ContentMD5 != md5B64(big) {
		t.Errorf("v2 get = %d bytes, %+v, %v", len(got), g, err)
	}
	if ok, err := e.v1.IsObjectExist("v2/big"); err != nil || !ok {
		t.Errorf("IsObjectExist = %v, %v", ok, err)
	}
	if ok, err := e.v2.IsObjectExist(ctx, e.bucket, "nope"); err != nil || ok {
		t.Errorf("v2 IsObjectExist(missing) = %v, %v", ok, err)
	}
	_, err = e.v1.GetObject("nope")
	wantErr(t, "GET missing", err, 404, "NoSuchKey")
	if _, _, ec, _ := svcErr(err); ec != "0026-00000001" {
		t.Errorf("NoSuchKey EC = %q", ec)
	}
	_, err = e.v2.HeadObject(ctx, &ossv2.HeadObjectRequest{Bucket: &e.bucket, Key: ptr("nope")})
	wantErr(t, "HEAD missing (x-oss-err)", err, 404, "NoSuchKey")

	// Deletes answer 204, for missing keys too.
	var dh http.Header
	if err := e.v1.DeleteObject("v2/big", ossv1.GetResponseHeader(&dh)); err != nil || dh.Get("x-oss-version-id") != "" {
		t.Errorf("delete = %v, %v", dh, err)
	}
	if err := e.v1.DeleteObject("v2/big"); err != nil {
		t.Errorf("delete missing: %v", err)
	}
	if _, err := e.v2.DeleteObject(ctx, &ossv2.DeleteObjectRequest{Bucket: &e.bucket, Key: ptr("sized/5")}); err != nil {
		t.Errorf("v2 delete: %v", err)
	}

	// Integrity and limits.
	wantErr(t, "wrong Content-MD5", e.v1.PutObject("md5", strings.NewReader("abc"), ossv1.ContentMD5(md5B64([]byte("abd")))), 400, "InvalidDigest")
	_, _, err = e.request("PUT", e.bucket, "md5", "", []byte("abc"), hdr("Content-MD5", "not-base64"), e.signV1)
	wantErr(t, "malformed Content-MD5", err, 400, "InvalidDigest")
	if _, _, ec, _ := svcErr(err); ec != "0017-00000502" {
		t.Errorf("malformed Content-MD5 EC = %q", ec)
	}
	if err := e.v1.PutObject("meta-ok", strings.NewReader("x"), ossv1.Meta("big", strings.Repeat("v", 8000))); err != nil {
		t.Errorf("8000 bytes of metadata: %v", err)
	}
	wantErr(t, "metadata over 8 KB", e.v1.PutObject("meta", strings.NewReader("x"), ossv1.Meta("big", strings.Repeat("v", 8<<10))), 400, "InvalidArgument")
	for _, k := range []string{"/lead", "\\lead", strings.Repeat("k", 1024)} {
		_, _, err := e.request("PUT", e.bucket, k, "", []byte("x"), nil, e.signV1)
		wantErr(t, "key "+k[:5], err, 400, "InvalidObjectName")
	}
	if err := e.v1.PutObject(strings.Repeat("k", 1023), strings.NewReader("x")); err != nil {
		t.Errorf("1023-byte key: %v", err)
	}
	_, _, err = e.request("PUT", "obj-missing", "k", "", []byte("x"), nil, e.signV1)
	wantErr(t, "PUT to a missing bucket", err, 404, "NoSuchBucket")
}

// TestObjectACLAndStorageClass: x-oss-object-acl, Put/GetObjectAcl,
// x-oss-storage-class.
func TestObjectACLAndStorageClass(t *testing.T) {
	e := newEnv(t, "oacl")
	ctx := context.Background()
	e.put("k", []byte("x"))
	if a, err := e.v1.GetObjectACL("k"); err != nil || a.ACL != "default" || a.Owner.ID != e.s.Root.ID {
		t.Errorf("fresh object ACL = %+v, %v", a, err)
	}
	for _, acl := range []ossv1.ACLType{ossv1.ACLPublicRead, ossv1.ACLPublicReadWrite, ossv1.ACLPrivate, ossv1.ACLDefault} {
		if err := e.v1.SetObjectACL("k", acl); err != nil {
			t.Fatal(err)
		}
		if a, err := e.v1.GetObjectACL("k"); err != nil || a.ACL != string(acl) {
			t.Errorf("ACL after %s = %+v, %v", acl, a, err)
		}
	}
	e.put("pub", []byte("x"), ossv1.ObjectACL(ossv1.ACLPublicRead))
	if a, err := e.v2.GetObjectAcl(ctx, &ossv2.GetObjectAclRequest{Bucket: &e.bucket, Key: ptr("pub")}); err != nil || *a.ACL != "public-read" {
		t.Errorf("v2 ACL = %+v, %v", a, err)
	}
	if _, err := e.v2.PutObjectAcl(ctx, &ossv2.PutObjectAclRequest{Bucket: &e.bucket, Key: ptr("pub"), Acl: ossv2.ObjectACLPrivate}); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.request("PUT", e.bucket, "pub", "acl", nil, hdr("x-oss-object-acl", "everyone"), e.signV1)
	wantErr(t, "bad object ACL", err, 400, "InvalidArgument")
	if _, _, ec, _ := svcErr(err); ec != "0017-00000104" {
		t.Errorf("bad object ACL EC = %q", ec)
	}
	_, err = e.v1.GetObjectACL("nope")
	wantErr(t, "ACL of a missing object", err, 404, "NoSuchKey")

	for _, sc := range []ossv1.StorageClassType{ossv1.StorageStandard, ossv1.StorageIA, ossv1.StorageArchive, ossv1.StorageColdArchive, ossv1.StorageDeepColdArchive} {
		e.put("sc/"+string(sc), []byte("x"), ossv1.ObjectStorageClass(sc))
		if h, err := e.v1.GetObjectDetailedMeta("sc/" + string(sc)); err != nil || h.Get("x-oss-storage-class") != string(sc) {
			t.Errorf("class %s: HEAD = %v, %v", sc, h.Get("x-oss-storage-class"), err)
		}
	}
	res, err := e.v1.ListObjects(ossv1.Prefix("sc/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		if "sc/"+o.StorageClass != o.Key {
			t.Errorf("listed class of %s = %s", o.Key, o.StorageClass)
		}
	}
	// A copy keeps the source's class unless it names one, Standard too.
	if _, err := e.v1.CopyObject("sc/IA", "copied-ia"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v1.CopyObject("sc/IA", "copied-std", ossv1.ObjectStorageClass(ossv1.StorageStandard)); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"copied-ia": "IA", "copied-std": "Standard"} {
		if h, err := e.v1.GetObjectDetailedMeta(k); err != nil || h.Get("x-oss-storage-class") != want {
			t.Errorf("%s class = %q, %v", k, h.Get("x-oss-storage-class"), err)
		}
	}
	_, _, err = e.request("PUT", e.bucket, "sc/bad", "", []byte("x"), hdr("x-oss-storage-class", "Glacier"), e.signV1)
	wantErr(t, "bad class", err, 400, "InvalidArgument")
	if _, _, ec, _ := svcErr(err); ec != "0017-00000132" {
		t.Errorf("bad class EC = %q", ec)
	}
}

// TestForbidOverwrite: x-oss-forbid-overwrite on PutObject, CopyObject,
// multipart and symlinks; ignored under versioning.
func TestForbidOverwrite(t *testing.T) {
	e := newEnv(t, "forbid")
	ctx := context.Background()
	e.put("k", []byte("one"), ossv1.ForbidOverWrite(true))
	err := e.v1.PutObject("k", strings.NewReader("two"), ossv1.ForbidOverWrite(true))
	wantErr(t, "overwrite", err, 409, "FileAlreadyExists")
	e.put("k", []byte("three"), ossv1.ForbidOverWrite(false))
	_, err = e.v2.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr("k"), Body: strings.NewReader("x"), ForbidOverwrite: ptr("true")})
	wantErr(t, "v2 overwrite", err, 409, "FileAlreadyExists")
	_, err = e.v1.CopyObject("k", "k", ossv1.ForbidOverWrite(true))
	wantErr(t, "copy onto itself", err, 409, "FileAlreadyExists")
	if _, err := e.v1.CopyObject("k", "k2", ossv1.ForbidOverWrite(true)); err != nil {
		t.Errorf("copy to a new key: %v", err)
	}
	_, err = e.v1.InitiateMultipartUpload("k", ossv1.ForbidOverWrite(true))
	wantErr(t, "initiate over an existing key", err, 409, "FileAlreadyExists")
	wantErr(t, "symlink over an existing key", e.v1.PutSymlink("k", "k2", ossv1.ForbidOverWrite(true)), 409, "FileAlreadyExists")
	_, _, err = e.request("PUT", e.bucket, "k", "", []byte("x"), hdr("x-oss-forbid-overwrite", "maybe"), e.signV1)
	wantErr(t, "bad value", err, 400, "InvalidArgument")
	if data, _ := e.get("k"); string(data) != "three" {
		t.Errorf("k = %q", data)
	}
	e.versioned()
	e.put("k", []byte("four"), ossv1.ForbidOverWrite(true))
	if data, _ := e.get("k"); string(data) != "four" {
		t.Errorf("versioned k = %q", data)
	}
}

// TestServerSideEncryption: AES256 and KMS on upload, echoed on reads.
func TestServerSideEncryption(t *testing.T) {
	e := newEnv(t, "sse")
	ctx := context.Background()
	data := randBytes(100<<10, 3)
	h := e.put("aes", data, ossv1.ServerSideEncryption("AES256"))
	if h.Get("x-oss-server-side-encryption") != "AES256" {
		t.Errorf("PUT AES256 headers %v", h)
	}
	got, gh := e.get("aes")
	if !bytes.Equal(got, data) || gh.Get("x-oss-server-side-encryption") != "AES256" {
		t.Errorf("GET AES256: %d bytes, %v", len(got), gh)
	}
	checkObjectHeaders(t, "GET AES256", gh, data)
	r, err := e.v2.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &e.bucket, Key: ptr("kms"), Body: bytes.NewReader(data),
		ServerSideEncryption: ptr("KMS"), ServerSideEncryptionKeyId: ptr("my-key")})
	if err != nil || r.Headers.Get("x-oss-server-side-encryption") != "KMS" || r.Headers.Get("x-oss-server-side-encryption-key-id") != "my-key" {
		t.Fatalf("v2 PUT KMS = %+v, %v", r, err)
	}
	hd, err := e.v2.HeadObject(ctx, &ossv2.HeadObjectRequest{Bucket: &e.bucket, Key: ptr("kms")})
	if err != nil || *hd.ServerSideEncryption != "KMS" || *hd.ServerSideEncryptionKeyId != "my-key" {
		t.Errorf("HEAD KMS = %+v, %v", hd, err)
	}
	if got, _ := e.get("kms"); !bytes.Equal(got, data) {
		t.Error("KMS data differs")
	}
	wantErr(t, "bad algorithm", e.v1.PutObject("bad", strings.NewReader("x"), ossv1.ServerSideEncryption("DES")), 400, "InvalidEncryptionAlgorithmError")
	wantErr(t, "SM4", e.v1.PutObject("bad", strings.NewReader("x"), ossv1.ServerSideEncryption("SM4")), 501, "NotImplemented")
	wantErr(t, "key id without KMS", e.v1.PutObject("bad", strings.NewReader("x"), ossv1.ServerSideEncryption("AES256"), ossv1.ServerSideEncryptionKeyID("k")), 400, "InvalidArgument")
}

// TestConditionalAndRange: the four conditional headers, OSS's legacy
// range behaviour and x-oss-range-behavior: standard, and the ranged
// downloads of both SDKs.
func TestConditionalAndRange(t *testing.T) {
	e := newEnv(t, "cond")
	data := randBytes(1000, 9)
	e.put("k", data)
	tag := etagOf(data)
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	status := func(opts ...ossv1.Option) int {
		t.Helper()
		r, err := e.v1.GetObject("k", opts...)
		if err == nil {
			r.Close()
			return 200
		}
		if st, _, _, ok := svcErr(err); ok {
			return st
		}
		if strings.Contains(err.Error(), "304") {
			return 304
		}
		t.Fatalf("GET: %v", err)
		return 0
	}
	for _, tc := range []struct {
		name string
		opt  ossv1.Option
		want int
	}{
		{"If-Match hit", ossv1.IfMatch(tag), 200},
		{"If-Match miss", ossv1.IfMatch(`"0000"`), 412},
		{"If-None-Match hit", ossv1.IfNoneMatch(tag), 304},
		{"If-None-Match miss", ossv1.IfNoneMatch(`"0000"`), 200},
		{"If-Modified-Since past", ossv1.IfModifiedSince(past), 200},
		{"If-Modified-Since future", ossv1.IfModifiedSince(future), 304},
		{"If-Unmodified-Since past", ossv1.IfUnmodifiedSince(past), 412},
		{"If-Unmodified-Since future", ossv1.IfUnmodifiedSince(future), 200},
	} {
		if got := status(tc.opt); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	_, err := e.v1.GetObjectDetailedMeta("k", ossv1.IfMatch(`"0000"`))
	wantErr(t, "HEAD If-Match miss", err, 412, "PreconditionFailed")

	for _, tc := range []struct {
		rng, behavior string
		status        int
		contentRange  string
		n             int
	}{
		{"bytes=10-19", "", 206, "bytes 10-19/1000", 10},
		{"bytes=990-", "", 206, "bytes 990-999/1000", 10},
		{"bytes=-5", "", 206, "bytes 995-999/1000", 5},
		{"bytes=0-1,5-9", "", 206, "bytes 0-1/1000", 2},
		{"bytes=990-2000", "", 200, "", 1000},
		{"bytes=1000-", "", 200, "", 1000},
		{"byte=0-1", "", 200, "", 1000},
		{"bytes=990-2000", "standard", 206, "bytes 990-999/1000", 10},
		{"bytes=1000-", "standard", 416, "bytes */1000", 0},
	} {
		h := hdr("Range", tc.rng)
		if tc.behavior != "" {
			h.Set("x-oss-range-behavior", tc.behavior)
		}
		resp, body, _ := e.request("GET", e.bucket, "k", "", nil, h, e.signV1)
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Range") != tc.contentRange || (tc.status < 300 && len(body) != tc.n) {
			t.Errorf("%s %s: %d %q %d bytes, want %d %q %d", tc.rng, tc.behavior, resp.StatusCode, resp.Header.Get("Content-Range"), len(body), tc.status, tc.contentRange, tc.n)
		}
		if tc.status == 206 && !bytes.Equal(body, data[mustStart(tc.contentRange):][:len(body)]) {
			t.Errorf("%s: wrong bytes", tc.rng)
		}
	}
	got, _ := e.get("k", ossv1.Range(100, 199))
	if !bytes.Equal(got, data[100:200]) {
		t.Error("v1 Range read differs")
	}

	// The downloaders: alibabacloud-oss-go-sdk-v2's (HEAD, then ranged GETs
	// with x-oss-range-behavior: standard, checking ETags and CRC) and
	// aliyun-oss-go-sdk's DownloadFile (ranges and a combined CRC).
	big := randBytes(700<<10, 11)
	e.put("big", big)
	dir := t.TempDir()
	d := e.v2.NewDownloader(func(o *ossv2.DownloaderOptions) { o.PartSize = 200 << 10; o.ParallelNum = 3 })
	if _, err := d.DownloadFile(context.Background(), &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("big")}, dir+"/v2"); err != nil {
		t.Fatalf("v2 downloader: %v", err)
	}
	if err := e.v1.DownloadFile("big", dir+"/v1", 200<<10, ossv1.Routines(3)); err != nil {
		t.Fatalf("v1 DownloadFile: %v", err)
	}
	for _, f := range []string{"v1", "v2"} {
		if b := readFile(t, dir+"/"+f); !bytes.Equal(b, big) {
			t.Errorf("%s download differs", f)
		}
	}
}

// mustStart is the first offset of a Content-Range "bytes a-b/n".
func mustStart(cr string) int {
	a, _, _ := strings.Cut(strings.TrimPrefix(cr, "bytes "), "-")
	n, _ := strconv.Atoi(a)
	return n
}

// TestDeleteMultipleObjects: quiet and verbose, encoded keys, versions,
// and the limits.
func TestDeleteMultipleObjects(t *testing.T) {
	e := newEnv(t, "mdel")
	ctx := context.Background()
	keys := []string{"a", "b c", "d+e&<f>", "中文"}
	for _, k := range keys {
		e.put(k, []byte(k))
	}
	res, err := e.v1.DeleteObjects([]string{keys[0], keys[1], "missing"})
	if err != nil || !slices.Equal(res.DeletedObjects, []string{"a", "b c", "missing"}) {
		t.Errorf("verbose = %+v, %v", res, err)
	}
	res, err = e.v1.DeleteObjects([]string{keys[2]}, ossv1.DeleteObjectsQuiet(true))
	if err != nil || len(res.DeletedObjects) != 0 {
		t.Errorf("quiet = %+v, %v", res, err)
	}
	r2, err := e.v2.DeleteMultipleObjects(ctx, &ossv2.DeleteMultipleObjectsRequest{Bucket: &e.bucket, Objects: []ossv2.DeleteObject{{Key: ptr(keys[3])}}})
	if err != nil || len(r2.DeletedObjects) != 1 || *r2.DeletedObjects[0].Key != keys[3] {
		t.Errorf("v2 = %+v, %v", r2, err)
	}
	if l, _ := e.v1.ListObjects(); len(l.Objects) != 0 {
		t.Errorf("left: %+v", l.Objects)
	}

	// Versioned: markers and version deletes.
	e.versioned()
	e.put("v", []byte("1"))
	var ph http.Header
	e.v1.PutObject("v", strings.NewReader("2"), ossv1.GetResponseHeader(&ph))
	vres, err := e.v1.DeleteObjectVersions([]ossv1.DeleteObject{{Key: "v"}, {Key: "v", VersionId: ph.Get("x-oss-version-id")}})
	if err != nil || len(vres.DeletedObjectsDetail) != 2 {
		t.Fatalf("versions = %+v, %v", vres, err)
	}
	if d := vres.DeletedObjectsDetail[0]; !d.DeleteMarker || d.DeleteMarkerVersionId == "" {
		t.Errorf("marker entry %+v", d)
	}
	if d := vres.DeletedObjectsDetail[1]; d.VersionId != ph.Get("x-oss-version-id") || d.DeleteMarker {
		t.Errorf("version entry %+v", d)
	}

	var many strings.Builder
	many.WriteString("<Delete>")
	for i := 0; i < 1001; i++ {
		many.WriteString("<Object><Key>k" + strconv.Itoa(i) + "</Key></Object>")
	}
	many.WriteString("</Delete>")
	body := []byte(many.String())
	_, _, err = e.request("POST", e.bucket, "", "delete", body, hdr("Content-MD5", md5B64(body)), e.signV1)
	wantErr(t, "1001 keys", err, 400, "MalformedXML")
	body = []byte("<Delete><Object><VersionId>x</VersionId></Object></Delete>")
	_, _, err = e.request("POST", e.bucket, "", "delete", body, nil, e.signV1)
	wantErr(t, "no key", err, 400, "UserKeyMustBeSpecified")
	_, _, err = e.request("POST", e.bucket, "", "delete", []byte("<Delete><Object><Key>a</Key></Object></Delete>"), hdr("Content-MD5", md5B64([]byte("x"))), e.signV1)
	wantErr(t, "bad MD5", err, 400, "InvalidDigest")
}

// TestCopyObject: CopyObject within and across buckets, metadata and
// tagging directives, versions, conditions.
func TestCopyObject(t *testing.T) {
	e := newEnv(t, "copy")
	ctx := context.Background()
	data := randBytes(100<<10, 5)
	e.put("src key+1", data, ossv1.Meta("a", "1"), ossv1.ContentType("text/src"), ossv1.SetTagging(ossv1.Tagging{Tags: []ossv1.Tag{{Key: "t", Value: "1"}}}))
	var h http.Header
	res, err := e.v1.CopyObject("src key+1", "dst", ossv1.GetResponseHeader(&h))
	if err != nil || res.ETag != etagOf(data) || res.LastModified.IsZero() || h.Get("x-oss-hash-crc64ecma") != crcOf(data) || h.Get("x-oss-version-id") != "" {
		t.Fatalf("copy = %+v, %v, %v", res, h, err)
	}
	got, gh := e.get("dst")
	if !bytes.Equal(got, data) || gh.Get("x-oss-meta-a") != "1" || gh.Get("Content-Type") != "text/src" || gh.Get("x-oss-tagging-count") != "1" {
		t.Errorf("COPY directive: %v", gh)
	}
	if _, err := e.v1.CopyObject("src key+1", "dst2", ossv1.MetadataDirective(ossv1.MetaReplace), ossv1.Meta("b", "2")); err != nil {
		t.Fatal(err)
	}
	if _, gh := e.get("dst2"); gh.Get("x-oss-meta-a") != "" || gh.Get("x-oss-meta-b") != "2" || gh.Get("x-oss-tagging-count") != "1" {
		t.Errorf("REPLACE metadata, COPY tags: %v", gh)
	}
	if _, err := e.v2.CopyObject(ctx, &ossv2.CopyObjectRequest{Bucket: &e.bucket, Key: ptr("dst3"), SourceKey: ptr("src key+1"),
		TaggingDirective: ptr("Replace"), Tagging: ptr("x=y&z=w")}); err != nil {
		t.Fatal(err)
	}
	if tg, err := e.v1.GetObjectTagging("dst3"); err != nil || len(tg.Tags) != 2 {
		t.Errorf("COPY metadata, REPLACE tags: %+v, %v", tg, err)
	} else if _, gh := e.get("dst3"); gh.Get("x-oss-meta-a") != "1" {
		t.Errorf("COPY metadata kept: %v", gh)
	}
	// SetObjectMeta copies an object onto itself with new metadata.
	if err := e.v1.SetObjectMeta("dst", ossv1.Meta("c", "3"), ossv1.ContentType("text/new")); err != nil {
		t.Fatal(err)
	}
	if _, gh := e.get("dst"); gh.Get("x-oss-meta-c") != "3" || gh.Get("Content-Type") != "text/new" {
		t.Errorf("SetObjectMeta: %v", gh)
	}
	// Across buckets, both ways.
	other := bucketEnv(t, e.s, "copyto")
	if _, err := e.v1.CopyObjectTo(other.bucket, "in-other", "src key+1"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.v1.CopyObjectFrom(e.bucket, "src key+1", "from-other"); err != nil {
		t.Fatal(err)
	}
	if got, _ := other.get("from-other"); !bytes.Equal(got, data) {
		t.Error("cross-bucket copy differs")
	}
	// Conditions on the source.
	_, err = e.v1.CopyObject("src key+1", "c", ossv1.CopySourceIfMatch(`"0000"`))
	wantErr(t, "copy if-match miss", err, 412, "PreconditionFailed")
	resp, _, _ := e.request("PUT", e.bucket, "c", "", nil, hdr("x-oss-copy-source", "/"+e.bucket+"/src%20key%2B1", "x-oss-copy-source-if-none-match", etagOf(data)), e.signV1)
	if resp.StatusCode != 304 {
		t.Errorf("copy if-none-match hit = %d, want 304", resp.StatusCode)
	}
	_, err = e.v1.CopyObject("missing", "c")
	wantErr(t, "missing source", err, 404, "NoSuchKey")
	_, _, err = e.request("PUT", e.bucket, "c", "", nil, hdr("x-oss-copy-source", "/"+e.bucket), e.signV1)
	wantErr(t, "bad copy source", err, 400, "InvalidArgument")
	_, _, err = e.request("PUT", e.bucket, "c", "", nil, hdr("x-oss-copy-source", "/"+e.bucket+"/dst", "x-oss-metadata-directive", "MOVE"), e.signV1)
	wantErr(t, "bad directive", err, 400, "InvalidArgument")

	// Versions: copy an older version; the source version is reported.
	e.versioned()
	h1 := e.put("vk", []byte("old"))
	e.put("vk", []byte("new"))
	var ch http.Header
	if _, err := e.v1.CopyObject("vk", "vcopy", ossv1.VersionId(h1.Get("x-oss-version-id")), ossv1.GetResponseHeader(&ch)); err != nil {
		t.Fatal(err)
	}
	if ch.Get("x-oss-copy-source-version-id") != h1.Get("x-oss-version-id") || ch.Get("x-oss-version-id") == "" {
		t.Errorf("versioned copy headers %v", ch)
	}
	if got, _ := e.get("vcopy"); string(got) != "old" {
		t.Errorf("copy of the old version = %q", got)
	}
	if r, err := e.v2.CopyObject(ctx, &ossv2.CopyObjectRequest{Bucket: &e.bucket, Key: ptr("vcopy2"), SourceKey: ptr("vk"),
		SourceVersionId: ptr(h1.Get("x-oss-version-id"))}); err != nil || *r.SourceVersionId != h1.Get("x-oss-version-id") || r.VersionId == nil {
		t.Errorf("v2 versioned copy = %+v, %v", r, err)
	}
}

// TestAppendObject: positions, the next position, CRCs, and what cannot
// be appended to.
func TestAppendObject(t *testing.T) {
	e := newEnv(t, "append")
	ctx := context.Background()
	var all []byte
	pos := int64(0)
	for i, n := range []int{0, 10, 70 << 10, 5} {
		piece := randBytes(n, uint64(i))
		next, err := e.v1.AppendObject("log", bytes.NewReader(piece), pos, ossv1.Meta("m", "first"))
		if err != nil {
			t.Fatalf("append %d at %d: %v", n, pos, err)
		}
		all = append(all, piece...)
		pos = next
		if pos != int64(len(all)) {
			t.Fatalf("next position %d, want %d", pos, len(all))
		}
	}
	// With the previous CRC, aliyun-oss-go-sdk checks the combined one.
	res, err := e.v1.DoAppendObject(&ossv1.AppendObjectRequest{ObjectKey: "log", Reader: strings.NewReader("tail"), Position: pos},
		[]ossv1.Option{ossv1.InitCRC(crc64Of(all))})
	if err != nil || res.NextPosition != pos+4 || res.CRC != crc64Of(append(all, "tail"...)) {
		t.Fatalf("append with CRC = %+v, %v", res, err)
	}
	all = append(all, "tail"...)
	got, h := e.get("log")
	if !bytes.Equal(got, all) || h.Get("x-oss-object-type") != "Appendable" || h.Get("x-oss-next-append-position") != strconv.Itoa(len(all)) ||
		h.Get("x-oss-hash-crc64ecma") != crcOf(all) || h.Get("x-oss-meta-m") != "first" || h.Get("Content-MD5") != "" {
		t.Errorf("GET appendable: %d bytes, %v", len(got), h)
	}
	// A wrong position: 409 and where to append.
	_, err = e.v1.AppendObject("log", strings.NewReader("x"), 3)
	wantErr(t, "wrong position", err, 409, "PositionNotEqualToLength")
	resp, _, _ := e.request("POST", e.bucket, "log", "append&position=1", []byte("x"), nil, e.signV1)
	if resp.Header.Get("x-oss-next-append-position") != strconv.Itoa(len(all)) {
		t.Errorf("409 next position %q", resp.Header.Get("x-oss-next-append-position"))
	}
	// alibabacloud-oss-go-sdk-v2.
	r2, err := e.v2.AppendObject(ctx, &ossv2.AppendObjectRequest{Bucket: &e.bucket, Key: ptr("log"), Position: ptr(int64(len(all))), Body: strings.NewReader("v2")})
	if err != nil || r2.NextPosition != int64(len(all)+2) || *r2.HashCRC64 != crcOf(append(all, "v2"...)) {
		t.Errorf("v2 append = %+v, %v", r2, err)
	}
	// Not appendable: a normal object.
	e.put("normal", []byte("x"))
	_, err = e.v1.AppendObject("normal", strings.NewReader("x"), 1)
	wantErr(t, "append to a normal object", err, 409, "ObjectNotAppendable")
	_, _, err = e.request("POST", e.bucket, "log", "append&position=-1", []byte("x"), nil, e.signV1)
	wantErr(t, "negative position", err, 400, "InvalidArgument")
	// PutObject turns an appendable object into a normal one.
	e.put("log", []byte("normal now"))
	if _, h := e.get("log"); h.Get("x-oss-object-type") != "Normal" {
		t.Errorf("after PUT: %v", h.Get("x-oss-object-type"))
	}
	// Appends are allowed in a versioned bucket.
	e.versioned()
	if _, err := e.v1.AppendObject("vlog", strings.NewReader("ab"), 0); err != nil {
		t.Fatal(err)
	}
	var ah http.Header
	if _, err := e.v1.AppendObject("vlog", strings.NewReader("cd"), 2, ossv1.GetResponseHeader(&ah)); err != nil || ah.Get("x-oss-version-id") == "" {
		t.Fatalf("versioned append: %v %v", ah, err)
	}
	if got, _ := e.get("vlog"); string(got) != "abcd" {
		t.Errorf("versioned appendable = %q", got)
	}
}

// TestTagging: Put/Get/DeleteObjectTagging, x-oss-tagging, the limits.
func TestTagging(t *testing.T) {
	e := newEnv(t, "tag")
	ctx := context.Background()
	e.put("k", []byte("x"), ossv1.SetTagging(ossv1.Tagging{Tags: []ossv1.Tag{{Key: "a", Value: "1"}, {Key: "b c", Value: "2+3"}}}))
	tg, err := e.v1.GetObjectTagging("k")
	if err != nil || len(tg.Tags) != 2 || tg.Tags[1].Key != "b c" || tg.Tags[1].Value != "2+3" {
		t.Fatalf("tags from x-oss-tagging = %+v, %v", tg, err)
	}
	if err := e.v1.PutObjectTagging("k", ossv1.Tagging{Tags: []ossv1.Tag{{Key: "only", Value: "one"}}}); err != nil {
		t.Fatal(err)
	}
	g, err := e.v2.GetObjectTagging(ctx, &ossv2.GetObjectTaggingRequest{Bucket: &e.bucket, Key: ptr("k")})
	if err != nil || len(g.Tags) != 1 || *g.Tags[0].Key != "only" {
		t.Errorf("v2 tags = %+v, %v", g, err)
	}
	if _, h := e.get("k"); h.Get("x-oss-tagging-count") != "1" {
		t.Errorf("x-oss-tagging-count = %q", h.Get("x-oss-tagging-count"))
	}
	if _, err := e.v2.PutObjectTagging(ctx, &ossv2.PutObjectTaggingRequest{Bucket: &e.bucket, Key: ptr("k"),
		Tagging: &ossv2.Tagging{TagSet: &ossv2.TagSet{Tags: []ossv2.Tag{{Key: ptr("x"), Value: ptr("y")}}}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.v1.DeleteObjectTagging("k"); err != nil {
		t.Fatal(err)
	}
	if tg, err := e.v1.GetObjectTagging("k"); err != nil || len(tg.Tags) != 0 {
		t.Errorf("after delete = %+v, %v", tg, err)
	}
	var eleven []ossv1.Tag
	for i := 0; i < 11; i++ {
		eleven = append(eleven, ossv1.Tag{Key: "k" + strconv.Itoa(i), Value: "v"})
	}
	wantErr(t, "11 tags", e.v1.PutObjectTagging("k", ossv1.Tagging{Tags: eleven}), 400, "InvalidTag")
	wantErr(t, "long key", e.v1.PutObjectTagging("k", ossv1.Tagging{Tags: []ossv1.Tag{{Key: strings.Repeat("k", 129), Value: "v"}}}), 400, "InvalidTag")
	wantErr(t, "bad chars", e.v1.PutObjectTagging("k", ossv1.Tagging{Tags: []ossv1.Tag{{Key: "a*b", Value: "v"}}}), 400, "InvalidTag")
	_, _, err = e.request("PUT", e.bucket, "t2", "", []byte("x"), hdr("x-oss-tagging", "a=1&a=2"), e.signV1)
	wantErr(t, "duplicate x-oss-tagging", err, 400, "InvalidArgument")
	_, err = e.v1.GetObjectTagging("nope")
	wantErr(t, "tags of a missing object", err, 404, "NoSuchKey")
}

// TestSymlinks: PutSymlink/GetSymlink, reads through a link, and its
// errors.
func TestSymlinks(t *testing.T) {
	e := newEnv(t, "sym")
	ctx := context.Background()
	data := []byte("target data")
	e.put("dir/tar get+%.txt", data, ossv1.ContentType("text/target"))
	if err := e.v1.PutSymlink("link", "dir/tar get+%.txt", ossv1.Meta("l", "1")); err != nil {
		t.Fatal(err)
	}
	h, err := e.v1.GetSymlink("link")
	if err != nil || h.Get("x-oss-meta-l") != "1" {
		t.Fatalf("GetSymlink = %v, %v", h, err)
	}
	if got := h.Get(ossv1.HTTPHeaderOssSymlinkTarget); got != "dir/tar get+%.txt" {
		t.Errorf("v1 target = %q", got)
	}
	// alibabacloud-oss-go-sdk-v2 sends the target as is; one without "+"
	// or "%" reads the same either way.
	if _, err := e.v2.PutSymlink(ctx, &ossv2.PutSymlinkRequest{Bucket: &e.bucket, Key: ptr("link3"), Target: ptr("link-target.txt")}); err != nil {
		t.Fatal(err)
	}
	if g, err := e.v2.GetSymlink(ctx, &ossv2.GetSymlinkRequest{Bucket: &e.bucket, Key: ptr("link3")}); err != nil || *g.Target != "link-target.txt" {
		t.Errorf("v2 GetSymlink = %+v, %v", g, err)
	}
	// GET and HEAD follow the link: the target's data, ETag and length.
	got, gh := e.get("link")
	if !bytes.Equal(got, data) || gh.Get("ETag") != etagOf(data) || gh.Get("x-oss-object-type") != "Symlink" || gh.Get("x-oss-meta-l") != "1" || gh.Get("x-oss-hash-crc64ecma") != crcOf(data) {
		t.Errorf("GET via link = %q %v", got, gh)
	}
	hh, err := e.v2.HeadObject(ctx, &ossv2.HeadObjectRequest{Bucket: &e.bucket, Key: ptr("link")})
	if err != nil || hh.ContentLength != int64(len(data)) || *hh.ObjectType != "Symlink" {
		t.Errorf("HEAD via link = %+v, %v", hh, err)
	}
	if m, err := e.v1.GetObjectMeta("link"); err != nil || m.Get("Content-Length") != "0" {
		t.Errorf("GetObjectMeta reports the link itself: %v, %v", m, err)
	}
	_, err = e.v1.GetObject("link3")
	wantErr(t, "link to nothing", err, 404, "SymlinkTargetNotExist")
	if err := e.v1.PutSymlink("link-to-link", "link"); err != nil {
		t.Fatal(err)
	}
	_, err = e.v1.GetObject("link-to-link")
	wantErr(t, "link to a link", err, 400, "InvalidTargetType")
	_, err = e.v1.GetSymlink("dir/tar get+%.txt")
	wantErr(t, "GetSymlink of an object", err, 400, "NotSymlink")
	_, err = e.v1.GetSymlink("nope")
	wantErr(t, "GetSymlink of nothing", err, 404, "NoSuchKey")
	_, _, err = e.request("PUT", e.bucket, "l", "symlink", nil, nil, e.signV1)
	wantErr(t, "no target", err, 400, "InvalidArgument")
}

func crc64Of(b []byte) uint64 { return crc64.Checksum(b, crcTable) }

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
