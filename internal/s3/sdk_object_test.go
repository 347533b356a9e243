package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestObject_PutGet covers PutObject with content headers, metadata,
// storage class and Content-MD5, what GET and HEAD return for them, sizes
// around the inline limit, and the refusals of PutObject.
func TestObject_PutGet(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "putget")

	t.Run("sizes", func(t *testing.T) {
		for i, n := range []int{0, 1, 64 << 10, 64<<10 + 1, 1<<20 + 17} {
			key := fmt.Sprintf("size/%d", n)
			data := randBytes(n, uint64(i+1))
			put(t, c, bucket, key, data)
			got, out := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if !bytes.Equal(got, data) || aws.ToInt64(out.ContentLength) != int64(n) || aws.ToString(out.ETag) != etagOf(data) ||
				aws.ToString(out.ContentType) != "application/octet-stream" || aws.ToString(out.AcceptRanges) != "bytes" {
				t.Errorf("%s: %d bytes, length %d ETag %s type %q ranges %q", key, len(got), aws.ToInt64(out.ContentLength),
					aws.ToString(out.ETag), aws.ToString(out.ContentType), aws.ToString(out.AcceptRanges))
			}
			if out.LastModified == nil || time.Since(*out.LastModified) > time.Minute {
				t.Errorf("%s: LastModified %v", key, out.LastModified)
			}
		}
	})

	t.Run("tricky keys", func(t *testing.T) {
		keys := []string{"with space.txt", "unicode/ключ/文件 名.txt", "a+b=c&d.txt", "percent%25%.txt", "dir//double/slash",
			"trailing/", "dots/./x/../y", "semi;colon,comma:colon@at$!'()*", "hash#q?x[y]{z}|^`\\<>\"", "emoji-😀.bin"}
		for _, vh := range []bool{false, true} {
			kc := s.S3(arcatest.S3Client{VirtualHost: vh})
			b := newBucket(t, kc, "tricky")
			for _, k := range keys {
				put(t, kc, b, k, []byte(k))
				got, _ := get(t, kc, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(k)})
				if string(got) != k {
					t.Errorf("virtual=%v key %q read back %q", vh, k, got)
				}
			}
			list, err := kc.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(b)})
			if err != nil || len(list.Contents) != len(keys) {
				t.Fatalf("listing: %d keys, %v", len(list.Contents), err)
			}
			for _, o := range list.Contents {
				if !slices.Contains(keys, aws.ToString(o.Key)) {
					t.Errorf("listed key %q", aws.ToString(o.Key))
				}
			}
		}
	})

	t.Run("headers and metadata", func(t *testing.T) {
		data := []byte("hello, headers")
		expires := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
		_, err := c.PutObject(ctx(t), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("meta.txt"), Body: bytes.NewReader(data),
			ContentType: aws.String("text/plain; charset=utf-8"), CacheControl: aws.String("max-age=60"),
			ContentDisposition: aws.String(`attachment; filename="m.txt"`), ContentEncoding: aws.String("identity"),
			ContentLanguage: aws.String("fr-CA"), Expires: &expires, ContentMD5: aws.String(md5B64(data)),
			Metadata: map[string]string{"author": "alice", "multi-word": "v 2"}, StorageClass: types.StorageClassStandardIa,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, head := range []bool{false, true} {
			var ct, cc, cd, ce, cl, sc string
			var meta map[string]string
			var exp *time.Time
			if head {
				out, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("meta.txt")})
				if err != nil {
					t.Fatal(err)
				}
				ct, cc, cd, ce, cl, sc, meta, exp = aws.ToString(out.ContentType), aws.ToString(out.CacheControl), aws.ToString(out.ContentDisposition),
					aws.ToString(out.ContentEncoding), aws.ToString(out.ContentLanguage), string(out.StorageClass), out.Metadata, out.Expires
				if aws.ToInt64(out.ContentLength) != int64(len(data)) {
					t.Errorf("HEAD Content-Length %d", aws.ToInt64(out.ContentLength))
				}
			} else {
				_, out := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("meta.txt")})
				ct, cc, cd, ce, cl, sc, meta, exp = aws.ToString(out.ContentType), aws.ToString(out.CacheControl), aws.ToString(out.ContentDisposition),
					aws.ToString(out.ContentEncoding), aws.ToString(out.ContentLanguage), string(out.StorageClass), out.Metadata, out.Expires
			}
			if ct != "text/plain; charset=utf-8" || cc != "max-age=60" || cd != `attachment; filename="m.txt"` || ce != "identity" ||
				cl != "fr-CA" || sc != "STANDARD_IA" || meta["author"] != "alice" || meta["multi-word"] != "v 2" || exp == nil || !exp.Equal(expires) {
				t.Errorf("head=%v: %q %q %q %q %q %q %v %v", head, ct, cc, cd, ce, cl, sc, meta, exp)
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		data := []byte("data")
		for _, tc := range []struct {
			name   string
			in     s3.PutObjectInput
			status int
			code   string
		}{
			{"bad Content-MD5", s3.PutObjectInput{Key: aws.String("md5"), ContentMD5: aws.String(md5B64([]byte("other")))}, 400, "BadDigest"},
			{"invalid Content-MD5", s3.PutObjectInput{Key: aws.String("md5"), ContentMD5: aws.String("bm90IG1kNQ==")}, 400, "InvalidDigest"},
			{"metadata too large", s3.PutObjectInput{Key: aws.String("meta"), Metadata: map[string]string{"big": strings.Repeat("x", 2100)}}, 400, "MetadataTooLarge"},
			{"key too long", s3.PutObjectInput{Key: aws.String(strings.Repeat("k", 1025))}, 400, "KeyTooLongError"},
			{"storage class", s3.PutObjectInput{Key: aws.String("sc"), StorageClass: "COLD_FOREVER"}, 400, "InvalidStorageClass"},
			{"no such bucket", s3.PutObjectInput{Bucket: aws.String("no-such-bucket-put"), Key: aws.String("k")}, 404, "NoSuchBucket"},
			{"object lock", s3.PutObjectInput{Key: aws.String("lock"), ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn}, 400, "InvalidRequest"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := tc.in
				if in.Bucket == nil {
					in.Bucket = aws.String(bucket)
				}
				in.Body = bytes.NewReader(data)
				_, err := c.PutObject(ctx(t), &in)
				wantErr(t, err, tc.status, tc.code)
				if tc.status != 404 && len(aws.ToString(in.Key)) <= 1024 {
					_, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: in.Bucket, Key: in.Key})
					wantErr(t, err, 404, "NotFound")
				}
			})
		}
	})

	t.Run("if-none-match", func(t *testing.T) {
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("once"), Body: strings.NewReader("first"), IfNoneMatch: aws.String("*")}
		if _, err := c.PutObject(ctx(t), in); err != nil {
			t.Fatal(err)
		}
		in.Body = strings.NewReader("second")
		_, err := c.PutObject(ctx(t), in)
		wantErr(t, err, 412, "PreconditionFailed")
		got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("once")})
		if string(got) != "first" {
			t.Errorf("after a refused overwrite: %q", got)
		}
	})

	t.Run("if-match", func(t *testing.T) {
		// Compare-and-swap: a PUT with If-Match replaces only the version
		// it names; a missing key is 404, a stale ETag 412.
		_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cas"), Body: strings.NewReader("v0"), IfMatch: aws.String(etagOf([]byte("v0")))})
		wantErr(t, err, 404, "NoSuchKey")
		put(t, c, bucket, "cas", []byte("v1"))
		_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cas"), Body: strings.NewReader("v2"), IfMatch: aws.String(etagOf([]byte("v1")))})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cas"), Body: strings.NewReader("v3"), IfMatch: aws.String(etagOf([]byte("v1")))})
		wantErr(t, err, 412, "PreconditionFailed")
		_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cas"), Body: strings.NewReader("v3"), IfNoneMatch: aws.String(etagOf([]byte("v2")))})
		wantErr(t, err, 412, "PreconditionFailed")
		if got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("cas")}); string(got) != "v2" {
			t.Errorf("after conditional writes: %q, want v2", got)
		}
		// Racing writers that all saw v2: exactly one wins.
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cas"),
					Body: strings.NewReader(fmt.Sprintf("racer-%d", i)), IfMatch: aws.String(etagOf([]byte("v2")))})
				if err == nil {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d of 8 racing If-Match writers won, want 1", wins.Load())
		}
	})

	t.Run("conditional delete", func(t *testing.T) {
		put(t, c, bucket, "cdel", []byte("abc"))
		_, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("cdel"), IfMatch: aws.String(`"0000"`)})
		wantErr(t, err, 412, "PreconditionFailed")
		_, err = c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("cdel"), IfMatchSize: aws.Int64(4)})
		wantErr(t, err, 412, "PreconditionFailed")
		if _, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("cdel")}); err != nil {
			t.Fatalf("refused deletes removed the object: %v", err)
		}
		_, err = c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("cdel"), IfMatch: aws.String(etagOf([]byte("abc"))), IfMatchSize: aws.Int64(3)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("cdel")})
		wantErr(t, err, 404, "NotFound")
		// In a multi-delete, each entry's ETag condition stands alone.
		put(t, c, bucket, "m1", []byte("one"))
		put(t, c, bucket, "m2", []byte("two"))
		out, err := c.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
			{Key: aws.String("m1"), ETag: aws.String(etagOf([]byte("one")))},
			{Key: aws.String("m2"), ETag: aws.String(etagOf([]byte("nope")))},
		}}})
		if err != nil || len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "m1" ||
			len(out.Errors) != 1 || aws.ToString(out.Errors[0].Key) != "m2" || aws.ToString(out.Errors[0].Code) != "PreconditionFailed" {
			t.Fatalf("DeleteObjects with conditions = %+v, %v", out, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		put(t, c, bucket, "gone", []byte("x"))
		for i := 0; i < 2; i++ { // deleting what is absent succeeds too
			out, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("gone")})
			if err != nil || aws.ToBool(out.DeleteMarker) || out.VersionId != nil {
				t.Fatalf("delete %d: %+v, %v", i, out, err)
			}
		}
		_, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("gone")})
		wantErr(t, err, 404, "NoSuchKey")
	})
}

