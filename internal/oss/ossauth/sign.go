package ossauth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Credentials are the keys a request is signed with.
type Credentials struct {
	AccessKey, SecretKey string
	// SecurityToken is an STS token; when set, the signers send it (as
	// x-oss-security-token, or security-token in a V1 URL) and sign it.
	SecurityToken string
}

// StringToSignV1 returns the V1 StringToSign of r for the resource
// bucket/key, with date as its date line (the Date or x-oss-date header,
// or Expires for a pre-signed URL).
func StringToSignV1(r *http.Request, bucket, key, date string) string {
	res := appendResource(nil, bucket, key, r.URL.RawQuery, false)
	return string(appendStringToSignV1(nil, r.Method, r.Header.Get("Content-Md5"), r.Header.Get("Content-Type"),
		date, ossHeadersV1(r.Header), res))
}

// SignatureV1 returns base64(HMAC-SHA1(secretKey, stringToSign)).
func SignatureV1(secretKey, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secretKey))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignV1 signs r in its Authorization header, as the SDKs do: it sets
// Date to t, and x-oss-security-token when c has a token, then signs with
// the x-oss-date header as date line if r has one, else Date. The other
// headers and the query must be final.
func SignV1(r *http.Request, bucket, key string, c Credentials, t time.Time) {
	r.Header.Set(headerDate, t.UTC().Format(http.TimeFormat))
	if c.SecurityToken != "" {
		r.Header.Set(headerToken, c.SecurityToken)
	}
	date := r.Header.Get(headerOSSDate)
	if date == "" {
		date = r.Header.Get(headerDate)
	}
	sig := SignatureV1(c.SecretKey, StringToSignV1(r, bucket, key, date))
	r.Header.Set("Authorization", "OSS "+c.AccessKey+":"+sig)
}

// PresignV1 turns r into a V1 pre-signed URL valid until expires: it
// appends security-token (when c has a token), OSSAccessKeyId, Expires and
// Signature to r.URL.RawQuery. Headers of r that a V1 signature covers
// (Content-Type, Content-MD5, x-oss-*) must be sent with the URL.
func PresignV1(r *http.Request, bucket, key string, c Credentials, expires time.Time) {
	if c.SecurityToken != "" {
		appendQuery(r.URL, queryV1Token, c.SecurityToken)
	}
	exp := strconv.FormatInt(expires.Unix(), 10)
	sig := SignatureV1(c.SecretKey, StringToSignV1(r, bucket, key, exp))
	appendQuery(r.URL, queryV1AccessKey, c.AccessKey)
	appendQuery(r.URL, queryV1Expires, exp)
	appendQuery(r.URL, queryV1Signature, sig)
}

func appendQuery(u *url.URL, k, v string) {
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += Escape(k) + "=" + Escape(v)
}

// V4Options are the scope and extra headers of a V4 signature.
type V4Options struct {
	Region  string // the region of the scope; required
	Product string // "oss" when empty; "oss-cloudbox" for OSS on CloudBox
	// AdditionalHeaders are headers to sign besides x-oss-*, Content-Type
	// and Content-MD5 (which are always signed), e.g. "host". As in the
	// SDKs, names r does not carry are dropped.
	AdditionalHeaders []string
}

func (o V4Options) scope(t time.Time) Scope {
	s := NewScope(t, o.Region)
	if o.Product != "" {
		s.Product = o.Product
	}
	return s
}

