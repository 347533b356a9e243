package s3_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/core"
)

// sseC is an SSE-C key as the SDK's fields carry it.
type sseC struct{ alg, key, md5 *string }

func newSSEC(seed uint64) sseC {
	k := randBytes(32, seed)
	sum := md5.Sum(k)
	return sseC{aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(k)), aws.String(base64.StdEncoding.EncodeToString(sum[:]))}
}

// TestSSE covers SSE-S3 (AES256), SSE-KMS (aws:kms, Arca's local key
// manager) and SSE-C: the headers echoed, the data encrypted at rest, and
// what a read without the customer key, or with another, gets.
func TestSSE(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := s.S3(arcatest.S3Client{TLS: true})
	bucket := newBucket(t, c, "sse")
	data := randBytes(100000, 6)
	store := s.App().Store()

	for _, tc := range []struct {
		name  string
		in    s3.PutObjectInput
		sse   types.ServerSideEncryption
		keyID string
		mode  string
	}{
		{"sse-s3", s3.PutObjectInput{ServerSideEncryption: types.ServerSideEncryptionAes256}, types.ServerSideEncryptionAes256, "", core.SSEManaged},
		{"sse-kms default key", s3.PutObjectInput{ServerSideEncryption: types.ServerSideEncryptionAwsKms}, types.ServerSideEncryptionAwsKms, core.DefaultKMSKeyID, core.SSEKMS},
		{"sse-kms named key", s3.PutObjectInput{ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("app-key-1")}, types.ServerSideEncryptionAwsKms, "app-key-1", core.SSEKMS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket, in.Key, in.Body = aws.String(bucket), aws.String(tc.name), bytes.NewReader(data)
			out, err := c.PutObject(ctx(t), &in)
			if err != nil {
				t.Fatal(err)
			}
			if out.ServerSideEncryption != tc.sse || aws.ToString(out.SSEKMSKeyId) != tc.keyID {
				t.Errorf("PUT: %s %q", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
			}
			got, gout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(tc.name)})
			if !bytes.Equal(got, data) || gout.ServerSideEncryption != tc.sse || aws.ToString(gout.SSEKMSKeyId) != tc.keyID {
				t.Errorf("GET: %d bytes, %s %q", len(got), gout.ServerSideEncryption, aws.ToString(gout.SSEKMSKeyId))
			}
			o, err := store.GetObject(ctx(t), bucket, tc.name, "")
			if err != nil || o.SSE == nil || o.SSE.Mode != tc.mode {
				t.Errorf("stored encryption %+v, %v", o.SSE, err)
			}
		})
	}
	_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("bad"), Body: bytes.NewReader(data), ServerSideEncryption: "ROT13"})
	wantErr(t, err, 400, "InvalidArgument")

	t.Run("sse-c", func(t *testing.T) {
		key, other := newSSEC(1), newSSEC(2)
		out, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec"), Body: bytes.NewReader(data),
			SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.SSECustomerAlgorithm) != "AES256" || aws.ToString(out.SSECustomerKeyMD5) != aws.ToString(key.md5) {
			t.Errorf("PUT: %+v", out)
		}
		got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec"),
			SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5, Range: aws.String("bytes=100-199")})
		if !bytes.Equal(got, data[100:200]) {
			t.Errorf("ranged GET with the key: %d bytes", len(got))
		}
		_, err = c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec")})
		wantErr(t, err, 400, "InvalidRequest")
		_, err = c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec"),
			SSECustomerAlgorithm: other.alg, SSECustomerKey: other.key, SSECustomerKeyMD5: other.md5})
		wantErr(t, err, 400, "InvalidRequest")
		_, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec")})
		wantErr(t, err, 400, "BadRequest")
		h, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec"),
			SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5})
		if err != nil || aws.ToInt64(h.ContentLength) != int64(len(data)) || aws.ToString(h.SSECustomerKeyMD5) != aws.ToString(key.md5) {
			t.Errorf("HEAD with the key: %+v, %v", h, err)
		}
		_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("ssec2"), Body: bytes.NewReader(data),
			SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: other.md5})
		wantErr(t, err, 400, "InvalidArgument")

		// Copy out of SSE-C into SSE-S3, and back into SSE-C with another key.
		cp, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("from-ssec"), CopySource: aws.String(bucket + "/ssec"),
			CopySourceSSECustomerAlgorithm: key.alg, CopySourceSSECustomerKey: key.key, CopySourceSSECustomerKeyMD5: key.md5,
			ServerSideEncryption: types.ServerSideEncryptionAes256})
		if err != nil || cp.ServerSideEncryption != types.ServerSideEncryptionAes256 {
			t.Fatalf("copy from SSE-C: %+v, %v", cp, err)
		}
		got, _ = get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("from-ssec")})
		if !bytes.Equal(got, data) {
			t.Error("copy from SSE-C differs")
		}
		_, err = c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("nokey"), CopySource: aws.String(bucket + "/ssec")})
		wantErr(t, err, 400, "InvalidRequest")
		if _, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("to-ssec"), CopySource: aws.String(bucket + "/from-ssec"),
			SSECustomerAlgorithm: other.alg, SSECustomerKey: other.key, SSECustomerKeyMD5: other.md5}); err != nil {
			t.Fatal(err)
		}
		got, _ = get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("to-ssec"),
			SSECustomerAlgorithm: other.alg, SSECustomerKey: other.key, SSECustomerKeyMD5: other.md5})
		if !bytes.Equal(got, data) {
			t.Error("copy into SSE-C differs")
		}
	})

	t.Run("multipart sse-c", func(t *testing.T) {
		key := newSSEC(3)
		cr, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("mp-ssec"),
			SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("mp-ssec"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(data)})
		wantErr(t, err, 400, "InvalidRequest")
		up, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("mp-ssec"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(data), SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("mp-ssec"), UploadId: cr.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: up.ETag}}}}); err != nil {
			t.Fatal(err)
		}
		got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("mp-ssec"),
			SSECustomerAlgorithm: key.alg, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5})
		if !bytes.Equal(got, data) {
			t.Error("SSE-C multipart object differs")
		}
	})
}
