package cosjson

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/core"
)

// The two signature vectors of seed 002 (签名算法, 示例), as recomputed in the
// project's shared test vectors. The SecretKey has a lowercase L where the
// seed's PHP sample prints a digit one.
const (
	vecSecretID  = "AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv"
	vecSecretKey = "bLcPnl88WU30VY57ipRhSePfPdOfSruK"

	vecMultiOriginal = "a=200001&b=newbucket&k=AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv&e=1470737000&t=1470736940&r=490258943&f="
	vecMultiSign     = "v6+um3VE3lxGz97PmnSg6+/V9PZhPTIwMDAwMSZiPW5ld2J1Y2tldCZrPUFLSURVZkxVRVVpZ1FpWHFtN0NWU3NwS0pudWFpSUt0eHFBdiZlPTE0NzA3MzcwMDAmdD0xNDcwNzM2OTQwJnI9NDkwMjU4OTQzJmY9"

	vecOnceOriginal = "a=200001&b=newbucket&k=AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv&e=0&t=1470736940&r=490258943&f=/200001/newbucket/tencent_test.jpg"
	vecOnceSign     = "CkZ0/gWkHy3f76ER7k6yXgzq7w1hPTIwMDAwMSZiPW5ld2J1Y2tldCZrPUFLSURVZkxVRVVpZ1FpWHFtN0NWU3NwS0pudWFpSUt0eHFBdiZlPTAmdD0xNDcwNzM2OTQwJnI9NDkwMjU4OTQzJmY9LzIwMDAwMS9uZXdidWNrZXQvdGVuY2VudF90ZXN0LmpwZw=="
)

func TestSeedVectorMultiUse(t *testing.T) {
	orig := Original("200001", "newbucket", vecSecretID, 1470737000, 1470736940, "490258943", "")
	if orig != vecMultiOriginal {
		t.Fatalf("Original = %q", orig)
	}
	if got := Sign(vecSecretKey, orig); got != vecMultiSign {
		t.Fatalf("Sign = %s, want %s", got, vecMultiSign)
	}
	s, err := ParseSignature(vecMultiSign)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verify(vecSecretKey) || s.Verify("bLcPn188WU30VY57ipRhSePfPdOfSruK") {
		t.Fatal("Verify does not tell the right key from the seed's misprinted one")
	}
	if s.AppID != "200001" || s.Bucket != "newbucket" || s.SecretID != vecSecretID || s.Expire != 1470737000 ||
		s.Time != 1470736940 || s.Rand != "490258943" || s.FileID != "" || s.Once() {
		t.Fatalf("parsed %+v", s)
	}
}

func TestSeedVectorOnce(t *testing.T) {
	orig := Original("200001", "newbucket", vecSecretID, 0, 1470736940, "490258943", EncodeFileID("200001", "newbucket", "tencent_test.jpg"))
	if orig != vecOnceOriginal {
		t.Fatalf("Original = %q", orig)
	}
	if got := Sign(vecSecretKey, orig); got != vecOnceSign {
		t.Fatalf("Sign = %s, want %s", got, vecOnceSign)
	}
	s, err := ParseSignature(vecOnceSign)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verify(vecSecretKey) || !s.Once() || s.FileID != "/200001/newbucket/tencent_test.jpg" {
		t.Fatalf("parsed %+v", s)
	}
}

// TestParseSignature covers field order (the SDKs send b last), an '&' left
// unencoded in f, unpadded Base64, and the values that are not signatures.
func TestParseSignature(t *testing.T) {
	key := "secret"
	orig := "a=1250000000&k=AKID&e=1700000000&t=1699999000&r=42&f=/1250000000/b/x%20y&b=b"
	s, err := ParseSignature(Sign(key, orig))
	if err != nil || !s.Verify(key) || s.Bucket != "b" || s.FileID != "/1250000000/b/x%20y" {
		t.Fatalf("b last: %+v, %v", s, err)
	}
	if d, ok := s.DecodedFileID(); !ok || d != "/1250000000/b/x y" {
		t.Fatalf("decoded f = %q", d)
	}
	s, err = ParseSignature(Sign(key, "a=1&b=b&k=K&e=0&t=1&r=2&f=/1/b/x&y"))
	if err != nil || s.FileID != "/1/b/x&y" {
		t.Fatalf("& in f: %+v, %v", s, err)
	}
	unpadded := strings.TrimRight(Sign(key, "a=1&b=b&k=K&e=5&t=1&r=2&f="), "=")
	if s, err := ParseSignature(unpadded); err != nil || !s.Verify(key) {
		t.Fatalf("unpadded: %v", err)
	}
	for _, bad := range []string{
		"", "not base64!", "c2hvcnQ=", // too short
		Sign(key, "a=1&b=b&k=K&e=x&t=1&r=2&f="), // e not a number
		Sign(key, "a=1&b=b&k=K&t=1&r=2&f="),     // no e
		Sign(key, "a=1&b=b&e=1&t=1&r=2&f="),     // no k
		Sign(key, "a=1&a=2&b=b&k=K&e=1&t=1&f="), // a twice
		Sign(key, "z=1&a=1&b=b&k=K&e=1&t=1&f="), // unknown field
		Sign(key, "q-sign-algorithm=sha1"),
	} {
		if _, err := ParseSignature(bad); !errors.Is(err, errAuthFailed) {
			t.Errorf("ParseSignature(%q) = %v, want -97", bad, err)
		}
	}
}

