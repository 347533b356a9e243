package s3auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// trailerStyle is how a client lays out the bytes after the final chunk.
type trailerStyle int

const (
	// styleAWS: "name:value\r\n" lines, "x-amz-trailer-signature:...\r\n",
	// then "\r\n" (sigv4-streaming-trailers, the AWS SDKs).
	styleAWS trailerStyle = iota
	// styleMinio: "name:value\n" lines, then "\r\n", then
	// "x-amz-trailer-signature:...\r\n\r\n" or, unsigned, "\r\n" (minio-go).
	styleMinio
	// styleNoFinalCRLF: as styleAWS without the last "\r\n".
	styleNoFinalCRLF
)

// stream describes an aws-chunked body to build.
type stream struct {
	hash     string // x-amz-content-sha256: one of the three streaming forms
	data     []byte
	chunk    int         // data bytes per chunk; the last chunk takes the rest
	trailers [][2]string // trailing headers, name and value
	style    trailerStyle
}

func crc32Base64(b []byte) string {
	var sum [4]byte
	c := crc32.ChecksumIEEE(b)
	sum[0], sum[1], sum[2], sum[3] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// request signs a PUT for s at t0 and returns it with its parsed Auth,
// the body not yet set.
func (s stream) request(t testing.TB) (*http.Request, *Auth) {
	r := httptest.NewRequest("PUT", "http://s3.example.com/bucket/key", nil)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(s.data)))
	var names []string
	for _, tr := range s.trailers {
		names = append(names, tr[0])
	}
	if names != nil {
		r.Header.Set("X-Amz-Trailer", strings.Join(names, ","))
	}
	SignV4(r, testCreds, "us-east-1", t0, s.hash)
	r.RequestURI = r.URL.RequestURI()
	a, err := FromRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
		t.Fatal(err)
	}
	return r, a
}

// encode frames s.data as aws-chunked, signed with signer when not nil.
func (s stream) encode(signer *ChunkSigner) []byte {
	var b bytes.Buffer
	ext := func(data []byte) string {
		if signer == nil {
			return ""
		}
		sum := sha256.Sum256(data)
		return ";chunk-signature=" + signer.Chunk(sum[:])
	}
	for rest := s.data; len(rest) > 0; {
		n := min(s.chunk, len(rest))
		fmt.Fprintf(&b, "%x%s\r\n", n, ext(rest[:n]))
		b.Write(rest[:n])
		b.WriteString("\r\n")
		rest = rest[n:]
	}
	fmt.Fprintf(&b, "0%s\r\n", ext(nil))
	var lines []byte
	for _, tr := range s.trailers {
		lines = append(lines, tr[0]+":"+tr[1]+"\n"...)
	}
	sig := ""
	if signer != nil && s.hash == StreamingSignedPayloadTrailer {
		sig = "x-amz-trailer-signature:" + signer.Trailer(lines) + "\r\n"
	}
	switch s.style {
	case styleAWS, styleNoFinalCRLF:
		for _, tr := range s.trailers {
			b.WriteString(tr[0] + ":" + tr[1] + "\r\n")
		}
		b.WriteString(sig)
		if s.style == styleAWS {
			b.WriteString("\r\n")
		}
	case styleMinio:
		b.Write(lines)
		b.WriteString("\r\n")
		if sig != "" {
			b.WriteString(sig + "\r\n")
		} else {
			b.WriteString("\r\n")
		}
	}
	return b.Bytes()
}

// build returns the signed request with its encoded body.
func (s stream) build(t testing.TB) (*http.Request, *Auth, []byte) {
	r, a := s.request(t)
	var signer *ChunkSigner
	if s.hash != StreamingUnsignedPayloadTrailer {
		signer = NewChunkSigner(a, testCreds.SecretKey)
	}
	body := s.encode(signer)
	setBody(r, body)
	return r, a, body
}

func setBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
}

// decode reads r's payload through Body with reads of n bytes.
func decode(r *http.Request, a *Auth, n int) ([]byte, http.Header, error) {
	rd, _, err := Body(r, a, testCreds.SecretKey)
	if err != nil {
		return nil, nil, err
	}
	var out []byte
	buf := make([]byte, n)
	for {
		k, err := rd.Read(buf)
		out = append(out, buf[:k]...)
		if err == io.EOF {
			return out, rd.(*ChunkedReader).Trailer(), nil
		}
		if err != nil {
			return out, nil, err
		}
	}
}

