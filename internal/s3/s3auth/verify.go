package s3auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Verify checks a against r: first the time (a header signature within
// MaxSkew of now; a pre-signed URL neither expired nor dated more than
// MaxSkew ahead), then that every x-amz-* header of r, and Host for SigV4,
// is covered by the signature, then the signature itself under secretKey.
// It returns nil or an *Error: ErrRequestTimeTooSkewed,
// ErrRequestExpired, ErrRequestNotYetValid, ErrHeadersNotSigned or
// ErrSignatureDoesNotMatch (whose Details carry the StringToSign and, for
// SigV4, the CanonicalRequest the server computed, as S3's do).
// Signatures are compared in constant time.
//
// r must be the request as received: its method, path and query (read
// from r.RequestURI when set, else from r.URL), r.Host and r.Header are
// signed material. Verify does not read the body: a SigV4 signature
// covers the payload only through x-amz-content-sha256, which Body then
// enforces. Verify may be called concurrently.
//
// The region of the credential scope is not checked against anything:
// every region is accepted, and the signing key is derived from the one
// the client chose. A caller that serves one region compares a.Region.
func (a *Auth) Verify(r *http.Request, secretKey string, now time.Time) error {
	switch a.Scheme {
	case V4Header, V4Query:
		return a.verifyV4(r, secretKey, now)
	case V2Header, V2Query:
		return a.verifyV2(r, secretKey, now)
	}
	return invalidArgument(hAuthorization, "Unsupported Authorization Type")
}

// checkTime applies the validity window of a's scheme.
func (a *Auth) checkTime(now time.Time) error {
	switch a.Scheme {
	case V4Header, V2Header:
		if d := now.Sub(a.Time); d > MaxSkew || d < -MaxSkew {
			return ErrRequestTimeTooSkewed.with("",
				Detail{"RequestTime", a.Time.UTC().Format(time.RFC1123Z)},
				Detail{"ServerTime", now.UTC().Format(time.RFC3339)},
				Detail{"MaxAllowedSkewMilliseconds", strconv.FormatInt(MaxSkew.Milliseconds(), 10)})
		}
	case V4Query:
		if a.Time.Sub(now) > MaxSkew {
			return ErrRequestNotYetValid
		}
		if exp := a.Time.Add(a.Expires); now.After(exp) {
			return ErrRequestExpired.with("",
				Detail{"X-Amz-Expires", strconv.FormatInt(int64(a.Expires/time.Second), 10)},
				Detail{"Expires", exp.UTC().Format(time.RFC3339)},
				Detail{"ServerTime", now.UTC().Format(time.RFC3339)})
		}
	case V2Query:
		if now.After(a.ExpiresAt) {
			return ErrRequestExpired.with("",
				Detail{"Expires", a.ExpiresAt.UTC().Format(time.RFC3339)},
				Detail{"ServerTime", now.UTC().Format(time.RFC3339)})
		}
	}
	return nil
}

// unsignedAmzHeaders returns the x-amz-* headers of r, lowercase, that
// signed does not list, and "host" when sigv4 and it is not listed. A
// SigV4 signature must cover Host, or a request signed for one
// virtual-hosted bucket could be replayed against another.
func unsignedAmzHeaders(r *http.Request, signed []string, sigv4 bool) []string {
	var missing []string
	listed := func(name string) bool {
		for _, s := range signed {
			if s == name {
				return true
			}
		}
		return false
	}
	if sigv4 && !listed("host") {
		missing = append(missing, "host")
	}
	for k := range r.Header {
		if !hasPrefixFold(k, "x-amz-") {
			continue
		}
		if name := asciiLower(k); !listed(name) {
			missing = append(missing, name)
		}
	}
	return missing
}

func headersNotSigned(names []string) *Error {
	v := ""
	for i, n := range names {
		if i > 0 {
			v += ", "
		}
		v += n
	}
	return ErrHeadersNotSigned.with("", Detail{"HeadersNotSigned", v})
}

func (a *Auth) verifyV4(r *http.Request, secretKey string, now time.Time) error {
	if err := a.checkTime(now); err != nil {
		return err
	}
	if missing := unsignedAmzHeaders(r, a.SignedHeaders, true); missing != nil {
		return headersNotSigned(missing)
	}
	want, ok := decodeSignature(a.Signature)
	if !ok {
		return ErrSignatureDoesNotMatch
	}
	key, cached := signingKeys.get(secretKey, a.Date, a.Region, a.Service)
	path, query := requestTarget(r)
	buf := make([]byte, 0, 1024)

	// First the canonical URI S3 computes (each segment decoded and
	// encoded again); then, if different, the path exactly as sent, which
	// is what a client signs when it encodes keys in some other way (a
	// literal '!' or '(', lowercase hex) yet signs its wire path.
	var mac [sha256.Size]byte
	for _, raw := range [2]bool{false, true} {
		if raw && string(appendCanonicalURI(buf[:0], path)) == path {
			break
		}
		buf = a.appendCanonicalRequest(buf[:0], r, path, query, raw)
		sum := sha256.Sum256(buf)
		buf = a.appendStringToSign(buf[:0], algorithmV4, sum[:])
		if hmac.Equal(hmacSHA256(mac[:0], key[:], buf), want[:]) {
			if !cached {
				signingKeys.put(secretKey, a.Date, a.Region, a.Service, key)
			}
			return nil
		}
	}
	cr := a.appendCanonicalRequest(nil, r, path, query, false)
	sum := sha256.Sum256(cr)
	sts := a.appendStringToSign(nil, algorithmV4, sum[:])
	return ErrSignatureDoesNotMatch.with("",
		Detail{"AWSAccessKeyId", a.AccessKey},
		Detail{"StringToSign", string(sts)},
		Detail{"SignatureProvided", a.Signature},
		Detail{"CanonicalRequest", string(cr)})
}

// appendCanonicalRequest appends
//
//	Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//
// with the path as sent instead of the canonical URI when rawPath.
func (a *Auth) appendCanonicalRequest(dst []byte, r *http.Request, path, query string, rawPath bool) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	if rawPath {
		dst = append(dst, path...)
	} else {
		dst = appendCanonicalURI(dst, path)
	}
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, query, a.Scheme == V4Query)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, r, a.SignedHeaders)
	dst = append(dst, '\n')
	dst = appendSignedHeaders(dst, a.SignedHeaders)
	dst = append(dst, '\n')
	return append(dst, a.PayloadHash...)
}

