package ossauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// subresources are the query parameters a V1 signature covers (besides
// every parameter whose name starts with "x-oss-"): the union of the
// lists of the two official Go SDKs, aliyun-oss-go-sdk v3 (oss/conn.go,
// signKeyList) and alibabacloud-oss-go-sdk-v2 (oss/signer/v1.go,
// requiredSignedParametersMap, plus the sub-resources its operations add
// with signer.SubResource). Names are compared exactly, case included.
var subresources = setOf(
	// Both SDKs.
	"acl", "append", "bucketInfo", "callback", "callback-var", "cloudboxes",
	"continuation-token", "delete", "location", "objectMeta", "partNumber",
	"position", "regionList", "response-cache-control",
	"response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires",
	"restore", "security-token", "sequential", "stat", "symlink", "tagging",
	"uploadId", "uploads", "versionId", "versioning", "versions",
	// Sub-resources of bucket and object operations, in one SDK or both.
	"accessPoint", "accessPointConfigForObjectProcess",
	"accessPointForObjectProcess", "accessPointPolicy",
	"accessPointPolicyForObjectProcess", "agenticBucket", "asyncFetch",
	"bucketArchiveDirectRead", "cleanRestoredObject", "cname", "comp", "cors",
	"encryption", "endTime", "httpsConfig", "img", "inventory", "inventoryId",
	"legalHold", "lifecycle", "live", "logging", "metaQuery",
	"metadataConfiguration", "metadataInventoryTable", "metadataJournalTable",
	"objectWorm", "overwriteConfig", "policy", "policyStatus",
	"publicAccessBlock", "qos", "qosInfo", "quota", "redundancyTransition",
	"referer", "regions", "replication", "replicationLocation",
	"replicationProgress", "requestPayment", "resourceGroup", "responseHeader",
	"retention", "rtc", "seal", "startTime", "status", "style", "styleName",
	"transferAcceleration", "udf", "udfApplication", "udfApplicationLog",
	"udfId", "udfImage", "udfImageDesc", "udfName", "userDefinedLogFieldsConfig",
	"vod", "website", "withHashContext", "worm", "wormExtend", "wormId",
)

// legacySubresources is aliyun-oss-go-sdk's list alone. That SDK signs
// exactly these names and no other "x-oss-" parameter; Verify falls back
// on it when the full list fails and would build another resource.
var legacySubresources = setOf(
	"acl", "uploads", "location", "cors", "logging", "website", "referer",
	"lifecycle", "delete", "append", "tagging", "objectMeta", "uploadId",
	"partNumber", "security-token", "position", "img", "style", "styleName",
	"replication", "replicationProgress", "replicationLocation", "cname",
	"bucketInfo", "comp", "qos", "live", "status", "vod", "startTime",
	"endTime", "symlink", "x-oss-process", "response-content-type",
	"x-oss-traffic-limit", "response-content-language", "response-expires",
	"response-cache-control", "response-content-disposition",
	"response-content-encoding", "udf", "udfName", "udfImage", "udfId",
	"udfImageDesc", "udfApplication", "udfApplicationLog", "restore",
	"callback", "callback-var", "qosInfo", "policy", "stat", "encryption",
	"versions", "versioning", "versionId", "requestPayment",
	"x-oss-request-payer", "sequential", "inventory", "inventoryId",
	"continuation-token", "asyncFetch", "worm", "wormId", "wormExtend",
	"withHashContext", "x-oss-enable-md5", "x-oss-enable-sha1",
	"x-oss-enable-sha256", "x-oss-hash-ctx", "x-oss-md5-ctx",
	"transferAcceleration", "regionList", "cloudboxes", "x-oss-ac-source-ip",
	"x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow",
	"metaQuery", "resourceGroup", "rtc", "x-oss-async-process", "responseHeader",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// IsSubresource reports whether a V1 signature covers the query parameter
// named name (decoded, case-sensitive): one of the sub-resources the SDKs
// sign, or any name starting with "x-oss-".
func IsSubresource(name string) bool {
	return subresources[name] || strings.HasPrefix(name, "x-oss-")
}

func isSubresource(name string, legacy bool) bool {
	if legacy {
		return legacySubresources[name]
	}
	return IsSubresource(name)
}

// CanonicalResource returns the CanonicalizedResource of a V1 signature:
// "/bucket/key" with the decoded key, "/bucket/" for a bucket-level
// request, "/" for the service; then, if the query holds sub-resources,
// "?" and those parameters sorted by name, each "k=v" with the decoded
// value or a bare "k" when the value is empty, joined by "&". A parameter
// given more than once counts with its first value, as in the SDKs.
func CanonicalResource(bucket, key, rawQuery string) string {
	return string(appendResource(nil, bucket, key, rawQuery, false))
}

func appendResource(dst []byte, bucket, key, rawQuery string, legacy bool) []byte {
	dst = append(dst, '/')
	if bucket != "" {
		dst = append(dst, bucket...)
		dst = append(dst, '/')
	}
	dst = append(dst, key...)
	var subs []kv
	eachQueryPair(rawQuery, func(k, v string) bool {
		if isSubresource(k, legacy) {
			subs = append(subs, kv{k, v})
		}
		return true
	})
	if len(subs) == 0 {
		return dst
	}
	// A stable sort keeps the first value of a repeated name first.
	slices.SortStableFunc(subs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	subs = slices.CompactFunc(subs, func(a, b kv) bool { return a.k == b.k })
	for i, p := range subs {
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

// kv is one header or parameter.
type kv struct{ k, v string }

// ossHeadersV1 returns the x-oss-* headers of h: names lowercased and
// sorted, values trimmed and joined by "," when a header is repeated.
func ossHeadersV1(h http.Header) []kv {
	var out []kv
	for name, vals := range h {
		if len(name) < len("x-oss-") || !strings.EqualFold(name[:len("x-oss-")], "x-oss-") {
			continue
		}
		out = append(out, kv{asciiLower(name), joinTrimmed(vals)})
	}
	return sortHeaders(out)
}

// sortHeaders sorts headers by name and merges the entries of a header
// stored under two spellings (r.Header keys that are not canonical), in
// O(n log n) however many headers a request has.
func sortHeaders(hs []kv) []kv {
	slices.SortFunc(hs, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	out := hs[:0]
	for _, h := range hs {
		if n := len(out); n > 0 && out[n-1].k == h.k {
			out[n-1].v += "," + h.v
			continue
		}
		out = append(out, h)
	}
	return out
}

func joinTrimmed(vals []string) string {
	if len(vals) == 1 {
		return strings.TrimSpace(vals[0])
	}
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strings.TrimSpace(v))
	}
	return b.String()
}

// appendStringToSignV1 appends
//
//	VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedOSSHeaders CanonicalizedResource
//
// where each OSS header is "name:value\n".
func appendStringToSignV1(dst []byte, method, contentMD5, contentType, date string, ossHeaders []kv, resource []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, '\n')
	dst = append(dst, contentMD5...)
	dst = append(dst, '\n')
	dst = append(dst, contentType...)
	dst = append(dst, '\n')
	dst = append(dst, date...)
	dst = append(dst, '\n')
	for _, h := range ossHeaders {
		dst = append(dst, h.k...)
		dst = append(dst, ':')
		dst = append(dst, h.v...)
		dst = append(dst, '\n')
	}
	return append(dst, resource...)
}

// Escape is the URI encoding of V4 signatures: UTF-8 percent-encoding with
// uppercase hex of every byte except A-Z a-z 0-9 - _ . ~ (space is %20).
func Escape(s string) string { return escape(s, false) }

// EscapePath is Escape that leaves "/" as is, for the canonical URI.
func EscapePath(s string) string { return escape(s, true) }

func escape(s string, keepSlash bool) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && (s[i] != '/' || !keepSlash) {
			return string(appendEscaped(make([]byte, 0, len(s)+16), s, keepSlash))
		}
	}
	return s
}

