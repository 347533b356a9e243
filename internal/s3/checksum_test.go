package s3

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"
)

func sumOf(a *algorithm, data []byte) string {
	h := a.new()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// TestFullObjectCombine checks that combining the parts' CRCs gives the CRC
// of the whole, for each CRC and many ways to cut the data.
func TestFullObjectCombine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 100000)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, a := range algorithms {
		if a.crc == nil {
			continue
		}
		for _, cuts := range [][]int{{0, 100000}, {0, 1, 100000}, {0, 5, 6, 99999, 100000}, {0, 33333, 33333, 70000, 100000}} {
			var parts []string
			var sizes []int64
			for i := 1; i < len(cuts); i++ {
				parts = append(parts, sumOf(a, data[cuts[i-1]:cuts[i]]))
				sizes = append(sizes, int64(cuts[i]-cuts[i-1]))
			}
			got, ok := fullObject(a, parts, sizes)
			if want := sumOf(a, data); !ok || got != want {
				t.Errorf("%s cuts %v: combined %s, want %s", a.Name, cuts, got, want)
			}
		}
	}
}

// TestComposite checks COMPOSITE: the checksum of the raw part checksums,
// with -N.
func TestComposite(t *testing.T) {
	a := algorithmNamed("sha256")
	p1, p2 := sumOf(a, []byte("one")), sumOf(a, []byte("two"))
	r1, _ := base64.StdEncoding.DecodeString(p1)
	r2, _ := base64.StdEncoding.DecodeString(p2)
	want := sumOf(a, append(r1, r2...)) + "-2"
	if got, ok := composite(a, []string{p1, p2}); !ok || got != want {
		t.Errorf("composite = %s, want %s", got, want)
	}
	if _, ok := composite(a, []string{"not base64!"}); ok {
		t.Error("composite of a bad value succeeded")
	}
}

// TestChecksumRequest covers how a request declares its checksum.
func TestChecksumRequest(t *testing.T) {
	crc := sumOf(algorithmNamed("crc32"), []byte("x"))
	for i, tc := range []struct {
		h     http.Header
		alg   string
		trail bool
		code  string
	}{
		{h: http.Header{}},
		{h: http.Header{"X-Amz-Checksum-Crc32": {crc}}, alg: "CRC32"},
		{h: http.Header{"X-Amz-Checksum-Crc32": {crc}, "X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}, alg: "CRC32"},
		{h: http.Header{"X-Amz-Trailer": {"x-amz-checksum-crc64nvme"}, "X-Amz-Sdk-Checksum-Algorithm": {"crc64nvme"}}, alg: "CRC64NVME", trail: true},
		{h: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Checksum-Type": {"FULL_OBJECT"}, "X-Amz-Checksum-Algorithm": {"CRC32"}}},
		{h: http.Header{"X-Amz-Checksum-Crc32": {"AAAA"}}, code: "InvalidRequest"},
		{h: http.Header{"X-Amz-Checksum-Crc32": {crc}, "X-Amz-Checksum-Crc32c": {crc}}, code: "InvalidRequest"},
		{h: http.Header{"X-Amz-Checksum-Md7": {crc}}, code: "InvalidRequest"},
		{h: http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}, code: "InvalidRequest"},
		{h: http.Header{"X-Amz-Checksum-Crc32": {crc}, "X-Amz-Sdk-Checksum-Algorithm": {"SHA1"}}, code: "BadDigest"},
		{h: http.Header{"X-Amz-Checksum-Crc32": {crc}, "X-Amz-Trailer": {"x-amz-checksum-sha1"}}, code: "InvalidRequest"},
	} {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			spec, err := checksumRequest(tc.h)
			if tc.code != "" {
				e, _ := toError(err)
				if err == nil || e.Code != tc.code {
					t.Fatalf("checksumRequest(%v) = %v, want %s", tc.h, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.alg == "" && spec != nil:
				t.Errorf("spec %+v, want none", spec)
			case tc.alg != "" && (spec == nil || spec.alg.Name != tc.alg || spec.trailer != tc.trail):
				t.Errorf("spec %+v, want %s trailer=%v", spec, tc.alg, tc.trail)
			}
		})
	}
}