// TestObject_Ranges covers GET with Range.
func TestObject_Ranges(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "range")
	data := randBytes(100000, 9)
	put(t, c, bucket, "obj", data)
	for _, tc := range []struct {
		rng          string
		status       int
		from, to     int // inclusive, for 206
		contentRange string
	}{
		{"bytes=0-9", 206, 0, 9, "bytes 0-9/100000"},
		{"bytes=99990-", 206, 99990, 99999, "bytes 99990-99999/100000"},
		{"bytes=-10", 206, 99990, 99999, "bytes 99990-99999/100000"},
		{"bytes=50000-200000", 206, 50000, 99999, "bytes 50000-99999/100000"},
		{"bytes=100000-", 416, 0, 0, "bytes */100000"},
		{"bytes=5-1", 200, 0, 99999, ""}, // not a valid range: ignored
	} {
		t.Run(tc.rng, func(t *testing.T) {
			out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("obj"), Range: aws.String(tc.rng)})
			if tc.status == 416 {
				wantErr(t, err, 416, "InvalidRange")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if !bytes.Equal(got, data[tc.from:tc.to+1]) || aws.ToString(out.ContentRange) != tc.contentRange {
				t.Errorf("%d bytes, Content-Range %q", len(got), aws.ToString(out.ContentRange))
			}
			if tc.status == 206 && out.ChecksumCRC32 != nil {
				t.Errorf("a range response carries the whole object's checksum %q", aws.ToString(out.ChecksumCRC32))
			}
		})
	}
}

