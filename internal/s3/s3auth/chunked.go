package s3auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/arcastore/arca/internal/checksum"
)

// ChunkedReader decodes an aws-chunked body (sigv4-streaming,
// sigv4-streaming-trailers) as it streams:
//
//	hex-size [";chunk-signature=" 64-hex] CRLF data CRLF   (repeated)
//	"0" [";chunk-signature=" 64-hex] CRLF                    (the final chunk)
//	[name ":" value CRLF ...] ["x-amz-trailer-signature:" 64-hex CRLF] CRLF
//
// Signed bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) must carry
// a chunk-signature on every chunk, the final one included, and each is
// checked before the Read that took the end of its chunk returns:
// HMAC-SHA256 under the request's signing key of
// "AWS4-HMAC-SHA256-PAYLOAD", the request time and scope, the previous
// signature (the first chunk's is the Authorization header's), the hash
// of the empty string and the hash of the chunk's data. The
// trailing headers of STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER are
// covered by x-amz-trailer-signature, "AWS4-HMAC-SHA256-TRAILER" over the
// hash of the trailer lines, each followed by "\n". Unsigned bodies
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER) have no signatures to check; a
// chunk-signature extension is ignored there.
//
// Clients differ in the bytes between the final chunk and the end of the
// body (the AWS example, the AWS SDKs and minio-go each put their CRLFs
// and bare LFs differently), so the trailer section is read as lines, LF
// or CRLF terminated, blank lines skipped, up to the end of the body. A
// chunk header line may be 4 KiB long and the trailer section 16 KiB, so
// memory stays bounded whatever the chunk sizes; chunk data is streamed,
// never buffered. Read fills p across chunks (it returns less only at
// the end of the body), and the SHA-256s of all the chunks one Read took
// are computed together (checksum.SHA256Batch: a Read of 1 MiB holds
// sixteen 64 KiB chunks, which AVX-512 hashes side by side at about twice
// the speed of one after another). Unlike S3, which refuses a signed
// chunk under 8 KiB other than the last (InvalidChunkSizeError), the
// reader takes chunks of any size: a tiny chunk costs the sender more
// bytes than it costs the reader work.
//
// Errors are *Error values: ErrSignatureDoesNotMatch for a wrong chunk or
// trailer signature, ErrIncompleteBody for broken framing, a truncated
// body or a decoded length other than x-amz-decoded-content-length, and
// ErrMalformedTrailer for trailing headers that are malformed, undeclared,
// repeated or missing; or the error of the underlying body, unchanged.
// Once Read has failed it keeps returning the same error. Body makes the
// reader; it has no constructor of its own. A ChunkedReader is not safe
// for concurrent use.
type ChunkedReader struct {
	br     *bufio.Reader
	signer *ChunkSigner // nil for unsigned bodies
	// chunks (signed bodies only) are the chunks whose data Read has taken
	// and whose signature is not checked yet, oldest first; the last is
	// the current chunk while it is open (remaining > 0 or inChunk). Its
	// capacity, maxPendingChunks, is fixed: batch holds pointers into it.
	chunks        []pendingChunk
	batch         checksum.SHA256Batch
	remaining     int64 // data bytes of the current chunk not yet read
	inChunk       bool  // a chunk's data was started and awaits its CRLF and check
	decoded       int64
	want          int64 // x-amz-decoded-content-length
	signedTrailer bool
	declared      []string // x-amz-trailer, lowercase
	trailer       http.Header
	err           error
}

// Limits of the framing.
const (
	maxChunkLine    = 4 << 10
	maxTrailerBytes = 16 << 10
	chunkBufSize    = 32 << 10
	maxChunkSize    = 1 << 40 // far beyond any client's, small enough for no overflow
	// maxPendingChunks bounds the chunks one Read hashes together: tiny
	// chunks make Read check them in groups of this many.
	maxPendingChunks = 32
)

// pendingChunk is a chunk whose data is (being) hashed and whose
// signature awaits checking.
type pendingChunk struct {
	sum checksum.SHA256
	sig [32]byte // the signature the chunk's header announced
}

// emptySHA256 is the SHA-256 of no bytes, the final chunk's.
var emptySHA256 = sha256.Sum256(nil)

func (cr *ChunkedReader) init(body io.Reader, declared []string) {
	cr.br = bufio.NewReaderSize(body, chunkBufSize)
	cr.declared = declared
	cr.trailer = make(http.Header, len(declared))
	for _, n := range declared {
		cr.trailer[textproto.CanonicalMIMEHeaderKey(n)] = nil
	}
}

// Trailer returns the trailing headers, keyed in canonical form
// ("X-Amz-Checksum-Crc32"). Before Read has returned io.EOF it holds the
// names x-amz-trailer declared with nil values, as http.Request.Trailer
// does; after, their values (base64 checksums, as sent). The values are
// not checked against the data: the caller computes the checksum of the
// bytes it read and compares. The map belongs to the reader; copy it to
// keep it.
func (cr *ChunkedReader) Trailer() http.Header { return cr.trailer }