func TestChunkedRoundTrip(t *testing.T) {
	data := payload(70001)
	crc := [][2]string{{"x-amz-checksum-crc32", crc32Base64(data)}}
	two := append(crc, [2]string{"x-amz-checksum-sha256", "ignored-by-the-decoder"})
	cases := []stream{
		{hash: StreamingSignedPayload, chunk: 65536},
		{hash: StreamingSignedPayload, chunk: 1000},
		{hash: StreamingSignedPayload, chunk: 1},
		{hash: StreamingSignedPayloadTrailer, chunk: 8192, trailers: crc, style: styleAWS},
		{hash: StreamingSignedPayloadTrailer, chunk: 8192, trailers: crc, style: styleMinio},
		{hash: StreamingSignedPayloadTrailer, chunk: 8192, trailers: two, style: styleNoFinalCRLF},
		{hash: StreamingUnsignedPayloadTrailer, chunk: 65536, trailers: crc, style: styleAWS},
		{hash: StreamingUnsignedPayloadTrailer, chunk: 3000, trailers: crc, style: styleMinio},
		{hash: StreamingUnsignedPayloadTrailer, chunk: 3000, trailers: two, style: styleNoFinalCRLF},
		{hash: StreamingUnsignedPayloadTrailer, chunk: 3000},
	}
	for _, s := range cases {
		s.data = data
		name := fmt.Sprintf("%s/chunk=%d/trailers=%d/style=%d", s.hash, s.chunk, len(s.trailers), s.style)
		t.Run(name, func(t *testing.T) {
			for _, n := range []int{1, 7, 4096, 100000} {
				r, a, _ := s.build(t)
				got, trailer, err := decode(r, a, n)
				if err != nil {
					t.Fatalf("reads of %d: %v", n, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("reads of %d: decoded %d bytes, not the data", n, len(got))
				}
				for _, tr := range s.trailers {
					if v := trailer.Get(tr[0]); v != tr[1] {
						t.Errorf("trailer %s = %q, want %q", tr[0], v, tr[1])
					}
				}
			}
			r, a, _ := s.build(t)
			rd, size, err := Body(r, a, testCreds.SecretKey)
			if err != nil || size != int64(len(data)) {
				t.Fatalf("Body() = %d, %v", size, err)
			}
			if err := iotest.TestReader(rd, data); err != nil {
				t.Error(err)
			}
		})
	}
}

// Reads of a megabyte take many chunks at once, whose SHA-256s are
// computed side by side; every chunk's signature is still checked, and a
// tampered chunk deep inside a read fails it.
func TestChunkedManyChunksPerRead(t *testing.T) {
	data := payload(3<<20 + 5)
	for _, chunk := range []int{65536, 8192, 1000} {
		s := stream{hash: StreamingSignedPayload, data: data, chunk: chunk}
		for _, n := range []int{1 << 20, 1000000, 65536 + 7} {
			r, a, body := s.build(t)
			got, _, err := decode(r, a, n)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("chunk %d, reads of %d: %d bytes, %v", chunk, n, len(got), err)
			}
			for _, at := range []int{1, 20, len(data)/chunk - 1} {
				b := bytes.Clone(body)
				i := 0 // the at-th chunk's first data byte
				for k := 0; ; k++ {
					i += bytes.Index(b[i:], []byte("\r\n")) + 2
					if k == at {
						break
					}
					i += chunk + 2
				}
				b[i] ^= 1
				setBody(r, b)
				_, _, err := decode(r, a, n)
				if code, _, _ := errCode(t, err); code != "SignatureDoesNotMatch" {
					t.Errorf("chunk %d, reads of %d, chunk #%d flipped: %v", chunk, n, at, err)
				}
			}
		}
	}
}

func TestChunkedEmptyPayload(t *testing.T) {
	for _, h := range []string{StreamingSignedPayload, StreamingUnsignedPayloadTrailer} {
		r, a, _ := stream{hash: h, chunk: 10}.build(t)
		got, _, err := decode(r, a, 10)
		if err != nil || len(got) != 0 {
			t.Errorf("%s: %q, %v", h, got, err)
		}
	}
}

