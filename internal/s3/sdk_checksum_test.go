package s3_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// checksumAlg is one algorithm as the tests compute it.
type checksumAlg struct {
	alg  types.ChecksumAlgorithm
	new  func() hash.Hash
	read func(c checksumFields) string
}

// checksumFields is what the SDK's outputs carry.
type checksumFields struct{ crc32, crc32c, crc64, sha1, sha256 *string }

var checksumAlgs = []checksumAlg{
	{types.ChecksumAlgorithmCrc32, func() hash.Hash { return crc32.NewIEEE() }, func(c checksumFields) string { return aws.ToString(c.crc32) }},
	{types.ChecksumAlgorithmCrc32c, func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }, func(c checksumFields) string { return aws.ToString(c.crc32c) }},
	{types.ChecksumAlgorithmCrc64nvme, func() hash.Hash { return crc64.New(nvmeTable) }, func(c checksumFields) string { return aws.ToString(c.crc64) }},
	{types.ChecksumAlgorithmSha1, sha1.New, func(c checksumFields) string { return aws.ToString(c.sha1) }},
	{types.ChecksumAlgorithmSha256, sha256.New, func(c checksumFields) string { return aws.ToString(c.sha256) }},
}

func (a checksumAlg) of(data []byte) string {
	h := a.new()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// composite is S3's COMPOSITE checksum of parts.
func (a checksumAlg) composite(parts ...[]byte) string {
	h := a.new()
	for _, p := range parts {
		raw, _ := base64.StdEncoding.DecodeString(a.of(p))
		h.Write(raw)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts))
}

// TestChecksum_PutGet uploads with each algorithm, over HTTP (value in a
// header, body signed) and over HTTPS (value in the aws-chunked trailer),
// and reads the checksum back with GET and HEAD (checksum mode, which the
// SDK validates), ListObjectsV2 and GetObjectAttributes.
func TestChecksum_PutGet(t *testing.T) {
	t.Parallel()
	s := start(t)
	data := randBytes(200<<10, 11)
	for _, tls := range []bool{false, true} {
		c := s.S3(arcatest.S3Client{TLS: tls})
		bucket := newBucket(t, c, "cksum")
		for _, a := range checksumAlgs {
			t.Run(fmt.Sprintf("%s tls=%v", a.alg, tls), func(t *testing.T) {
				key := string(a.alg)
				out, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data), ChecksumAlgorithm: a.alg})
				if err != nil {
					t.Fatal(err)
				}
				want := a.of(data)
				if got := a.read(checksumFields{out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256}); got != want {
					t.Errorf("PutObject checksum = %q, want %q", got, want)
				}
				body, gout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
				if !bytes.Equal(body, data) || gout.ChecksumType != types.ChecksumTypeFullObject ||
					a.read(checksumFields{gout.ChecksumCRC32, gout.ChecksumCRC32C, gout.ChecksumCRC64NVME, gout.ChecksumSHA1, gout.ChecksumSHA256}) != want {
					t.Errorf("GetObject: type %q, %+v", gout.ChecksumType, gout)
				}
				h, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
				if err != nil || a.read(checksumFields{h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumCRC64NVME, h.ChecksumSHA1, h.ChecksumSHA256}) != want {
					t.Errorf("HeadObject: %+v, %v", h, err)
				}
				h, _ = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				if h.ChecksumCRC32 != nil || h.ChecksumSHA256 != nil {
					t.Errorf("HEAD without checksum mode returned a checksum")
				}
				list, _ := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(key)})
				if len(list.Contents) == 0 || len(list.Contents[0].ChecksumAlgorithm) != 1 || list.Contents[0].ChecksumAlgorithm[0] != a.alg {
					t.Errorf("listing: %+v", list.Contents)
				}
			})
		}
	}

	t.Run("precomputed value", func(t *testing.T) {
		c := root(s)
		bucket := newBucket(t, c, "precomp")
		_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("ok"), Body: bytes.NewReader(data),
			ChecksumCRC64NVME: aws.String(crc64nvmeOf(data))})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []s3.PutObjectInput{
			{ChecksumSHA256: aws.String(sha256Of(data[1:]))},
			{ChecksumCRC32C: aws.String(crc32cOf(data[1:]))},
		} {
			in.Bucket, in.Key, in.Body = aws.String(bucket), aws.String("bad"), bytes.NewReader(data)
			_, err = c.PutObject(ctx(t), &in)
			wantErr(t, err, 400, "BadDigest")
		}
		_, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("bad")})
		wantErr(t, err, 404, "NotFound")
	})
}

