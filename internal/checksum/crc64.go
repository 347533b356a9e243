package checksum

import "strconv"

// crc64Poly is the reflected (LSB-first) form of the ECMA-182 polynomial,
// the same value as hash/crc64.ECMA.
const crc64Poly = 0xC96C5795D7870F42

// slicing16 holds the slicing-by-16 tables. slicing16[0] is the classic
// byte-at-a-time table (identical to crc64.MakeTable(crc64.ECMA));
// slicing16[k][b] is the CRC contribution of byte b followed by k zero bytes.
var slicing16 = makeSlicing16()

func makeSlicing16() *[16][256]uint64 {
	t := new([16][256]uint64)
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ crc64Poly
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 16; k++ {
			c = t[0][byte(c)] ^ c>>8
			t[k][i] = c
		}
	}
	return t
}

// UpdateCRC64 returns the CRC-64/ECMA of the bytes that produced crc followed
// by p. It is bit-identical to crc64.Update(crc, crc64.MakeTable(crc64.ECMA), p):
// the CRC starts at 0, the register is preset and post-inverted with all ones
// (the CRC-64/XZ parameters), so UpdateCRC64(0, p) is the value COS and OSS
// report for p.
func UpdateCRC64(crc uint64, p []byte) uint64 {
	return ^update(^crc, p)
}

// CRC64 returns the CRC-64/ECMA of p, as reported in x-cos-hash-crc64ecma and
// x-oss-hash-crc64ecma. CRC64([]byte("123456789")) == 0x995DC9BBDF1939FA.
func CRC64(p []byte) uint64 { return UpdateCRC64(0, p) }

// FormatCRC64 formats crc the way COS and OSS put it in headers: an unsigned
// decimal integer.
func FormatCRC64(crc uint64) string { return strconv.FormatUint(crc, 10) }

// x2n[k] is x^(2^k) modulo the polynomial, in reflected representation
// (bit 63 is the coefficient of x^0). Lengths are in bytes and a byte is 2^3
// bits, so CRC64Combine needs k up to 3+62 for any non-negative int64 length.
var x2n = makeX2n()

func makeX2n() *[67]uint64 {
	var t [67]uint64
	p := uint64(1) << 62 // x^1
	for k := range t {
		t[k] = p
		p = multModP(p, p)
	}
	return &t
}

// multModP returns a*b modulo the CRC polynomial, both in reflected
// representation (zlib's multmodp, widened to 64 bits).
func multModP(a, b uint64) uint64 {
	const top = uint64(1) << 63 // x^0
	var p uint64
	for m := top; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ crc64Poly
		} else {
			b >>= 1
		}
	}
	return p
}

// CRC64Combine returns the CRC-64/ECMA of the concatenation A||B given
// crc1 = CRC64(A), crc2 = CRC64(B) and len2 = len(B), without reading A or B.
// It multiplies crc1 by x^(8*len2) modulo the polynomial (the technique of
// zlib's crc32_combine, using its x^(2^k) table instead of repeated matrix
// squaring) and adds crc2; the all-ones preset and final XOR cancel out. Cost
// is O(log len2) 64-bit carry-less multiplications, independent of the data
// size. A len2 <= 0 returns crc1 (an empty B has CRC 0).
func CRC64Combine(crc1, crc2 uint64, len2 int64) uint64 {
	if len2 <= 0 {
		return crc1
	}
	// xn = x^(8*len2) mod P, built from the binary expansion of len2.
	xn := uint64(1) << 63 // x^0
	for k := 3; len2 != 0; k, len2 = k+1, len2>>1 {
		if len2&1 != 0 {
			xn = multModP(x2n[k], xn)
		}
	}
	return multModP(xn, crc1) ^ crc2
}
