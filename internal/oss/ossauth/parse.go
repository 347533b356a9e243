package ossauth

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Version is a signature version.
type Version uint8

const (
	V1 Version = 1 // HMAC-SHA1, "OSS ak:sig" or OSSAccessKeyId/Expires/Signature
	V4 Version = 4 // OSS4-HMAC-SHA256
)

// Names and fixed values of the signature fields.
const (
	AlgorithmV4     = "OSS4-HMAC-SHA256"
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	terminatorV4    = "aliyun_v4_request"

	// MaxExpiresV4 is the longest validity of a V4 pre-signed URL or POST
	// form: x-oss-expires may be 1 to 604800 seconds.
	MaxExpiresV4 = 7 * 24 * time.Hour

	// TimeFormatV4 is the layout of x-oss-date (ISO 8601 basic, UTC).
	TimeFormatV4 = "20060102T150405Z"
	dateFormatV4 = "20060102"

	queryV1AccessKey = "OSSAccessKeyId"
	queryV1Expires   = "Expires"
	queryV1Signature = "Signature"
	queryV1Token     = "security-token"

	queryV4Version    = "x-oss-signature-version"
	queryV4Credential = "x-oss-credential"
	queryV4Date       = "x-oss-date"
	queryV4Expires    = "x-oss-expires"
	queryV4Additional = "x-oss-additional-headers"
	queryV4Signature  = "x-oss-signature"
	queryV4Token      = "x-oss-security-token"
	queryV2AccessKey  = "x-oss-access-key-id" // OSS2 pre-signed URLs, not supported

	headerDate    = "Date"
	headerOSSDate = "X-Oss-Date"
	headerToken   = "X-Oss-Security-Token"
	headerSHA256  = "X-Oss-Content-Sha256"
)

// Scope is the credential scope of a V4 signature,
// "date/region/product/aliyun_v4_request".
type Scope struct {
	Date    string // YYYYMMDD, UTC
	Region  string // e.g. cn-hangzhou; any non-empty region is accepted
	Product string // "oss", or "oss-cloudbox" for OSS on CloudBox
}

// NewScope returns the scope of product "oss" for region on t's UTC date.
func NewScope(t time.Time, region string) Scope {
	return Scope{Date: t.UTC().Format(dateFormatV4), Region: region, Product: "oss"}
}

// String returns "date/region/product/aliyun_v4_request".
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Product + "/" + terminatorV4
}

// Credential returns the Credential (x-oss-credential) of accessKey in s.
func (s Scope) Credential(accessKey string) string { return accessKey + "/" + s.String() }

// Auth is a parsed OSS signature, from the Authorization header or from
// the query string of a pre-signed URL. FromRequest fills it; Verify
// reads it with the request.
type Auth struct {
	Version   Version
	InQuery   bool   // pre-signed URL
	AccessKey string // AccessKeyId
	Signature string // base64 (V1) or hex (V4), as sent

	// SecurityToken is the STS token sent with the signature: the
	// x-oss-security-token header, or the security-token (V1) or
	// x-oss-security-token (V4) parameter of a pre-signed URL. It is
	// signed; checking it is the caller's job.
	SecurityToken string

	// Bucket and Key are the resource the signature must cover, as given
	// to FromRequest: OSS signs "/bucket/key" whatever the URL style.
	Bucket, Key string

	// Date is the time text the signature covers: x-oss-date (or Date) for
	// a signed header, Expires for a V1 URL, x-oss-date for a V4 URL.
	Date string
	// Time is Date parsed; for a V1 URL, the expiry.
	Time time.Time
	// Expires is the end of a pre-signed URL's validity: Expires (V1), or
	// x-oss-date plus x-oss-expires (V4). Zero for a signed header.
	Expires time.Time

	Scope             Scope    // V4
	AdditionalHeaders []string // V4: lowercase, as listed
}

// FromRequest finds the OSS signature of r: the Authorization header
// first, then the fields of a pre-signed URL (V4 or V1; a URL with the
// fields of both is malformed).
// It returns (nil, nil) when r carries none, that is for an anonymous
// request, and an *Error (matching ErrMalformed or ErrMissingDate) when a
// signature is present but cannot be used.
//
// bucket and key are the resource as the server resolved it from the
// virtual-host or path-style URL, with key decoded; bucket is "" for a
// service-level request and key is "" for a bucket-level one. OSS signs
// "/bucket/key" for both URL styles, so they cannot be taken from r.
//
// A non-empty Authorization header is always taken as an OSS signature:
// another scheme is reported as malformed, and the OSS2 (V2) scheme as
// not supported.
func FromRequest(r *http.Request, bucket, key string) (*Auth, error) {
	var (
		a   *Auth
		err error
	)
	if hs := r.Header["Authorization"]; len(hs) > 1 {
		return nil, malformed(ecV1BadScheme, "The request has more than one Authorization header.")
	} else if len(hs) == 1 && strings.TrimSpace(hs[0]) != "" {
		a, err = parseAuthorization(strings.TrimSpace(hs[0]), r.Header)
	} else {
		a, err = parseQuery(r.URL.RawQuery)
	}
	if a != nil {
		a.Bucket, a.Key = bucket, key
	}
	return a, err
}