// additional returns the names of o.AdditionalHeaders that r carries and
// that are not signed anyway: lowercased, sorted, without repeats.
func (o V4Options) additional(r *http.Request) []string {
	var out []string
	for _, name := range o.AdditionalHeaders {
		name = asciiLower(strings.TrimSpace(name))
		if name == "" || defaultSignedV4(name) {
			continue
		}
		if r.Header.Get(name) != "" || (name == "host" && r.Host != "") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CanonicalRequestV4 returns the V4 CanonicalRequest of r for the resource
// bucket/key with the given additional headers (lowercase, as listed).
func CanonicalRequestV4(r *http.Request, bucket, key string, additional []string) string {
	payload := r.Header.Get(headerSHA256)
	if payload == "" {
		payload = UnsignedPayload
	}
	return string(appendCanonicalRequestV4(nil, r.Method, appendURIV4(nil, bucket, key),
		appendQueryV4(nil, r.URL.RawQuery, queryStrict), headersV4(r, additional), additional, payload))
}

// StringToSignV4 returns the V4 StringToSign of a canonical request.
func StringToSignV4(timestamp string, s Scope, canonicalRequest string) string {
	return string(appendStringToSignV4(nil, timestamp, s.String(), []byte(canonicalRequest)))
}

// SignatureV4 returns hex(HMAC-SHA256(SigningKeyV4(secretKey, s), stringToSign)).
func SignatureV4(secretKey string, s Scope, stringToSign string) string {
	m := hmac.New(sha256.New, SigningKeyV4(secretKey, s))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// SignV4 signs r in its Authorization header, as
// alibabacloud-oss-go-sdk-v2 does: it sets x-oss-date to t,
// x-oss-content-sha256 to UNSIGNED-PAYLOAD and, when c has a token,
// x-oss-security-token, then signs. The other headers and the query must
// be final.
func SignV4(r *http.Request, bucket, key string, c Credentials, o V4Options, t time.Time) {
	t = t.UTC()
	s := o.scope(t)
	r.Header.Set(headerOSSDate, t.Format(TimeFormatV4))
	r.Header.Set(headerSHA256, UnsignedPayload)
	if c.SecurityToken != "" {
		r.Header.Set(headerToken, c.SecurityToken)
	}
	additional := o.additional(r)
	sig := SignatureV4(c.SecretKey, s, StringToSignV4(t.Format(TimeFormatV4), s, CanonicalRequestV4(r, bucket, key, additional)))
	var b strings.Builder
	b.WriteString(AlgorithmV4 + " Credential=")
	b.WriteString(s.Credential(c.AccessKey))
	if len(additional) > 0 {
		b.WriteString(",AdditionalHeaders=")
		b.WriteString(strings.Join(additional, ";"))
	}
	b.WriteString(",Signature=")
	b.WriteString(sig)
	r.Header.Set("Authorization", b.String())
}

// PresignV4 turns r into a V4 pre-signed URL signed at t and valid for
// expires (a whole number of seconds, 1s to 7 days): it appends
// x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires,
// x-oss-additional-headers (when any), x-oss-security-token (when c has a
// token) and x-oss-signature to r.URL.RawQuery. Headers of r that the
// signature covers must be sent with the URL.
func PresignV4(r *http.Request, bucket, key string, c Credentials, o V4Options, t time.Time, expires time.Duration) error {
	if expires%time.Second != 0 || expires < time.Second || expires > MaxExpiresV4 {
		return fmt.Errorf("ossauth: a V4 pre-signed URL must last 1 to 604800 whole seconds, not %v", expires)
	}
	t = t.UTC()
	s := o.scope(t)
	additional := o.additional(r)
	appendQuery(r.URL, queryV4Version, AlgorithmV4)
	appendQuery(r.URL, queryV4Credential, s.Credential(c.AccessKey))
	appendQuery(r.URL, queryV4Date, t.Format(TimeFormatV4))
	appendQuery(r.URL, queryV4Expires, strconv.FormatInt(int64(expires/time.Second), 10))
	if len(additional) > 0 {
		appendQuery(r.URL, queryV4Additional, strings.Join(additional, ";"))
	}
	if c.SecurityToken != "" {
		appendQuery(r.URL, queryV4Token, c.SecurityToken)
	}
	sig := SignatureV4(c.SecretKey, s, StringToSignV4(t.Format(TimeFormatV4), s, CanonicalRequestV4(r, bucket, key, additional)))
	appendQuery(r.URL, queryV4Signature, sig)
	return nil
}