// A trailing checksum is handed over, not checked: a wrong one decodes,
// and the caller, computing the checksum of what it read, sees it.
func TestChunkedTrailerChecksumSurfaced(t *testing.T) {
	data := payload(5000)
	for _, h := range []string{StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer} {
		s := stream{hash: h, data: data, chunk: 1024, trailers: [][2]string{{"x-amz-checksum-crc32", crc32Base64([]byte("other data"))}}}
		r, a, _ := s.build(t)
		got, trailer, err := decode(r, a, 512)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		if v := trailer.Get("X-Amz-Checksum-Crc32"); v == crc32Base64(got) || v != s.trailers[0][1] {
			t.Errorf("%s: trailer %q; the data's CRC32 is %q", h, v, crc32Base64(got))
		}
	}
}

// Before io.EOF the trailer holds the declared names only.
func TestChunkedTrailerBeforeEOF(t *testing.T) {
	s := stream{hash: StreamingUnsignedPayloadTrailer, data: payload(100), chunk: 50,
		trailers: [][2]string{{"x-amz-checksum-crc32c", "AAAAAA=="}}}
	r, a, _ := s.build(t)
	rd, _, _ := Body(r, a, "")
	cr := rd.(*ChunkedReader)
	if v, ok := cr.Trailer()["X-Amz-Checksum-Crc32c"]; !ok || v != nil {
		t.Errorf("Trailer() before reading = %v", cr.Trailer())
	}
	io.ReadAll(cr)
	if cr.Trailer().Get("X-Amz-Checksum-Crc32c") != "AAAAAA==" || cr.Decoded() != 100 {
		t.Errorf("after EOF: %v, %d bytes", cr.Trailer(), cr.Decoded())
	}
}

// Every strict prefix of a body that is more than its closing CRLF short
// fails: a body cut off never decodes as complete.
func TestChunkedTruncated(t *testing.T) {
	for _, s := range []stream{
		{hash: StreamingSignedPayload, chunk: 40},
		{hash: StreamingSignedPayloadTrailer, chunk: 40, trailers: [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}},
		{hash: StreamingUnsignedPayloadTrailer, chunk: 40, trailers: [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}},
	} {
		s.data = payload(100)
		r, a, body := s.build(t)
		for cut := 0; cut < len(body)-2; cut++ {
			setBody(r, body[:cut])
			_, _, err := decode(r, a, 16)
			code, _, _ := errCode(t, err)
			switch code {
			case "IncompleteBody", "MalformedTrailerError":
			default:
				t.Errorf("%s cut at %d of %d: %v, want IncompleteBody or MalformedTrailerError", s.hash, cut, len(body), err)
			}
		}
		// Only the closing CRLF may be missing.
		setBody(r, body[:len(body)-2])
		if _, _, err := decode(r, a, 16); err != nil {
			t.Errorf("%s without the closing CRLF: %v", s.hash, err)
		}
	}
}

