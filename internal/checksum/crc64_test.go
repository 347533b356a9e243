package checksum

import (
	"bytes"
	"hash/crc64"
	"math"
	"math/rand/v2"
	"testing"
)

var ecmaTable = crc64.MakeTable(crc64.ECMA)

func stdCRC(crc uint64, p []byte) uint64 { return crc64.Update(crc, ecmaTable, p) }

func TestCRC64Vectors(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"", 0},
		{"123456789", 0x995DC9BBDF1939FA}, // CRC-64/XZ check value
		{"a", stdCRC(0, []byte("a"))},
		{"The quick brown fox jumps over the lazy dog", stdCRC(0, []byte("The quick brown fox jumps over the lazy dog"))},
	}
	for _, tt := range tests {
		if got := CRC64([]byte(tt.in)); got != tt.want {
			t.Errorf("CRC64(%q) = %#x, want %#x", tt.in, got, tt.want)
		}
	}
	if got, want := FormatCRC64(CRC64([]byte("123456789"))), "11051210869376104954"; got != want {
		t.Errorf("FormatCRC64 = %s, want %s", got, want)
	}
}

func TestSlicingTableMatchesStdlib(t *testing.T) {
	if slicing16[0] != *ecmaTable {
		t.Fatal("slicing16[0] differs from crc64.MakeTable(crc64.ECMA)")
	}
}

func TestUpdateCRC64MatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 70000)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	lengths := []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 4095, 4096, 4097, 65536, 70000}
	for range 200 {
		lengths = append(lengths, r.IntN(len(buf)+1))
	}
	for _, n := range lengths {
		off := r.IntN(len(buf) - n + 1) // exercise unaligned starts too
		p := buf[off : off+n]
		seed := r.Uint64()
		if got, want := UpdateCRC64(seed, p), stdCRC(seed, p); got != want {
			t.Fatalf("UpdateCRC64(%#x, len %d @%d) = %#x, want %#x", seed, n, off, got, want)
		}
	}
	// Incremental updates equal one-shot.
	crc := uint64(0)
	for p := buf; len(p) > 0; {
		n := min(len(p), r.IntN(100))
		crc = UpdateCRC64(crc, p[:n])
		p = p[n:]
	}
	if want := stdCRC(0, buf); crc != want {
		t.Fatalf("incremental = %#x, want %#x", crc, want)
	}
}

// gf2 matrix reference: zlib's original crc32_combine, widened to 64 bits.
// It is independent of the x^(2^k) method used by CRC64Combine.
func gf2Times(mat *[64]uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[64]uint64) {
	for n := range 64 {
		square[n] = gf2Times(mat, mat[n])
	}
}

func matrixCombine(crc1, crc2 uint64, len2 int64) uint64 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [64]uint64
	odd[0] = crc64Poly // operator for one zero bit
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd) // first pass: one zero byte
		if len2&1 != 0 {
			crc1 = gf2Times(&even, crc1)
		}
		len2 >>= 1
		if len2 == 0 {
			break
		}
		gf2Square(&odd, &even)
		if len2&1 != 0 {
			crc1 = gf2Times(&odd, crc1)
		}
		len2 >>= 1
		if len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func TestCRC64Combine(t *testing.T) {
	data := []byte("The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrstuvwxyz")
	big := bytes.Repeat([]byte{0, 1, 2, 3, 255, 254, 7}, 150000) // ~1 MiB, crosses many x2n powers
	tests := []struct {
		name string
		a, b []byte
	}{
		{"empty+empty", nil, nil},
		{"empty+data", nil, data},
		{"data+empty", data, nil},
		{"1+1", data[:1], data[1:2]},
		{"split5", data[:5], data[5:]},
		{"split16", data[:16], data[16:]},
		{"split-last", data[:len(data)-1], data[len(data)-1:]},
		{"check", []byte("1234"), []byte("56789")},
		{"big+1", big, []byte{42}},
		{"1+big", []byte{42}, big},
		{"big+big", big, big[:len(big)-12345]},
	}
	for _, tt := range tests {
		whole := append(append([]byte{}, tt.a...), tt.b...)
		want := stdCRC(0, whole)
		got := CRC64Combine(CRC64(tt.a), CRC64(tt.b), int64(len(tt.b)))
		if got != want {
			t.Errorf("%s: CRC64Combine = %#x, want %#x", tt.name, got, want)
		}
		if ref := matrixCombine(CRC64(tt.a), CRC64(tt.b), int64(len(tt.b))); ref != want {
			t.Errorf("%s: matrix reference = %#x, want %#x", tt.name, ref, want)
		}
	}
	if got := CRC64Combine(CRC64([]byte("1234")), CRC64([]byte("56789")), 5); got != 0x995DC9BBDF1939FA {
		t.Errorf("combine of check string = %#x", got)
	}
	if got := CRC64Combine(123, 0, -1); got != 123 {
		t.Errorf("negative len2: got %d", got)
	}
}

// Lengths far too large to hash directly: check against the matrix reference
// and associativity ((A||B)||C == A||(B||C)).
func TestCRC64CombineHugeLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lens := []int64{1 << 20, 5 << 30, 1<<40 + 7, 1<<62 + 12345, 1<<63 - 1}
	for range 20 {
		lens = append(lens, r.Int64())
	}
	for _, n := range lens {
		c1, c2, c3 := r.Uint64(), r.Uint64(), r.Uint64()
		if got, want := CRC64Combine(c1, c2, n), matrixCombine(c1, c2, n); got != want {
			t.Fatalf("len %d: got %#x, matrix %#x", n, got, want)
		}
		m := r.Int64N(1 << 40)
		left := CRC64Combine(CRC64Combine(c1, c2, m), c3, n)
		right := CRC64Combine(c1, CRC64Combine(c2, c3, n), m+n)
		if n <= math.MaxInt64-m && left != right {
			t.Fatalf("associativity broken for m=%d n=%d", m, n)
		}
	}
}

func FuzzUpdateCRC64(f *testing.F) {
	f.Add(uint64(0), []byte("123456789"))
	f.Add(uint64(0xffffffffffffffff), make([]byte, 100))
	f.Add(uint64(42), []byte{})
	f.Fuzz(func(t *testing.T, seed uint64, p []byte) {
		if got, want := UpdateCRC64(seed, p), stdCRC(seed, p); got != want {
			t.Fatalf("UpdateCRC64(%#x, %x) = %#x, want %#x", seed, p, got, want)
		}
	})
}

func FuzzCRC64Combine(f *testing.F) {
	f.Add([]byte("123456789"), uint16(4))
	f.Add([]byte("hello, world"), uint16(0))
	f.Add(make([]byte, 300), uint16(299))
	f.Fuzz(func(t *testing.T, p []byte, split uint16) {
		s := int(split)
		if s > len(p) {
			s = len(p)
		}
		a, b := p[:s], p[s:]
		if got, want := CRC64Combine(CRC64(a), CRC64(b), int64(len(b))), stdCRC(0, p); got != want {
			t.Fatalf("combine(%d|%d) = %#x, want %#x", len(a), len(b), got, want)
		}
	})
}
