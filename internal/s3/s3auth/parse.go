package s3auth

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Scheme is how a request carries its signature.
type Scheme uint8

const (
	// V4Header: "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
	V4Header Scheme = iota + 1
	// V4Query: a SigV4 pre-signed URL (X-Amz-Algorithm, X-Amz-Credential, ...).
	V4Query
	// V2Header: "Authorization: AWS AccessKeyId:Signature".
	V2Header
	// V2Query: a SigV2 pre-signed URL (AWSAccessKeyId, Expires, Signature).
	V2Query
)

func (s Scheme) String() string {
	switch s {
	case V4Header:
		return "SigV4 header"
	case V4Query:
		return "SigV4 query"
	case V2Header:
		return "SigV2 header"
	case V2Query:
		return "SigV2 query"
	}
	return "Scheme(" + strconv.Itoa(int(s)) + ")"
}

// Limits of the protocol.
const (
	// MaxSkew is how far the time of a header-signed request may be from
	// the server's clock (RESTAuthentication, "Time stamp requirement").
	// A SigV4 pre-signed URL may also be dated this far in the future.
	MaxSkew = 15 * time.Minute
	// MaxPresignExpires is the largest X-Amz-Expires, seven days
	// (sigv4-query-string-auth).
	MaxPresignExpires = 7 * 24 * time.Hour
)

// The payload hashes x-amz-content-sha256 may hold besides a hex SHA-256
// (sigv4-auth-using-authorization-header).
const (
	UnsignedPayload                 = "UNSIGNED-PAYLOAD"
	StreamingSignedPayload          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedPayloadTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	// The SigV4a streaming forms, recognised so they can be refused by name.
	streamingECDSAPayload        = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
	streamingECDSAPayloadTrailer = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"

	// EmptySHA256 is the hex SHA-256 of no bytes.
	EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

const (
	algorithmV4  = "AWS4-HMAC-SHA256"
	algorithmV4a = "AWS4-ECDSA-P256-SHA256"
	terminator   = "aws4_request"
	serviceS3    = "s3"

	iso8601Basic = "20060102T150405Z"
	yyyymmdd     = "20060102"
)

// Auth is a parsed S3 signature: from the Authorization header, or from
// the query string of a pre-signed URL. FromRequest fills it; Verify
// checks it against the request; Body uses it to decode the payload. An
// Auth is not safe for concurrent modification, but Verify and Body only
// read it.
type Auth struct {
	Scheme        Scheme
	AccessKey     string
	Signature     string // SigV4: 64 hex digits; SigV2: base64, as sent
	SecurityToken string // x-amz-security-token (header, or the query of a V4 URL)

	// SigV4 only.
	Date          string        // credential scope date, YYYYMMDD
	Region        string        // credential scope region, any non-empty value
	Service       string        // credential scope service, always "s3"
	SignedHeaders []string      // lowercase, in the order listed
	Time          time.Time     // x-amz-date (or Date) header, or X-Amz-Date; also set for V2Header
	Expires       time.Duration // V4Query: X-Amz-Expires
	// PayloadHash is the last line of the canonical request: the
	// x-amz-content-sha256 header for V4Header; for V4Query the
	// X-Amz-Content-Sha256 query parameter, else UNSIGNED-PAYLOAD.
	PayloadHash string

	// SigV2 only.
	ExpiresAt time.Time // V2Query: Expires
	// VirtualBucket is the bucket named by the Host header of a
	// virtual-hosted-style request. SigV2 signs it in front of the path
	// ("/bucket/key"), so the caller, who alone knows its endpoint's host
	// names, must set it before Verify. Leave it empty for path-style
	// requests. SigV4 does not use it.
	VirtualBucket string

	// amzDate is the time as signed: for SigV4 x-amz-date (or Date in ISO
	// 8601 basic form), for V2Query the Expires parameter as sent.
	amzDate string
}

// Names of the parameters and headers read here.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"

	qV2AccessKey = "AWSAccessKeyId"
	qV2Signature = "Signature"
	qV2Expires   = "Expires"

	hAuthorization   = "Authorization"
	hAmzDate         = "X-Amz-Date"
	hDate            = "Date"
	hContentSHA256   = "X-Amz-Content-Sha256"
	hSecurityToken   = "X-Amz-Security-Token"
	hDecodedLength   = "X-Amz-Decoded-Content-Length"
	hTrailer         = "X-Amz-Trailer"
	hContentEncoding = "Content-Encoding"
)