func TestEncodeFileID(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"dir/a b.txt", "/1/bkt/dir/a%20b.txt"},
		{"目录/文件", "/1/bkt/%E7%9B%AE%E5%BD%95/%E6%96%87%E4%BB%B6"},
		{"x+y&z=1", "/1/bkt/x%2By%26z%3D1"},
		{"dir/", "/1/bkt/dir/"},
	} {
		if got := EncodeFileID("1", "bkt", tc.key); got != tc.want {
			t.Errorf("EncodeFileID(%q) = %s, want %s", tc.key, got, tc.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		path string
		want target
		err  error
	}{
		{"/files/v2/125/bkt", target{AppID: "125", BucketName: "bkt", Bucket: "bkt-125"}, nil},
		{"/files/v2/125/bkt/", target{AppID: "125", BucketName: "bkt", Bucket: "bkt-125", Slash: true}, nil},
		{"/files/v2/125/bkt/a/b/", target{AppID: "125", BucketName: "bkt", Bucket: "bkt-125", Path: "a/b/", Slash: true}, nil},
		{"/files/v2/125/bkt/a/f.txt", target{AppID: "125", BucketName: "bkt", Bucket: "bkt-125", Path: "a/f.txt", Slash: true}, nil},
		{"/files/v2/125", target{}, errPathMissing},
		{"/files/v2//bkt/x", target{}, errPathMissing},
		{"/files/v2/12a/bkt/x", target{}, errPathMissing},
		{"/files/v2/125/bkt/a//b", target{}, errInvalidPath},
		{"/files/v2/125/bkt/a/../b", target{}, errInvalidPath},
		{"/files/v2/125/bkt/" + strings.Repeat("x", 851), target{}, errInvalidPath},
	} {
		got, err := parseTarget(tc.path)
		if err != tc.err || got != tc.want {
			t.Errorf("parseTarget(%q) = %+v, %v; want %+v, %v", tc.path, got, err, tc.want, tc.err)
		}
	}
	tg, _ := parseTarget("/files/v2/1/b/x/y/z.txt")
	if tg.Name() != "z.txt" || tg.Parent() != "x/y/" || tg.IsDir() || tg.fileID() != "/1/b/x/y/z.txt" {
		t.Fatalf("helpers: %q %q %v %q", tg.Name(), tg.Parent(), tg.IsDir(), tg.fileID())
	}
}

// TestEveryCoreErrorMapped walks every core error through the table.
func TestEveryCoreErrorMapped(t *testing.T) {
	for _, err := range core.Errors {
		e, known := toError(fmt.Errorf("wrapped: %w", err))
		if !known || e == errCOS {
			t.Errorf("core error %q has no mapping", err)
		}
		if e.Code >= 0 || e.Status < 400 || e.Status > 599 {
			t.Errorf("core error %q maps to %+v", err, e)
		}
	}
	if e, known := toError(errors.New("disk on fire")); known || e.Status != 500 {
		t.Errorf("unknown error = %+v, %v", e, known)
	}
}

func FuzzParseSignature(f *testing.F) {
	f.Add(vecMultiSign)
	f.Add(vecOnceSign)
	f.Add("")
	f.Add(Sign("k", "a=1&b=b&k=K&e=0&t=1&r=2&f=/1/b/x&y"))
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := ParseSignature(s)
		if err == nil {
			sig.Verify("k")
			sig.DecodedFileID()
		}
	})
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"/files/v2/1/b/", "/files/v2/1/b/a/b.txt", "/files/v2/1", "/files/v2/1/b/a//b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		tg, err := parseTarget(p)
		if err != nil {
			return
		}
		if tg.Bucket != tg.BucketName+"-"+tg.AppID {
			t.Fatalf("bucket %q", tg.Bucket)
		}
		_ = tg.Name()
		_ = tg.Parent()
	})
}
