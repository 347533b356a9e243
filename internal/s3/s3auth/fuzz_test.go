package s3auth

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Fuzz targets. Seeds are the examples and SDK-shaped inputs; run one with
//
//	go test -run '^$' -fuzz FuzzAuthorization -fuzztime 60s ./internal/s3/s3auth
//	go test -run '^$' -fuzz FuzzQuery -fuzztime 60s ./internal/s3/s3auth
//	go test -run '^$' -fuzz FuzzChunked -fuzztime 60s ./internal/s3/s3auth
//	go test -run '^$' -fuzz FuzzChunkedRoundTrip -fuzztime 60s ./internal/s3/s3auth

// mustBeError fails unless err is nil or an *Error.
func mustBeError(t *testing.T, what string, err error) {
	t.Helper()
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("%s: error %v is a %T, not an *Error", what, err, err)
	}
	if e != nil && (e.Code == "" || e.Status < 400 || e.Status > 499 || e.Message == "") {
		t.Fatalf("%s: incomplete error %+v", what, e)
	}
}

// checkAuth checks what Verify and Body rely on in a parsed Auth.
func checkAuth(t *testing.T, in string, a *Auth) {
	t.Helper()
	if a.AccessKey == "" || a.Signature == "" {
		t.Fatalf("%q parsed with no access key or signature: %+v", in, a)
	}
	switch a.Scheme {
	case V4Header, V4Query:
		if !isHexSignature(a.Signature) || a.Service != "s3" || !isScopeDate(a.Date) || a.Region == "" ||
			len(a.SignedHeaders) == 0 || !validPayloadHash(a.PayloadHash) || a.amzDate[:8] != a.Date {
			t.Fatalf("%q parsed into a broken SigV4 Auth: %+v", in, a)
		}
		for _, h := range a.SignedHeaders {
			if h == "" || h != asciiLower(h) || strings.ContainsAny(h, ";") {
				t.Fatalf("%q: signed header %q", in, h)
			}
		}
		if a.Scheme == V4Query && (a.Expires < 0 || a.Expires > MaxPresignExpires) {
			t.Fatalf("%q: X-Amz-Expires %v", in, a.Expires)
		}
	case V2Header, V2Query:
		if _, ok := decodeV2Signature(a.Signature); !ok {
			t.Fatalf("%q: V2 signature %q", in, a.Signature)
		}
	default:
		t.Fatalf("%q: scheme %v", in, a.Scheme)
	}
}

func FuzzAuthorization(f *testing.F) {
	for _, v := range sigV4Vectors {
		f.Add(v.r().Header.Get("Authorization"))
	}
	for _, v := range sigV2Vectors {
		f.Add(v.r().Header.Get("Authorization"))
	}
	f.Add(signedRequest("x").Header.Get("Authorization"))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/20260102/r/s3/aws4_request,SignedHeaders=;;Host;,Signature=" + strings.Repeat("A", 64))
	f.Add("AWS4-HMAC-SHA256 ,,Credential==,SignedHeaders=,Signature")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=x")
	f.Add("AWS :")
	f.Add("AWS a:b:c")
	f.Add("Bearer x")

	f.Fuzz(func(t *testing.T, in string) {
		r := httptest.NewRequest("PUT", "http://b.s3.example.com/k?x=1", strings.NewReader("body"))
		r.Header.Set("Authorization", in)
		r.Header.Set("X-Amz-Date", "20260102T030405Z")
		r.Header.Set("Date", t0.Format(http.TimeFormat))
		r.Header.Set("X-Amz-Content-Sha256", EmptySHA256)
		a, err := FromRequest(r)
		mustBeError(t, "FromRequest", err)
		if err != nil {
			return
		}
		if a == nil {
			if strings.TrimSpace(in) != "" {
				t.Fatalf("%q: FromRequest = nil, nil", in)
			}
			return
		}
		checkAuth(t, in, a)
		mustBeError(t, "Verify", a.Verify(r, "key", t0))
		_, _, err = Body(r, a, "key")
		mustBeError(t, "Body", err)

		// A V4 header rebuilt from the parse parses the same.
		if a.Scheme == V4Header {
			h := "AWS4-HMAC-SHA256 Credential=" + a.AccessKey + "/" + string(a.appendScope(nil)) +
				", SignedHeaders=" + string(appendSignedHeaders(nil, a.SignedHeaders)) + ", Signature=" + a.Signature
			r.Header.Set("Authorization", h)
			b, err := FromRequest(r)
			if err != nil || b.AccessKey != a.AccessKey || b.Region != a.Region || b.Signature != a.Signature ||
				strings.Join(b.SignedHeaders, ";") != strings.Join(a.SignedHeaders, ";") {
				t.Fatalf("%q rebuilt as %q parses as %+v, %v", in, h, b, err)
			}
		}
	})
}