// TestObject_Conditional covers If-Match, If-None-Match, If-Modified-Since
// and If-Unmodified-Since on GET and HEAD.
func TestObject_Conditional(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "cond")
	data := []byte("conditional")
	put(t, c, bucket, "obj", data)
	etag := etagOf(data)
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name   string
		in     s3.GetObjectInput
		status int
	}{
		{"if-match hit", s3.GetObjectInput{IfMatch: aws.String(etag)}, 200},
		{"if-match miss", s3.GetObjectInput{IfMatch: aws.String(`"0000"`)}, 412},
		{"if-none-match hit", s3.GetObjectInput{IfNoneMatch: aws.String(etag)}, 304},
		{"if-none-match miss", s3.GetObjectInput{IfNoneMatch: aws.String(`"0000"`)}, 200},
		{"if-modified-since past", s3.GetObjectInput{IfModifiedSince: &past}, 200},
		{"if-modified-since future", s3.GetObjectInput{IfModifiedSince: &future}, 304},
		{"if-unmodified-since past", s3.GetObjectInput{IfUnmodifiedSince: &past}, 412},
		{"if-unmodified-since future", s3.GetObjectInput{IfUnmodifiedSince: &future}, 200},
		{"if-match wins over if-unmodified-since", s3.GetObjectInput{IfMatch: aws.String(etag), IfUnmodifiedSince: &past}, 200},
		{"if-none-match wins over if-modified-since", s3.GetObjectInput{IfNoneMatch: aws.String(etag), IfModifiedSince: &past}, 304},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket, in.Key = aws.String(bucket), aws.String("obj")
			out, err := c.GetObject(ctx(t), &in)
			switch tc.status {
			case 200:
				if err != nil {
					t.Fatal(err)
				}
				out.Body.Close()
			case 304:
				wantErr(t, err, 304, "")
			case 412:
				wantErr(t, err, 412, "PreconditionFailed")
			}
			_, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: in.Bucket, Key: in.Key, IfMatch: in.IfMatch, IfNoneMatch: in.IfNoneMatch,
				IfModifiedSince: in.IfModifiedSince, IfUnmodifiedSince: in.IfUnmodifiedSince})
			if tc.status == 200 && err != nil || tc.status != 200 && err == nil {
				t.Errorf("HEAD: %v, want %d", err, tc.status)
			}
		})
	}
	// A 304 still names the object.
	resp := do(t, s, rawReq{method: "GET", path: "/" + bucket + "/obj", header: http.Header{"If-None-Match": {etag}}})
	if resp.StatusCode != 304 || resp.Header.Get("ETag") != etag || len(resp.body) != 0 {
		t.Errorf("304 response: %d ETag %q body %q", resp.StatusCode, resp.Header.Get("ETag"), resp.body)
	}
}

