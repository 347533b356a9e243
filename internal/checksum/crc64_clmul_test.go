package checksum

import (
	"hash/crc64"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// clmul64 is a software carry-less multiply: the 128-bit product of a and b.
func clmul64(a, b uint64) (lo, hi uint64) {
	for i := range 64 {
		if b>>i&1 == 1 {
			lo ^= a << i
			if i > 0 {
				hi ^= a >> (64 - i)
			}
		}
	}
	return lo, hi
}

// foldSoft is foldCLMUL in Go, with one accumulator and the 128-bit
// constants only: it checks the algebra independently of the assembly.
func foldSoft(crc uint64, p []byte, k *foldConsts) (lo, hi uint64) {
	le := func(b []byte) uint64 {
		var v uint64
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	lo, hi = le(p)^crc, le(p[8:])
	for p = p[16:]; len(p) >= 16; p = p[16:] {
		a0, a1 := clmul64(lo, k[2])
		b0, b1 := clmul64(hi, k[3])
		lo, hi = a0^b0^le(p), a1^b1^le(p[8:])
	}
	return lo, hi
}

func TestXPowModP(t *testing.T) {
	// x^64 mod P is P itself (without the x^64 term); reflected, that is
	// the reflected polynomial hash/crc64 uses.
	if got := xPowModP(64); got != crc64.ECMA {
		t.Fatalf("x^64 mod P reflected = %#x, want %#x", got, uint64(crc64.ECMA))
	}
	if got := xPowModP(3); got != bits.Reverse64(8) {
		t.Fatalf("x^3 mod P = %#x", got)
	}
}

// TestCRC64Folding checks both folds (software and, on amd64, the
// assembly) against hash/crc64 for every length up to 1 KiB and some
// large ones, from random starting CRCs and unaligned starts.
func TestCRC64Folding(t *testing.T) {
	tab := crc64.MakeTable(crc64.ECMA)
	rng := rand.New(rand.NewPCG(11, 12))
	data := randBytes(rng, 1<<20+100)
	lengths := []int{}
	for n := clmulMin; n <= 1024; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 4095, 4096, 65536+15, 1<<20)
	folds := map[string]func(uint64, []byte, *foldConsts) (uint64, uint64){"soft": foldSoft}
	if hasCLMUL {
		folds["clmul"] = foldCLMUL
	}
	for name, fold := range folds {
		for _, n := range lengths {
			if name == "soft" && n > 4096 {
				continue
			}
			off := rng.IntN(16)
			p := data[off : off+n]
			start := rng.Uint64()
			want := crc64.Update(start, tab, p)
			if got := ^updateFolded(^start, p, fold); got != want {
				t.Fatalf("%s fold, len %d: %#x, want %#x", name, n, got, want)
			}
		}
	}
	if !hasCLMUL {
		t.Log("no PCLMULQDQ here: only the software fold was checked")
	}
	// And through the public entry point, split at random points.
	for range 200 {
		n := rng.IntN(len(data))
		cut := rng.IntN(n + 1)
		want := crc64.Checksum(data[:n], tab)
		if got := UpdateCRC64(UpdateCRC64(0, data[:cut]), data[cut:n]); got != want {
			t.Fatalf("UpdateCRC64 split %d/%d: %#x, want %#x", cut, n, got, want)
		}
	}
}
