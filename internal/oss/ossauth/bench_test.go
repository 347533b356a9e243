package ossauth

import (
	"net/http"
	"testing"
	"time"
)

// go test -run '^$' -bench . -benchmem ./internal/oss/ossauth
//
// Each iteration is the whole per-request cost: FromRequest, then Verify.
// A V4 signing key comes from the cache of verified keys, as it does for
// every request of a credential after its first of the day;
// VerifyV4NewKey derives it every time, as for that first request.

func benchVerify(b *testing.B, r *http.Request, now time.Time) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		a, err := FromRequest(r, testBucket, testKey)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, testSK, now); err != nil {
			b.Fatal(err)
		}
	}
}

// A multipart part upload: three x-oss/Content headers, two sub-resources.
func BenchmarkVerifyV1(b *testing.B) {
	r := baseRequest()
	SignV1(r, testBucket, testKey, testCred, testTime)
	benchVerify(b, r, testTime)
}

func BenchmarkVerifyV1Presigned(b *testing.B) {
	r := baseRequest()
	PresignV1(r, testBucket, testKey, testCred, testTime.Add(time.Hour))
	benchVerify(b, r, testTime)
}

func BenchmarkVerifyV4(b *testing.B) {
	r := baseRequest()
	SignV4(r, testBucket, testKey, testCred, V4Options{Region: testRegion, AdditionalHeaders: []string{"host"}}, testTime)
	benchVerify(b, r, testTime)
}

func BenchmarkVerifyV4NewKey(b *testing.B) {
	r := baseRequest()
	SignV4(r, testBucket, testKey, testCred, V4Options{Region: testRegion, AdditionalHeaders: []string{"host"}}, testTime)
	b.ReportAllocs()
	for b.Loop() {
		signingKeys.reset()
		a, err := FromRequest(r, testBucket, testKey)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, testSK, testTime); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyV4Presigned(b *testing.B) {
	r := baseRequest()
	if err := PresignV4(r, testBucket, testKey, testCred, V4Options{Region: testRegion}, testTime, time.Hour); err != nil {
		b.Fatal(err)
	}
	benchVerify(b, r, testTime)
}

func BenchmarkVerifyPostV4(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := VerifyPostV4(postV4Form.get, postV4Secret, postV4Time); err != nil {
			b.Fatal(err)
		}
	}
}