// Decoded returns how many payload bytes Read has returned so far.
func (cr *ChunkedReader) Decoded() int64 { return cr.decoded }

func (cr *ChunkedReader) fail(err error) error {
	cr.err = err
	return err
}

// Read reads decoded payload bytes. It fills p unless the body ends
// first, and checks the signature of every chunk whose end it read.
func (cr *ChunkedReader) Read(p []byte) (int, error) {
	if cr.err != nil {
		return 0, cr.err
	}
	n := 0
	seg := -1 // where the current chunk's data not yet queued for hashing starts in p
	var err error
	for n < len(p) {
		if cr.remaining > 0 {
			q := p[n:]
			if int64(len(q)) > cr.remaining {
				q = q[:cr.remaining]
			}
			m, rerr := cr.br.Read(q)
			if m > 0 {
				if seg < 0 {
					seg = n
				}
				cr.remaining -= int64(m)
				cr.decoded += int64(m)
				n += m
				continue
			}
			if rerr == io.EOF {
				err = incompleteBody("The aws-chunked body ends inside a chunk.")
			} else {
				err = bodyError(rerr)
			}
			break
		}
		if seg >= 0 {
			cr.queue(p[seg:n])
			seg = -1
		}
		if cr.inChunk {
			if err = cr.endChunk(); err != nil {
				break
			}
		}
		// The queue of pending chunk signatures is full. Unsigned bodies
		// queue nothing (len and cap 0), and check returns at once.
		if len(cr.chunks) == cap(cr.chunks) {
			if err = cr.check(); err != nil {
				break
			}
		}
		var final bool
		if final, err = cr.nextChunk(); err != nil {
			break
		}
		if final {
			err = io.EOF
			break
		}
	}
	if seg >= 0 {
		cr.queue(p[seg:n])
	}
	// A chunk whose signature fails came before whatever else went wrong.
	if cerr := cr.check(); cerr != nil {
		return 0, cr.fail(cerr)
	}
	switch {
	case err == io.EOF && n > 0:
		cr.err = io.EOF
		return n, nil
	case err != nil:
		return 0, cr.fail(err)
	}
	return n, nil
}

// queue adds data of the current chunk to its SHA-256.
func (cr *ChunkedReader) queue(data []byte) {
	if cr.signer != nil {
		cr.batch.Add(&cr.chunks[len(cr.chunks)-1].sum, data)
	}
}

// check hashes the queued chunk data and checks the signatures of the
// chunks that are complete, in order, keeping the open one.
func (cr *ChunkedReader) check() error {
	if cr.signer == nil {
		return nil
	}
	cr.batch.Run()
	done := len(cr.chunks)
	if cr.remaining > 0 || cr.inChunk {
		done--
	}
	for i := range done {
		c := &cr.chunks[i]
		var sum [32]byte
		got := cr.signer.chunk(c.sum.Sum(sum[:0]))
		if subtle.ConstantTimeCompare(got[:], c.sig[:]) != 1 {
			return ErrSignatureDoesNotMatch.with("A chunk signature of the aws-chunked body does not match.")
		}
	}
	if done > 0 {
		cr.chunks = cr.chunks[:copy(cr.chunks, cr.chunks[done:])]
	}
	return nil
}