// FromRequest finds the S3 signature of r: the Authorization header, or
// the query parameters of a SigV4 or SigV2 pre-signed URL. It returns
// (nil, nil) when r carries none, that is for an anonymous request, and
// an *Error when a signature is present but cannot be used: malformed
// (ErrAuthorizationHeaderMalformed, ErrAuthorizationQueryParametersError,
// ErrInvalidArgument), of an unsupported scheme (ErrUnsupportedAlgorithm,
// "Unsupported Authorization Type"), given twice ("Only one auth mechanism
// allowed"), without a usable date (ErrMissingDate), or a SigV4 header
// request without x-amz-content-sha256 (ErrMissingContentSHA256).
//
// FromRequest checks only the form of the signature; Verify checks the
// signature itself and the time. It reads r.Header and r.URL.RawQuery and
// never the body.
func FromRequest(r *http.Request) (*Auth, error) {
	var header string
	if hs := r.Header[hAuthorization]; len(hs) > 0 {
		if len(hs) > 1 {
			return nil, invalidArgument(hAuthorization, "More than one Authorization header was sent.")
		}
		header = strings.TrimSpace(hs[0])
	}
	q, err := scanQuery(rawQuery(r))
	if err != nil {
		return nil, err
	}
	v4q, v2q := q.has(qiAlgorithm, qiCredential, qiSignature), q.has(qiV2AccessKey, qiV2Signature)
	if (header != "" && (v4q || v2q)) || (v4q && v2q) {
		return nil, invalidArgument(hAuthorization, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	}
	switch {
	case header != "":
		return parseHeader(header, r)
	case v4q:
		return parseV4Query(q, r)
	case v2q:
		return parseV2Query(q)
	}
	return nil, nil
}

// parseHeader parses an Authorization header value of any scheme.
func parseHeader(h string, r *http.Request) (*Auth, error) {
	scheme, rest, _ := strings.Cut(h, " ")
	switch {
	case scheme == algorithmV4:
		a, err := parseV4Header(rest)
		if err != nil {
			return nil, err
		}
		return a, a.headerFields(r)
	case scheme == algorithmV4a:
		return nil, ErrUnsupportedAlgorithm
	case scheme == "AWS":
		a, err := parseV2Header(rest)
		if err != nil {
			return nil, err
		}
		return a, a.v2Time(r)
	}
	return nil, invalidArgument(hAuthorization, "Unsupported Authorization Type")
}

// parseV4Header parses what follows "AWS4-HMAC-SHA256 ": the components
// Credential, SignedHeaders and Signature, separated by commas, with
// spaces around them tolerated. It does not look at the request.
func parseV4Header(s string) (*Auth, error) {
	var cred, signed, sig string
	var seen uint8
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, ",")
		part = trimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = trimSpace(k), trimSpace(v)
		var bit uint8
		switch {
		case !ok:
		case k == "Credential":
			bit, cred = 1, v
		case k == "SignedHeaders":
			bit, signed = 2, v
		case k == "Signature":
			bit, sig = 4, v
		}
		if bit == 0 {
			return nil, headerMalformed("the authorization component %q is malformed.", part)
		}
		if seen&bit != 0 {
			return nil, headerMalformed("the authorization component %q is given twice.", k)
		}
		seen |= bit
	}
	switch {
	case seen == 0:
		return nil, headerMalformed("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	case cred == "":
		return nil, headerMalformed("missing Credential.")
	case signed == "":
		return nil, headerMalformed("missing SignedHeaders.")
	case sig == "":
		return nil, headerMalformed("missing Signature.")
	}
	a := &Auth{Scheme: V4Header}
	if err := a.setCredential(cred, headerMalformed); err != nil {
		return nil, err
	}
	if a.SignedHeaders = splitSignedHeaders(signed); a.SignedHeaders == nil {
		return nil, headerMalformed("missing SignedHeaders.")
	}
	if !isHexSignature(sig) {
		return nil, headerMalformed("the Signature is not 64 hexadecimal digits.")
	}
	a.Signature = sig
	return a, nil
}