// parseAuthorization parses a non-empty Authorization header value.
func parseAuthorization(v string, h http.Header) (*Auth, error) {
	scheme, rest, _ := strings.Cut(v, " ")
	rest = strings.TrimSpace(rest)
	switch scheme {
	case "OSS":
		return parseV1Header(rest, h)
	case AlgorithmV4:
		return parseV4Header(rest, h)
	case "OSS2":
		return nil, malformed(ecV1BadScheme, "OSS2 (V2) signatures are not supported; sign with V1 or V4.")
	}
	return nil, malformed(ecV1BadScheme, "Authorization header is invalid: the scheme must be OSS or OSS4-HMAC-SHA256.")
}

// parseV1Header parses "ak:signature".
func parseV1Header(s string, h http.Header) (*Auth, error) {
	ak, sig, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return nil, malformed(ecV1NoColon, "Authorization header is invalid.")
	case ak == "":
		return nil, malformed(ecV1NoAccessKey, "AccessKeyId or Signature is missing in Authorization header value.")
	case !validAccessKey(ak):
		return nil, malformed(ecV1BadAccessKey, "Authorization header is invalid: the AccessKeyId holds illegal characters.")
	case strings.TrimSpace(sig) == "":
		return nil, malformed(ecV1NoSignature, "AccessKeyId or Signature is missing in Authorization header value.")
	}
	a := &Auth{Version: V1, AccessKey: ak, Signature: strings.TrimSpace(sig), SecurityToken: h.Get(headerToken)}
	var err error
	a.Date, a.Time, err = headerTime(h, false)
	return a, err
}

// headerTime returns the time a signed header covers: x-oss-date when
// present, else Date. For V1 both take the HTTP date format (x-oss-date
// may also be ISO 8601); for V4 x-oss-date must be ISO 8601.
func headerTime(h http.Header, v4 bool) (string, time.Time, error) {
	if d := h.Get(headerOSSDate); d != "" {
		if t, err := time.Parse(TimeFormatV4, d); err == nil {
			return d, t, nil
		}
		if !v4 {
			if t, err := http.ParseTime(d); err == nil {
				return d, t, nil
			}
		}
		return "", time.Time{}, ErrMissingDate.with(ecBadDate)
	}
	if d := h.Get(headerDate); d != "" {
		t, err := http.ParseTime(d)
		if err != nil {
			return "", time.Time{}, ErrMissingDate.with(ecBadDate)
		}
		return d, t, nil
	}
	return "", time.Time{}, ErrMissingDate.with(ecNoDate)
}

// parseV4Header parses "Credential=...,AdditionalHeaders=...,Signature=..."
// with spaces tolerated around the fields.
func parseV4Header(s string, h http.Header) (*Auth, error) {
	var cred, additional, sig string
	var seen [3]bool
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, malformed(ecV4NoEquals, "Authorization header is invalid: %q is not key=value.", k)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		var i int
		switch {
		case strings.EqualFold(k, "Credential"):
			i, cred = 0, v
		case strings.EqualFold(k, "AdditionalHeaders"):
			i, additional = 1, v
		case strings.EqualFold(k, "Signature"):
			i, sig = 2, v
		default:
			return nil, malformed(ecV4BadHeader, "Authorization header is invalid: unknown field %q.", k)
		}
		if seen[i] {
			return nil, malformed(ecV4BadHeader, "Authorization header is invalid: %s given twice.", k)
		}
		seen[i] = true
	}
	switch {
	case !seen[0] || cred == "":
		return nil, malformed(ecV4NoCredential, "Authorization header is invalid: Credential is missing.")
	case !seen[2]:
		return nil, malformed(ecV4BadHeader, "Authorization header is invalid: Signature is missing.")
	case sig == "":
		return nil, malformed(ecV4NoSignature, "Authorization header is invalid: Signature is empty.")
	case seen[1] && additional == "":
		return nil, malformed(ecV4EmptyAddl, "Authorization header is invalid: AdditionalHeaders is empty.")
	}
	a := &Auth{Version: V4, Signature: sig, SecurityToken: h.Get(headerToken)}
	var err error
	if a.AccessKey, a.Scope, err = parseCredential(cred, credentialHeaderECs); err != nil {
		return nil, err
	}
	if a.AdditionalHeaders, err = parseAdditional(additional); err != nil {
		return nil, err
	}
	if a.Date, a.Time, err = headerTime(h, true); err != nil {
		return nil, err
	}
	if day := a.Time.UTC().Format(dateFormatV4); day != a.Scope.Date {
		return nil, malformed(ecV4BadDate, "The date %s of the Credential is not the day of the request time %s.", a.Scope.Date, day)
	}
	if p := h.Get(headerSHA256); p != "" && p != UnsignedPayload {
		return nil, malformed(ecV4BadSHA256, "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.")
	}
	return a, nil
}

