package checksum

import (
	"encoding/binary"
	"math/bits"
)

// Carry-less multiplication folding (Intel, "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ", 2009), for the reflected
// CRC-64/ECMA.
//
// The algebra. In the reflected (LSB-first) bit order of this CRC, a
// 16-byte block loaded little-endian into a 128-bit register holds the
// polynomial whose bit k is the coefficient of x^(127-k); its low 64 bits
// are the high-degree half H and its high 64 bits the low half L, so the
// block is H·x^64 + L. A carry-less multiply of two such 64-bit halves
// yields, read the same way, x·A·B (the product has degree ≤ 126 and lands
// one bit short of the top). To fold an accumulator X = H·x^64 + L forward
// by D bits onto the data that follows: X·x^D = H·x^(D+64) + L·x^D
// ≡ H·(x^(D+64) mod P) + L·(x^D mod P), so the constants are
// x^(D+63) mod P and x^(D-1) mod P, bit-reflected (the -1 pays for the
// multiply's extra x). Each fold keeps the accumulator congruent modulo P
// to the message folded so far, and below 128 bits; the CRC register of
// that message is then the table CRC, from a zero register, of the
// accumulator's 16 bytes.

// foldConsts are the folding constants for D = 512 (four accumulators)
// and D = 128 (one), in the register layout the assembly loads.
type foldConsts [4]uint64

var clmulConsts = foldConsts{
	xPowModP(512 + 63), xPowModP(512 - 1),
	xPowModP(128 + 63), xPowModP(128 - 1),
}

// crc64PolyNormal is the ECMA-182 polynomial in normal (MSB-first) form,
// without its x^64 term.
const crc64PolyNormal = 0x42F0E1EBA9EA3693

// xPowModP returns x^n mod P, bit-reflected to the LSB-first form.
func xPowModP(n int) uint64 {
	r := uint64(1)
	for range n {
		top := r >> 63
		r <<= 1
		if top == 1 {
			r ^= crc64PolyNormal
		}
	}
	return bits.Reverse64(r)
}

// clmulMin is the shortest input worth folding: below it the table is as
// fast.
const clmulMin = 128

// updateRaw advances the CRC register crc (not inverted) over p with the
// slicing-by-16 tables.
func updateRaw(crc uint64, p []byte) uint64 {
	t := slicing16
	for len(p) >= 16 {
		q := p[:16]
		// Bytes 8..15 do not depend on the running CRC: look them up straight
		// from memory. Bytes 0..7 are XORed with the CRC first. The XORs are
		// written as a balanced tree on purpose: a linear a^b^c^... chain
		// makes the loop latency-bound (16 dependent XORs per block) and
		// costs about a third of the throughput.
		e := t[7][q[8]] ^ t[6][q[9]]
		f := t[5][q[10]] ^ t[4][q[11]]
		g := t[3][q[12]] ^ t[2][q[13]]
		h := t[1][q[14]] ^ t[0][q[15]]
		lo := binary.LittleEndian.Uint64(q) ^ crc
		a := t[15][byte(lo)] ^ t[14][byte(lo>>8)]
		b := t[13][byte(lo>>16)] ^ t[12][byte(lo>>24)]
		c := t[11][byte(lo>>32)] ^ t[10][byte(lo>>40)]
		d := t[9][byte(lo>>48)] ^ t[8][byte(lo>>56)]
		crc = ((a ^ b) ^ (c ^ d)) ^ ((e ^ f) ^ (g ^ h))
		p = p[16:]
	}
	for _, v := range p {
		crc = t[0][byte(crc)^v] ^ crc>>8
	}
	return crc
}

// updateFolded advances the register crc over p (len(p) ≥ clmulMin) by
// folding the whole 16-byte blocks with fold, then the table.
func updateFolded(crc uint64, p []byte, fold func(crc uint64, p []byte, k *foldConsts) (lo, hi uint64)) uint64 {
	n := len(p) &^ 15
	lo, hi := fold(crc, p[:n], &clmulConsts)
	var acc [16]byte
	binary.LittleEndian.PutUint64(acc[:8], lo)
	binary.LittleEndian.PutUint64(acc[8:], hi)
	return updateRaw(updateRaw(0, acc[:]), p[n:])
}
