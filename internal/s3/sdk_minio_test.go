package s3_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestMinio drives the operations with minio-go, path-style over HTTP
// (where it signs bodies as STREAMING-AWS4-HMAC-SHA256-PAYLOAD) and
// virtual-hosted over HTTPS with trailing headers enabled (where its
// multipart uploads carry CRC32C checksums in aws-chunked trailers).
func TestMinio(t *testing.T) {
	t.Parallel()
	s := start(t)
	for _, cfg := range []arcatest.S3Client{{}, {VirtualHost: true, TLS: true}} {
		name := "path http"
		if cfg.TLS {
			name = "virtual https trailers"
		}
		t.Run(name, func(t *testing.T) {
			minioSuite(t, s, s.Minio(cfg, func(o *minio.Options) { o.TrailingHeaders = cfg.TLS }), cfg)
		})
	}
}

func minioSuite(t *testing.T, s *arcatest.Server, mc *minio.Client, cfg arcatest.S3Client) {
	c := ctx(t)
	bucket := arcatest.Bucket("minio")
	if err := mc.MakeBucket(c, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := mc.BucketExists(c, bucket); !ok || err != nil {
		t.Fatalf("BucketExists = %v, %v", ok, err)
	}
	if loc, err := mc.GetBucketLocation(c, bucket); err != nil || loc != arcatest.S3Region {
		t.Errorf("GetBucketLocation = %q, %v", loc, err)
	}
	// No bucket has an Object Lock configuration (warp probes it).
	if _, _, _, _, err := mc.GetObjectLockConfig(c, bucket); minio.ToErrorResponse(err).Code != "ObjectLockConfigurationNotFoundError" {
		t.Errorf("GetObjectLockConfig = %v", err)
	}
	if ok, _ := mc.BucketExists(c, "no-such-minio-bucket"); ok {
		t.Fatal("BucketExists of a missing bucket")
	}
	buckets, err := mc.ListBuckets(c)
	if err != nil || !slices.ContainsFunc(buckets, func(b minio.BucketInfo) bool { return b.Name == bucket }) {
		t.Fatalf("ListBuckets = %v, %v", buckets, err)
	}

	// Objects: small, and large enough for a multipart upload with the
	// default CRC32C checksums.
	small := []byte("small object")
	info, err := mc.PutObject(c, bucket, "dir/small.txt", bytes.NewReader(small), int64(len(small)), minio.PutObjectOptions{
		ContentType: "text/plain", UserMetadata: map[string]string{"Color": "blue"}, UserTags: map[string]string{"t": "1"}, SendContentMd5: true})
	if err != nil || info.ETag != strings.Trim(etagOf(small), `"`) {
		t.Fatalf("PutObject = %+v, %v", info, err)
	}
	large := randBytes(11*mib, 31)
	info, err = mc.PutObject(c, bucket, "dir/large.bin", bytes.NewReader(large), int64(len(large)), minio.PutObjectOptions{PartSize: 5 * mib})
	if err != nil || !strings.HasSuffix(info.ETag, "-3") {
		t.Fatalf("multipart PutObject = %+v, %v", info, err)
	}
	st, err := mc.StatObject(c, bucket, "dir/large.bin", minio.StatObjectOptions{Checksum: true})
	if err != nil || st.Size != int64(len(large)) || (st.ChecksumCRC32C != "") != cfg.TLS {
		t.Errorf("StatObject = %+v, %v", st, err)
	}
	st, err = mc.StatObject(c, bucket, "dir/small.txt", minio.StatObjectOptions{})
	if err != nil || st.ContentType != "text/plain" || st.UserMetadata["Color"] != "blue" || st.UserTagCount != 1 {
		t.Errorf("StatObject small = %+v, %v", st, err)
	}
	opts := minio.GetObjectOptions{}
	opts.SetRange(1000, 1999)
	obj, err := mc.GetObject(c, bucket, "dir/large.bin", opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(got, large[1000:2000]) {
		t.Errorf("ranged GetObject: %d bytes, %v", len(got), err)
	}
	opts = minio.GetObjectOptions{}
	opts.SetMatchETagExcept(strings.Trim(etagOf(small), `"`))
	obj, _ = mc.GetObject(c, bucket, "dir/small.txt", opts)
	if _, err := io.ReadAll(obj); minio.ToErrorResponse(err).StatusCode != http.StatusNotModified {
		t.Errorf("GetObject if-none-match: %v", err)
	}
	attrs, err := mc.GetObjectAttributes(c, bucket, "dir/large.bin", minio.ObjectAttributesOptions{})
	if err != nil || attrs.ObjectSize != len(large) || attrs.ObjectParts.PartsCount != 3 {
		t.Errorf("GetObjectAttributes = %+v, %v", attrs, err)
	}

	// Listings: V2, V1, and versions.
	var keys []string
	for o := range mc.ListObjects(c, bucket, minio.ListObjectsOptions{Recursive: true, MaxKeys: 1}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		keys = append(keys, o.Key)
	}
	var v1 []string
	for o := range mc.ListObjects(c, bucket, minio.ListObjectsOptions{Prefix: "dir/", UseV1: true}) {
		v1 = append(v1, o.Key)
	}
	if !slices.Equal(keys, []string{"dir/large.bin", "dir/small.txt"}) || !slices.Equal(v1, keys) {
		t.Errorf("ListObjects = %v, V1 %v", keys, v1)
	}

	// Copies: CopyObject, and ComposeObject (UploadPartCopy).
	if _, err := mc.CopyObject(c, minio.CopyDestOptions{Bucket: bucket, Object: "copy.txt", ReplaceMetadata: true,
		UserMetadata: map[string]string{"Replaced": "yes"}}, minio.CopySrcOptions{Bucket: bucket, Object: "dir/small.txt"}); err != nil {
		t.Fatal(err)
	}
	st, _ = mc.StatObject(c, bucket, "copy.txt", minio.StatObjectOptions{})
	if st.UserMetadata["Replaced"] != "yes" || st.Size != int64(len(small)) {
		t.Errorf("copy: %+v", st)
	}
	if _, err := mc.ComposeObject(c, minio.CopyDestOptions{Bucket: bucket, Object: "composed.bin"},
		minio.CopySrcOptions{Bucket: bucket, Object: "dir/large.bin", MatchRange: true, Start: 0, End: 5*mib - 1},
		minio.CopySrcOptions{Bucket: bucket, Object: "dir/small.txt"}); err != nil {
		t.Fatal(err)
	}
	obj, _ = mc.GetObject(c, bucket, "composed.bin", minio.GetObjectOptions{})
	got, _ = io.ReadAll(obj)
	if !bytes.Equal(got, append(append([]byte(nil), large[:5*mib]...), small...)) {
		t.Errorf("composed object differs (%d bytes)", len(got))
	}

	// Tags.
	ot, _ := tags.NewTags(map[string]string{"a": "1", "b": "2"}, true)
	if err := mc.PutObjectTagging(c, bucket, "copy.txt", ot, minio.PutObjectTaggingOptions{}); err != nil {
		t.Fatal(err)
	}
	gt, err := mc.GetObjectTagging(c, bucket, "copy.txt", minio.GetObjectTaggingOptions{})
	if err != nil || len(gt.ToMap()) != 2 {
		t.Errorf("GetObjectTagging = %v, %v", gt, err)
	}
	if err := mc.RemoveObjectTagging(c, bucket, "copy.txt", minio.RemoveObjectTaggingOptions{}); err != nil {
		t.Fatal(err)
	}
	bt, _ := tags.NewTags(map[string]string{"team": "storage"}, false)
	if err := mc.SetBucketTagging(c, bucket, bt); err != nil {
		t.Fatal(err)
	}
	if got, err := mc.GetBucketTagging(c, bucket); err != nil || got.ToMap()["team"] != "storage" {
		t.Errorf("GetBucketTagging = %v, %v", got, err)
	}

	// CORS.
	if err := mc.SetBucketCors(c, bucket, cors.NewConfig([]cors.Rule{{AllowedOrigin: []string{"*"}, AllowedMethod: []string{"GET"}}})); err != nil {
		t.Fatal(err)
	}
	if cc, err := mc.GetBucketCors(c, bucket); err != nil || len(cc.CORSRules) != 1 {
		t.Errorf("GetBucketCors = %+v, %v", cc, err)
	}

	// ACL of an object.
	acl, err := mc.GetObjectACL(c, bucket, "copy.txt")
	if err != nil || len(acl.Grant) != 1 || acl.Grant[0].Permission != "FULL_CONTROL" {
		t.Errorf("GetObjectACL = %+v, %v", acl, err)
	}

	// Incomplete uploads.
	core := minio.Core{Client: mc}
	id, err := core.NewMultipartUpload(c, bucket, "pending", minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var pending []string
	for u := range mc.ListIncompleteUploads(c, bucket, "", true) {
		pending = append(pending, u.Key+":"+u.UploadID)
	}
	if !slices.Equal(pending, []string{"pending:" + id}) {
		t.Errorf("ListIncompleteUploads = %v", pending)
	}
	if err := mc.RemoveIncompleteUpload(c, bucket, "pending"); err != nil {
		t.Fatal(err)
	}

	// Pre-signed URLs and a pre-signed POST policy.
	hc := &http.Client{Transport: s.S3Transport(cfg.TLS)}
	pu, err := mc.PresignedPutObject(c, bucket, "presigned", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, pu.String(), strings.NewReader("via url"))
	if resp, err := hc.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("pre-signed PUT: %v %v", resp, err)
	}
	gu, _ := mc.PresignedGetObject(c, bucket, "presigned", time.Minute, nil)
	if resp, err := hc.Get(gu.String()); err != nil || resp.StatusCode != 200 {
		t.Fatalf("pre-signed GET: %v %v", resp, err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "via url" {
			t.Errorf("pre-signed GET body %q", b)
		}
	}
	pp := minio.NewPostPolicy()
	pp.SetBucket(bucket)
	pp.SetKey("posted")
	pp.SetExpires(time.Now().Add(time.Hour))
	pp.SetContentLengthRange(1, 100)
	pp.SetUserMetadata("origin", "form")
	pp.SetChecksum(minio.NewChecksum(minio.ChecksumCRC32C, []byte(crc32cRaw([]byte("posted data")))))
	postURL, form, err := mc.PresignedPostPolicy(c, pp)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range form {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "f")
	fw.Write([]byte("posted data"))
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, postURL.String(), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, err := hc.Do(req); err != nil || resp.StatusCode != 204 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("pre-signed POST: %v %s %v", resp.Status, b, err)
	}
	st, err = mc.StatObject(c, bucket, "posted", minio.StatObjectOptions{Checksum: true})
	if err != nil || st.UserMetadata["Origin"] != "form" || st.ChecksumCRC32C != crc32cOf([]byte("posted data")) {
		t.Errorf("posted object: %+v, %v", st, err)
	}

	// Encryption: SSE-S3 always; SSE-C, which minio-go sends over TLS only.
	if _, err := mc.PutObject(c, bucket, "sse-s3", bytes.NewReader(small), int64(len(small)), minio.PutObjectOptions{ServerSideEncryption: encrypt.NewSSE()}); err != nil {
		t.Fatal(err)
	}
	if st, err := mc.StatObject(c, bucket, "sse-s3", minio.StatObjectOptions{}); err != nil || st.Metadata.Get("X-Amz-Server-Side-Encryption") != "AES256" {
		t.Errorf("SSE-S3 stat: %v %v", st.Metadata, err)
	}
	if cfg.TLS {
		key, _ := encrypt.NewSSEC(randBytes(32, 99))
		if _, err := mc.PutObject(c, bucket, "sse-c", bytes.NewReader(small), int64(len(small)), minio.PutObjectOptions{ServerSideEncryption: key}); err != nil {
			t.Fatal(err)
		}
		obj, err := mc.GetObject(c, bucket, "sse-c", minio.GetObjectOptions{ServerSideEncryption: key})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(obj); err != nil || !bytes.Equal(got, small) {
			t.Errorf("SSE-C GetObject: %q, %v", got, err)
		}
		obj, _ = mc.GetObject(c, bucket, "sse-c", minio.GetObjectOptions{})
		if _, err := io.ReadAll(obj); err == nil {
			t.Error("SSE-C object read without its key")
		}
	}

	// Versioning and deletes.
	if err := mc.EnableVersioning(c, bucket); err != nil {
		t.Fatal(err)
	}
	if vc, err := mc.GetBucketVersioning(c, bucket); err != nil || !vc.Enabled() {
		t.Errorf("GetBucketVersioning = %+v, %v", vc, err)
	}
	v1info, _ := mc.PutObject(c, bucket, "versioned", strings.NewReader("one"), 3, minio.PutObjectOptions{})
	mc.PutObject(c, bucket, "versioned", strings.NewReader("two"), 3, minio.PutObjectOptions{})
	var versions []string
	for o := range mc.ListObjects(c, bucket, minio.ListObjectsOptions{Prefix: "versioned", WithVersions: true}) {
		versions = append(versions, o.VersionID)
	}
	if len(versions) != 2 || versions[1] != v1info.VersionID {
		t.Errorf("versions = %v", versions)
	}
	if err := mc.RemoveObject(c, bucket, "versioned", minio.RemoveObjectOptions{VersionID: v1info.VersionID}); err != nil {
		t.Fatal(err)
	}
	objs := make(chan minio.ObjectInfo)
	go func() {
		defer close(objs)
		for o := range mc.ListObjects(c, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
			objs <- o
		}
	}()
	for r := range mc.RemoveObjects(c, bucket, objs, minio.RemoveObjectsOptions{}) {
		t.Errorf("RemoveObjects: %+v", r)
	}
	if err := mc.RemoveBucket(c, bucket); err != nil {
		t.Fatalf("RemoveBucket after removing every version: %v", err)
	}
}

// crc32cRaw is the raw (big-endian) CRC32C of data.
func crc32cRaw(data []byte) string {
	b, _ := base64Decode(crc32cOf(data))
	return string(b)
}