func appendEscaped(dst []byte, s string, keepSlash bool) []byte {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (c == '/' && keepSlash) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

func unreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '-' || c == '_' || c == '.' || c == '~'
}

// appendURIV4 appends the canonical URI: EscapePath("/bucket/key"), or of
// "/key" when there is no bucket.
func appendURIV4(dst []byte, bucket, key string) []byte {
	dst = append(dst, '/')
	if bucket != "" {
		dst = appendEscaped(dst, bucket, true)
		dst = append(dst, '/')
	}
	return appendEscaped(dst, key, true)
}

// How the canonical query of a V4 signature is built from the query sent.
type queryForm uint8

const (
	// queryStrict decodes every name and value and encodes it again with
	// Escape, then sorts the pairs: the documented rule, and what every
	// SDK produces from the URL it sends.
	queryStrict queryForm = iota
	// queryRawSpace keeps the pairs as sent but for "+", which becomes
	// "%20" (alibabacloud-oss-go-sdk-v2 signs its own encoded query so).
	queryRawSpace
	// queryRaw keeps the pairs exactly as sent (aliyun-oss-go-sdk encodes
	// a space in a parameter name as "+" and signs it so).
	queryRaw
)

// appendQueryV4 appends the canonical query: the parameters sorted by
// name, then value; each "k=v", or a bare "k" when the value is empty;
// joined by "&". x-oss-signature itself is left out.
func appendQueryV4(dst []byte, rawQuery string, form queryForm) []byte {
	if rawQuery == "" {
		return dst
	}
	pairs := make([]kv, 0, strings.Count(rawQuery, "&")+1)
	for rest := rawQuery; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if unescapeQuery(k) == queryV4Signature {
			continue
		}
		switch form {
		case queryStrict:
			k, v = Escape(unescapeQuery(k)), Escape(unescapeQuery(v))
		case queryRawSpace:
			k, v = strings.ReplaceAll(k, "+", "%20"), strings.ReplaceAll(v, "+", "%20")
		}
		pairs = append(pairs, kv{k, v})
	}
	slices.SortFunc(pairs, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	for i, p := range pairs {
		if i > 0 {
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

// headersV4 returns the canonical headers of a V4 signature: every x-oss-*
// header, Content-Type and Content-MD5, and the additional headers listed
// (lowercase); names lowercased and sorted, values trimmed and joined by
// ",". Host, Content-Length and Transfer-Encoding come from the fields
// where Go's server keeps them when they are listed but not in r.Header;
// a listed header the request lacks counts with an empty value.
func headersV4(r *http.Request, additional []string) []kv {
	listed := newNameSet(additional)
	present := make([]bool, len(additional))
	out := make([]kv, 0, len(additional)+8)
	for name, vals := range r.Header {
		// Most headers are not signed: only those that are get a
		// lowercase copy of their name.
		i := listed.firstFold(name)
		if i >= 0 {
			present[i] = true
		}
		if i >= 0 || defaultSignedV4Fold(name) {
			out = append(out, kv{asciiLower(name), joinTrimmed(vals)})
		}
	}
	for i, name := range additional {
		if present[i] || defaultSignedV4(name) || listed.first(name) != i {
			continue // in r.Header, signed anyway, or listed twice
		}
		present[i] = true
		var v string
		switch name {
		case "host":
			v = r.Host
		case "content-length":
			if r.ContentLength >= 0 {
				v = strconv.FormatInt(r.ContentLength, 10)
			}
		case "transfer-encoding":
			v = strings.Join(r.TransferEncoding, ",")
		}
		out = append(out, kv{name, v})
	}
	return sortHeaders(out)
}

// nameSet indexes a list of header names: small lists are scanned, long
// ones hashed, so that a long list of additional headers cannot make a
// request quadratic.
type nameSet struct {
	names []string
	index map[string]int
}

func newNameSet(names []string) nameSet {
	s := nameSet{names: names}
	if len(names) > 16 {
		s.index = make(map[string]int, len(names))
		for i := len(names) - 1; i >= 0; i-- {
			s.index[names[i]] = i
		}
	}
	return s
}

// first returns the index of the first occurrence of name, or -1.
func (s nameSet) first(name string) int {
	if s.index == nil {
		return slices.Index(s.names, name)
	}
	if i, ok := s.index[name]; ok {
		return i
	}
	return -1
}

// firstFold is first(asciiLower(name)) without the copy when the set is
// scanned.
func (s nameSet) firstFold(name string) int {
	if s.index == nil {
		return slices.IndexFunc(s.names, func(n string) bool { return equalLowerASCII(name, n) })
	}
	return s.first(asciiLower(name))
}

// defaultSignedV4Fold is defaultSignedV4(asciiLower(name)).
func defaultSignedV4Fold(name string) bool {
	return len(name) >= len("x-oss-") && equalLowerASCII(name[:len("x-oss-")], "x-oss-") ||
		equalLowerASCII(name, "content-type") || equalLowerASCII(name, "content-md5")
}

// equalLowerASCII reports whether asciiLower(s) == lower.
func equalLowerASCII(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// defaultSignedV4 reports whether a V4 signature covers the header named
// lower whether listed or not.
func defaultSignedV4(lower string) bool {
	return strings.HasPrefix(lower, "x-oss-") || lower == "content-type" || lower == "content-md5"
}

// appendCanonicalRequestV4 appends
//
//	VERB \n URI \n Query \n Headers \n AdditionalHeaders \n HashedPayload
//
// where Headers is "name:value\n" per header, so that the line ends with
// an empty one.
func appendCanonicalRequestV4(dst []byte, method string, uri, query []byte, headers []kv, additional []string, payload string) []byte {
	dst = append(dst, method...)
	dst = append(dst, '\n')
	dst = append(dst, uri...)
	dst = append(dst, '\n')
	dst = append(dst, query...)
	dst = append(dst, '\n')
	for _, h := range headers {
		dst = append(dst, h.k...)
		dst = append(dst, ':')
		dst = append(dst, h.v...)
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	for i, a := range additional {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, a...)
	}
	dst = append(dst, '\n')
	return append(dst, payload...)
}

// appendStringToSignV4 appends
//
//	OSS4-HMAC-SHA256 \n timestamp \n scope \n hex(SHA256(CanonicalRequest))
func appendStringToSignV4(dst []byte, timestamp, scope string, canonicalRequest []byte) []byte {
	sum := sha256.Sum256(canonicalRequest)
	dst = append(dst, AlgorithmV4...)
	dst = append(dst, '\n')
	dst = append(dst, timestamp...)
	dst = append(dst, '\n')
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, sum[:])
}

// SigningKeyV4 derives the V4 signing key of a scope: HMAC-SHA256 chained
// over "aliyun_v4"+secretKey, then the date, region, product and
// "aliyun_v4_request".
func SigningKeyV4(secretKey string, s Scope) []byte {
	key := hmacSHA256([]byte("aliyun_v4"+secretKey), s.Date)
	key = hmacSHA256(key, s.Region)
	key = hmacSHA256(key, s.Product)
	return hmacSHA256(key, terminatorV4)
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// asciiLower lowercases ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// eachQueryPair calls fn with every name and value of a raw query string,
// decoded as url.ParseQuery does ("+" is a space) but splitting on "&"
// only and keeping a part whose escapes are invalid as it was. fn returns
// false to stop.
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
