package s3

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/s3/s3auth"
)

// This file is S3's additional checksums (x-amz-checksum-*): CRC32,
// CRC32C, CRC64NVME, SHA1 and SHA256, each the base64 of the digest's
// big-endian bytes (checking-object-integrity).
//
// An upload that names an algorithm (a value header, a declared trailer,
// x-amz-sdk-checksum-algorithm, or a multipart upload's
// x-amz-checksum-algorithm) has its body hashed as it streams into the
// store; at the body's end the digest is compared with the value sent, and
// a mismatch fails the read, so that core stores nothing. The digest is
// recorded in the version's Ext ("checksum-<alg>", with "checksum-type")
// and returned on GET and HEAD with x-amz-checksum-mode: ENABLED, in
// GetObjectAttributes and in listings.
//
// Multipart uploads record each part's checksum in the part's Ext. On
// completion an upload created with an algorithm gets an object checksum:
// COMPOSITE, the checksum of the concatenated part checksums with a "-N"
// suffix, or FULL_OBJECT for the CRCs, the parts' CRCs combined into the
// CRC of the whole object (no byte is read again). CRC64NVME is always
// FULL_OBJECT, SHA1 and SHA256 always COMPOSITE, CRC32 and CRC32C either
// (COMPOSITE unless x-amz-checksum-type says FULL_OBJECT).
//
// Uploads that name no algorithm get no checksum: S3 adds a CRC64NVME to
// those since 2025, which Arca does not, to keep its single pass over the
// data to MD5 and CRC-64/ECMA.

// Checksum types.
const (
	typeComposite  = "COMPOSITE"
	typeFullObject = "FULL_OBJECT"
)

// Keys of the checksum attributes in Ext.
const (
	extType      = "checksum-type"
	extParts     = "checksum-parts"     // multipart objects: the parts' checksums, space-separated
	extAlgorithm = "checksum-algorithm" // multipart uploads: x-amz-checksum-algorithm
)

// algorithm is one x-amz-checksum-* algorithm.
type algorithm struct {
	Name   string // "CRC32", as x-amz-checksum-algorithm names it
	lower  string // "crc32"
	header string // "x-amz-checksum-crc32"
	ext    string // "checksum-crc32"
	size   int    // digest bytes
	new    func() hash.Hash
	// crc is set for the CRCs, whose values combine (FULL_OBJECT).
	crc *crcParams
	// composite and fullObject are the multipart checksum types allowed.
	composite, fullObject bool
}

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	nvme       = crc64.MakeTable(0x9a6c9329ac4bc9b5)
)

func newAlgorithm(name string, size int, fn func() hash.Hash, crc *crcParams, composite, full bool) *algorithm {
	lower := strings.ToLower(name)
	return &algorithm{Name: name, lower: lower, header: "x-amz-checksum-" + lower, ext: "checksum-" + lower,
		size: size, new: fn, crc: crc, composite: composite, fullObject: full}
}

// algorithms are the supported algorithms, in the order S3 lists them.
var algorithms = []*algorithm{
	newAlgorithm("CRC32", 4, func() hash.Hash { return crc32.NewIEEE() }, &crcParams{width: 32, poly: 0xedb88320}, true, true),
	newAlgorithm("CRC32C", 4, func() hash.Hash { return crc32.New(castagnoli) }, &crcParams{width: 32, poly: 0x82f63b78}, true, true),
	newAlgorithm("CRC64NVME", 8, func() hash.Hash { return crc64.New(nvme) }, &crcParams{width: 64, poly: 0x9a6c9329ac4bc9b5}, false, true),
	newAlgorithm("SHA1", sha1.Size, sha1.New, nil, true, false),
	newAlgorithm("SHA256", sha256.Size, sha256.New, nil, true, false),
}

// algorithmNamed finds an algorithm by name, case-insensitively.
func algorithmNamed(name string) *algorithm {
	for _, a := range algorithms {
		if strings.EqualFold(a.Name, strings.TrimSpace(name)) {
			return a
		}
	}
	return nil
}

// decode decodes a base64 checksum value of a's size.
func (a *algorithm) decode(v string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	return b, err == nil && len(b) == a.size
}

func errUnsupportedAlgorithm() *Error {
	return invalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
}

func errInvalidChecksum(header string, trailing bool) *Error {
	if trailing {
		return invalidRequest("Value for %s trailing header is invalid.", header)
	}
	return invalidRequest("Value for %s header is invalid.", header)
}