// headerFields reads what a V4 header signature takes from the headers:
// the request time, the payload hash and the security token.
func (a *Auth) headerFields(r *http.Request) error {
	if v := r.Header.Get(hAmzDate); v != "" {
		t, err := time.Parse(iso8601Basic, v)
		if err != nil {
			return ErrMissingDate
		}
		a.Time, a.amzDate = t, v
	} else {
		t, ok := parseHTTPDate(r.Header.Get(hDate))
		if !ok {
			return ErrMissingDate
		}
		a.Time, a.amzDate = t, t.UTC().Format(iso8601Basic)
	}
	if a.amzDate[:8] != a.Date {
		return headerMalformed("Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	ph, ok := r.Header[hContentSHA256]
	if !ok || len(ph) == 0 {
		return ErrMissingContentSHA256
	}
	if !validPayloadHash(ph[0]) {
		return invalidContentSHA256()
	}
	a.PayloadHash = ph[0]
	a.SecurityToken = r.Header.Get(hSecurityToken)
	return nil
}

func invalidContentSHA256() *Error {
	return invalidArgument("x-amz-content-sha256", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
}

// validPayloadHash reports whether v is a value x-amz-content-sha256 may
// take.
func validPayloadHash(v string) bool {
	switch v {
	case UnsignedPayload, StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer,
		streamingECDSAPayload, streamingECDSAPayloadTrailer:
		return true
	}
	return isHexSignature(v)
}

// setCredential parses "AKID/YYYYMMDD/REGION/SERVICE/aws4_request". The
// access key is everything before the last four parts, so it may itself
// contain a slash. fail makes the error of the header or the query form.
func (a *Auth) setCredential(s string, fail func(string, ...any) *Error) error {
	const mal = "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."
	var parts [4]string
	rest := s
	for i := 3; i >= 0; i-- {
		j := strings.LastIndexByte(rest, '/')
		if j < 0 {
			return fail(mal)
		}
		parts[i], rest = rest[j+1:], rest[:j]
	}
	date, region, service, term := parts[0], parts[1], parts[2], parts[3]
	switch {
	case rest == "" || region == "":
		return fail(mal)
	case !isScopeDate(date):
		return fail("incorrect date format %q. This date in the credential must be in the format \"yyyyMMdd\".", date)
	case service != serviceS3:
		return fail("incorrect service %q. This endpoint belongs to \"s3\".", service)
	case term != terminator:
		return fail("incorrect terminal %q. This endpoint uses \"aws4_request\".", term)
	}
	a.AccessKey, a.Date, a.Region, a.Service = rest, date, region, service
	return nil
}

func isScopeDate(s string) bool {
	if len(s) != 8 {
		return false
	}
	_, err := time.Parse(yyyymmdd, s)
	return err == nil
}

// splitSignedHeaders splits a SignedHeaders list on ';', lowercases the
// names and drops empty ones. It returns nil for an empty list.
func splitSignedHeaders(s string) []string {
	var out []string
	for s != "" {
		var item string
		item, s, _ = strings.Cut(s, ";")
		if item = trimSpace(item); item != "" {
			if out == nil {
				out = make([]string, 0, strings.Count(s, ";")+2)
			}
			out = append(out, asciiLower(item))
		}
	}
	return out
}

// isHexSignature reports whether s is 64 hex digits.
func isHexSignature(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if fromHex(s[i]) < 0 {
			return false
		}
	}
	return true
}

func fromHex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// decodeSignature decodes a 64-digit hex signature.
func decodeSignature(s string) (sig [32]byte, ok bool) {
	if len(s) != 64 {
		return sig, false
	}
	_, err := hex.Decode(sig[:], []byte(s))
	return sig, err == nil
}

// The query parameters FromRequest looks for, by index.
const (
	qiAlgorithm = iota
	qiCredential
	qiDate
	qiExpires
	qiSignedHeaders
	qiSignature
	qiSecurityToken
	qiContentSHA256
	qiV2AccessKey
	qiV2Signature
	qiV2Expires
	numQueryFields
)

var queryFieldNames = [numQueryFields]string{
	qAlgorithm, qCredential, qDate, qExpires, qSignedHeaders, qSignature, qSecurityToken, qContentSHA256,
	qV2AccessKey, qV2Signature, qV2Expires,
}

// authQuery holds the authentication parameters of a query string,
// decoded.
type authQuery struct {
	vals [numQueryFields]string
	seen uint16
}

func (q *authQuery) has(idx ...int) bool {
	for _, i := range idx {
		if q.seen&(1<<i) != 0 {
			return true
		}
	}
	return false
}

func (q *authQuery) get(i int) (string, bool) { return q.vals[i], q.seen&(1<<i) != 0 }

// scanQuery collects the authentication parameters of a raw query. Names
// are matched ignoring ASCII case, as S3 does for its X-Amz-* parameters.
// A parameter given twice is an error, since it could be read two ways.
func scanQuery(raw string) (authQuery, error) {
	var q authQuery
	if !strings.Contains(raw, "=") {
		return q, nil
	}
	var err error
	eachQueryPair(raw, func(k, v string) bool {
		for i, name := range queryFieldNames {
			if len(k) != len(name) || !strings.EqualFold(k, name) {
				continue
			}
			if q.seen&(1<<i) != 0 {
				if i <= qiContentSHA256 {
					err = queryParamsError("The %s parameter is given more than once.", name)
				} else {
					err = invalidArgument(name, "The %s parameter is given more than once.", name)
				}
				return false
			}
			q.seen |= 1 << i
			q.vals[i] = v
		}
		return true
	})
	return q, err
}

// parseV4Query parses the X-Amz-* parameters of a pre-signed URL.
func parseV4Query(q authQuery, r *http.Request) (*Auth, error) {
	for _, i := range [...]int{qiAlgorithm, qiCredential, qiDate, qiExpires, qiSignedHeaders, qiSignature} {
		if v, ok := q.get(i); !ok || v == "" {
			return nil, ErrAuthorizationQueryParametersError
		}
	}
	alg, _ := q.get(qiAlgorithm)
	if alg != algorithmV4 {
		return nil, queryParamsError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	a := &Auth{Scheme: V4Query}
	cred, _ := q.get(qiCredential)
	err := a.setCredential(cred, func(format string, args ...any) *Error {
		return queryParamsError("Error parsing the X-Amz-Credential parameter; "+format, args...)
	})
	if err != nil {
		return nil, err
	}
	date, _ := q.get(qiDate)
	t, err := time.Parse(iso8601Basic, date)
	if err != nil {
		return nil, queryParamsError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	if date[:8] != a.Date {
		return nil, queryParamsError("Invalid credential date %q. This date is not the same as X-Amz-Date: %q.", a.Date, date[:8])
	}
	a.Time, a.amzDate = t, date
	exp, _ := q.get(qiExpires)
	n, err := strconv.ParseInt(exp, 10, 64)
	switch {
	case err != nil && strings.HasPrefix(exp, "-") && isDigits(exp[1:]):
		return nil, queryParamsError("X-Amz-Expires must be non-negative")
	case err != nil && !isDigits(exp):
		return nil, queryParamsError("X-Amz-Expires should be a number")
	case n < 0:
		return nil, queryParamsError("X-Amz-Expires must be non-negative")
	case err != nil || n > int64(MaxPresignExpires/time.Second):
		return nil, queryParamsError("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")
	}
	a.Expires = time.Duration(n) * time.Second
	signed, _ := q.get(qiSignedHeaders)
	if a.SignedHeaders = splitSignedHeaders(signed); a.SignedHeaders == nil {
		return nil, ErrAuthorizationQueryParametersError
	}
	sig, _ := q.get(qiSignature)
	if !isHexSignature(sig) {
		return nil, queryParamsError("X-Amz-Signature must be 64 hexadecimal digits.")
	}
	a.Signature = sig
	a.PayloadHash = UnsignedPayload
	if v, ok := q.get(qiContentSHA256); ok {
		if !validPayloadHash(v) {
			return nil, invalidContentSHA256()
		}
		a.PayloadHash = v
	}
	if v, ok := q.get(qiSecurityToken); ok {
		a.SecurityToken = v
	} else {
		a.SecurityToken = r.Header.Get(hSecurityToken)
	}
	return a, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseV2Header parses what follows "AWS ": "AccessKeyId:Signature".
func parseV2Header(s string) (*Auth, error) {
	ak, sig, ok := strings.Cut(trimSpace(s), ":")
	ak, sig = trimSpace(ak), trimSpace(sig)
	if !ok || ak == "" || sig == "" || strings.ContainsAny(ak, " \t") {
		return nil, invalidArgument(hAuthorization, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
	}
	if _, ok := decodeV2Signature(sig); !ok {
		return nil, invalidArgument(hAuthorization, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
	}
	return &Auth{Scheme: V2Header, AccessKey: ak, Signature: sig}, nil
}

// v2Time reads the request time of a V2 header signature: x-amz-date
// when present (it then takes precedence, even empty), else Date. A time
// before the Unix epoch is no valid date.
func (a *Auth) v2Time(r *http.Request) error {
	v, ok := r.Header[hAmzDate]
	if !ok {
		v = r.Header[hDate]
	}
	t, ok := parseHTTPDate(strings.Join(v, ","))
	if !ok || t.Before(time.Unix(0, 0)) {
		return ErrMissingDate
	}
	a.Time = t
	a.SecurityToken = r.Header.Get(hSecurityToken)
	return nil
}

// parseV2Query parses AWSAccessKeyId, Signature and Expires.
func parseV2Query(q authQuery) (*Auth, error) {
	ak, _ := q.get(qiV2AccessKey)
	sig, _ := q.get(qiV2Signature)
	exp, hasExp := q.get(qiV2Expires)
	if ak == "" || sig == "" || !hasExp {
		return nil, ErrAccessDenied.with("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
	}
	// A '+' of the base64 signature left unencoded arrives as a space.
	sig = strings.ReplaceAll(sig, " ", "+")
	if _, ok := decodeV2Signature(sig); !ok {
		return nil, ErrSignatureDoesNotMatch
	}
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || n < 0 {
		return nil, ErrAccessDenied.with("Invalid date (should be seconds since epoch): " + exp)
	}
	return &Auth{Scheme: V2Query, AccessKey: ak, Signature: sig, ExpiresAt: time.Unix(n, 0), amzDate: exp}, nil
}

// decodeV2Signature decodes a base64 HMAC-SHA1, padded or not.
func decodeV2Signature(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	return b, err == nil && len(b) == 20
}

// httpDateLayouts are the date forms accepted in Date and, for SigV2,
// x-amz-date: RFC 1123 with GMT or a numeric zone (the SigV2 examples use
// "+0000"), the other two forms of RFC 7231, and ISO 8601 basic.
var httpDateLayouts = [...]string{http.TimeFormat, time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, iso8601Basic}

func parseHTTPDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range httpDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func trimSpace(s string) string { return strings.Trim(s, " \t") }