func FuzzQuery(f *testing.F) {
	for _, v := range sigV4Vectors {
		f.Add(v.r().URL.RawQuery, v.r().URL.EscapedPath())
	}
	for _, v := range sigV2Vectors {
		f.Add(v.r().URL.RawQuery, v.r().URL.EscapedPath())
	}
	r := presignedRequest("GET", "/k%20ey?response-content-type=a%2Fb&versionId=1", time.Hour)
	f.Add(r.URL.RawQuery, r.URL.EscapedPath())
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-0&X-Amz-Credential=%zz", "/a//b/./%2F")
	f.Add("AWSAccessKeyId=a&Signature=b+c%3D&Expires=99999999999", "/")
	f.Add("a=1&&=&%=%&+=+&x-amz-signature=1&X-AMZ-SIGNATURE=2", "/%")

	f.Fuzz(func(t *testing.T, query, path string) {
		// The canonical forms are fixed points: canonicalising again
		// changes nothing.
		cq := string(appendCanonicalQuery(nil, query, false))
		if again := string(appendCanonicalQuery(nil, cq, false)); again != cq {
			t.Fatalf("canonicalQuery(%q) = %q, but canonicalQuery of that = %q", query, cq, again)
		}
		cu := string(appendCanonicalURI(nil, path))
		if again := string(appendCanonicalURI(nil, cu)); again != cu {
			t.Fatalf("canonicalURI(%q) = %q, but canonicalURI of that = %q", path, cu, again)
		}
		if path != "" && strings.Count(cu, "/") != strings.Count(path, "/") {
			t.Fatalf("canonicalURI(%q) = %q: segments changed", path, cu)
		}

		u := &url.URL{Path: "/", RawQuery: query}
		if p, err := url.PathUnescape(path); err == nil && strings.HasPrefix(path, "/") {
			u.Path, u.RawPath = p, path
		}
		req := &http.Request{Method: "GET", URL: u, Host: "b.s3.example.com", Header: http.Header{}}
		a, err := FromRequest(req)
		mustBeError(t, "FromRequest", err)
		if err != nil || a == nil {
			return
		}
		checkAuth(t, query, a)
		for _, now := range []time.Time{a.Time, a.ExpiresAt, t0} {
			mustBeError(t, "Verify", a.Verify(req, "key", now))
		}
	})
}

