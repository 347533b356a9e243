package s3auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Body returns the payload of r as the caller should store it, and its
// size (-1 when unknown), checked against what the request was signed
// with. a is the request's signature, already verified, or nil for an
// anonymous request; secretKey is the key a was verified with.
//
// What the reader does depends on x-amz-content-sha256 (for a SigV4
// signature, the payload hash it signed):
//
//   - absent or UNSIGNED-PAYLOAD: r.Body as is; size r.ContentLength.
//   - a hex SHA-256: r.Body, hashed as it streams; at its end the reader
//     fails with ErrXAmzContentSHA256Mismatch instead of io.EOF if the
//     hash differs. Size r.ContentLength.
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] (SigV4 header
//     signatures only) and STREAMING-UNSIGNED-PAYLOAD-TRAILER: the
//     aws-chunked body decoded by a *ChunkedReader, which checks every
//     chunk signature (for the signed forms) and collects the trailing
//     headers that x-amz-trailer declares. Size x-amz-decoded-content-length,
//     which must be given (else ErrMissingContentLength) and must equal
//     the decoded length (else the reader fails with ErrIncompleteBody).
//
// Every reader reports a body that ends early as ErrIncompleteBody, and
// passes other errors of r.Body (a dropped connection, an
// http.MaxBytesError) through unchanged. Bytes are handed out before the
// check that covers them can run, so the caller must not make anything
// durable or visible until the reader has returned io.EOF: any failure
// comes before it. For the same reason a trailing checksum, which the
// caller verifies, is only known after io.EOF (see ChunkedReader.Trailer).
//
// Body returns an *Error when the payload cannot be read at all: an
// invalid x-amz-content-sha256 (ErrInvalidArgument), a signed streaming
// payload without a SigV4 header signature or an unsupported x-amz-trailer
// (ErrInvalidRequest), or a missing decoded length.
func Body(r *http.Request, a *Auth, secretKey string) (io.Reader, int64, error) {
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	hash := r.Header.Get(hContentSHA256)
	if a != nil && (a.Scheme == V4Header || (a.Scheme == V4Query && a.PayloadHash != UnsignedPayload)) {
		hash = a.PayloadHash
	}
	switch hash {
	case "", UnsignedPayload:
		return &plainReader{r: body}, r.ContentLength, nil
	case StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer:
		signed := hash != StreamingUnsignedPayloadTrailer
		if signed && (a == nil || a.Scheme != V4Header) {
			return nil, 0, invalidRequest("%s requires a SigV4 Authorization header; anonymous and pre-signed requests may use UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.", hash)
		}
		size, err := strconv.ParseInt(strings.TrimSpace(r.Header.Get(hDecodedLength)), 10, 64)
		if err != nil || size < 0 {
			return nil, 0, ErrMissingContentLength.with("", Detail{"MissingHeaderName", "x-amz-decoded-content-length"})
		}
		declared, err := parseTrailerNames(r.Header.Values(hTrailer))
		if err != nil {
			return nil, 0, err
		}
		if hash == StreamingSignedPayload && len(declared) > 0 {
			return nil, 0, invalidRequest("x-amz-trailer needs x-amz-content-sha256 %s or %s.", StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer)
		}
		cr := &ChunkedReader{want: size, signedTrailer: hash == StreamingSignedPayloadTrailer}
		cr.init(body, declared)
		if signed {
			cr.signer = newChunkSigner(a, SigningKey(secretKey, a.Date, a.Region, a.Service))
			cr.chunks = make([]pendingChunk, 0, maxPendingChunks)
		}
		return cr, size, nil
	case streamingECDSAPayload, streamingECDSAPayloadTrailer:
		return nil, 0, invalidRequest("%s (SigV4a) is not supported.", hash)
	}
	want, ok := decodeSignature(hash)
	if !ok {
		return nil, 0, invalidContentSHA256()
	}
	return &sha256Reader{r: body, h: sha256.New(), want: want}, r.ContentLength, nil
}

// StripAWSChunked removes the aws-chunked coding from a Content-Encoding
// value ("aws-chunked", "gzip,aws-chunked"), which describes the transfer
// and not the object: S3 does not store it.
func StripAWSChunked(contentEncoding string) string {
	if !strings.Contains(strings.ToLower(contentEncoding), "aws-chunked") {
		return contentEncoding
	}
	var kept []string
	for _, c := range strings.Split(contentEncoding, ",") {
		if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "aws-chunked") {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, ",")
}

// maxTrailers bounds the names x-amz-trailer may declare.
const maxTrailers = 8

// parseTrailerNames parses x-amz-trailer: comma-separated header names,
// each an x-amz-checksum-* header (the only trailers S3 accepts).
func parseTrailerNames(vals []string) ([]string, error) {
	var names []string
	for _, v := range vals {
		for _, n := range strings.Split(v, ",") {
			n = asciiLower(strings.TrimSpace(n))
			if n == "" {
				continue
			}
			if !strings.HasPrefix(n, "x-amz-checksum-") || len(n) == len("x-amz-checksum-") || len(names) == maxTrailers {
				return nil, invalidRequest("The value specified in the x-amz-trailer header is not supported")
			}
			for _, o := range names {
				if o == n {
					return nil, invalidRequest("The x-amz-trailer header names %s twice.", n)
				}
			}
			names = append(names, n)
		}
	}
	return names, nil
}

// bodyError maps an error of the request body: a body cut short is
// IncompleteBody; anything else (the connection, a size limit) is passed
// through.
func bodyError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrIncompleteBody
	}
	return err
}

// plainReader is r.Body with its short-body error mapped.
type plainReader struct{ r io.Reader }

func (p *plainReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && err != io.EOF {
		err = bodyError(err)
	}
	return n, err
}

// sha256Reader hashes the body and compares the hash at io.EOF.
type sha256Reader struct {
	r    io.Reader
	h    hash.Hash
	want [sha256.Size]byte
	err  error
}

func (s *sha256Reader) Read(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(b)
	s.h.Write(b[:n])
	switch {
	case err == io.EOF:
		var got [sha256.Size]byte
		s.h.Sum(got[:0])
		if subtle.ConstantTimeCompare(got[:], s.want[:]) != 1 {
			err = ErrXAmzContentSHA256Mismatch.with("",
				Detail{"ClientComputedContentSHA256", hex.EncodeToString(s.want[:])},
				Detail{"S3ComputedContentSHA256", hex.EncodeToString(got[:])})
		}
		s.err = err
	case err != nil:
		err = bodyError(err)
		s.err = err
	}
	return n, err
}