// TestObject_ResponseOverrides covers the response-* parameters, which
// anonymous requests may not use.
func TestObject_ResponseOverrides(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "override")
	if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("o"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLPublicRead, ContentType: aws.String("text/plain")}); err != nil {
		t.Fatal(err)
	}
	exp := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("o"),
		ResponseContentType: aws.String("application/json"), ResponseContentDisposition: aws.String("inline"),
		ResponseCacheControl: aws.String("no-store"), ResponseContentLanguage: aws.String("de"),
		ResponseContentEncoding: aws.String("x-enc"), ResponseExpires: &exp}
	_, out := get(t, c, in)
	if aws.ToString(out.ContentType) != "application/json" || aws.ToString(out.ContentDisposition) != "inline" ||
		aws.ToString(out.CacheControl) != "no-store" || aws.ToString(out.ContentLanguage) != "de" ||
		aws.ToString(out.ContentEncoding) != "x-enc" || out.Expires == nil || !out.Expires.Equal(exp) {
		t.Errorf("overrides: %+v", out)
	}
	_, err := anonymous(s).GetObject(ctx(t), in)
	wantErr(t, err, 400, "InvalidRequest")
	// Plain anonymous reads of a public-read object work.
	got, _ := get(t, anonymous(s), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("o")})
	if string(got) != "x" {
		t.Errorf("anonymous GET = %q", got)
	}
}