// FuzzChunked decodes arbitrary bytes as an aws-chunked body, signed (with
// the seed of a fixed request) or unsigned with a declared trailer. Nothing
// may panic; failures are *Error values; a body that decodes has exactly
// the declared length.
func FuzzChunked(f *testing.F) {
	data := payload(300)
	crc := [][2]string{{"x-amz-checksum-crc32", crc32Base64(data)}}
	for _, s := range []stream{
		{hash: StreamingSignedPayload, chunk: 100},
		{hash: StreamingSignedPayloadTrailer, chunk: 128, trailers: crc, style: styleMinio},
		{hash: StreamingUnsignedPayloadTrailer, chunk: 64, trailers: crc, style: styleAWS},
	} {
		s.data = data
		_, _, body := s.build(f)
		mode := map[string]uint8{StreamingSignedPayload: 0, StreamingSignedPayloadTrailer: 1, StreamingUnsignedPayloadTrailer: 2}[s.hash]
		f.Add(body, uint32(300), mode, uint8(17))
	}
	f.Add([]byte("0\r\n\r\n"), uint32(0), uint8(2), uint8(1))
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AA\n\r\n\r\n"), uint32(5), uint8(2), uint8(3))
	f.Add([]byte("fffffffffffffff;chunk-signature=\r\n"), uint32(1), uint8(0), uint8(0))

	f.Fuzz(func(t *testing.T, body []byte, declared uint32, mode uint8, readSize uint8) {
		hash := [...]string{StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer}[mode%3]
		s := stream{hash: hash, data: make([]byte, declared%(1<<16))}
		if hash != StreamingSignedPayload {
			s.trailers = crc
		}
		r, a := s.request(t)
		setBody(r, body)
		rd, size, err := Body(r, a, testCreds.SecretKey)
		if err != nil {
			t.Fatalf("Body() = %v", err)
		}
		buf := make([]byte, int(readSize)+1)
		var n int64
		for {
			k, err := rd.Read(buf)
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				mustBeError(t, "Read", err)
				if k2, err2 := rd.Read(buf); k2 != 0 || err2 != err {
					t.Fatalf("Read after %v = %d, %v", err, k2, err2)
				}
				return
			}
			if n > size {
				t.Fatalf("read %d bytes of a declared %d", n, size)
			}
		}
		cr := rd.(*ChunkedReader)
		if n != size || cr.Decoded() != size {
			t.Fatalf("decoded %d (%d) bytes, declared %d", n, cr.Decoded(), size)
		}
		if hash != StreamingSignedPayload && cr.Trailer().Get("X-Amz-Checksum-Crc32") == "" {
			t.Fatalf("decoded without its declared trailer")
		}
	})
}

// FuzzChunkedRoundTrip encodes arbitrary data in arbitrary chunk sizes and
// trailer layouts and decodes it back.
func FuzzChunkedRoundTrip(f *testing.F) {
	f.Add([]byte("hello, world"), uint16(5), uint8(0), uint8(1))
	f.Add(payload(5000), uint16(1000), uint8(4), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16, variant, readSize uint8) {
		if len(data) > 4<<10 {
			data = data[:4<<10] // byte-sized reads of much more are only slow
		}
		s := stream{
			hash:  [...]string{StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer}[variant%3],
			data:  data,
			chunk: max(int(chunk)+1, len(data)/64+1), // at most 64 chunks: signing each costs µs
			style: trailerStyle(variant / 3 % 3),
		}
		if s.hash != StreamingSignedPayload {
			s.trailers = [][2]string{{"x-amz-checksum-crc32", crc32Base64(data)}}
		}
		r, a, _ := s.build(t)
		got, trailer, err := decode(r, a, int(readSize)+1)
		if err != nil {
			t.Fatalf("decoding %d bytes in chunks of %d: %v", len(data), s.chunk, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("decoded %d bytes, not the %d encoded", len(got), len(data))
		}
		if s.trailers != nil && trailer.Get("X-Amz-Checksum-Crc32") != crc32Base64(data) {
			t.Fatalf("trailer %v", trailer)
		}
	})
}

// FuzzPostForm feeds arbitrary values to the form fields.
func FuzzPostForm(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256", "AKIA/20151229/us-east-1/s3/aws4_request", "20151229T000000Z", strings.Repeat("a", 64), "", "eyJ9")
	f.Add("", "", "", "", "0RavWzkygo6QX9caELEqKi9kDbU=", "eyJ9")
	f.Fuzz(func(t *testing.T, alg, cred, date, sig4, sig2, policy string) {
		form := map[string]string{"x-amz-algorithm": alg, "x-amz-credential": cred, "x-amz-date": date,
			"x-amz-signature": sig4, "signature": sig2, "AWSAccessKeyId": cred, "policy": policy}
		for k, v := range form {
			if v == "" {
				delete(form, k)
			}
		}
		p, err := FromPostForm(foldGet(form))
		mustBeError(t, "FromPostForm", err)
		if p != nil {
			mustBeError(t, "Verify", p.Verify("key"))
			if p.Scheme == V4Header && p.Verify("key") == nil {
				t.Fatalf("a random signature verified: %+v", p)
			}
		}
	})
}
