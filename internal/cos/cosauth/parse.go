package cosauth

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Auth is a parsed COS signature, from the Authorization header or from
// the query string of a pre-signed URL. FromRequest fills every field;
// Verify reads SignStart, SignEnd, KeyTime, SignTime, the two lists and
// Signature.
type Auth struct {
	Algorithm          string   // q-sign-algorithm; always "sha1" once parsed
	AccessKey          string   // q-ak, the SecretId
	SignStart, SignEnd int64    // q-sign-time, parsed
	KeyTime            string   // q-key-time as sent ("start;end"); the key of the HMAC chain
	SignTime           string   // q-sign-time as sent
	HeaderList         []string // q-header-list split on ';', lowercase, empty items dropped
	ParamList          []string // q-url-param-list split on ';', lowercase, empty items dropped
	Signature          string   // q-signature, 40 hex digits
	InQuery            bool     // carried in the query string (pre-signed URL)
	SecurityToken      string   // x-cos-security-token from the header, else the query
}

// Names of the signature fields, in header and query form alike.
const (
	fieldAlgorithm  = "q-sign-algorithm"
	fieldAK         = "q-ak"
	fieldSignTime   = "q-sign-time"
	fieldKeyTime    = "q-key-time"
	fieldHeaderList = "q-header-list"
	fieldParamList  = "q-url-param-list"
	fieldSignature  = "q-signature"

	tokenName   = "x-cos-security-token"
	tokenHeader = "X-Cos-Security-Token" // canonical form, for r.Header
)

// FromRequest finds the COS signature of r: the Authorization header
// first, then the q-* query parameters of a pre-signed URL, then a
// pre-signed URL whose whole authorization string sits in one "sign"
// parameter (the SDK's SignMerged option). It returns (nil, nil) when r
// carries none of these, that is for an anonymous request, and an *Error
// (matching ErrMalformed) when a signature is present but cannot be parsed.
//
// A non-empty Authorization header is always taken as a COS signature, so
// a header of another scheme is reported as malformed.
func FromRequest(r *http.Request) (*Auth, error) {
	if hs := r.Header["Authorization"]; len(hs) > 0 {
		if len(hs) > 1 {
			return nil, malformed("more than one Authorization header")
		}
		if strings.TrimSpace(hs[0]) != "" {
			a, err := parseHeader(hs[0])
			if err != nil {
				return nil, err
			}
			if v := r.Header[tokenHeader]; len(v) > 0 {
				a.SecurityToken = v[0]
			}
			if a.SecurityToken == "" {
				a.SecurityToken = queryValue(r.URL.RawQuery, tokenName)
			}
			return a, nil
		}
	}
	return parseQuery(r.URL.RawQuery)
}

// parseHeader parses an Authorization value: "k=v" pairs joined by "&",
// with spaces around pairs, keys and values tolerated. Unknown keys are
// ignored; a repeated signature field is an error.
func parseHeader(s string) (*Auth, error) {
	var f fields
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, "&")
		part = trimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if err := f.set(trimSpace(k), trimSpace(v)); err != nil {
			return nil, err
		}
	}
	if f.seen == 0 {
		return nil, malformed("the Authorization header holds no q-* fields")
	}
	return f.auth(false)
}

