package s3_test

// Behaviour found missing by Ceph's s3-tests (docs/s3-tests.md), each
// checked against what S3 itself does.

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3Tests_DeleteBucketWithUpload: S3 deletes a bucket without objects
// even while a multipart upload is in progress in it; the upload goes with
// it. A bucket that still has an object is not empty.
func TestS3Tests_DeleteBucketWithUpload(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "delupl")
	if _, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, bucket, "kept", []byte("x"))
	_, err := c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 409, "BucketNotEmpty")
	ups, err := c.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil || len(ups.Uploads) != 1 {
		t.Fatalf("uploads after a refused delete = %+v, %v", ups, err)
	}
	if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("delete bucket with an upload in progress: %v", err)
	}
	_, err = c.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 404, "")
}

// TestS3Tests_CompleteRetry: a CompleteMultipartUpload retried after it
// succeeded gets the same answer (ETag, checksum) instead of NoSuchUpload,
// as from S3; a retry listing other parts, or one after the key was
// overwritten, does not. A completion without a body is MalformedXML.
func TestS3Tests_CompleteRetry(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "mpretry")
	key := aws.String("obj")
	create, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: key,
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: key, UploadId: create.UploadId})
	wantErr(t, err, 400, "MalformedXML")
	var parts []types.CompletedPart
	for i, p := range [][]byte{randBytes(5*mib, 1), randBytes(10, 2)} {
		out, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: key, UploadId: create.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256})
	}
	complete := func(parts []types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
		return c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: key,
			UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	}
	first, err := complete(parts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := complete(parts)
	if err != nil {
		t.Fatalf("retried completion: %v", err)
	}
	if aws.ToString(again.ETag) != aws.ToString(first.ETag) || aws.ToString(again.ChecksumSHA256) != aws.ToString(first.ChecksumSHA256) ||
		aws.ToString(first.ChecksumSHA256) == "" {
		t.Errorf("retry = %s %s, first = %s %s", aws.ToString(again.ETag), aws.ToString(again.ChecksumSHA256),
			aws.ToString(first.ETag), aws.ToString(first.ChecksumSHA256))
	}
	_, err = complete(parts[:1])
	wantErr(t, err, 404, "NoSuchUpload")
	// A copy of the object is not the upload's.
	if _, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: key,
		CopySource: aws.String(bucket + "/obj"), MetadataDirective: types.MetadataDirectiveReplace}); err != nil {
		t.Fatal(err)
	}
	_, err = complete(parts)
	wantErr(t, err, 404, "NoSuchUpload")
}

// TestS3Tests_EmptyContentMD5: an empty Content-MD5 is an invalid digest,
// not an absent one.
func TestS3Tests_EmptyContentMD5(t *testing.T) {
	t.Parallel()
	s := start(t)
	bucket := newBucket(t, root(s), "emptymd5")
	resp := do(t, s, rawReq{method: "PUT", path: "/" + bucket + "/k", header: http.Header{"Content-Md5": {""}}, body: []byte("bar")})
	if resp.StatusCode != 400 || resp.err.Code != "InvalidDigest" {
		t.Errorf("PUT with an empty Content-MD5 = %d %s", resp.StatusCode, resp.body)
	}
	resp = do(t, s, rawReq{method: "PUT", path: "/" + bucket, query: "tagging", header: http.Header{"Content-Md5": {""}},
		body: []byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`)})
	if resp.StatusCode != 400 || resp.err.Code != "InvalidDigest" {
		t.Errorf("PUT ?tagging with an empty Content-MD5 = %d %s", resp.StatusCode, resp.body)
	}
}
