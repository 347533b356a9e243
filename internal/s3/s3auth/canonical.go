package s3auth

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// unreserved reports whether c is left as is by URI encoding: A-Z a-z
// 0-9 - . _ ~ (RFC 3986's unreserved set, which SigV4 uses).
func unreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '-' || c == '.' || c == '_' || c == '~'
}

// URIEncode is SigV4's UriEncode: every byte but the unreserved ones
// becomes %XX with uppercase hex, a space included (%20, never '+').
// With keepSlash, '/' is left as is, as in the canonical URI of S3.
func URIEncode(s string, keepSlash bool) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			return string(appendURIEncode(make([]byte, 0, len(s)+16), s, keepSlash))
		}
	}
	return s
}

func appendURIEncode(dst []byte, s string, keepSlash bool) []byte {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (keepSlash && c == '/') {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

// unescape decodes %XX escapes and, when plusIsSpace, '+' as a space.
// ok is false for a malformed escape; out is then meaningless.
func unescape(s string, plusIsSpace bool) (out string, ok bool) {
	n := 0
	hasPlus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) || fromHex(s[i+1]) < 0 || fromHex(s[i+2]) < 0 {
				return "", false
			}
			n++
			i += 2
		case '+':
			hasPlus = plusIsSpace
		}
	}
	if n == 0 && !hasPlus {
		return s, true
	}
	b := make([]byte, 0, len(s)-2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			b = append(b, byte(fromHex(s[i+1])<<4|fromHex(s[i+2])))
			i += 2
		case c == '+' && plusIsSpace:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}

// queryUnescape decodes a query key or value as url.ParseQuery does ('+'
// is a space), but keeps a part with a malformed escape as it was rather
// than failing the whole query.
func queryUnescape(s string) string {
	if u, ok := unescape(s, true); ok {
		return u
	}
	return s
}

// eachQueryPair calls fn with every decoded key and value of a raw query
// string, split on '&' only. Empty parts are skipped; a part without '='
// has an empty value. fn returns false to stop.
func eachQueryPair(raw string, fn func(k, v string) bool) {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if !fn(queryUnescape(k), queryUnescape(v)) {
			return
		}
	}
}

// requestTarget returns the path and the query of r as the client sent
// them, still escaped: from r.RequestURI when set (a server request; an
// absolute-form target loses its scheme and authority), else from r.URL.
// Signatures cover what the client sent, so a router that rewrote r.URL
// does not change what is verified.
func requestTarget(r *http.Request) (path, query string) {
	u := r.RequestURI
	if u != "" && u[0] != '/' {
		if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], "/?") {
			u = u[i+3:]
			if j := strings.IndexAny(u, "/?"); j >= 0 {
				u = u[j:]
			} else {
				u = ""
			}
		} else {
			u = ""
		}
	}
	if u == "" {
		path = r.URL.EscapedPath()
		if path == "" {
			path = "/"
		}
		return path, r.URL.RawQuery
	}
	path, query, _ = strings.Cut(u, "?")
	if path == "" {
		path = "/"
	}
	return path, query
}

// rawQuery is the query of requestTarget.
func rawQuery(r *http.Request) string {
	_, q := requestTarget(r)
	return q
}

// appendCanonicalURI appends the S3 canonical URI of an escaped path:
// each '/'-separated segment is decoded once and URI-encoded again, so
// "/a%20b/c+d" becomes "/a%20b/c%2Bd" and "/a%2Fb" keeps its "%2F". S3
// neither normalises the path ("//", "." and ".." stay) nor encodes it
// twice. A segment with a malformed escape is encoded as it is.
func appendCanonicalURI(dst []byte, escaped string) []byte {
	if escaped == "" {
		return append(dst, '/')
	}
	if !needsCanonicalURIWork(escaped) {
		return append(dst, escaped...)
	}
	for i := 0; ; i++ {
		seg, rest, more := strings.Cut(escaped, "/")
		if i > 0 {
			dst = append(dst, '/')
		}
		if d, ok := unescape(seg, false); ok {
			seg = d
		}
		dst = appendURIEncode(dst, seg, false)
		if !more {
			return dst
		}
		escaped = rest
	}
}

func needsCanonicalURIWork(s string) bool {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && s[i] != '/' {
			return true
		}
	}
	return false
}

