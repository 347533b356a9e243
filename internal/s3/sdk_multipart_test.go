package s3_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const mib = 1 << 20

// multipartETag is S3's ETag of a multipart object.
func multipartETag(parts ...[]byte) string {
	var sums []byte
	for _, p := range parts {
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
	}
	s := md5.Sum(sums)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(s[:]), len(parts))
}

// TestMultipart_Upload covers CreateMultipartUpload, UploadPart, ListParts,
// CompleteMultipartUpload and AbortMultipartUpload, reading parts back by
// partNumber, and the errors of completion.
func TestMultipart_Upload(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "mpu")
	p1, p2 := randBytes(5*mib, 1), randBytes(1000, 2)

	create, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"),
		ContentType: aws.String("video/mp4"), Metadata: map[string]string{"m": "v"}, Tagging: aws.String("k=v")})
	if err != nil {
		t.Fatal(err)
	}
	id := create.UploadId
	var done []types.CompletedPart
	for i, p := range [][]byte{p1, p2} {
		out, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"), UploadId: id,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.ETag) != etagOf(p) {
			t.Errorf("part %d ETag %s", i+1, aws.ToString(out.ETag))
		}
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	// The SDK's default CRC32 of each part is recorded.
	parts, err := c.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"), UploadId: id, MaxParts: aws.Int32(1)})
	if err != nil || len(parts.Parts) != 1 || !aws.ToBool(parts.IsTruncated) || aws.ToString(parts.NextPartNumberMarker) != "1" ||
		aws.ToInt64(parts.Parts[0].Size) != 5*mib || aws.ToString(parts.Parts[0].ChecksumCRC32) != crc32Of(p1) ||
		aws.ToString(parts.Initiator.ID) != s.Root.ID {
		t.Fatalf("ListParts = %+v, %v", parts, err)
	}
	ups, err := c.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil || len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].UploadId) != aws.ToString(id) {
		t.Fatalf("ListMultipartUploads = %+v, %v", ups, err)
	}

	for _, tc := range []struct {
		name  string
		parts []types.CompletedPart
		code  string
	}{
		{"wrong etag", []types.CompletedPart{done[0], {PartNumber: aws.Int32(2), ETag: aws.String(`"00000000000000000000000000000000"`)}}, "InvalidPart"},
		{"missing part", []types.CompletedPart{done[0], {PartNumber: aws.Int32(3), ETag: done[1].ETag}}, "InvalidPart"},
		{"out of order", []types.CompletedPart{done[1], done[0]}, "InvalidPartOrder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"),
				UploadId: id, MultipartUpload: &types.CompletedMultipartUpload{Parts: tc.parts}})
			wantErr(t, err, 400, tc.code)
		})
	}

	out, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"),
		UploadId: id, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ETag) != multipartETag(p1, p2) || aws.ToString(out.Key) != "big/obj" || aws.ToString(out.Location) == "" {
		t.Errorf("Complete = %+v", out)
	}
	whole := append(append([]byte(nil), p1...), p2...)
	got, gout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big/obj")})
	if !bytes.Equal(got, whole) || aws.ToString(gout.ContentType) != "video/mp4" || gout.Metadata["m"] != "v" || aws.ToInt32(gout.TagCount) != 1 {
		t.Errorf("GET: %d bytes, %q %v %d", len(got), aws.ToString(gout.ContentType), gout.Metadata, aws.ToInt32(gout.TagCount))
	}
	// Parts read back by number.
	for n, want := range map[int32][]byte{1: p1, 2: p2} {
		got, pout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"), PartNumber: aws.Int32(n)})
		if !bytes.Equal(got, want) || aws.ToInt32(pout.PartsCount) != 2 {
			t.Errorf("part %d: %d bytes, PartsCount %d", n, len(got), aws.ToInt32(pout.PartsCount))
		}
		h, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"), PartNumber: aws.Int32(n)})
		if err != nil || aws.ToInt64(h.ContentLength) != int64(len(want)) || aws.ToInt32(h.PartsCount) != 2 {
			t.Errorf("HEAD part %d: %+v, %v", n, h, err)
		}
	}
	_, err = c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"), PartNumber: aws.Int32(3)})
	wantErr(t, err, 416, "InvalidPartNumber")
	attrs, err := c.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts}})
	if err != nil || attrs.ObjectParts == nil || aws.ToInt32(attrs.ObjectParts.TotalPartsCount) != 2 || len(attrs.ObjectParts.Parts) != 2 ||
		aws.ToInt64(attrs.ObjectParts.Parts[1].Size) != 1000 {
		t.Errorf("attributes: %+v, %v", attrs, err)
	}
	// The upload is gone.
	_, err = c.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String("big/obj"), UploadId: id})
	wantErr(t, err, 404, "NoSuchUpload")

	t.Run("abort", func(t *testing.T) {
		cr, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("aborted")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("aborted"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(p2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AbortMultipartUpload(ctx(t), &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("aborted"), UploadId: cr.UploadId}); err != nil {
			t.Fatal(err)
		}
		_, err = c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("aborted"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(p2)})
		wantErr(t, err, 404, "NoSuchUpload")
		_, err = c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("aborted"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(10001), Body: bytes.NewReader(p2)})
		wantErr(t, err, 400, "InvalidArgument")
	})

	t.Run("too small", func(t *testing.T) {
		cr, _ := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("small")})
		var ps []types.CompletedPart
		for n := int32(1); n <= 2; n++ {
			o, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("small"), UploadId: cr.UploadId,
				PartNumber: aws.Int32(n), Body: bytes.NewReader(p2)})
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, types.CompletedPart{PartNumber: aws.Int32(n), ETag: o.ETag})
		}
		_, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("small"),
			UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: ps}})
		wantErr(t, err, 400, "EntityTooSmall")
		// One small part alone is a valid object.
		o, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("small"),
			UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: ps[:1]}, IfNoneMatch: aws.String("*")})
		if err != nil || aws.ToString(o.ETag) != multipartETag(p2) {
			t.Fatalf("single part: %+v, %v", o, err)
		}
	})
}