// parseQuery looks for the signature in a raw query string. It returns
// (nil, nil) when there is none.
func parseQuery(raw string) (*Auth, error) {
	var (
		f      fields
		token  string
		merged []string
		err    error
	)
	eachQueryPair(raw, func(k, v string) bool {
		switch {
		case k == tokenName:
			token = v
		case k == "sign":
			merged = append(merged, v)
		default:
			err = f.set(k, v)
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	var a *Auth
	switch {
	case f.seen != 0:
		if a, err = f.auth(true); err != nil {
			return nil, err
		}
	case len(merged) == 1 && strings.Contains(merged[0], fieldSignature+"="):
		if a, err = parseHeader(merged[0]); err != nil {
			return nil, err
		}
		a.InQuery = true
	case len(merged) > 1:
		return nil, malformed("more than one sign parameter")
	default:
		return nil, nil
	}
	a.SecurityToken = token
	return a, nil
}

// fields collects the q-* fields of one signature.
type fields struct {
	vals [7]string
	seen uint8 // bit i set when vals[i] was given
}

var fieldNames = [7]string{fieldAlgorithm, fieldAK, fieldSignTime, fieldKeyTime, fieldHeaderList, fieldParamList, fieldSignature}

// set records k=v if k names a signature field (ignoring ASCII case).
func (f *fields) set(k, v string) error {
	for i, name := range fieldNames {
		if !strings.EqualFold(k, name) {
			continue
		}
		if f.seen&(1<<i) != 0 {
			return malformed("%s given twice", name)
		}
		f.seen |= 1 << i
		f.vals[i] = v
		return nil
	}
	return nil
}

func (f *fields) auth(inQuery bool) (*Auth, error) {
	for i, name := range fieldNames {
		if i == 4 || i == 5 { // the two lists may be left out when empty
			continue
		}
		if f.seen&(1<<i) == 0 || f.vals[i] == "" {
			return nil, malformed("%s is missing", name)
		}
	}
	a := &Auth{
		Algorithm:  f.vals[0],
		AccessKey:  f.vals[1],
		SignTime:   normalizeTime(f.vals[2]),
		KeyTime:    normalizeTime(f.vals[3]),
		HeaderList: splitList(f.vals[4]),
		ParamList:  splitList(f.vals[5]),
		Signature:  f.vals[6],
		InQuery:    inQuery,
	}
	if !strings.EqualFold(a.Algorithm, "sha1") {
		return nil, malformed("q-sign-algorithm %q is not supported; only sha1 is", a.Algorithm)
	}
	a.Algorithm = "sha1"
	var err error
	if a.SignStart, a.SignEnd, err = parseWindow(fieldSignTime, a.SignTime); err != nil {
		return nil, err
	}
	if _, _, err = parseWindow(fieldKeyTime, a.KeyTime); err != nil {
		return nil, err
	}
	if len(a.Signature) != 2*20 {
		return nil, malformed("q-signature is not 40 hex digits")
	}
	var sig [20]byte
	if _, err := hex.Decode(sig[:], []byte(a.Signature)); err != nil {
		return nil, malformed("q-signature is not 40 hex digits")
	}
	return a, nil
}

// normalizeTime undoes a client's percent-encoding of the ';' of a time
// window (some encode the whole Authorization value).
func normalizeTime(s string) string {
	if strings.Contains(s, "%3") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "%3B", ";"), "%3b", ";")
	}
	return s
}

// parseWindow parses "start;end" in Unix seconds, with start <= end.
func parseWindow(name, s string) (start, end int64, err error) {
	a, b, ok := strings.Cut(s, ";")
	if ok {
		start, ok = parseSeconds(a)
	}
	if ok {
		end, ok = parseSeconds(b)
	}
	if !ok {
		return 0, 0, malformed("%s %q is not start;end in Unix seconds", name, s)
	}
	if end < start {
		return 0, 0, malformed("%s %q ends before it starts", name, s)
	}
	return start, end, nil
}

// parseSeconds accepts 1 to 18 decimal digits, with spaces around them.
func parseSeconds(s string) (int64, bool) {
	s = trimSpace(s)
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

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	out := make([]string, 0, strings.Count(s, ";")+1)
	for s != "" {
		var item string
		item, s, _ = strings.Cut(s, ";")
		if item = trimSpace(item); item != "" {
			out = append(out, asciiLower(item))
		}
	}
	return out
}

func trimSpace(s string) string { return strings.Trim(s, " \t") }

// eachQueryPair calls fn with every key and value of a raw query string,
// decoded as url.ParseQuery does ('+' is a space) but splitting on '&'
// only, so that a ';' left unencoded in q-sign-time survives, and keeping
// a part whose escapes are invalid as it was. fn returns false to stop.
func eachQueryPair(raw string, fn func(k, v string) bool) {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if !fn(unescapeQuery(k), unescapeQuery(v)) {
			return
		}
	}
}

func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// queryValue returns the first value of key in a raw query string.
func queryValue(raw, key string) string {
	var val string
	eachQueryPair(raw, func(k, v string) bool {
		if k == key {
			val = v
			return false
		}
		return true
	})
	return val
}