// credentialECs are the EC codes of credential errors in one context.
type credentialECs struct{ accessKey, date, format, product string }

var (
	credentialHeaderECs = credentialECs{ecV4BadAccessKey, ecV4BadDate, ecV4BadCredential, ecV4BadProduct}
	credentialQueryECs  = credentialECs{ecV4BadURLKey, ecV4BadURLDate, ecV4BadURLCred, ecV4BadProduct}
	credentialPostECs   = credentialECs{ecPostBadAccessKey, ecPostBadDate, ecPostBadCred, ecPostBadCred}
)

// parseCredential splits "ak/date/region/product/aliyun_v4_request". The
// access key is everything before the last four parts.
func parseCredential(s string, ec credentialECs) (string, Scope, error) {
	parts := strings.Split(s, "/")
	n := len(parts)
	if n < 5 || parts[n-1] != terminatorV4 {
		return "", Scope{}, malformed(ec.format, "The Credential %q is not AccessKeyId/SignDate/Region/oss/aliyun_v4_request.", s)
	}
	ak := strings.Join(parts[:n-4], "/")
	sc := Scope{Date: parts[n-4], Region: parts[n-3], Product: parts[n-2]}
	if ak == "" || !validAccessKey(ak) {
		return "", Scope{}, malformed(ec.accessKey, "The AccessKeyId of the Credential is empty or holds illegal characters.")
	}
	if _, err := time.Parse(dateFormatV4, sc.Date); err != nil || len(sc.Date) != 8 {
		return "", Scope{}, malformed(ec.date, "The SignDate %q of the Credential is not YYYYMMDD.", sc.Date)
	}
	if sc.Region == "" || !validToken(sc.Region) {
		return "", Scope{}, malformed(ec.format, "The Region of the Credential is empty or holds illegal characters.")
	}
	if sc.Product != "oss" && sc.Product != "oss-cloudbox" {
		return "", Scope{}, malformed(ec.product, "The product %q of the Credential is not oss.", sc.Product)
	}
	return ak, sc, nil
}

// parseAdditional splits a list of additional headers on ";", lowercasing
// the names. An empty item is an error; an empty list is none.
func parseAdditional(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	out := make([]string, 0, strings.Count(s, ";")+1)
	for _, name := range strings.Split(s, ";") {
		name = strings.TrimSpace(name)
		if name == "" || !validToken(name) {
			return nil, malformed(ecV4EmptyAddlItem, "The additional headers %q hold an empty or invalid name.", s)
		}
		out = append(out, asciiLower(name))
	}
	return out, nil
}

// validAccessKey reports whether s has no control characters or spaces.
func validAccessKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// validToken reports whether s is a non-empty HTTP token (a header name).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+^`|", rune(c)) {
			return false
		}
	}
	return true
}

// queryFields collects the signature fields of a query string.
type queryFields struct {
	vals  map[string]string
	twice string // a field given more than once
}

var queryFieldNames = []string{
	queryV1AccessKey, queryV1Expires, queryV1Signature, queryV1Token,
	queryV4Version, queryV4Credential, queryV4Date, queryV4Expires,
	queryV4Additional, queryV4Signature, queryV4Token, queryV2AccessKey,
}

func (q *queryFields) get(name string) (string, bool) {
	v, ok := q.vals[name]
	return v, ok
}

// parseQuery looks for a pre-signed URL's fields. It returns (nil, nil)
// when there are none.
func parseQuery(raw string) (*Auth, error) {
	if raw == "" {
		return nil, nil
	}
	var q queryFields
	eachQueryPair(raw, func(k, v string) bool {
		for _, name := range queryFieldNames {
			if k != name {
				continue
			}
			if q.vals == nil {
				q.vals = make(map[string]string, 8)
			}
			if _, dup := q.vals[k]; dup && q.twice == "" {
				q.twice = k
			}
			q.vals[k] = v
		}
		return true
	})
	if q.vals == nil {
		return nil, nil
	}
	_, hasVersion := q.get(queryV4Version)
	_, hasCred := q.get(queryV4Credential)
	_, hasV4Sig := q.get(queryV4Signature)
	_, hasV2Key := q.get(queryV2AccessKey)
	_, hasV1Key := q.get(queryV1AccessKey)
	_, hasV1Sig := q.get(queryV1Signature)
	v4 := hasVersion || hasCred || hasV4Sig || hasV2Key
	v1 := hasV1Key || hasV1Sig
	switch {
	case !v4 && !v1:
		return nil, nil
	case v4 && v1:
		return nil, malformed("", "The URL holds the fields of both V1 and V4 signatures.")
	case q.twice != "":
		return nil, malformed("", "The URL gives %s more than once.", q.twice)
	case v4:
		return parseV4Query(&q)
	}
	return parseV1Query(&q)
}