// qpair is one parameter of a canonical query, URI-encoded.
type qpair struct{ k, v string }

// canonicalQuery returns the canonical query string of a raw query: every
// parameter decoded (as url.ParseQuery would: '+' is a space) and
// URI-encoded again, sorted by encoded name, then by encoded value, and
// joined as "k=v" with '&'. With dropSignature the X-Amz-Signature
// parameter of a pre-signed URL is left out.
func appendCanonicalQuery(dst []byte, raw string, dropSignature bool) []byte {
	if raw == "" {
		return dst
	}
	var stack [16]qpair
	ps := stack[:0]
	eachQueryPair(raw, func(k, v string) bool {
		if dropSignature && len(k) == len(qSignature) && strings.EqualFold(k, qSignature) {
			return true
		}
		ps = append(ps, qpair{URIEncode(k, false), URIEncode(v, false)})
		return true
	})
	if len(ps) > 1 {
		slices.SortFunc(ps, func(a, b qpair) int {
			if c := strings.Compare(a.k, b.k); c != 0 {
				return c
			}
			return strings.Compare(a.v, b.v)
		})
	}
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.k...)
		dst = append(dst, '=')
		dst = append(dst, p.v...)
	}
	return dst
}

// headerValues returns the values of the lowercase header name as the
// client sent them. Go's server keeps Host in r.Host, and moves
// Transfer-Encoding, and Content-Length for a chunked body, out of
// r.Header; they are taken from where it puts them.
func headerValues(r *http.Request, name string, canon []byte) []string {
	switch name {
	case "host":
		if r.Host != "" {
			return []string{r.Host}
		}
		if r.URL != nil && r.URL.Host != "" {
			return []string{r.URL.Host}
		}
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return []string{strings.Join(r.TransferEncoding, ", ")}
		}
	}
	vs := r.Header[string(appendCanonicalHeaderKey(canon, name))]
	if vs == nil {
		// A header stored under a non-canonical key (never by Go's server).
		for k, v := range r.Header {
			if len(k) == len(name) && strings.EqualFold(k, name) {
				vs = append(vs, v...)
			}
		}
	}
	if vs == nil && name == "content-length" && r.ContentLength >= 0 && r.Body != nil && r.Body != http.NoBody {
		vs = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	return vs
}

// appendCanonicalHeaders appends "name:value\n" for each signed header, in
// the order listed, with the values of a repeated header joined by ','
// and each value trimmed and its runs of spaces squeezed to one (SigV4's
// Trimall). A listed header the request lacks gets an empty value.
func appendCanonicalHeaders(dst []byte, r *http.Request, signed []string) []byte {
	var canonBuf [64]byte
	for _, name := range signed {
		dst = append(dst, name...)
		dst = append(dst, ':')
		for i, v := range headerValues(r, name, canonBuf[:0]) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendTrimAll(dst, v)
		}
		dst = append(dst, '\n')
	}
	return dst
}

// appendTrimAll appends v without leading and trailing spaces and tabs
// and with every run of spaces inside replaced by one space, as the AWS
// SDKs sign it.
func appendTrimAll(dst []byte, v string) []byte {
	v = trimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// appendSignedHeaders appends the list joined by ';'.
func appendSignedHeaders(dst []byte, signed []string) []byte {
	for i, h := range signed {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, h...)
	}
	return dst
}

// appendCanonicalHeaderKey appends the form net/textproto gives a header
// name ("x-amz-date" becomes "X-Amz-Date"), or the name unchanged when it
// holds a byte that is not a token character, as textproto does.
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

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// asciiLower lowercases ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lower(b[j])
			}
			return string(b)
		}
	}
	return s
}

// hasPrefixFold reports whether s starts with the lowercase prefix,
// ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// ---- SigV2 ----

// v2SubResources are the query parameters SigV2 signs in the
// CanonicalizedResource: the list of RESTAuthentication (acl, lifecycle,
// location, logging, notification, partNumber, policy, requestPayment,
// torrent, uploadId, uploads, versionId, versioning, versions, website,
// the response-* overrides and delete) and the sub-resources S3 added
// later that SigV2 clients sign (cors, tagging, restore, encryption,
// replication, retention, legal-hold, select, ... as in the lists of
// boto, the AWS SDK for Java and minio-go). Sorted.
var v2SubResources = sortedStrings(
	"acl", "accelerate", "analytics", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
	"legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
	"ownershipControls", "partNumber", "policy", "policyStatus", "publicAccessBlock", "replication",
	"requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires", "restore", "retention",
	"select", "select-type", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
	"versions", "website",
)