// TestChecksum_Trailers sends aws-chunked bodies with unsigned trailers by
// hand (STREAMING-UNSIGNED-PAYLOAD-TRAILER, as the SDKs do over HTTPS): a
// right trailer is stored with its checksum; a wrong or malformed one
// stores nothing.
func TestChecksum_Trailers(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "trailer")
	data := randBytes(30000, 8)
	for _, tc := range []struct {
		name, trailer, value string
		status               int
		code                 string
	}{
		{"right", "x-amz-checksum-sha1", checksumAlgs[3].of(data), 200, ""},
		{"wrong", "x-amz-checksum-crc32", crc32Of(data[:10]), 400, "BadDigest"},
		{"malformed", "x-amz-checksum-crc32", "not base64", 400, "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body bytes.Buffer
			for off := 0; off < len(data); off += 16384 {
				piece := data[off:min(off+16384, len(data))]
				fmt.Fprintf(&body, "%x\r\n", len(piece))
				body.Write(piece)
				body.WriteString("\r\n")
			}
			fmt.Fprintf(&body, "0\r\n%s:%s\r\n\r\n", tc.trailer, tc.value)
			r, _ := http.NewRequest(http.MethodPut, s.S3Endpoint(false)+"/"+bucket+"/"+tc.name, bytes.NewReader(body.Bytes()))
			r.Header.Set("Content-Encoding", "aws-chunked")
			r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
			r.Header.Set("X-Amz-Trailer", tc.trailer)
			s3auth.SignV4(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, arcatest.S3Region, time.Now(), s3auth.StreamingUnsignedPayloadTrailer)
			resp := send(t, s, r)
			if resp.StatusCode != tc.status || resp.err.Code != tc.code {
				t.Fatalf("= %d %s, want %d %s", resp.StatusCode, resp.body, tc.status, tc.code)
			}
			h, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(tc.name), ChecksumMode: types.ChecksumModeEnabled})
			if tc.status != 200 {
				wantErr(t, err, 404, "NotFound")
				return
			}
			if err != nil || aws.ToString(h.ChecksumSHA1) != tc.value || aws.ToInt64(h.ContentLength) != int64(len(data)) {
				t.Errorf("HEAD: %+v, %v", h, err)
			}
		})
	}
	t.Run("header value mismatch", func(t *testing.T) {
		resp := do(t, s, rawReq{method: "PUT", path: "/" + bucket + "/hdr", body: data, header: http.Header{"X-Amz-Checksum-Crc32c": {crc32cOf(data[2:])}}})
		if resp.StatusCode != 400 || resp.err.Code != "BadDigest" || !strings.Contains(resp.err.Message, "CRC32C") {
			t.Errorf("= %d %s", resp.StatusCode, resp.body)
		}
		resp = do(t, s, rawReq{method: "PUT", path: "/" + bucket + "/hdr", body: data, header: http.Header{
			"X-Amz-Checksum-Crc32c": {crc32cOf(data)}, "X-Amz-Checksum-Crc32": {crc32Of(data)}}})
		if resp.StatusCode != 400 || resp.err.Code != "InvalidRequest" {
			t.Errorf("two checksums = %d %s", resp.StatusCode, resp.body)
		}
	})
}