// TestObject_Copy covers CopyObject: metadata and tagging directives,
// copies to itself, the copy-source conditions, copies of a version and
// across buckets, and a missing source.
func TestObject_Copy(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := versionedBucket(t, c, "copy")
	other := newBucket(t, c, "copydst")
	data := randBytes(70000, 4)
	first, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("src key"), Body: bytes.NewReader(data),
		ContentType: aws.String("image/png"), Metadata: map[string]string{"a": "1"}, Tagging: aws.String("t1=v1&t2=v2")})
	if err != nil {
		t.Fatal(err)
	}
	put(t, c, bucket, "src key", []byte("newer"))
	src := bucket + "/src%20key?versionId=" + aws.ToString(first.VersionId)

	cases := []struct {
		name     string
		in       s3.CopyObjectInput
		meta     map[string]string
		ctype    string
		tags     int
		status   int
		code     string
		dstKey   string
		dstBuckt string
	}{
		{name: "copy metadata and tags", in: s3.CopyObjectInput{}, meta: map[string]string{"a": "1"}, ctype: "image/png", tags: 2, status: 200},
		{name: "replace metadata keep tags", in: s3.CopyObjectInput{MetadataDirective: types.MetadataDirectiveReplace,
			Metadata: map[string]string{"b": "2"}, ContentType: aws.String("text/csv")}, meta: map[string]string{"b": "2"}, ctype: "text/csv", tags: 2, status: 200},
		{name: "replace tags", in: s3.CopyObjectInput{TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("x=y")},
			meta: map[string]string{"a": "1"}, ctype: "image/png", tags: 1, status: 200},
		{name: "across buckets", dstBuckt: other, meta: map[string]string{"a": "1"}, ctype: "image/png", tags: 2, status: 200},
		{name: "if-match hit", in: s3.CopyObjectInput{CopySourceIfMatch: aws.String(etagOf(data))}, meta: map[string]string{"a": "1"}, ctype: "image/png", tags: 2, status: 200},
		{name: "if-match miss", in: s3.CopyObjectInput{CopySourceIfMatch: aws.String(`"00"`)}, status: 412, code: "PreconditionFailed"},
		{name: "if-none-match hit", in: s3.CopyObjectInput{CopySourceIfNoneMatch: aws.String(etagOf(data))}, status: 412, code: "PreconditionFailed"},
		{name: "bad directive", in: s3.CopyObjectInput{MetadataDirective: "MOVE"}, status: 400, code: "InvalidArgument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			dst := tc.dstBuckt
			if dst == "" {
				dst = bucket
			}
			key := "dst/" + strings.ReplaceAll(tc.name, " ", "-")
			in.Bucket, in.Key, in.CopySource = aws.String(dst), aws.String(key), aws.String(src)
			out, err := c.CopyObject(ctx(t), &in)
			if tc.status != 200 {
				wantErr(t, err, tc.status, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.CopyObjectResult.ETag) != etagOf(data) || aws.ToString(out.CopySourceVersionId) != aws.ToString(first.VersionId) {
				t.Errorf("result %+v, source version %q", out.CopyObjectResult, aws.ToString(out.CopySourceVersionId))
			}
			if (dst == bucket) != (out.VersionId != nil) {
				t.Errorf("version id %q", aws.ToString(out.VersionId))
			}
			got, gout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(dst), Key: aws.String(key)})
			if !bytes.Equal(got, data) || aws.ToString(gout.ContentType) != tc.ctype || fmt.Sprint(gout.Metadata) != fmt.Sprint(tc.meta) ||
				aws.ToInt32(gout.TagCount) != int32(tc.tags) {
				t.Errorf("copy: %d bytes, %q %v tags %d", len(got), aws.ToString(gout.ContentType), gout.Metadata, aws.ToInt32(gout.TagCount))
			}
		})
	}
	t.Run("to itself", func(t *testing.T) {
		_, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("src key"), CopySource: aws.String(bucket + "/src%20key")})
		wantErr(t, err, 400, "InvalidRequest")
		_, err = c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("src key"), CopySource: aws.String(bucket + "/src%20key"),
			MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"new": "meta"}})
		if err != nil {
			t.Fatalf("copy to itself replacing metadata: %v", err)
		}
		h, _ := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("src key")})
		if h.Metadata["new"] != "meta" {
			t.Errorf("metadata %v", h.Metadata)
		}
	})
	t.Run("missing source", func(t *testing.T) {
		_, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("x"), CopySource: aws.String(bucket + "/absent")})
		wantErr(t, err, 404, "NoSuchKey")
		_, err = c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("x"), CopySource: aws.String("no-such-src-bucket/k")})
		wantErr(t, err, 404, "NoSuchBucket")
		_, err = c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("x"), CopySource: aws.String("justabucket")})
		wantErr(t, err, 400, "InvalidArgument")
	})
	t.Run("no read permission", func(t *testing.T) {
		ab := newBucket(t, alt(s), "altcopy")
		_, err := alt(s).CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(ab), Key: aws.String("x"), CopySource: aws.String(src)})
		wantErr(t, err, 403, "AccessDenied")
	})
}