// v2DocSubResources is the documented list alone, for clients that sign
// no more than it.
var v2DocSubResources = sortedStrings(
	"acl", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
	"requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires", "torrent", "uploadId",
	"uploads", "versionId", "versioning", "versions", "website",
)

func sortedStrings(s ...string) []string {
	slices.Sort(s)
	return s
}

// appendV2Resource appends the CanonicalizedResource: "/bucket" for a
// virtual-hosted-style request, the path as sent (not decoded), and the
// sub-resources of list present in the query, sorted, with their decoded
// values ("?acl&versionId=3").
func appendV2Resource(dst []byte, bucket, path, rawQuery string, list []string) []byte {
	if bucket != "" {
		dst = append(dst, '/')
		dst = append(dst, bucket...)
	}
	dst = append(dst, path...)
	if rawQuery == "" {
		return dst
	}
	var found [8]qpair
	sub := found[:0]
	eachQueryPair(rawQuery, func(k, v string) bool {
		if _, ok := slices.BinarySearch(list, k); ok && !slices.ContainsFunc(sub, func(p qpair) bool { return p.k == k }) {
			sub = append(sub, qpair{k, v})
		}
		return true
	})
	slices.SortFunc(sub, func(a, b qpair) int { return strings.Compare(a.k, b.k) })
	for i, p := range sub {
		if i == 0 {
			dst = append(dst, '?')
		} else {
			dst = append(dst, '&')
		}
		dst = append(dst, p.k...)
		if p.v != "" {
			dst = append(dst, '=')
			dst = append(dst, p.v...)
		}
	}
	return dst
}

// v2AmzHeader is one x-amz-* header of a SigV2 request.
type v2AmzHeader struct {
	name string // lowercase
	vals []string
}

// v2AmzHeaders collects the x-amz-* headers of h, lowercase, sorted, with
// the values of names that differ only in case merged.
func v2AmzHeaders(h http.Header) []v2AmzHeader {
	var out []v2AmzHeader
	for k, vs := range h {
		if !hasPrefixFold(k, "x-amz-") {
			continue
		}
		name := asciiLower(k)
		if i := slices.IndexFunc(out, func(x v2AmzHeader) bool { return x.name == name }); i >= 0 {
			out[i].vals = append(slices.Clip(out[i].vals), vs...)
			continue
		}
		out = append(out, v2AmzHeader{name, vs})
	}
	slices.SortFunc(out, func(a, b v2AmzHeader) int { return strings.Compare(a.name, b.name) })
	return out
}

// appendV2StringToSign appends the SigV2 StringToSign:
//
//	Verb \n Content-MD5 \n Content-Type \n Date \n CanonicalizedAmzHeaders CanonicalizedResource
//
// skip names an x-amz-* header to leave out of CanonicalizedAmzHeaders
// (the x-amz-date moved into the Date line), or is empty.
func appendV2StringToSign(dst []byte, r *http.Request, date string, amz []v2AmzHeader, skip, resource string) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = append(dst, trimSpace(r.Header.Get("Content-Md5"))...)
	dst = append(dst, '\n')
	dst = append(dst, trimSpace(r.Header.Get("Content-Type"))...)
	dst = append(dst, '\n')
	dst = append(dst, date...)
	dst = append(dst, '\n')
	for _, h := range amz {
		if h.name == skip {
			continue
		}
		dst = append(dst, h.name...)
		dst = append(dst, ':')
		for i, v := range h.vals {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, unfold(v)...)
		}
		dst = append(dst, '\n')
	}
	return append(dst, resource...)
}

// unfold trims a header value and replaces line folding by one space.
func unfold(v string) string {
	v = strings.TrimSpace(v)
	if !strings.ContainsAny(v, "\r\n") {
		return v
	}
	var b strings.Builder
	fold := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\r', '\n':
			fold = true
		case ' ', '\t':
			if !fold {
				b.WriteByte(c)
			}
		default:
			if fold {
				b.WriteByte(' ')
				fold = false
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}