func TestChunkedTampered(t *testing.T) {
	data := payload(300)
	crc := [][2]string{{"x-amz-checksum-crc32", crc32Base64(data)}}
	signed := stream{hash: StreamingSignedPayload, data: data, chunk: 100}
	trailer := stream{hash: StreamingSignedPayloadTrailer, data: data, chunk: 100, trailers: crc}
	unsigned := stream{hash: StreamingUnsignedPayloadTrailer, data: data, chunk: 100, trailers: crc}
	replace := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
	}
	tests := []struct {
		name     string
		s        stream
		edit     func(body []byte) []byte
		header   func(r *http.Request)
		wantCode string
	}{
		{"data byte flipped", signed, func(b []byte) []byte {
			i := bytes.Index(b, []byte("\r\n")) + 10
			b[i] ^= 1
			return b
		}, nil, "SignatureDoesNotMatch"},
		{"data byte flipped, unsigned", unsigned, func(b []byte) []byte {
			i := bytes.Index(b, []byte("\r\n")) + 10
			b[i] ^= 1
			return b
		}, nil, ""}, // nothing signs it; the caller's checksum catches it
		{"chunk signature wrong", signed, func(b []byte) []byte {
			i := bytes.Index(b, []byte("chunk-signature=")) + 20
			b[i] = "10"[b[i]&1] // another hex digit
			return b
		}, nil, "SignatureDoesNotMatch"},
		{"final chunk signature wrong", signed, func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("chunk-signature=")) + 20
			b[i] = "10"[b[i]&1] // another hex digit
			return b
		}, nil, "SignatureDoesNotMatch"},
		{"chunks swapped", signed, func(b []byte) []byte {
			parts := bytes.SplitAfterN(b, []byte("\r\n"), 5) // header1 data1 header2 data2 rest
			return bytes.Join([][]byte{parts[2], parts[3], parts[0], parts[1], parts[4]}, nil)
		}, nil, "SignatureDoesNotMatch"},
		{"chunk dropped", signed, func(b []byte) []byte {
			parts := bytes.SplitAfterN(b, []byte("\r\n"), 3)
			return parts[2]
		}, nil, "SignatureDoesNotMatch"},
		{"another request's seed", signed, nil, func(r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-64]+strings.Repeat("0", 64))
		}, "SignatureDoesNotMatch"},
		{"signed trailer value changed", trailer, replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32:A"), nil, "SignatureDoesNotMatch"},
		{"trailer signature wrong", trailer, func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-trailer-signature:")) + 30
			b[i] = "10"[b[i]&1] // another hex digit
			return b
		}, nil, "SignatureDoesNotMatch"},
		{"trailer signature missing", trailer, func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-trailer-signature:"))
			return b[:i]
		}, nil, "MalformedTrailerError"},
		{"trailer signature in an unsigned body", unsigned, replace("\r\n\r\n", "\r\nx-amz-trailer-signature:"+strings.Repeat("a", 64)+"\r\n\r\n"), nil, "MalformedTrailerError"},
		{"line after the trailer signature", trailer, func(b []byte) []byte { return append(b[:len(b)-2], "x-amz-checksum-sha1:x\r\n\r\n"...) }, nil, "MalformedTrailerError"},
		{"undeclared trailer", unsigned, replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32c:"), nil, "MalformedTrailerError"},
		{"declared trailer missing", unsigned, func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-checksum-crc32:"))
			return b[:i]
		}, nil, "MalformedTrailerError"},
		{"trailer twice", unsigned, replace("\r\n\r\n", "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), nil, "MalformedTrailerError"},
		{"trailer without colon", unsigned, replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32"), nil, "MalformedTrailerError"},
		{"trailer section too long", unsigned, replace("\r\n\r\n", "\r\n"+strings.Repeat(" \r\n", 6000)+"\r\n"), nil, "MalformedTrailerError"},
		{"data after the final chunk", signed, func(b []byte) []byte { return append(b, "junk\r\n"...) }, nil, "MalformedTrailerError"},
		{"chunk longer than its size", signed, replace("64;", "60;"), nil, "IncompleteBody"},
		{"chunk shorter than its size", signed, replace("64;", "68;"), nil, "IncompleteBody"},
		{"size not hex", signed, replace("64;", "6g;"), nil, "IncompleteBody"},
		{"size empty", signed, replace("64;", ";"), nil, "IncompleteBody"},
		{"size of 17 digits", signed, replace("64;", "00000000000000064;"), nil, "IncompleteBody"},
		{"size too large", signed, replace("64;", "ffffffffffffffff;"), nil, "IncompleteBody"},
		{"no chunk-signature", signed, replace(";chunk-signature=", ";chunk-signatur="), nil, "IncompleteBody"},
		{"two chunk-signatures", signed, replace(";chunk-signature=", ";chunk-signature="+strings.Repeat("0", 64)+";chunk-signature="), nil, "IncompleteBody"},
		{"chunk-signature short", signed, replace(";chunk-signature=", ";chunk-signature=0"), nil, "IncompleteBody"},
		{"header line too long", unsigned, replace("64\r\n", "64;"+strings.Repeat("x", 5000)+"\r\n"), nil, "IncompleteBody"},
		{"bare LF line ends are accepted", unsigned, func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("64\r\n"), []byte("64\n")) }, nil, ""},
		{"chunk extensions are ignored", unsigned, replace("64\r\n", "64;foo=bar\r\n"), nil, ""},
		{"decoded length too small", signed, nil, func(r *http.Request) { r.Header.Set("X-Amz-Decoded-Content-Length", "299") }, "IncompleteBody"},
		{"decoded length too large", signed, nil, func(r *http.Request) { r.Header.Set("X-Amz-Decoded-Content-Length", "301") }, "IncompleteBody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, a, body := tt.s.build(t)
			if tt.edit != nil {
				body = tt.edit(bytes.Clone(body))
				setBody(r, body)
			}
			if tt.header != nil {
				tt.header(r)
				b, err := FromRequest(r)
				if err != nil {
					t.Fatal(err)
				}
				a = b
			}
			_, _, err := decode(r, a, 33)
			if code, _, _ := errCode(t, err); code != tt.wantCode {
				t.Errorf("decoding: %v, want %q", err, tt.wantCode)
			}
		})
	}
}

