package s3auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file produces signatures, for tests and tools (an S3 client of
// Arca's own, `arca presign`). The server side never calls it.

// Credentials are an access key pair and, for temporary credentials, the
// session token sent as x-amz-security-token.
type Credentials struct {
	AccessKey, SecretKey, SessionToken string
}

// SigningKey derives the SigV4 signing key of a credential scope:
// HMAC chain "AWS4"+secret → date → region → service → "aws4_request".
func SigningKey(secretKey, date, region, service string) []byte {
	k := hmacSHA256(nil, []byte("AWS4"+secretKey), []byte(date))
	k = hmacSHA256(k[:0], k, []byte(region))
	k = hmacSHA256(k[:0], k, []byte(service))
	return hmacSHA256(k[:0], k, []byte(terminator))
}

// hmacSHA256 appends HMAC-SHA256(key, msg) to dst. dst may alias key.
func hmacSHA256(dst, key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(dst)
}

// ignoredHeaders are left unsigned by SignV4 and PresignV4, as by the AWS
// SDK for Go: a proxy may change them.
var ignoredHeaders = []string{"authorization", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id"}

// SignV4 signs r in place with a SigV4 Authorization header, as the AWS
// SDKs do. It sets X-Amz-Date to t, X-Amz-Content-Sha256 to payloadHash
// (empty means UNSIGNED-PAYLOAD; use EmptySHA256, a hex SHA-256 of the
// body, or one of the streaming constants) and X-Amz-Security-Token when
// c has a session token, then signs Host, Content-Length when
// r.ContentLength > 0, and every other header of r but Authorization,
// Expect, Transfer-Encoding, User-Agent and X-Amzn-Trace-Id. The
// canonical URI is computed from r.URL.EscapedPath() as a server does.
//
// For a signed streaming upload, the caller also sets Content-Encoding,
// X-Amz-Decoded-Content-Length (and X-Amz-Trailer) before signing, then
// encodes the body with a ChunkSigner seeded from the result.
func SignV4(r *http.Request, c Credentials, region string, t time.Time, payloadHash string) {
	if payloadHash == "" {
		payloadHash = UnsignedPayload
	}
	a := &Auth{Scheme: V4Header, AccessKey: c.AccessKey, Date: t.UTC().Format(yyyymmdd), Region: region,
		Service: serviceS3, PayloadHash: payloadHash, amzDate: t.UTC().Format(iso8601Basic)}
	r.Header.Set(hAmzDate, a.amzDate)
	r.Header.Set(hContentSHA256, payloadHash)
	if c.SessionToken != "" {
		r.Header.Set(hSecurityToken, c.SessionToken)
	}
	a.SignedHeaders = headersToSign(r)
	a.Signature = a.signV4(r, r.URL.EscapedPath(), r.URL.RawQuery, c.SecretKey)
	var b strings.Builder
	b.WriteString(algorithmV4 + " Credential=")
	b.WriteString(c.AccessKey)
	b.WriteByte('/')
	b.Write(a.appendScope(nil))
	b.WriteString(", SignedHeaders=")
	b.Write(appendSignedHeaders(nil, a.SignedHeaders))
	b.WriteString(", Signature=")
	b.WriteString(a.Signature)
	r.Header.Set(hAuthorization, b.String())
}

// PresignV4 turns r into a SigV4 pre-signed URL valid for expires from t:
// it adds X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Security-Token (when c has a session token)
// and X-Amz-Signature to r.URL.RawQuery, re-encoding the whole query the
// canonical way. Host and the headers of r (but those SignV4 ignores) are
// signed, so whoever uses the URL must send them unchanged. The payload is
// UNSIGNED-PAYLOAD, unless r's query has X-Amz-Content-Sha256. Use
// r.URL.String() as the URL.
func PresignV4(r *http.Request, c Credentials, region string, t time.Time, expires time.Duration) error {
	if expires < time.Second || expires > MaxPresignExpires {
		return errors.New("s3auth: PresignV4 expires must be between one second and seven days")
	}
	a := &Auth{Scheme: V4Query, AccessKey: c.AccessKey, Date: t.UTC().Format(yyyymmdd), Region: region,
		Service: serviceS3, PayloadHash: UnsignedPayload, amzDate: t.UTC().Format(iso8601Basic)}
	eachQueryPair(r.URL.RawQuery, func(k, v string) bool {
		if strings.EqualFold(k, qContentSHA256) {
			a.PayloadHash = v
		}
		return true
	})
	a.SignedHeaders = headersToSign(r)
	add := [][2]string{
		{qAlgorithm, algorithmV4},
		{qCredential, c.AccessKey + "/" + string(a.appendScope(nil))},
		{qDate, a.amzDate},
		{qExpires, strconv.FormatInt(int64(expires/time.Second), 10)},
		{qSignedHeaders, string(appendSignedHeaders(nil, a.SignedHeaders))},
	}
	if c.SessionToken != "" {
		add = append(add, [2]string{qSecurityToken, c.SessionToken})
	}
	q := r.URL.RawQuery
	for _, kv := range add {
		if q != "" {
			q += "&"
		}
		q += URIEncode(kv[0], false) + "=" + URIEncode(kv[1], false)
	}
	q = string(appendCanonicalQuery(nil, q, true))
	sig := a.signV4(r, r.URL.EscapedPath(), q, c.SecretKey)
	r.URL.RawQuery = q + "&" + qSignature + "=" + sig
	return nil
}

// headersToSign lists host and the headers of r SignV4 signs, sorted.
func headersToSign(r *http.Request) []string {
	names := []string{"host"}
	if r.ContentLength > 0 {
		names = append(names, "content-length")
	}
	for k := range r.Header {
		name := asciiLower(k)
		if slices.Contains(ignoredHeaders, name) || slices.Contains(names, name) {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// signV4 returns the hex signature of r under a's fields.
func (a *Auth) signV4(r *http.Request, path, query, secretKey string) string {
	cr := a.appendCanonicalRequest(nil, r, path, query, false)
	sum := sha256.Sum256(cr)
	sts := a.appendStringToSign(nil, algorithmV4, sum[:])
	key := SigningKey(secretKey, a.Date, a.Region, a.Service)
	return hex.EncodeToString(hmacSHA256(nil, key, sts))
}

// SignV2 signs r in place with a SigV2 Authorization header ("AWS
// AccessKeyId:Signature"). It sets Date to t unless r has a Date header
// already, and x-amz-security-token when c has a session token. bucket is
// the bucket of a virtual-hosted-style request (named by the host), or
// empty for a path-style one. Sub-resources are signed from the longer
// list Verify tries first (RESTAuthentication's and the later ones).
func SignV2(r *http.Request, c Credentials, bucket string, t time.Time) {
	if r.Header.Get(hDate) == "" {
		r.Header.Set(hDate, t.UTC().Format(http.TimeFormat))
	}
	if c.SessionToken != "" {
		r.Header.Set(hSecurityToken, c.SessionToken)
	}
	date := r.Header.Get(hDate)
	if xd := r.Header.Get(hAmzDate); xd != "" {
		date = "" // x-amz-date is signed among the x-amz-* headers instead
	}
	sig := signV2(r, bucket, date, c.SecretKey)
	r.Header.Set(hAuthorization, "AWS "+c.AccessKey+":"+sig)
}

// PresignV2 turns r into a SigV2 pre-signed URL that expires at expires:
// it adds AWSAccessKeyId, Expires and Signature to r.URL.RawQuery.
// c.SessionToken is not used. Headers of r that the URL's user must send
// (Content-Type, Content-MD5, x-amz-*) are signed.
func PresignV2(r *http.Request, c Credentials, bucket string, expires time.Time) {
	exp := strconv.FormatInt(expires.Unix(), 10)
	sig := signV2(r, bucket, exp, c.SecretKey)
	q := r.URL.RawQuery
	if q != "" {
		q += "&"
	}
	q += qV2AccessKey + "=" + URIEncode(c.AccessKey, false) + "&" + qV2Expires + "=" + exp +
		"&" + qV2Signature + "=" + URIEncode(sig, false)
	r.URL.RawQuery = q
}

func signV2(r *http.Request, bucket, date, secretKey string) string {
	resource := string(appendV2Resource(nil, bucket, r.URL.EscapedPath(), r.URL.RawQuery, v2SubResources))
	sts := appendV2StringToSign(nil, r, date, v2AmzHeaders(r.Header), "", resource)
	m := hmac.New(sha1.New, []byte(secretKey))
	m.Write(sts)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ChunkSigner computes the signature chain of a signed streaming upload
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]): each chunk's signature
// covers the previous one, starting from the request's own signature, the
// seed. It is the client side of ChunkedReader.
type ChunkSigner struct {
	mac    hash.Hash // HMAC-SHA256 under the signing key
	prefix []byte    // "\n" time "\n" scope "\n", after the algorithm line
	prev   [64]byte  // the previous signature, lowercase hex
	buf    []byte
}

// NewChunkSigner starts the chain of a (a V4Header signature, as
// FromRequest parses it after SignV4) under secretKey.
func NewChunkSigner(a *Auth, secretKey string) *ChunkSigner {
	return newChunkSigner(a, SigningKey(secretKey, a.Date, a.Region, a.Service))
}

func newChunkSigner(a *Auth, key []byte) *ChunkSigner {
	p := append([]byte{'\n'}, a.amzDate...)
	p = append(p, '\n')
	p = a.appendScope(p)
	p = append(p, '\n')
	s := &ChunkSigner{mac: hmac.New(sha256.New, key), prefix: p, buf: make([]byte, 0, 256)}
	copy(s.prev[:], strings.ToLower(a.Signature))
	return s
}

const (
	chunkAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD"
	trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
)

// Chunk returns the signature of the next chunk, whose data hashes to
// sum (SHA-256; the final, empty chunk hashes to EmptySHA256's bytes):
//
//	AWS4-HMAC-SHA256-PAYLOAD \n time \n scope \n previous \n hex(SHA256("")) \n hex(sum)
func (s *ChunkSigner) Chunk(sum []byte) string {
	sig := s.chunk(sum)
	return hex.EncodeToString(sig[:])
}

func (s *ChunkSigner) chunk(sum []byte) [sha256.Size]byte {
	s.buf = append(s.buf[:0], chunkAlgorithm...)
	s.buf = append(s.buf, s.prefix...)
	s.buf = append(s.buf, s.prev[:]...)
	s.buf = append(s.buf, '\n')
	s.buf = append(s.buf, EmptySHA256...)
	s.buf = append(s.buf, '\n')
	s.buf = hex.AppendEncode(s.buf, sum)
	return s.next()
}

// Trailer returns the signature of the trailing headers, given as the
// bytes signed: each "name:value" line followed by "\n":
//
//	AWS4-HMAC-SHA256-TRAILER \n time \n scope \n previous \n hex(SHA256(trailer))
func (s *ChunkSigner) Trailer(trailer []byte) string {
	sig := s.trailer(trailer)
	return hex.EncodeToString(sig[:])
}

func (s *ChunkSigner) trailer(trailer []byte) [sha256.Size]byte {
	sum := sha256.Sum256(trailer)
	s.buf = append(s.buf[:0], trailerAlgorithm...)
	s.buf = append(s.buf, s.prefix...)
	s.buf = append(s.buf, s.prev[:]...)
	s.buf = append(s.buf, '\n')
	s.buf = hex.AppendEncode(s.buf, sum[:])
	return s.next()
}

func (s *ChunkSigner) next() (sig [sha256.Size]byte) {
	s.mac.Reset()
	s.mac.Write(s.buf)
	s.mac.Sum(sig[:0])
	hex.Encode(s.prev[:], sig[:])
	return sig
}

// PostPolicySignatureV4 returns the x-amz-signature of a browser form
// (sigv4-HTTPPOSTConstructPolicy): hex(HMAC-SHA256(signing key, policy)),
// where policy is the base64 policy document exactly as the form's
// "policy" field carries it and date the YYYYMMDD of x-amz-credential.
func PostPolicySignatureV4(policy, secretKey, date, region string) string {
	return hex.EncodeToString(hmacSHA256(nil, SigningKey(secretKey, date, region, serviceS3), []byte(policy)))
}

// PostPolicySignatureV2 returns the signature field of a SigV2 browser
// form: base64(HMAC-SHA1(secret key, policy)), policy as in the form.
func PostPolicySignatureV2(policy, secretKey string) string {
	m := hmac.New(sha1.New, []byte(secretKey))
	m.Write([]byte(policy))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