// appendScope appends "date/region/service/aws4_request".
func (a *Auth) appendScope(dst []byte) []byte {
	dst = append(dst, a.Date...)
	dst = append(dst, '/')
	dst = append(dst, a.Region...)
	dst = append(dst, '/')
	dst = append(dst, a.Service...)
	dst = append(dst, '/')
	return append(dst, terminator...)
}

// appendStringToSign appends "alg \n time \n scope \n hex(sum)", the
// string to sign of a request (alg AWS4-HMAC-SHA256) without the last
// lines the chunk forms add.
func (a *Auth) appendStringToSign(dst []byte, alg string, sum []byte) []byte {
	dst = append(dst, alg...)
	dst = append(dst, '\n')
	dst = append(dst, a.amzDate...)
	dst = append(dst, '\n')
	dst = a.appendScope(dst)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, sum)
}

func (a *Auth) verifyV2(r *http.Request, secretKey string, now time.Time) error {
	if err := a.checkTime(now); err != nil {
		return err
	}
	want, ok := decodeV2Signature(a.Signature)
	if !ok {
		return ErrSignatureDoesNotMatch
	}
	amz := v2AmzHeaders(r.Header)

	// The Date line. A pre-signed URL signs Expires. A header signature
	// signs Date; when x-amz-date is sent, RESTAuthentication says to sign
	// an empty Date line and x-amz-date among the x-amz-* headers (as boto
	// does), while its own DELETE example moves x-amz-date's value into
	// the Date line and leaves it out of the headers. Both are tried.
	type dateForm struct{ date, skip string }
	var forms [3]dateForm
	dates := forms[:0]
	if a.Scheme == V2Query {
		dates = append(dates, dateForm{date: a.amzDate})
	} else if xd := r.Header.Get(hAmzDate); xd != "" {
		dates = append(dates, dateForm{}, dateForm{date: xd, skip: "x-amz-date"})
		if d := r.Header.Get(hDate); d != "" {
			dates = append(dates, dateForm{date: d})
		}
	} else {
		dates = append(dates, dateForm{date: r.Header.Get(hDate)})
	}

	path, query := requestTarget(r)
	// A query string signature's own parameters are not sub-resources.
	lists := [][]string{v2SubResources}
	if hasAnyParam(query, v2SubResources, v2DocSubResources) {
		lists = append(lists, v2DocSubResources)
	}
	var mac [sha1.Size]byte
	buf := make([]byte, 0, 512)
	m := hmac.New(sha1.New, []byte(secretKey))
	var first []byte
	for _, list := range lists {
		resource := string(appendV2Resource(nil, a.VirtualBucket, path, query, list))
		for _, d := range dates {
			buf = appendV2StringToSign(buf[:0], r, d.date, amz, d.skip, resource)
			if first == nil {
				first = append([]byte(nil), buf...)
			}
			m.Reset()
			m.Write(buf)
			if hmac.Equal(m.Sum(mac[:0]), want) {
				return nil
			}
		}
	}
	return ErrSignatureDoesNotMatch.with("",
		Detail{"AWSAccessKeyId", a.AccessKey},
		Detail{"StringToSign", string(first)},
		Detail{"SignatureProvided", a.Signature})
}

// hasAnyParam reports whether the query names a parameter that is in
// list but not in sub, that is whether the two lists can give different
// resources for it.
func hasAnyParam(rawQuery string, list, sub []string) bool {
	found := false
	eachQueryPair(rawQuery, func(k, _ string) bool {
		if containsString(list, k) && !containsString(sub, k) {
			found = true
		}
		return !found
	})
	return found
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
