package cosjson

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

// The signature of the JSON API (seed 002, 签名算法):
//
//	Original = "a=<appid>&b=<bucket>&k=<SecretId>&e=<expire>&t=<now>&r=<rand>&f=<fileid>"
//	Sign     = Base64(HMAC-SHA1(SecretKey, Original) ‖ Original)   (standard Base64)
//
// sent as the Authorization header. A multi-use (多次有效) signature has e in
// the future, at most 90 days after t, and f empty or a file id it is bound
// to (prefix match). A once (单次有效) signature has e = 0 and f the file id
// of the one resource it may act on, once. Real SDKs put b= last, so the
// pairs are read in any order.

// MaxMultiTTL is the longest a multi-use signature may live: e - t at most
// 90 days.
const MaxMultiTTL = 7776000

// Signature is a parsed Authorization value.
type Signature struct {
	AppID    string // a
	Bucket   string // b
	SecretID string // k
	Expire   int64  // e: Unix seconds, 0 for a once signature
	Time     int64  // t
	Rand     string // r
	// FileID is f as sent (URL-encoded except '/'); "" when absent.
	FileID string
	// Original is the signed text; MAC its HMAC-SHA1 as sent.
	Original string
	MAC      []byte

	original []byte // Original's bytes as decoded, when parsed
}

// Original builds the text a signature signs, fields in the seed's order.
func Original(appID, bucket, secretID string, expire, now int64, rand, fileID string) string {
	return "a=" + appID + "&b=" + bucket + "&k=" + secretID + "&e=" + strconv.FormatInt(expire, 10) +
		"&t=" + strconv.FormatInt(now, 10) + "&r=" + rand + "&f=" + fileID
}

// Sign returns Base64(HMAC-SHA1(secretKey, original) ‖ original).
func Sign(secretKey, original string) string {
	m := hmac.New(sha1.New, []byte(secretKey))
	m.Write([]byte(original))
	return base64.StdEncoding.EncodeToString(append(m.Sum(nil), original...))
}

// EncodeFileID returns the file id of key in a bucket: /appid/bucket/key,
// every byte but unreserved ones and '/' percent-encoded (uppercase hex), as
// the SDKs encode it.
func EncodeFileID(appID, bucketName, key string) string {
	const hex = "0123456789ABCDEF"
	s := "/" + appID + "/" + bucketName + "/" + key
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// ParseSignature decodes an Authorization value. It fails with
// errAuthFailed (-97) when the value is not a signature at all.
func ParseSignature(auth string) (*Signature, error) {
	auth = strings.TrimSpace(auth)
	raw, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		// Some clients drop the padding.
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(auth, "=")); err != nil {
			return nil, errAuthFailed
		}
	}
	if len(raw) <= sha1.Size {
		return nil, errAuthFailed
	}
	s := &Signature{MAC: raw[:sha1.Size:sha1.Size], Original: string(raw[sha1.Size:]), original: raw[sha1.Size:]}
	const fields = "abketrf"
	var seen uint8 // bit i: fields[i] seen
	last := byte(0)
	for rest, more := s.Original, true; more; {
		var pair string
		pair, rest, more = strings.Cut(rest, "&")
		k, v, ok := strings.Cut(pair, "=")
		i := -1
		if ok && len(k) == 1 {
			i = strings.IndexByte(fields, k[0])
		}
		if i < 0 {
			// An '&' the client left unencoded inside f belongs to f.
			if last == 'f' {
				s.FileID += "&" + pair
				continue
			}
			return nil, errAuthFailed
		}
		if seen&(1<<i) != 0 {
			return nil, errAuthFailed
		}
		seen, last = seen|1<<i, k[0]
		switch k[0] {
		case 'a':
			s.AppID = v
		case 'b':
			s.Bucket = v
		case 'k':
			s.SecretID = v
		case 'e':
			if s.Expire, err = strconv.ParseInt(v, 10, 64); err != nil {
				return nil, errAuthFailed
			}
		case 't':
			if s.Time, err = strconv.ParseInt(v, 10, 64); err != nil {
				return nil, errAuthFailed
			}
		case 'r':
			s.Rand = v
		case 'f':
			s.FileID = v
		}
	}
	const required = 1<<5 - 1 // a, b, k, e and t
	if seen&required != required {
		return nil, errAuthFailed
	}
	return s, nil
}

// Verify reports whether the signature was made with secretKey.
func (s *Signature) Verify(secretKey string) bool {
	m := hmac.New(sha1.New, []byte(secretKey))
	if s.original != nil {
		m.Write(s.original)
	} else {
		m.Write([]byte(s.Original))
	}
	var mac [sha1.Size]byte
	return hmac.Equal(m.Sum(mac[:0]), s.MAC)
}

// Once reports whether this is a once signature (e = 0).
func (s *Signature) Once() bool { return s.Expire == 0 }

// DecodedFileID returns f with its percent-encoding undone; false when it
// does not decode.
func (s *Signature) DecodedFileID() (string, bool) {
	v, err := url.PathUnescape(s.FileID)
	return v, err == nil
}

// fileIDs returns the paths f may stand for: decoded once, and, when that
// still holds an escape, decoded twice (a PHP SDK encodes the path it
// signs once more).
func (s *Signature) fileIDs() []string {
	v, ok := s.DecodedFileID()
	if !ok {
		return nil
	}
	out := []string{v}
	if strings.Contains(v, "%") {
		if w, err := url.PathUnescape(v); err == nil {
			out = append(out, w)
		}
	}
	return out
}