// TestMultipart_UploadPartCopy builds an object from ranges of another
// with UploadPartCopy.
func TestMultipart_UploadPartCopy(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := versionedBucket(t, c, "mpcopy")
	src := randBytes(6*mib+123, 5)
	sout := put(t, c, bucket, "source", src)
	cr, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("assembled")})
	if err != nil {
		t.Fatal(err)
	}
	var ps []types.CompletedPart
	ranges := []string{fmt.Sprintf("bytes=0-%d", 5*mib-1), fmt.Sprintf("bytes=%d-%d", 5*mib, len(src)-1)}
	for i, r := range ranges {
		out, err := c.UploadPartCopy(ctx(t), &s3.UploadPartCopyInput{Bucket: aws.String(bucket), Key: aws.String("assembled"),
			UploadId: cr.UploadId, PartNumber: aws.Int32(int32(i + 1)), CopySource: aws.String(bucket + "/source?versionId=" + aws.ToString(sout.VersionId)),
			CopySourceRange: aws.String(r), CopySourceIfMatch: aws.String(etagOf(src))})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.CopySourceVersionId) != aws.ToString(sout.VersionId) || out.CopyPartResult.LastModified == nil {
			t.Errorf("UploadPartCopy %d: %+v", i+1, out)
		}
		ps = append(ps, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.CopyPartResult.ETag})
	}
	for _, tc := range []struct {
		name   string
		in     s3.UploadPartCopyInput
		status int
		code   string
	}{
		{"range past the end", s3.UploadPartCopyInput{CopySourceRange: aws.String(fmt.Sprintf("bytes=0-%d", len(src)))}, 400, "InvalidArgument"},
		{"open range", s3.UploadPartCopyInput{CopySourceRange: aws.String("bytes=10-")}, 400, "InvalidArgument"},
		{"if-match miss", s3.UploadPartCopyInput{CopySourceIfMatch: aws.String(`"00"`)}, 412, "PreconditionFailed"},
		{"missing source", s3.UploadPartCopyInput{CopySource: aws.String(bucket + "/absent")}, 404, "NoSuchKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket, in.Key, in.UploadId, in.PartNumber = aws.String(bucket), aws.String("assembled"), cr.UploadId, aws.Int32(3)
			if in.CopySource == nil {
				in.CopySource = aws.String(bucket + "/source")
			}
			_, err := c.UploadPartCopy(ctx(t), &in)
			wantErr(t, err, tc.status, tc.code)
		})
	}
	if _, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("assembled"),
		UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: ps}}); err != nil {
		t.Fatal(err)
	}
	got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("assembled")})
	if !bytes.Equal(got, src) {
		t.Fatalf("assembled object differs (%d bytes)", len(got))
	}
}

// TestMultipart_ListUploads covers ListMultipartUploads: prefix,
// delimiter and markers.
func TestMultipart_ListUploads(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "mplist")
	var all []string
	for _, k := range []string{"a/1", "a/2", "a/2", "b", "c/d/e"} {
		out, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, k+":"+aws.ToString(out.UploadId))
	}
	list := func(in s3.ListMultipartUploadsInput) (ups, prefixes []string) {
		in.Bucket = aws.String(bucket)
		for {
			out, err := c.ListMultipartUploads(ctx(t), &in)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.Uploads {
				ups = append(ups, aws.ToString(u.Key)+":"+aws.ToString(u.UploadId))
				if u.Initiated == nil || aws.ToString(u.Owner.ID) != s.Root.ID || u.StorageClass != types.StorageClassStandard {
					t.Errorf("upload %+v", u)
				}
			}
			for _, p := range out.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(p.Prefix))
			}
			if !aws.ToBool(out.IsTruncated) {
				return
			}
			in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
		}
	}
	ups, _ := list(s3.ListMultipartUploadsInput{})
	if !slices.Equal(ups, all) {
		t.Errorf("all = %v, want %v", ups, all)
	}
	ups, _ = list(s3.ListMultipartUploadsInput{MaxUploads: aws.Int32(1)})
	if !slices.Equal(ups, all) {
		t.Errorf("paged = %v, want %v", ups, all)
	}
	ups, prefixes := list(s3.ListMultipartUploadsInput{Delimiter: aws.String("/")})
	if !slices.Equal(ups, all[3:4]) || !slices.Equal(prefixes, []string{"a/", "c/"}) {
		t.Errorf("delimited = %v %v", ups, prefixes)
	}
	ups, _ = list(s3.ListMultipartUploadsInput{Prefix: aws.String("a/")})
	if !slices.Equal(ups, all[:3]) {
		t.Errorf("prefix a/ = %v", ups)
	}
	_, err := alt(s).ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 403, "AccessDenied")
}