func TestChunkedRequestErrors(t *testing.T) {
	tests := []struct {
		name       string
		hash       string
		header     func(r *http.Request)
		wantCode   string
		wantStatus int
	}{
		{"no decoded length", StreamingSignedPayload, func(r *http.Request) { r.Header.Del("X-Amz-Decoded-Content-Length") }, "MissingContentLength", 411},
		{"negative decoded length", StreamingUnsignedPayloadTrailer, func(r *http.Request) { r.Header.Set("X-Amz-Decoded-Content-Length", "-1") }, "MissingContentLength", 411},
		{"decoded length not a number", StreamingUnsignedPayloadTrailer, func(r *http.Request) { r.Header.Set("X-Amz-Decoded-Content-Length", "abc") }, "MissingContentLength", 411},
		{"unsupported trailer", StreamingUnsignedPayloadTrailer, func(r *http.Request) { r.Header.Set("X-Amz-Trailer", "x-amz-meta-a") }, "InvalidRequest", 400},
		{"trailer named twice", StreamingUnsignedPayloadTrailer, func(r *http.Request) { r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32, x-amz-checksum-crc32") }, "InvalidRequest", 400},
		{"too many trailers", StreamingUnsignedPayloadTrailer, func(r *http.Request) {
			r.Header.Set("X-Amz-Trailer", "x-amz-checksum-a,x-amz-checksum-b,x-amz-checksum-c,x-amz-checksum-d,x-amz-checksum-e,x-amz-checksum-f,x-amz-checksum-g,x-amz-checksum-h,x-amz-checksum-i")
		}, "InvalidRequest", 400},
		{"trailer without a trailer payload", StreamingSignedPayload, func(r *http.Request) { r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32") }, "InvalidRequest", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "http://s3.example.com/b/k", strings.NewReader("0\r\n\r\n"))
			r.Header.Set("X-Amz-Decoded-Content-Length", "0")
			tt.header(r)
			SignV4(r, testCreds, "us-east-1", t0, tt.hash)
			a, err := FromRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = Body(r, a, testCreds.SecretKey)
			if code, status, _ := errCode(t, err); code != tt.wantCode || status != tt.wantStatus {
				t.Errorf("Body() = %v, want %s %d", err, tt.wantCode, tt.wantStatus)
			}
		})
	}
}

// patternReader yields n bytes without holding them.
type patternReader struct{ n int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.n == 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(b)), p.n))
	for i := range b[:k] {
		b[i] = byte(i)
	}
	p.n -= int64(k)
	return k, nil
}

// A single 64 MiB chunk streams through a bounded buffer.
func TestChunkedBoundedMemory(t *testing.T) {
	const size = 64 << 20
	body := io.MultiReader(strings.NewReader(fmt.Sprintf("%x\r\n", size)), &patternReader{size},
		strings.NewReader("\r\n0\r\n\r\n"))
	r := httptest.NewRequest("PUT", "http://s3.example.com/b/k", body)
	r.Header.Set("X-Amz-Content-Sha256", StreamingUnsignedPayloadTrailer)
	r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(size))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rd, _, err := Body(r, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.CopyBuffer(io.Discard, rd, make([]byte, 32<<10))
	runtime.ReadMemStats(&after)
	if err != nil || n != size {
		t.Fatalf("decoded %d bytes, %v", n, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("decoding a 64 MiB chunk allocated %d bytes", alloc)
	}
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}