// TestChecksum_Multipart covers multipart uploads created with a checksum
// algorithm: per-part checksums, the object's COMPOSITE or FULL_OBJECT
// checksum on completion, ListParts, HEAD and GetObjectAttributes, and the
// refusals of mismatched algorithms, types and missing part checksums.
func TestChecksum_Multipart(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := s.S3(arcatest.S3Client{TLS: true})
	bucket := newBucket(t, c, "mpcksum")
	p1, p2 := randBytes(5*mib, 21), randBytes(777, 22)
	whole := append(append([]byte(nil), p1...), p2...)
	for _, tc := range []struct {
		alg  checksumAlg
		typ  types.ChecksumType // "" for the default
		want types.ChecksumType
	}{
		{checksumAlgs[0], "", types.ChecksumTypeComposite},
		{checksumAlgs[0], types.ChecksumTypeFullObject, types.ChecksumTypeFullObject},
		{checksumAlgs[1], types.ChecksumTypeFullObject, types.ChecksumTypeFullObject},
		{checksumAlgs[2], "", types.ChecksumTypeFullObject},
		{checksumAlgs[3], types.ChecksumTypeComposite, types.ChecksumTypeComposite},
		{checksumAlgs[4], "", types.ChecksumTypeComposite},
	} {
		t.Run(fmt.Sprintf("%s %s", tc.alg.alg, tc.want), func(t *testing.T) {
			key := fmt.Sprintf("%s-%s", tc.alg.alg, tc.want)
			cr, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
				ChecksumAlgorithm: tc.alg.alg, ChecksumType: tc.typ})
			if err != nil {
				t.Fatal(err)
			}
			if cr.ChecksumAlgorithm != tc.alg.alg || cr.ChecksumType != tc.want {
				t.Errorf("create: %s %s", cr.ChecksumAlgorithm, cr.ChecksumType)
			}
			var done []types.CompletedPart
			for i, p := range [][]byte{p1, p2} {
				out, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: cr.UploadId,
					PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p), ChecksumAlgorithm: tc.alg.alg})
				if err != nil {
					t.Fatal(err)
				}
				f := checksumFields{out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256}
				if tc.alg.read(f) != tc.alg.of(p) {
					t.Errorf("part %d checksum %q", i+1, tc.alg.read(f))
				}
				done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag,
					ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC32C: out.ChecksumCRC32C, ChecksumCRC64NVME: out.ChecksumCRC64NVME,
					ChecksumSHA1: out.ChecksumSHA1, ChecksumSHA256: out.ChecksumSHA256})
			}
			lp, err := c.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: cr.UploadId})
			if err != nil || lp.ChecksumAlgorithm != tc.alg.alg || lp.ChecksumType != tc.want || len(lp.Parts) != 2 ||
				tc.alg.read(checksumFields{lp.Parts[1].ChecksumCRC32, lp.Parts[1].ChecksumCRC32C, lp.Parts[1].ChecksumCRC64NVME, lp.Parts[1].ChecksumSHA1, lp.Parts[1].ChecksumSHA256}) != tc.alg.of(p2) {
				t.Errorf("ListParts: %+v, %v", lp, err)
			}
			// Without the parts' checksums the completion is refused.
			_, err = c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: cr.UploadId,
				MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: done[0].ETag}, {PartNumber: aws.Int32(2), ETag: done[1].ETag}}}})
			wantErr(t, err, 400, "InvalidRequest")

			out, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: cr.UploadId,
				MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
			if err != nil {
				t.Fatal(err)
			}
			want := tc.alg.of(whole)
			if tc.want == types.ChecksumTypeComposite {
				want = tc.alg.composite(p1, p2)
			}
			if got := tc.alg.read(checksumFields{out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256}); got != want || out.ChecksumType != tc.want {
				t.Errorf("complete: %q %s, want %q %s", got, out.ChecksumType, want, tc.want)
			}
			// GET validates a full-object checksum (the SDK skips composite ones).
			body, gout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if !bytes.Equal(body, whole) || gout.ChecksumType != tc.want ||
				tc.alg.read(checksumFields{gout.ChecksumCRC32, gout.ChecksumCRC32C, gout.ChecksumCRC64NVME, gout.ChecksumSHA1, gout.ChecksumSHA256}) != want {
				t.Errorf("GET: %d bytes, %s", len(body), gout.ChecksumType)
			}
			// A part read by number carries the part's checksum, under the
			// object's checksum type.
			body, pout := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), PartNumber: aws.Int32(2), ChecksumMode: types.ChecksumModeEnabled})
			if !bytes.Equal(body, p2) || tc.alg.read(checksumFields{pout.ChecksumCRC32, pout.ChecksumCRC32C, pout.ChecksumCRC64NVME, pout.ChecksumSHA1, pout.ChecksumSHA256}) != tc.alg.of(p2) ||
				pout.ChecksumType != tc.want {
				t.Errorf("GET part 2: %d bytes, %s", len(body), pout.ChecksumType)
			}
			attrs, err := c.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(bucket), Key: aws.String(key),
				ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts}})
			if err != nil || attrs.Checksum == nil || attrs.Checksum.ChecksumType != tc.want || attrs.ObjectParts == nil || len(attrs.ObjectParts.Parts) != 2 {
				t.Fatalf("attributes: %+v, %v", attrs, err)
			}
			ap := attrs.ObjectParts.Parts[0]
			if tc.alg.read(checksumFields{ap.ChecksumCRC32, ap.ChecksumCRC32C, ap.ChecksumCRC64NVME, ap.ChecksumSHA1, ap.ChecksumSHA256}) != tc.alg.of(p1) {
				t.Errorf("attributes part 1: %+v", ap)
			}
		})
	}

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			alg types.ChecksumAlgorithm
			typ types.ChecksumType
		}{
			{types.ChecksumAlgorithmSha256, types.ChecksumTypeFullObject},
			{types.ChecksumAlgorithmCrc64nvme, types.ChecksumTypeComposite},
			{"", types.ChecksumTypeComposite},
		} {
			_, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("x"),
				ChecksumAlgorithm: tc.alg, ChecksumType: tc.typ})
			wantErr(t, err, 400, "InvalidRequest")
		}
		cr, _ := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("x"),
			ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		_, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("x"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(p2), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		wantErr(t, err, 400, "InvalidRequest")
	})

	t.Run("copy", func(t *testing.T) {
		if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("src"), Body: bytes.NewReader(p2),
			ChecksumAlgorithm: types.ChecksumAlgorithmSha1}); err != nil {
			t.Fatal(err)
		}
		kept, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("kept"), CopySource: aws.String(bucket + "/src")})
		if err != nil || aws.ToString(kept.CopyObjectResult.ChecksumSHA1) != checksumAlgs[3].of(p2) {
			t.Errorf("copy keeps the source's checksum: %+v, %v", kept.CopyObjectResult, err)
		}
		other, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("crc32c"), CopySource: aws.String(bucket + "/src"),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c})
		if err != nil || aws.ToString(other.CopyObjectResult.ChecksumCRC32C) != crc32cOf(p2) || other.CopyObjectResult.ChecksumSHA1 != nil {
			t.Errorf("copy with another algorithm: %+v, %v", other.CopyObjectResult, err)
		}
		// A composite checksum does not describe a one-part copy: it is
		// computed again as a full-object one.
		comp, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String("from-composite"),
			CopySource: aws.String(bucket + "/SHA256-COMPOSITE")})
		if err != nil || aws.ToString(comp.CopyObjectResult.ChecksumSHA256) != sha256Of(whole) || comp.CopyObjectResult.ChecksumType != types.ChecksumTypeFullObject {
			t.Errorf("copy of a composite object: %+v, %v", comp.CopyObjectResult, err)
		}
	})
}