func parseV1Query(q *queryFields) (*Auth, error) {
	ak, hasKey := q.get(queryV1AccessKey)
	exp, hasExp := q.get(queryV1Expires)
	sig, hasSig := q.get(queryV1Signature)
	switch {
	case !hasKey:
		return nil, deniedMalformed(ecV1NoURLAccessKey, msgQueryIncomplete)
	case !hasExp:
		return nil, deniedMalformed(ecV1NoExpires, msgQueryIncomplete)
	case !hasSig:
		return nil, deniedMalformed("", msgQueryIncomplete)
	case ak == "" || !validAccessKey(ak):
		return nil, malformed(ecV1BadURLKey, "The OSSAccessKeyId of the URL is empty or holds illegal characters.")
	case exp == "":
		return nil, deniedMalformed(ecV1EmptyExpires, msgBadExpires)
	case sig == "":
		return nil, deniedMalformed(ecV1EmptySignature, msgQueryIncomplete)
	}
	secs, ok := parseSeconds(exp)
	if !ok {
		return nil, deniedMalformed(ecV1BadExpires, msgBadExpires)
	}
	token, _ := q.get(queryV1Token)
	t := time.Unix(secs, 0)
	return &Auth{
		Version:   V1,
		InQuery:   true,
		AccessKey: ak,
		// A "+" left unencoded in the base64 signature arrives as a space.
		Signature:     strings.ReplaceAll(sig, " ", "+"),
		SecurityToken: token,
		Date:          exp,
		Time:          t,
		Expires:       t,
	}, nil
}

func parseV4Query(q *queryFields) (*Auth, error) {
	version, _ := q.get(queryV4Version)
	switch version {
	case AlgorithmV4:
	case "OSS2":
		return nil, malformed(ecURLBadVersion, "OSS2 (V2) signatures are not supported; sign with V1 or V4.")
	default:
		return nil, malformed(ecURLBadVersion, "x-oss-signature-version %q is not OSS4-HMAC-SHA256.", version)
	}
	cred, _ := q.get(queryV4Credential)
	if cred == "" {
		return nil, malformed(ecV4NoURLCred, "x-oss-credential is missing or empty.")
	}
	a := &Auth{Version: V4, InQuery: true}
	var err error
	if a.AccessKey, a.Scope, err = parseCredential(cred, credentialQueryECs); err != nil {
		return nil, err
	}
	sig, ok := q.get(queryV4Signature)
	switch {
	case !ok:
		return nil, malformed(ecV4NoURLSignature, "x-oss-signature is missing.")
	case sig == "":
		return nil, malformed(ecV4EmptyURLSig, "x-oss-signature is empty.")
	}
	a.Signature = sig
	date, ok := q.get(queryV4Date)
	if !ok || date == "" {
		return nil, malformed(ecBadDate, "x-oss-date is missing.")
	}
	if a.Time, err = time.Parse(TimeFormatV4, date); err != nil {
		return nil, malformed(ecBadDate, "x-oss-date %q is not YYYYMMDDThhmmssZ.", date)
	}
	a.Date = date
	if day := date[:8]; day != a.Scope.Date {
		return nil, malformed(ecV4BadURLDate, "The date %s of x-oss-credential is not the day of x-oss-date %s.", a.Scope.Date, day)
	}
	exp, ok := q.get(queryV4Expires)
	if !ok {
		return nil, malformed(ecV4NoExpires, "x-oss-expires is missing.")
	}
	secs, ok := parseSeconds(exp)
	if !ok || secs < 1 || secs > int64(MaxExpiresV4/time.Second) {
		return nil, malformed(ecV4BadExpires, "x-oss-expires %q must be 1 to 604800 seconds.", exp)
	}
	a.Expires = a.Time.Add(time.Duration(secs) * time.Second)
	additional, _ := q.get(queryV4Additional)
	if a.AdditionalHeaders, err = parseAdditional(additional); err != nil {
		return nil, err
	}
	a.SecurityToken, _ = q.get(queryV4Token)
	return a, nil
}

// parseSeconds accepts 1 to 18 decimal digits.
func parseSeconds(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
