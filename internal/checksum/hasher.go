package checksum

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strconv"
)

// chunkSize is how much of a Write CRC-64 and SHA-1 consume before the
// other runs, so that the chunk stays in L1 between them.
// It is a multiple of the 64-byte MD5/SHA-1 block size.
const chunkSize = 8 << 10

// Sums is the result of a [Hasher].
type Sums struct {
	MD5   [md5.Size]byte
	CRC64 uint64 // CRC-64/ECMA, see CRC64
	Size  int64  // bytes written
	// SHA1 is only filled in when HasSHA1 is true (NewWithSHA1).
	SHA1    [sha1.Size]byte
	HasSHA1 bool
}

// MD5Hex returns the lower-case hex MD5, the unquoted single-part ETag.
func (s Sums) MD5Hex() string { return hex.EncodeToString(s.MD5[:]) }

// MD5Base64 returns the base64 MD5, the form of the Content-MD5 header.
func (s Sums) MD5Base64() string { return base64.StdEncoding.EncodeToString(s.MD5[:]) }

// CRC64String returns the CRC-64/ECMA as a decimal string, the form of
// x-cos-hash-crc64ecma and x-oss-hash-crc64ecma.
func (s Sums) CRC64String() string { return FormatCRC64(s.CRC64) }

// SHA1Hex returns the lower-case hex SHA-1, or "" if it was not computed.
func (s Sums) SHA1Hex() string {
	if !s.HasSHA1 {
		return ""
	}
	return hex.EncodeToString(s.SHA1[:])
}

// Hasher is an io.Writer that computes MD5, CRC-64/ECMA, the byte count and
// optionally SHA-1 of everything written to it, in a single pass over each
// Write. Write never fails. A Hasher is not safe for concurrent use; the zero
// value is not usable, create one with New or NewWithSHA1.
type Hasher struct {
	md5     hash.Hash
	sha1    hash.Hash // nil unless requested: no per-byte cost when absent
	crc     uint64
	size    int64
	scratch [sha1.Size]byte
}

// New returns a Hasher computing MD5, CRC-64/ECMA and the size.
func New() *Hasher { return &Hasher{md5: newMD5()} }

// NewWithSHA1 returns a Hasher that also computes SHA-1.
func NewWithSHA1() *Hasher { return &Hasher{md5: newMD5(), sha1: sha1.New()} }

// Write adds p to the running checksums. It always returns len(p), nil.
func (h *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	// MD5 takes the whole Write: the multi-lane MD5 hands large writes to a
	// combiner, and fewer, larger hand-offs cost less (see md5lanes.go).
	h.md5.Write(p)
	for len(p) > 0 {
		c := p
		if len(c) > chunkSize {
			c = c[:chunkSize]
		}
		if h.sha1 != nil {
			h.sha1.Write(c)
		}
		h.crc = UpdateCRC64(h.crc, c)
		p = p[len(c):]
	}
	h.size += int64(n)
	return n, nil
}

// Sum returns the checksums of everything written so far. It does not change
// the Hasher's state, so writing may continue afterwards.
func (h *Hasher) Sum() Sums {
	s := Sums{CRC64: h.crc, Size: h.size}
	copy(s.MD5[:], h.md5.Sum(h.scratch[:0]))
	if h.sha1 != nil {
		copy(s.SHA1[:], h.sha1.Sum(h.scratch[:0]))
		s.HasSHA1 = true
	}
	return s
}

// Reset returns the Hasher to its initial state, keeping the SHA-1 choice.
func (h *Hasher) Reset() {
	h.md5.Reset()
	if h.sha1 != nil {
		h.sha1.Reset()
	}
	h.crc = 0
	h.size = 0
}

// MultipartETag returns the ETag S3 (and COS/OSS in S3 mode) give a completed
// multipart upload: the hex MD5 of the concatenated binary part MD5s, a dash,
// and the part count, unquoted, e.g. "9b2cf535f27731c974343645a3985328-2".
// Zero parts yield the MD5 of nothing with "-0"; callers reject empty
// completions before getting here.
func MultipartETag(partMD5s [][16]byte) string {
	h := md5.New()
	for i := range partMD5s {
		h.Write(partMD5s[i][:])
	}
	var sum [md5.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])) + "-" + strconv.Itoa(len(partMD5s))
}
