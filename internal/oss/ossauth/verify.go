package ossauth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// Verify checks a against r at time now: first the time (the skew of a
// signed header's date, or the validity window of a pre-signed URL), then
// that the signature is the one secretKey gives r. It returns nil or an
// *Error matching one of ErrRequestTimeTooSkewed, ErrRequestExpired,
// ErrNotYetValid, ErrSignatureDoesNotMatch or ErrMalformed. Signatures are
// compared in constant time.
//
// r must be the request as received: its method, r.URL.RawQuery and the
// headers are signed material, and so is r.Host when a V4 signature lists
// host. The resource is a.Bucket and a.Key, as given to FromRequest.
// Verify does not read the body and may be called concurrently.
func (a *Auth) Verify(r *http.Request, secretKey string, now time.Time) error {
	switch a.Version {
	case V1:
		if err := a.checkTimeV1(now); err != nil {
			return err
		}
		return a.verifyV1(r, secretKey)
	case V4:
		if err := a.checkTimeV4(now); err != nil {
			return err
		}
		return a.verifyV4(r, secretKey)
	}
	return malformed("", "Unknown signature version %d.", a.Version)
}

func (a *Auth) checkTimeV1(now time.Time) error {
	if a.InQuery {
		if now.Unix() > a.Expires.Unix() {
			e := ErrRequestExpired.with(ecV1Expired)
			e.Expires, e.ServerTime = a.Expires.UTC(), now.UTC()
			return e
		}
		return nil
	}
	return checkSkew(a.Time, now)
}

func (a *Auth) checkTimeV4(now time.Time) error {
	if !a.InQuery {
		return checkSkew(a.Time, now)
	}
	if now.Before(a.Time.Add(-MaxSkew)) {
		e := ErrNotYetValid.with(ecV4NotYetValid)
		e.RequestTime, e.ServerTime = a.Time.UTC(), now.UTC()
		return e
	}
	if now.After(a.Expires) {
		e := ErrRequestExpired.with(ecV4Expired)
		e.Expires, e.ServerTime = a.Expires.UTC(), now.UTC()
		return e
	}
	return nil
}

// checkSkew enforces MaxSkew either way between a signed header's date
// and now.
func checkSkew(t, now time.Time) error {
	if d := now.Sub(t); d > MaxSkew || d < -MaxSkew {
		e := ErrRequestTimeTooSkewed.with(ecSkewed)
		e.RequestTime, e.ServerTime = t.UTC(), now.UTC()
		return e
	}
	return nil
}

// verifyV1 recomputes a V1 signature. The first attempt is the documented
// one; the others, tried only when they build another string, are the
// client variants listed in the package documentation.
func (a *Auth) verifyV1(r *http.Request, secretKey string) error {
	want, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil || len(want) != sha1.Size {
		want = nil // cannot match; still build StringToSign for the error
	}
	contentMD5, contentType := r.Header.Get("Content-Md5"), r.Header.Get("Content-Type")
	ossHeaders := ossHeadersV1(r.Header)

	dates := []string{a.Date}
	if d := r.Header.Get(headerDate); !a.InQuery && d != "" && d != a.Date {
		dates = append(dates, d) // signed Date although x-oss-date is set
	}
	// Sized for the resource and the string to sign, so that neither
	// grows by steps: at most bucket, key and query with their separators.
	resSize := len(a.Bucket) + len(a.Key) + len(r.URL.RawQuery) + 4
	resources := [][]byte{appendResource(make([]byte, 0, resSize), a.Bucket, a.Key, r.URL.RawQuery, false)}
	if legacy := appendResource(make([]byte, 0, resSize), a.Bucket, a.Key, r.URL.RawQuery, true); !bytes.Equal(legacy, resources[0]) {
		resources = append(resources, legacy)
	}

	m := hmac.New(sha1.New, []byte(secretKey))
	var (
		first []byte
		mac   [sha1.Size]byte
	)
	for _, date := range dates {
		for _, res := range resources {
			// A fresh buffer each attempt: the first attempt's string is
			// kept for the error, which describes the documented form.
			buf := appendStringToSignV1(make([]byte, 0, 256+resSize), r.Method, contentMD5, contentType, date, ossHeaders, res)
			if first == nil {
				first = buf
			}
			m.Reset()
			m.Write(buf)
			if want != nil && hmac.Equal(m.Sum(mac[:0]), want) {
				return nil
			}
		}
	}
	return a.mismatch(ecV1Mismatch, first, nil)
}

// verifyV4 recomputes a V4 signature, with the canonical query built the
// documented way first and then, if different, as the client sent it.
func (a *Auth) verifyV4(r *http.Request, secretKey string) error {
	payload := r.Header.Get(headerSHA256)
	switch payload {
	case "":
		payload = UnsignedPayload
	case UnsignedPayload:
	default:
		return malformed(ecV4BadSHA256, "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.")
	}
	var wantBuf [sha256.Size]byte
	want := wantBuf[:]
	if len(a.Signature) != 2*sha256.Size || !decodeHex(want, a.Signature) {
		want = nil
	}
	uri := appendURIV4(make([]byte, 0, len(a.Bucket)+len(a.Key)+16), a.Bucket, a.Key)
	headers := headersV4(r, a.AdditionalHeaders)
	scope := a.Scope.String()
	key, cached := signingKeys.get(secretKey, a.Scope)
	m := hmac.New(sha256.New, key[:])

	var (
		queries          [3][]byte
		firstCR, firstST []byte
		mac              [sha256.Size]byte
	)
	for i, form := range []queryForm{queryStrict, queryRawSpace, queryRaw} {
		q := appendQueryV4(make([]byte, 0, 2*len(r.URL.RawQuery)), r.URL.RawQuery, form)
		tried := false
		for _, prev := range queries[:i] {
			tried = tried || (prev != nil && bytes.Equal(prev, q))
		}
		if tried {
			continue
		}
		queries[i] = q
		// Fresh buffers each attempt: the first attempt's are kept for the
		// error, which describes the documented form.
		cr := appendCanonicalRequestV4(make([]byte, 0, 1024), r.Method, uri, q, headers, a.AdditionalHeaders, payload)
		sts := appendStringToSignV4(make([]byte, 0, 256), a.Date, scope, cr)
		if firstCR == nil {
			firstCR, firstST = cr, sts
		}
		m.Reset()
		m.Write(sts)
		if want != nil && hmac.Equal(m.Sum(mac[:0]), want) {
			if !cached {
				signingKeys.put(secretKey, a.Scope, key)
			}
			return nil
		}
	}
	return a.mismatch(ecV4Mismatch, firstST, firstCR)
}

func (a *Auth) mismatch(ec string, stringToSign, canonicalRequest []byte) *Error {
	e := ErrSignatureDoesNotMatch.with(ec)
	e.AccessKeyID = a.AccessKey
	e.SignatureProvided = a.Signature
	e.StringToSign = string(stringToSign)
	e.CanonicalRequest = string(canonicalRequest)
	return e
}

// decodeHex decodes the hex digits of s into dst, which must be
// len(s)/2 bytes long, and reports whether s was hex.
func decodeHex(dst []byte, s string) bool {
	for i := range dst {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
