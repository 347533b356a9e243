// Package s3auth parses, verifies and produces Amazon S3 request
// authentication on the server side: Signature Version 4 in the
// Authorization header and in pre-signed URLs, the signed and unsigned
// aws-chunked streaming payloads with their trailing checksums, Signature
// Version 2 in the header and in pre-signed URLs, and the signatures of
// browser form (POST Object) policies.
//
// # Use
//
//	a, err := s3auth.FromRequest(r)       // nil, nil: anonymous
//	... look up a.AccessKey; unknown: ErrInvalidAccessKeyID ...
//	err = a.Verify(r, secretKey, time.Now())
//	body, size, err := s3auth.Body(r, a, secretKey)
//	... stream body; commit only after io.EOF ...
//	if cr, ok := body.(*s3auth.ChunkedReader); ok { cr.Trailer() ... }
//
// Every error is an *Error carrying S3's code, HTTP status and message;
// callers render it and test it with errors.Is against the sentinels.
//
// # SigV4 (sig-v4-header-based-auth, sigv4-query-string-auth)
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n
//	                   CanonicalHeaders \n SignedHeaders \n PayloadHash
//	StringToSign     = "AWS4-HMAC-SHA256" \n time \n date/region/s3/aws4_request \n
//	                   hex(SHA256(CanonicalRequest))
//	SigningKey       = HMAC chain "AWS4"+secret → date → region → "s3" → "aws4_request"
//	Signature        = hex(HMAC-SHA256(SigningKey, StringToSign))
//
// CanonicalURI: S3 neither normalises the path nor encodes it twice, unlike
// other AWS services. Verify splits the path as sent on '/', decodes each
// segment once and URI-encodes it again (everything but A-Z a-z 0-9 - . _ ~
// as %XX, uppercase), so "%2F" inside a key survives and "//", "." and
// ".." stay; the AWS SDKs, which encode keys that way and sign the result
// unchanged (the S3 client sets DisableURIPathEscaping), and minio-go
// agree. If that fails, Verify tries once more with the path exactly as
// sent, for clients that encode a key otherwise but sign their wire path.
//
// CanonicalQuery: every parameter decoded as url.ParseQuery does ('+' is a
// space) and URI-encoded again, sorted by encoded name then value; a
// pre-signed URL leaves out X-Amz-Signature. CanonicalHeaders: the
// SignedHeaders in the order listed, each value trimmed with runs of
// spaces squeezed, repeated headers joined by ','; Host comes from r.Host.
//
// PayloadHash is x-amz-content-sha256, which a header signature must
// send: a hex SHA-256 of the body, UNSIGNED-PAYLOAD, or one of the
// streaming forms. For a pre-signed URL it is UNSIGNED-PAYLOAD unless the
// query carries X-Amz-Content-Sha256. Verify checks only that it was
// signed; Body holds the body to it.
//
// Any region is accepted, and the scope's region is the one the key is
// derived with; the service must be "s3" and the scope date that of the
// request time. A header signature's time (x-amz-date, else Date) must be
// within MaxSkew (15 minutes) of now, else RequestTimeTooSkewed. A
// pre-signed URL is valid from X-Amz-Date (less MaxSkew) to X-Amz-Date +
// X-Amz-Expires, which may not exceed MaxPresignExpires (seven days);
// after, AccessDenied "Request has expired". Every x-amz-* header of the
// request must be signed, and Host must be: a request signed for one
// virtual-hosted bucket must not be replayable against another.
//
// # Streaming (sigv4-streaming, sigv4-streaming-trailers)
//
// With x-amz-content-sha256 STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]
// or STREAMING-UNSIGNED-PAYLOAD-TRAILER the body is aws-chunked, and Body
// returns a *ChunkedReader that decodes it, checks each chunk signature
// against the chain seeded by the header signature, and collects the
// trailing headers (x-amz-checksum-*) that x-amz-trailer declares, with
// their signature for the signed form. The size of the payload is
// x-amz-decoded-content-length. Trailing checksums are handed to the
// caller, which computes the checksum of the data it stored.
//
// # SigV2 (RESTAuthentication)
//
//	StringToSign = Verb \n Content-MD5 \n Content-Type \n Date \n
//	               CanonicalizedAmzHeaders CanonicalizedResource
//	Signature    = base64(HMAC-SHA1(secret, StringToSign))
//
// CanonicalizedResource is "/bucket" for a virtual-hosted-style request
// (the caller names the bucket in Auth.VirtualBucket), then the path as
// sent, then the sub-resources present in the query, sorted, with decoded
// values. Which parameters are sub-resources grew over the years and
// clients disagree; Verify tries the long list (RESTAuthentication's plus
// cors, tagging, restore, encryption, retention, ...) and then, if the
// request has one of the later ones, the documented list alone. A
// pre-signed URL signs Expires in the Date line. With x-amz-date, S3's
// text says to sign an empty Date line (boto does), its example moves
// x-amz-date into it; Verify accepts both.
//
// # Forms
//
// FromPostForm and PostAuth.Verify check the signature of a POST Object
// form over its base64 policy; the policy itself is evaluated by
// internal/wire/postpolicy.
//
// # What this package does not do
//
// It knows requests and keys, not buckets or accounts: looking up the
// secret key, checking x-amz-security-token, authorising the operation
// and rendering errors as XML are the caller's. SigV4a
// (AWS4-ECDSA-P256-SHA256) is refused. It imports the standard library
// only and must not import Arca's storage packages (internal/core,
// internal/engine) or another dialect.
package s3auth
