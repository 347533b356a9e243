package cosauth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Verify checks a against r: that now lies inside q-sign-time and
// q-key-time, then that q-signature is the signature of r under secretKey,
// computed over exactly the headers and parameters a lists (in the order
// listed, each listed name once). It returns nil, ErrNotYetValid,
// ErrRequestExpired, ErrSignatureDoesNotMatch or a malformed-signature
// error; all are *Error. Signatures are compared in constant time.
//
// r must be the request as received: its method, r.URL.Path (the decoded
// path, bucket included for path-style requests), r.URL.RawQuery, r.Host
// and r.Header are signed material, so a router must not have rewritten
// them. Verify does not read the body and may be called concurrently.
//
// Verify uses SignStart and SignEnd as parsed and parses KeyTime again, so
// an Auth built by hand must keep them consistent.
func (a *Auth) Verify(r *http.Request, secretKey string, now time.Time) error {
	keyStart, keyEnd, err := parseWindow(fieldKeyTime, a.KeyTime)
	if err != nil {
		return err
	}
	t := now.Unix()
	if t < a.SignStart || t < keyStart {
		return ErrNotYetValid
	}
	if t > a.SignEnd || t > keyEnd {
		return ErrRequestExpired
	}
	var want [sha1.Size]byte
	if len(a.Signature) != 2*sha1.Size {
		return malformed("q-signature is not 40 hex digits")
	}
	if _, err := hex.Decode(want[:], []byte(a.Signature)); err != nil {
		return malformed("q-signature is not 40 hex digits")
	}

	params := collectParams(a.ParamList, r.URL.RawQuery)
	headers := collectHeaders(a.HeaderList, r)
	signKey := []byte(SignKey(secretKey, a.KeyTime))

	// The first attempt is the SDK's and the documents' way; the others are
	// the client variants listed in the package documentation, tried only
	// when they would build a different string.
	times := []string{a.KeyTime}
	if a.SignTime != a.KeyTime {
		times = append(times, a.SignTime)
	}
	orders := [][2][]entry{{params, headers}}
	if p, h := byRaw(params), byRaw(headers); p != nil || h != nil {
		orders = append(orders, [2][]entry{orDefault(p, params), orDefault(h, headers)})
	}
	looses := []bool{false}
	if valuesNeedLoose(params) || valuesNeedLoose(headers) {
		looses = append(looses, true)
	}

	buf := make([]byte, 0, 512)
	var mac [sha1.Size]byte
	m := hmac.New(sha1.New, signKey)
	for _, tm := range times {
		for _, o := range orders {
			for _, loose := range looses {
				buf = appendHTTPString(buf[:0], r.Method, r.URL.Path, o[0], o[1], loose)
				sum := sha1.Sum(buf)
				buf = appendStringToSign(buf[:0], tm, sum)
				m.Reset()
				m.Write(buf)
				if hmac.Equal(m.Sum(mac[:0]), want[:]) {
					return nil
				}
			}
		}
	}
	return ErrSignatureDoesNotMatch
}

// maxPairScan bounds listed × given parameters compared pair by pair;
// above it the list is indexed in a map.
const maxPairScan = 1024

// collectParams returns an entry for each listed parameter, in list order
// and without repeats, holding every value the query gives it.
func collectParams(list []string, rawQuery string) []entry {
	if len(list) == 0 {
		return nil
	}
	es := makeEntries(list)
	if len(es)*(strings.Count(rawQuery, "&")+1) <= maxPairScan {
		eachQueryPair(rawQuery, func(k, v string) bool {
			for i := range es {
				if equalFoldASCII(k, es[i].raw) {
					es[i].vals = append(es[i].vals, v)
				}
			}
			return true
		})
	} else { // many listed and many given: index the list
		index := make(map[string][]int, len(es))
		for i, e := range es {
			index[e.raw] = append(index[e.raw], i)
		}
		eachQueryPair(rawQuery, func(k, v string) bool {
			for _, i := range index[asciiLower(k)] {
				es[i].vals = append(es[i].vals, v)
			}
			return true
		})
	}
	for i := range es {
		slices.Sort(es[i].vals)
	}
	return es
}

// maxHeaderScan bounds the case-insensitive search for a header stored
// under a non-canonical name (Go's server never does that).
const maxHeaderScan = 64

// collectHeaders returns an entry for each listed header, in list order
// and without repeats. Host, Transfer-Encoding and Content-Length come
// from the fields where Go's server keeps them when they are not in
// r.Header.
func collectHeaders(list []string, r *http.Request) []entry {
	if len(list) == 0 {
		return nil
	}
	es := makeEntries(list)
	var canonBuf [64]byte
	canon := canonBuf[:0]
	for i := range es {
		e := &es[i]
		switch e.raw {
		case "host":
			if r.Host != "" {
				e.vals = []string{r.Host}
				continue
			}
		case "transfer-encoding":
			if len(r.TransferEncoding) > 0 {
				e.vals = []string{strings.Join(r.TransferEncoding, ", ")}
				continue
			}
		}
		canon = appendCanonicalHeaderKey(canon[:0], e.raw)
		e.vals = r.Header[string(canon)]
		if e.vals == nil && len(r.Header) <= maxHeaderScan {
			for k, v := range r.Header {
				if equalFoldASCII(k, e.raw) {
					e.vals = append(e.vals, v...)
				}
			}
		}
		if e.vals == nil && e.raw == "content-length" && r.ContentLength >= 0 {
			e.vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		if len(e.vals) > 1 {
			e.vals = slices.Sorted(slices.Values(e.vals)) // r.Header's slice is not ours to sort
		}
	}
	return es
}

// makeEntries turns a list into entries, dropping repeats (the Go SDK
// repeats a key once per value).
func makeEntries(list []string) []entry {
	es := make([]entry, 0, len(list))
	var seen map[string]bool // for long lists only
	if len(list) > 16 {
		seen = make(map[string]bool, len(list))
	}
	for _, k := range list {
		if seen != nil {
			if seen[k] {
				continue
			}
			seen[k] = true
		} else if slices.ContainsFunc(es, func(e entry) bool { return e.key == k }) {
			continue
		}
		raw := k
		if strings.IndexByte(k, '%') >= 0 {
			if u, err := url.PathUnescape(k); err == nil {
				raw = asciiLower(u)
			}
		}
		es = append(es, entry{key: k, raw: raw})
	}
	return es
}

// byRaw returns es sorted by raw key, or nil if es already is.
func byRaw(es []entry) []entry {
	cmp := func(x, y entry) int { return strings.Compare(x.raw, y.raw) }
	if slices.IsSortedFunc(es, cmp) {
		return nil
	}
	return slices.SortedStableFunc(slices.Values(es), cmp)
}

func orDefault(es, def []entry) []entry {
	if es == nil {
		return def
	}
	return es
}

func valuesNeedLoose(es []entry) bool {
	for _, e := range es {
		for _, v := range e.vals {
			if needsLoose(v) {
				return true
			}
		}
	}
	return false
}

// appendCanonicalHeaderKey appends the form net/textproto gives a header
// name ("content-md5" becomes "Content-Md5"), or the name unchanged when
// it holds a byte that is not a token character, as textproto does.
func appendCanonicalHeaderKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return append(dst, s...)
		}
	}
	upper := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