// readLine reads one line, LF or CRLF terminated, without its terminator.
// A clean end of the body before any byte gives io.EOF.
func (cr *ChunkedReader) readLine(limit int) ([]byte, error) {
	line, err := cr.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull || len(line) > limit:
		return nil, incompleteBody("An aws-chunked line is longer than %d bytes.", limit)
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err == io.EOF:
		return nil, incompleteBody("The aws-chunked body ends inside a line.")
	case err != nil:
		return nil, bodyError(err)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// endChunk reads the CRLF after a chunk's data, which completes the
// chunk; check checks its signature.
func (cr *ChunkedReader) endChunk() error {
	c, err := cr.br.ReadByte()
	if err == nil && c == '\r' {
		c, err = cr.br.ReadByte()
	}
	switch {
	case err == io.EOF:
		return incompleteBody("The aws-chunked body ends after a chunk's data.")
	case err != nil:
		return bodyError(err)
	case c != '\n':
		return incompleteBody("A chunk's data is not followed by CRLF: the chunk is longer than its size says.")
	}
	cr.inChunk = false
	return nil
}

// nextChunk reads a chunk header. For the final chunk it also checks its
// signature, reads the trailing headers and the decoded length, and
// reports final.
func (cr *ChunkedReader) nextChunk() (final bool, err error) {
	line, err := cr.readLine(maxChunkLine)
	if err == io.EOF {
		return false, incompleteBody("The aws-chunked body ends before its final chunk.")
	}
	if err != nil {
		return false, err
	}
	size, sig, err := parseChunkHeader(line)
	if err != nil {
		return false, err
	}
	var chunkSig [32]byte
	if cr.signer != nil {
		if sig == nil {
			return false, incompleteBody("A chunk of a signed aws-chunked body has no chunk-signature.")
		}
		hex.Decode(chunkSig[:], sig) // 64 hex digits, checked
	}
	if size > 0 {
		if size > cr.want-cr.decoded {
			return false, incompleteBody("The aws-chunked body holds more than x-amz-decoded-content-length (%d) bytes.", cr.want)
		}
		cr.remaining, cr.inChunk = size, true
		if cr.signer != nil {
			cr.chunks = append(cr.chunks, pendingChunk{sig: chunkSig})
			cr.chunks[len(cr.chunks)-1].sum.Reset()
		}
		return false, nil
	}
	// The final chunk signs the empty string, after every chunk before it.
	if cr.signer != nil {
		if err := cr.check(); err != nil {
			return false, err
		}
		if got := cr.signer.chunk(emptySHA256[:]); subtle.ConstantTimeCompare(got[:], chunkSig[:]) != 1 {
			return false, ErrSignatureDoesNotMatch.with("A chunk signature of the aws-chunked body does not match.")
		}
	}
	if err := cr.readTrailers(); err != nil {
		return false, err
	}
	if cr.decoded != cr.want {
		return false, incompleteBody("The aws-chunked body holds %d bytes; x-amz-decoded-content-length says %d.", cr.decoded, cr.want)
	}
	return true, nil
}

// parseChunkHeader parses "hex-size[;ext[=value]]...", returning the
// chunk-signature extension's value (nil when absent).
func parseChunkHeader(line []byte) (size int64, sig []byte, err error) {
	sz, exts, _ := bytes.Cut(line, []byte{';'})
	sz = bytes.Trim(sz, " \t")
	if len(sz) == 0 || len(sz) > 16 {
		return 0, nil, incompleteBody("An aws-chunked chunk header has no valid size.")
	}
	for _, c := range sz {
		d := fromHex(c)
		if d < 0 {
			return 0, nil, incompleteBody("An aws-chunked chunk header has no valid size.")
		}
		size = size<<4 | int64(d)
		if size > maxChunkSize {
			return 0, nil, incompleteBody("An aws-chunked chunk is too large.")
		}
	}
	for len(exts) > 0 {
		var ext []byte
		ext, exts, _ = bytes.Cut(exts, []byte{';'})
		k, v, _ := bytes.Cut(ext, []byte{'='})
		if string(bytes.Trim(k, " \t")) != "chunk-signature" {
			continue
		}
		if sig != nil {
			return 0, nil, incompleteBody("An aws-chunked chunk header has two chunk-signatures.")
		}
		if sig = bytes.Trim(v, " \t"); !isHexSignature(string(sig)) {
			return 0, nil, incompleteBody("An aws-chunked chunk-signature is not 64 hexadecimal digits.")
		}
	}
	return size, sig, nil
}

const trailerSignatureName = "x-amz-trailer-signature"

// readTrailers reads the lines after the final chunk to the end of the
// body: the declared trailing headers and, for signed trailers, the
// trailer signature, which must come last.
func (cr *ChunkedReader) readTrailers() error {
	var (
		signed []byte // the trailer lines as signed
		sig    string
		total  int
	)
	for {
		line, err := cr.readLine(maxChunkLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if total += len(line) + 2; total > maxTrailerBytes {
			return malformedTrailer("the trailer section is longer than %d bytes", maxTrailerBytes)
		}
		if len(trimSpace(string(line))) == 0 {
			continue
		}
		k, v, ok := strings.Cut(string(line), ":")
		if !ok {
			return malformedTrailer("a trailer line has no colon")
		}
		name, v := asciiLower(trimSpace(k)), trimSpace(v)
		switch {
		case sig != "":
			return malformedTrailer("a line follows x-amz-trailer-signature")
		case name == trailerSignatureName:
			if !cr.signedTrailer {
				return malformedTrailer("x-amz-trailer-signature in an unsigned body")
			}
			if !isHexSignature(v) {
				return malformedTrailer("x-amz-trailer-signature is not 64 hexadecimal digits")
			}
			sig = v
			continue
		case !containsString(cr.declared, name):
			return malformedTrailer("trailer %s is not declared in x-amz-trailer", name)
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		if cr.trailer[key] != nil {
			return malformedTrailer("trailer %s is given twice", name)
		}
		cr.trailer[key] = []string{v}
		signed = append(signed, line...)
		signed = append(signed, '\n')
	}
	for _, n := range cr.declared {
		if cr.trailer[textproto.CanonicalMIMEHeaderKey(n)] == nil {
			return malformedTrailer("trailer %s is declared in x-amz-trailer but not sent", n)
		}
	}
	if !cr.signedTrailer || (sig == "" && len(cr.declared) == 0) {
		return nil
	}
	if sig == "" {
		return malformedTrailer("x-amz-trailer-signature is missing")
	}
	want, _ := decodeSignature(sig)
	got := cr.signer.trailer(signed)
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		return ErrSignatureDoesNotMatch.with("The trailer signature of the aws-chunked body does not match.")
	}
	return nil
}
