package s3auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// go test -run '^$' -bench . -benchmem ./internal/s3/s3auth
//
// The Verify benchmarks are the whole per-request cost: FromRequest, then
// Verify, the signing key coming from the cache of verified keys as it does
// for every request of a credential after its first of the day;
// VerifyHeaderNewKey derives it every time, as for that first request. The
// decode benchmarks report payload throughput (b.SetBytes): 1 MiB per
// operation in the SDKs' chunk sizes.

// sdkLikeRequest is a PUT as the AWS SDK for Go signs it: nine signed
// headers, a key with escapes, a query.
func sdkLikeRequest() *http.Request {
	r := httptest.NewRequest("PUT", "http://bucket.s3.example.com/photos/2026/a%20b%2Bc.jpg?x-id=PutObject", bytes.NewReader(make([]byte, 1024)))
	r.Header.Set("Accept-Encoding", "identity")
	r.Header.Set("Amz-Sdk-Invocation-Id", "9f9ff5c2-7270-4537-b3db-efa582ea48d3")
	r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	r.Header.Set("Content-Type", "image/jpeg")
	r.Header.Set("X-Amz-Meta-Owner", "someone")
	SignV4(r, testCreds, "us-east-1", t0, UnsignedPayload)
	r.RequestURI = r.URL.RequestURI()
	return r
}

func BenchmarkVerifyHeader(b *testing.B) {
	r := sdkLikeRequest()
	b.ReportAllocs()
	for b.Loop() {
		a, err := FromRequest(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyHeaderNewKey(b *testing.B) {
	r := sdkLikeRequest()
	b.ReportAllocs()
	for b.Loop() {
		signingKeys.reset()
		a, err := FromRequest(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPresigned(b *testing.B) {
	r := presignedRequest("GET", "/photos/2026/a%20b%2Bc.jpg?response-content-type=image%2Fjpeg", time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		a, err := FromRequest(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyV2(b *testing.B) {
	r := httptest.NewRequest("PUT", "http://bucket.s3.example.com/photos/a%20b.jpg?uploadId=1&partNumber=2", nil)
	r.Header.Set("Content-Type", "image/jpeg")
	r.Header.Set("X-Amz-Meta-Owner", "someone")
	SignV2(r, testCreds, "bucket", t0)
	r.RequestURI = r.URL.RequestURI()
	b.ReportAllocs()
	for b.Loop() {
		a, err := FromRequest(r)
		if err != nil {
			b.Fatal(err)
		}
		a.VirtualBucket = "bucket"
		if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDecode reads 1 MiB through Body per iteration.
func benchDecode(b *testing.B, r *http.Request, a *Auth, body []byte) {
	buf := make([]byte, 1<<20) // the server reads into its 1 MiB blob staging buffer
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		setBody(r, body)
		rd, _, err := Body(r, a, testCreds.SecretKey)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.ReadFull(rd, buf); err != nil || n != 1<<20 {
			b.Fatal(n, err)
		}
		if n, err := rd.Read(buf); n != 0 || err != io.EOF {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkDecodeSigned64KiB(b *testing.B) {
	s := stream{hash: StreamingSignedPayload, data: payload(1 << 20), chunk: 64 << 10} // minio-go
	r, a, body := s.build(b)
	benchDecode(b, r, a, body)
}

func BenchmarkDecodeSignedTrailer64KiB(b *testing.B) {
	data := payload(1 << 20)
	s := stream{hash: StreamingSignedPayloadTrailer, data: data, chunk: 64 << 10,
		trailers: [][2]string{{"x-amz-checksum-crc32c", "AAAAAA=="}}, style: styleMinio}
	r, a, body := s.build(b)
	benchDecode(b, r, a, body)
}

func BenchmarkDecodeUnsigned64KiB(b *testing.B) {
	s := stream{hash: StreamingUnsignedPayloadTrailer, data: payload(1 << 20), chunk: 64 << 10,
		trailers: [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}} // the AWS SDK for Go
	r, a, body := s.build(b)
	benchDecode(b, r, a, body)
}

func BenchmarkDecodeSigned8KiB(b *testing.B) {
	s := stream{hash: StreamingSignedPayload, data: payload(1 << 20), chunk: 8 << 10} // S3's smallest chunk
	r, a, body := s.build(b)
	benchDecode(b, r, a, body)
}

// The hex x-amz-content-sha256 check, for comparison.
func BenchmarkDecodeSHA256(b *testing.B) {
	data := payload(1 << 20)
	sum := sha256.Sum256(data)
	r := httptest.NewRequest("PUT", "http://s3.example.com/b/k", nil)
	SignV4(r, testCreds, "us-east-1", t0, hex.EncodeToString(sum[:]))
	a, err := FromRequest(r)
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, r, a, data)
}
