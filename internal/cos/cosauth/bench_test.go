package cosauth

import (
	"testing"
	"time"
)

// go test -run '^$' -bench . -benchmem ./internal/cos/cosauth
//
// Each iteration is the whole per-request cost: FromRequest, then Verify.

func BenchmarkVerifyHeader(b *testing.B) {
	v := docVectors[0] // PUT, seven signed headers
	r := v.request()
	now, _ := v.window()
	b.ReportAllocs()
	for b.Loop() {
		a, err := FromRequest(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, docSecretKey, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPresigned(b *testing.B) {
	s := spec{
		method: "GET",
		path:   "/dir/object.txt",
		query:  map[string][]string{"response-content-type": {"application/octet-stream"}},
	}
	q := Presign(s.method, s.path, s.query, nil, testHost, testID, testKey, "", testStart, testEnd)
	r := s.request("", q.Encode())
	now := testStart.Add(time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		a, err := FromRequest(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Verify(r, testKey, now); err != nil {
			b.Fatal(err)
		}
	}
}
