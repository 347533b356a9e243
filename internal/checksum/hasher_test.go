package checksum

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"testing"
)

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestHasherMatchesSeparateDigests(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 63, 64, 65, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17, 1 << 20} {
		data := randBytes(r, n)
		wantMD5 := md5.Sum(data)
		wantSHA1 := sha1.Sum(data)
		wantCRC := crc64.Checksum(data, crc64.MakeTable(crc64.ECMA))
		for _, withSHA1 := range []bool{false, true} {
			h := New()
			if withSHA1 {
				h = NewWithSHA1()
			}
			// Random write sizes, including empty writes.
			for p := data; len(p) > 0; {
				k := min(len(p), r.IntN(3*chunkSize))
				if nw, err := h.Write(p[:k]); nw != k || err != nil {
					t.Fatalf("Write = %d, %v", nw, err)
				}
				p = p[k:]
			}
			s := h.Sum()
			if s.MD5 != wantMD5 || s.CRC64 != wantCRC || s.Size != int64(n) {
				t.Fatalf("n=%d sha1=%v: got %x %d %d, want %x %d %d", n, withSHA1, s.MD5, s.CRC64, s.Size, wantMD5, wantCRC, n)
			}
			if s.HasSHA1 != withSHA1 {
				t.Fatalf("HasSHA1 = %v, want %v", s.HasSHA1, withSHA1)
			}
			if withSHA1 && s.SHA1 != wantSHA1 {
				t.Fatalf("SHA1 = %x, want %x", s.SHA1, wantSHA1)
			}
			if !withSHA1 && (s.SHA1 != [20]byte{} || s.SHA1Hex() != "") {
				t.Fatalf("SHA1 set without being requested")
			}
		}
	}
}

func TestHasherSumIsNonDestructiveAndReset(t *testing.T) {
	h := NewWithSHA1()
	io.WriteString(h, "1234")
	_ = h.Sum()
	io.WriteString(h, "56789")
	s := h.Sum()
	if s.CRC64 != 0x995DC9BBDF1939FA || s.Size != 9 {
		t.Fatalf("after intermediate Sum: crc %#x size %d", s.CRC64, s.Size)
	}
	if s.CRC64String() != "11051210869376104954" {
		t.Fatalf("CRC64String = %s", s.CRC64String())
	}
	if s.MD5Hex() != "25f9e794323b453885f5181f1b624d0b" {
		t.Fatalf("MD5Hex = %s", s.MD5Hex())
	}
	if s.MD5Base64() != "JfnnlDI7RTiF9RgfG2JNCw==" {
		t.Fatalf("MD5Base64 = %s", s.MD5Base64())
	}
	if s.SHA1Hex() != "f7c3bc1d808e04732adf679965ccc34ca7ae3441" {
		t.Fatalf("SHA1Hex = %s", s.SHA1Hex())
	}
	if again := h.Sum(); again != s {
		t.Fatal("Sum is not idempotent")
	}
	h.Reset()
	e := h.Sum()
	if e.Size != 0 || e.CRC64 != 0 || e.MD5Hex() != "d41d8cd98f00b204e9800998ecf8427e" || !e.HasSHA1 ||
		e.SHA1Hex() != "da39a3ee5e6b4b0d3255bfef95601890afd80709" {
		t.Fatalf("after Reset: %+v", e)
	}
}

func TestHasherWriteDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	h := NewWithSHA1()
	buf := bytes.Repeat([]byte("x"), 3*chunkSize+5)
	if a := testing.AllocsPerRun(100, func() { h.Write(buf) }); a != 0 {
		t.Errorf("Write allocates %v times", a)
	}
	if a := testing.AllocsPerRun(100, func() { _ = h.Sum() }); a != 0 {
		t.Errorf("Sum allocates %v times", a)
	}
}

func TestMultipartETag(t *testing.T) {
	parts := [][16]byte{md5.Sum([]byte("hello")), md5.Sum([]byte("world"))}
	if got, want := MultipartETag(parts), "065947336a2f2a95ba8899f3675c3be6-2"; got != want {
		t.Errorf("MultipartETag = %s, want %s", got, want)
	}
	// Independent computation for a larger count.
	var many [][16]byte
	var cat []byte
	for i := range 12 {
		s := md5.Sum([]byte{byte(i)})
		many = append(many, s)
		cat = append(cat, s[:]...)
	}
	sum := md5.Sum(cat)
	if got, want := MultipartETag(many), hex.EncodeToString(sum[:])+"-12"; got != want {
		t.Errorf("MultipartETag(12) = %s, want %s", got, want)
	}
	if got, want := MultipartETag(nil), "d41d8cd98f00b204e9800998ecf8427e-0"; got != want {
		t.Errorf("MultipartETag(nil) = %s, want %s", got, want)
	}
}
