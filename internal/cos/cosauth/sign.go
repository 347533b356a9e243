package cosauth

import (
	"crypto/sha1"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sign returns the Authorization header value for a request, computed as
// the official Go SDK does. Every parameter of query and every header of
// header is signed (pass only the headers to sign); host, when not empty,
// is signed as the host header. path is the decoded request path, e.g.
// "/exampleobject(腾讯云)", or "/bucket-appid/key" for path-style requests.
// The window start;end (Unix seconds) serves as both q-sign-time and
// q-key-time.
//
// Header values are trimmed of surrounding spaces and tabs first, since a
// server sees them trimmed. As in the SDK, a key with several values is
// named once per value in its list.
func Sign(method, path string, query url.Values, header http.Header, host string, secretID, secretKey string, start, end time.Time) string {
	s := signRequest(method, path, query, header, host, secretKey, start, end)
	var b strings.Builder
	for i, kv := range s.fields(secretID) {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(kv[1])
	}
	return b.String()
}

// Presign returns the query parameters of a pre-signed URL: the q-* fields
// and, when token is not empty, x-cos-security-token. The caller adds them
// to the URL's own query, which must hold the parameters of query as given
// (parameters added later are not signed, and a verifier ignores them).
// The token is not signed (it is not in q-url-param-list), as in the
// JavaScript SDK; a verifier accepts it either way. The other arguments are
// those of Sign; headers passed in header must be sent with the URL.
func Presign(method, path string, query url.Values, header http.Header, host, secretID, secretKey, token string, start, end time.Time) url.Values {
	s := signRequest(method, path, query, header, host, secretKey, start, end)
	v := make(url.Values, 8)
	for _, kv := range s.fields(secretID) {
		v.Set(kv[0], kv[1])
	}
	if token != "" {
		v.Set(tokenName, token)
	}
	return v
}

type signature struct {
	keyTime, headerList, paramList, sig string
}

func (s signature) fields(secretID string) [7][2]string {
	return [7][2]string{
		{fieldAlgorithm, "sha1"},
		{fieldAK, secretID},
		{fieldSignTime, s.keyTime},
		{fieldKeyTime, s.keyTime},
		{fieldHeaderList, s.headerList},
		{fieldParamList, s.paramList},
		{fieldSignature, s.sig},
	}
}

func signRequest(method, path string, query url.Values, header http.Header, host, secretKey string, start, end time.Time) signature {
	keyTime := strconv.FormatInt(start.Unix(), 10) + ";" + strconv.FormatInt(end.Unix(), 10)
	params := entriesOf(query, false)
	headers := entriesOf(header, true)
	if host != "" {
		i := slices.IndexFunc(headers, func(e entry) bool { return e.key == "host" })
		if i < 0 {
			i = len(headers)
			headers = append(headers, entry{key: "host", raw: "host"})
		}
		headers[i].vals = []string{host}
	}
	byKey := func(x, y entry) int { return strings.Compare(x.key, y.key) }
	slices.SortFunc(params, byKey)
	slices.SortFunc(headers, byKey)

	httpString := appendHTTPString(nil, method, path, params, headers, false)
	toSign := appendStringToSign(nil, keyTime, sha1.Sum(httpString))
	return signature{
		keyTime:    keyTime,
		headerList: joinKeys(headers),
		paramList:  joinKeys(params),
		sig:        HMACHex(SignKey(secretKey, keyTime), string(toSign)),
	}
}

// entriesOf merges the keys of m that encode to the same lowercase key and
// sorts each key's values. Keys without values are left out.
func entriesOf(m map[string][]string, trim bool) []entry {
	es := make([]entry, 0, len(m))
	for k, vs := range m {
		if len(vs) == 0 {
			continue
		}
		key := asciiLower(Encode(k))
		i := slices.IndexFunc(es, func(e entry) bool { return e.key == key })
		if i < 0 {
			i = len(es)
			es = append(es, entry{key: key, raw: asciiLower(k)})
		}
		for _, v := range vs {
			if trim {
				v = textproto.TrimString(v)
			}
			es[i].vals = append(es[i].vals, v)
		}
	}
	for i := range es {
		slices.Sort(es[i].vals)
	}
	return es
}

// joinKeys returns the list of es: each key once per value, joined by ';'.
func joinKeys(es []entry) string {
	var b strings.Builder
	for _, e := range es {
		for range max(len(e.vals), 1) {
			if b.Len() > 0 {
				b.WriteByte(';')
			}
			b.WriteString(e.key)
		}
	}
	return b.String()
}
