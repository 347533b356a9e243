package checksum

import (
	"crypto/md5"
	"hash/crc64"
	"math/rand/v2"
	"testing"
)

// Sizes are per Write call; each benchmark op is one Write of that size.
var benchSizes = []struct {
	name string
	n    int
}{
	{"64B", 64},
	{"4KiB", 4 << 10},
	{"1MiB", 1 << 20},
}

func benchData(n int) []byte { return randBytes(rand.New(rand.NewPCG(7, 8)), n) }

// BenchmarkHasher is the single-pass MD5 + CRC-64 writer.
func BenchmarkHasher(b *testing.B) {
	for _, s := range benchSizes[1:] {
		b.Run(s.name, func(b *testing.B) {
			buf := benchData(s.n)
			h := New()
			b.SetBytes(int64(s.n))
			for b.Loop() {
				h.Write(buf)
			}
		})
	}
}

// BenchmarkHasherSHA1 adds the optional SHA-1.
func BenchmarkHasherSHA1(b *testing.B) {
	for _, s := range benchSizes[1:] {
		b.Run(s.name, func(b *testing.B) {
			buf := benchData(s.n)
			h := NewWithSHA1()
			b.SetBytes(int64(s.n))
			for b.Loop() {
				h.Write(buf)
			}
		})
	}
}

// BenchmarkTwoPass is the baseline: a stdlib MD5 pass then a stdlib
// crc64 (ECMA) pass over each buffer, as two chained writers would do.
func BenchmarkTwoPass(b *testing.B) {
	for _, s := range benchSizes[1:] {
		b.Run(s.name, func(b *testing.B) {
			buf := benchData(s.n)
			m := md5.New()
			c := crc64.New(crc64.MakeTable(crc64.ECMA))
			b.SetBytes(int64(s.n))
			for b.Loop() {
				m.Write(buf)
				c.Write(buf)
			}
		})
	}
}

// BenchmarkMD5 is MD5 alone: the floor for any MD5+CRC hasher.
func BenchmarkMD5(b *testing.B) {
	for _, s := range benchSizes[1:] {
		b.Run(s.name, func(b *testing.B) {
			buf := benchData(s.n)
			m := md5.New()
			b.SetBytes(int64(s.n))
			for b.Loop() {
				m.Write(buf)
			}
		})
	}
}

func BenchmarkCRC64(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			buf := benchData(s.n)
			b.SetBytes(int64(s.n))
			var crc uint64
			for b.Loop() {
				crc = UpdateCRC64(crc, buf)
			}
		})
	}
}

func BenchmarkCRC64Stdlib(b *testing.B) {
	tab := crc64.MakeTable(crc64.ECMA)
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			buf := benchData(s.n)
			b.SetBytes(int64(s.n))
			var crc uint64
			for b.Loop() {
				crc = crc64.Update(crc, tab, buf)
			}
		})
	}
}

func BenchmarkCRC64Combine(b *testing.B) {
	var crc uint64
	for b.Loop() {
		crc = CRC64Combine(crc, 0x1234, 5<<30+12345)
	}
}
