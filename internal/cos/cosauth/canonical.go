package cosauth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// SignKey returns hex(HMAC-SHA1(secretKey, keyTime)), the per-window key.
func SignKey(secretKey, keyTime string) string {
	return HMACHex(secretKey, keyTime)
}

// HMACHex returns hex(HMAC-SHA1(key, msg)). COS uses the hex text of the
// SignKey as the key of the second HMAC, not its 20 raw bytes, so key is
// taken as text.
func HMACHex(key, msg string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// StringToSign returns "sha1\n" + keyTime + "\n" + hex(SHA1(httpString)) + "\n".
func StringToSign(keyTime, httpString string) string {
	sum := sha1.Sum([]byte(httpString))
	return string(appendStringToSign(nil, keyTime, sum))
}

func appendStringToSign(dst []byte, keyTime string, sum [sha1.Size]byte) []byte {
	dst = append(dst, "sha1\n"...)
	dst = append(dst, keyTime...)
	dst = append(dst, '\n')
	dst = hex.AppendEncode(dst, sum[:])
	return append(dst, '\n')
}

// Encode is the UrlEncode of the COS documents: UTF-8 percent-encoding with
// uppercase hex of every byte except A-Z a-z 0-9 - _ . ~ (so space is %20
// and !'()* are encoded too).
func Encode(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i], false) {
			return string(appendEncoded(make([]byte, 0, len(s)+16), s, false))
		}
	}
	return s
}

// unreserved reports whether c is left as is. loose adds !*'(), the
// characters JavaScript's encodeURIComponent keeps.
func unreserved(c byte, loose bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '-', c == '_', c == '.', c == '~':
		return true
	case c == '!', c == '*', c == '\'', c == '(', c == ')':
		return loose
	}
	return false
}

func appendEncoded(dst []byte, s string, loose bool) []byte {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c, loose) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

// needsLoose reports whether encoding s loosely differs from encoding it
// strictly.
func needsLoose(s string) bool { return strings.ContainsAny(s, "!*'()") }

// entry is one key of HttpParameters or HttpHeaders.
type entry struct {
	key  string   // as it appears in the pairs and the list: encoded, lowercase
	raw  string   // the decoded lowercase key, for ordering by raw key
	vals []string // raw values, sorted; none means "key="
}

// appendPairs appends "k=v&k=v..." for es in their order.
func appendPairs(dst []byte, es []entry, loose bool) []byte {
	first := true
	for _, e := range es {
		if len(e.vals) == 0 {
			if !first {
				dst = append(dst, '&')
			}
			first = false
			dst = append(dst, e.key...)
			dst = append(dst, '=')
			continue
		}
		for _, v := range e.vals {
			if !first {
				dst = append(dst, '&')
			}
			first = false
			dst = append(dst, e.key...)
			dst = append(dst, '=')
			dst = appendEncoded(dst, v, loose)
		}
	}
	return dst
}

// appendHTTPString appends the HttpString of a request.
func appendHTTPString(dst []byte, method, path string, params, headers []entry, loose bool) []byte {
	for i := 0; i < len(method); i++ {
		dst = append(dst, lower(method[i]))
	}
	dst = append(dst, '\n')
	dst = append(dst, path...)
	dst = append(dst, '\n')
	dst = appendPairs(dst, params, loose)
	dst = append(dst, '\n')
	dst = appendPairs(dst, headers, loose)
	return append(dst, '\n')
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// asciiLower lowercases ASCII letters only, as the SDKs do on encoded keys.
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