func errBadChecksum(a *algorithm) *Error {
	return errorf("BadDigest", 400, "The %s you specified did not match the calculated checksum.", a.Name)
}

// checksumSpec is what a request says about a body's checksum.
type checksumSpec struct {
	alg *algorithm
	// value is the checksum sent in a header; nil when it comes in the
	// trailer or not at all (compute only).
	value   []byte
	trailer bool
}

// checksumRequest reads the checksum a request declares for its body:
// x-amz-checksum-<alg> headers, a checksum named in x-amz-trailer, and
// x-amz-sdk-checksum-algorithm. It returns nil when there is none.
func checksumRequest(h http.Header) (*checksumSpec, error) {
	var spec *checksumSpec
	for k, vs := range h {
		name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-checksum-")
		if !ok || name == "algorithm" || name == "type" || name == "mode" {
			continue
		}
		a := algorithmNamed(name)
		if a == nil {
			return nil, invalidRequest("The algorithm type you specified in x-amz-checksum- header is invalid.")
		}
		if spec != nil || len(vs) > 1 {
			return nil, invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		v, ok := a.decode(vs[0])
		if !ok {
			return nil, errInvalidChecksum(a.header, false)
		}
		spec = &checksumSpec{alg: a, value: v}
	}
	for _, tv := range h.Values("x-amz-trailer") {
		for _, n := range strings.Split(tv, ",") {
			n = strings.ToLower(strings.TrimSpace(n))
			name, ok := strings.CutPrefix(n, "x-amz-checksum-")
			if !ok {
				continue // s3auth refuses other trailers
			}
			a := algorithmNamed(name)
			if a == nil {
				return nil, invalidRequest("The value specified in the x-amz-trailer header is not supported")
			}
			if spec != nil {
				return nil, invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
			}
			spec = &checksumSpec{alg: a, trailer: true}
		}
	}
	if sdk := h.Get("x-amz-sdk-checksum-algorithm"); sdk != "" {
		a := algorithmNamed(sdk)
		switch {
		case a == nil:
			return nil, errUnsupportedAlgorithm()
		case spec == nil:
			return nil, invalidRequest("x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.")
		case spec.alg != a:
			// PutObjectRequest.ChecksumAlgorithm: a value header of another
			// algorithm fails with BadDigest.
			return nil, errBadChecksum(a)
		}
	}
	return spec, nil
}

// checksumReader hashes a body with one algorithm as it streams and checks
// the digest at the end (against the header value, or the trailer's, read
// from trailer). At io.EOF it records the digest in ext; on a mismatch it
// returns an error instead of io.EOF, before the caller can commit.
type checksumReader struct {
	r       io.Reader
	spec    checksumSpec
	h       hash.Hash
	trailer func() http.Header // nil unless the value is a trailer
	ext     map[string]string
	sum     string
	err     error
}

func newChecksumReader(r io.Reader, spec *checksumSpec, ext map[string]string) (*checksumReader, error) {
	cr := &checksumReader{r: r, spec: *spec, h: spec.alg.new(), ext: ext}
	if spec.trailer {
		ch, ok := r.(*s3auth.ChunkedReader)
		if !ok {
			return nil, invalidRequest("The x-amz-trailer header needs an aws-chunked body (x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER).")
		}
		cr.trailer = ch.Trailer
	}
	return cr, nil
}

func (c *checksumReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF {
		err = c.finish()
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// finish compares the digest with the value sent and records it.
func (c *checksumReader) finish() error {
	got := c.h.Sum(nil)
	want := c.spec.value
	if c.trailer != nil {
		v := c.trailer().Get(c.spec.alg.header)
		var ok bool
		if want, ok = c.spec.alg.decode(v); !ok {
			return errInvalidChecksum(c.spec.alg.header, true)
		}
	}
	if want != nil && !bytes.Equal(got, want) {
		return errBadChecksum(c.spec.alg)
	}
	c.sum = base64.StdEncoding.EncodeToString(got)
	if c.ext != nil {
		c.ext[c.spec.alg.ext] = c.sum
		c.ext[extType] = typeFullObject
	}
	return io.EOF
}

// encodeSum is the base64 digest of h.
func encodeSum(h hash.Hash) string { return base64.StdEncoding.EncodeToString(h.Sum(nil)) }

// xmlChecksum holds the Checksum* elements of S3's documents.
type xmlChecksum struct {
	CRC32     string `xml:"ChecksumCRC32,omitempty"`
	CRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	CRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	SHA1      string `xml:"ChecksumSHA1,omitempty"`
	SHA256    string `xml:"ChecksumSHA256,omitempty"`
}

func (x *xmlChecksum) field(a *algorithm) *string {
	switch a.Name {
	case "CRC32":
		return &x.CRC32
	case "CRC32C":
		return &x.CRC32C
	case "CRC64NVME":
		return &x.CRC64NVME
	case "SHA1":
		return &x.SHA1
	}
	return &x.SHA256
}

// count is how many checksums x holds.
func (x *xmlChecksum) count() int {
	n := 0
	for _, a := range algorithms {
		if *x.field(a) != "" {
			n++
		}
	}
	return n
}

// recorded returns the checksum an object's (or part's) Ext records: its
// algorithm, value and type; nil when it has none.
func recorded(ext map[string]string) (a *algorithm, value, typ string) {
	for _, a := range algorithms {
		if v, ok := ext[a.ext]; ok {
			typ := ext[extType]
			if typ == "" {
				typ = typeFullObject
			}
			return a, v, typ
		}
	}
	return nil, "", ""
}

// checksumXML renders a recorded checksum as the document elements.
func checksumXML(ext map[string]string) (x xmlChecksum, typ string) {
	if a, v, t := recorded(ext); a != nil {
		*x.field(a) = v
		typ = t
	}
	return x, typ
}

// setChecksumHeaders adds the recorded checksum to response headers.
func setChecksumHeaders(h http.Header, ext map[string]string) {
	if a, v, t := recorded(ext); a != nil {
		h.Set(a.header, v)
		h.Set("x-amz-checksum-type", t)
	}
}

// partChecksums returns the parts' checksums a multipart object records
// (in part order), or nil.
func partChecksums(ext map[string]string) []string {
	v := ext[extParts]
	if v == "" {
		return nil
	}
	return strings.Split(v, " ")
}

// composite is the COMPOSITE checksum of parts (base64 values): the
// digest of their concatenated raw values, with "-N".
func composite(a *algorithm, parts []string) (string, bool) {
	h := a.new()
	for _, p := range parts {
		raw, ok := a.decode(p)
		if !ok {
			return "", false
		}
		h.Write(raw)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)), true
}

// fullObject combines the parts' CRCs (base64 values) with their sizes
// into the CRC of the whole object.
func fullObject(a *algorithm, parts []string, sizes []int64) (string, bool) {
	var crc uint64
	for i, p := range parts {
		raw, ok := a.decode(p)
		if !ok {
			return "", false
		}
		v := beUint(raw)
		if i == 0 {
			crc = v
		} else {
			crc = a.crc.combine(crc, v, sizes[i])
		}
	}
	out := make([]byte, 8)
	binary.BigEndian.PutUint64(out, crc)
	return base64.StdEncoding.EncodeToString(out[8-a.size:]), true
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// crcParams describe a reflected CRC with all-ones initial value and final
// XOR (CRC-32, CRC-32C, CRC-64/NVME): width in bits and the reflected
// polynomial.
type crcParams struct {
	width uint
	poly  uint64
}

// mulModP returns a*b modulo the polynomial, both in reflected form (bit
// width-1 is x^0), as zlib's multmodp does for CRC-32.
func (p *crcParams) mulModP(a, b uint64) uint64 {
	top := uint64(1) << (p.width - 1)
	var r uint64
	for m := top; m != 0; m >>= 1 {
		if a&m != 0 {
			r ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ p.poly
		} else {
			b >>= 1
		}
	}
	return r
}

// combine returns the CRC of A||B from crc1 = CRC(A), crc2 = CRC(B) and
// len2 = len(B): crc1 times x^(8*len2), plus crc2 (the presets and final
// XORs cancel). It costs O(log len2) multiplications.
func (p *crcParams) combine(crc1, crc2 uint64, len2 int64) uint64 {
	if len2 <= 0 {
		return crc1
	}
	xn := uint64(1) << (p.width - 1)  // x^0
	x2k := uint64(1) << (p.width - 2) // x^1, squared below to x^(2^k)
	for k := 0; k < 3; k++ {          // a byte is 2^3 bits
		x2k = p.mulModP(x2k, x2k)
	}
	for n := len2; n != 0; n >>= 1 {
		if n&1 != 0 {
			xn = p.mulModP(x2k, xn)
		}
		x2k = p.mulModP(x2k, x2k)
	}
	return p.mulModP(xn, crc1) ^ crc2
}