// TestObject_Attributes covers GetObjectAttributes.
func TestObject_Attributes(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := versionedBucket(t, c, "attrs")
	data := randBytes(5000, 2)
	out, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("o"), Body: bytes.NewReader(data),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256, StorageClass: types.StorageClassGlacierIr})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := c.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(bucket), Key: aws.String("o"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum,
			types.ObjectAttributesObjectSize, types.ObjectAttributesStorageClass, types.ObjectAttributesObjectParts}})
	if err != nil {
		t.Fatal(err)
	}
	if `"`+aws.ToString(attrs.ETag)+`"` != etagOf(data) || aws.ToInt64(attrs.ObjectSize) != int64(len(data)) ||
		attrs.StorageClass != types.StorageClassGlacierIr || attrs.Checksum == nil ||
		aws.ToString(attrs.Checksum.ChecksumSHA256) != sha256Of(data) || attrs.Checksum.ChecksumType != types.ChecksumTypeFullObject ||
		attrs.ObjectParts != nil || aws.ToString(attrs.VersionId) != aws.ToString(out.VersionId) || attrs.LastModified == nil {
		t.Errorf("attributes %+v checksum %+v", attrs, attrs.Checksum)
	}
	only, err := c.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(bucket), Key: aws.String("o"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
	if err != nil || only.ETag != nil || only.Checksum != nil || aws.ToInt64(only.ObjectSize) != int64(len(data)) {
		t.Errorf("size only: %+v, %v", only, err)
	}
	resp := do(t, s, rawReq{method: "GET", path: "/" + bucket + "/o", query: "attributes"})
	if resp.StatusCode != 400 || resp.err.Code != "InvalidRequest" {
		t.Errorf("without x-amz-object-attributes: %d %s", resp.StatusCode, resp.body)
	}
	resp = do(t, s, rawReq{method: "GET", path: "/" + bucket + "/o", query: "attributes", header: http.Header{"X-Amz-Object-Attributes": {"Colour"}}})
	if resp.StatusCode != 400 || resp.err.Code != "InvalidArgument" {
		t.Errorf("unknown attribute: %d %s", resp.StatusCode, resp.body)
	}
	_, err = c.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(bucket), Key: aws.String("none"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}})
	wantErr(t, err, 404, "NoSuchKey")
	_ = strconv.Itoa
}
