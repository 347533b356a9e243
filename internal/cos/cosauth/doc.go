// Package cosauth parses, verifies and produces Tencent COS XML API request
// signatures (q-sign-algorithm=sha1), in both of the forms COS accepts: the
// Authorization header and the pre-signed query string.
//
// # The algorithm
//
// A signature covers one request:
//
//	KeyTime      = "start;end"                      (Unix seconds)
//	SignKey      = hex(HMAC-SHA1(SecretKey, KeyTime))
//	HttpString   = lower(method) "\n" path "\n" params "\n" headers "\n"
//	StringToSign = "sha1\n" KeyTime "\n" hex(SHA1(HttpString)) "\n"
//	Signature    = hex(HMAC-SHA1(SignKey as hex text, StringToSign))
//
// params and headers are "k=v" pairs joined by "&": keys are lowercase
// [Encode]d names, values are [Encode]d values, and a listed key the request
// lacks counts as "k=". path is the decoded request path (r.URL.Path), not
// the escaped one, with the bucket in it for path-style requests. The
// signer chooses which headers and parameters to cover and names them in
// q-header-list and q-url-param-list; the verifier recomputes over exactly
// those and ignores the rest, so a client may add unsigned parameters or
// headers, but may not change a signed one.
//
// # Where clients differ, and what Verify tolerates
//
// Verify first recomputes the signature the way the official Go SDK and the
// COS documentation do. Only if that fails does it retry, at most a few
// times and only where the retry can make a difference for this request:
//
//   - values encoded with JavaScript's encodeURIComponent rules, which leave
//     !*'() unencoded (some SDK versions do this);
//   - pairs ordered by the raw lowercase key instead of the encoded one (the
//     JavaScript SDK sorts its pairs that way, while its list is sorted by the
//     encoded key);
//   - StringToSign built with q-sign-time instead of q-key-time (older
//     documents did this; the two are equal in every SDK).
//
// Header values are taken as the server received them. HTTP parsers,
// Go's included, strip leading and trailing whitespace from header values,
// so a client that signed an untrimmed value cannot be matched by any COS
// server; [Sign] therefore trims values before signing, where the SDK does
// not. Go's server moves Host, Transfer-Encoding and (for chunked bodies)
// Content-Length out of r.Header; Verify takes them from r.Host,
// r.TransferEncoding and r.ContentLength when they are listed.
//
// The validity window is checked without slack: a request is valid when
// q-sign-time start <= now <= end, and likewise for q-key-time.
//
// # Imports
//
// This package depends on the standard library only. It must not import
// Arca's storage packages (internal/core, internal/engine) or any other
// dialect: it knows requests and keys, not buckets or objects. Looking up
// the secret key for q-ak, checking x-cos-security-token and mapping
// errors to XML responses are the caller's job.
package cosauth
