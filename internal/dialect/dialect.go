// Package dialect holds what the XML dialects (COS, OSS, S3) share in how
// they read requests and write responses: Content-MD5, strict XML bodies,
// content and user-metadata headers, encoding-type=url, version ids, the
// object access rule, redirect URLs. Each is small; the dialects differ in
// names (x-cos-meta- vs x-oss-meta- vs x-amz-meta-) and error codes, which
// stay in the dialects.
//
// It imports core and the shared wire packages, never a dialect or the
// server.
package dialect

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// ErrInvalidDigest: a Content-MD5 header that is not base64 of 16 bytes.
// (A well-formed one that does not match is core.ErrBadDigest.)
var ErrInvalidDigest = errors.New("the Content-MD5 header is not valid")

// ParseContentMD5 decodes a Content-MD5 value; "" gives nil.
func ParseContentMD5(v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil || len(b) != md5.Size {
		return nil, ErrInvalidDigest
	}
	return b, nil
}

// CheckContentMD5 checks a small body read whole against its Content-MD5.
func CheckContentMD5(header string, body []byte) error {
	want, err := ParseContentMD5(header)
	if err != nil || want == nil {
		return err
	}
	got := md5.Sum(body)
	if !bytes.Equal(want, got[:]) {
		return core.ErrBadDigest
	}
	return nil
}

// ErrMalformedXML: an XML body that does not parse, or holds anything but
// comments, processing instructions and white space after its root.
var ErrMalformedXML = errors.New("the XML body is not well-formed")

// UnmarshalXML is xml.Unmarshal that also refuses trailing content after
// the root element (encoding/xml stops at the root's end).
func UnmarshalXML(body []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(v); err != nil {
		return ErrMalformedXML
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return ErrMalformedXML
		}
		switch t := tok.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return ErrMalformedXML
			}
		default:
			return ErrMalformedXML
		}
	}
}

// HasLength reports whether a request declares its body's length
// (Content-Length or chunked transfer encoding).
func HasLength(r *http.Request) bool {
	_, ok := r.Header["Content-Length"]
	return ok || len(r.TransferEncoding) > 0
}

// URLEncode percent-encodes a key (or prefix, marker) for encoding-type=url:
// everything but unreserved characters and '/', uppercase hex, a space as
// %20 and '+' as %2B.
func URLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	i := 0
	for i < len(s) && urlSafe[s[i]] {
		i++
	}
	if i == len(s) {
		return s // the usual key: nothing to escape, nothing to allocate
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if urlSafe[c] {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// urlSafe marks the bytes URLEncode keeps: letters, digits and "-_.~/".
var urlSafe = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~/", byte(c)) >= 0
	}
	return t
}()

// EscapePath percent-encodes a key for a URL path, keeping '/'.
func EscapePath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// Meta reads the standard content headers and the user metadata under
// prefix (e.g. "x-oss-meta-"), returning the metadata and the size the
// clouds count against their limit (names with prefix, plus values).
func Meta(h http.Header, prefix string) (core.Meta, int) {
	m := core.Meta{
		ContentType:        h.Get("Content-Type"),
		ContentEncoding:    h.Get("Content-Encoding"),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentLanguage:    h.Get("Content-Language"),
		CacheControl:       h.Get("Cache-Control"),
		Expires:            h.Get("Expires"),
	}
	size := 0
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, prefix) || len(lk) == len(prefix) {
			continue
		}
		if m.User == nil {
			m.User = map[string]string{}
		}
		v := strings.Join(vs, ",")
		m.User[lk[len(prefix):]] = v
		size += len(lk) + len(v)
	}
	return m, size
}

// SetMetaHeaders writes an object's content headers and user metadata
// (under prefix) to a response. Content-Type defaults to def.
func SetMetaHeaders(h http.Header, m core.Meta, prefix, def string) {
	ct := m.ContentType
	if ct == "" {
		ct = def
	}
	h.Set("Content-Type", ct)
	for _, kv := range [...]struct{ k, v string }{
		{"Content-Encoding", m.ContentEncoding},
		{"Content-Disposition", m.ContentDisposition},
		{"Content-Language", m.ContentLanguage},
		{"Cache-Control", m.CacheControl},
		{"Expires", m.Expires},
	} {
		if kv.v != "" {
			h.Set(kv.k, kv.v)
		}
	}
	for _, k := range m.UserKeys() {
		h.Set(prefix+k, m.User[k])
	}
}

// VersionID renders a version's id: "null" for the null version of a
// bucket that has had versioning, "" in a bucket that never had.
func VersionID(b *core.Bucket, o *core.Object) string {
	if o.IsNull() {
		if b.Versioning == core.VersioningOff {
			return ""
		}
		return core.NullVersion
	}
	return o.VersionID
}

// ObjectAllows is the object access rule the three clouds share: the
// bucket owner may do anything; an object whose ACL is "default" defers to
// the bucket's ACL; otherwise the object's own ACL decides.
func ObjectAllows(b *core.Bucket, o *core.Object, principal, perm string) bool {
	if principal != "" && principal == b.Owner {
		return true
	}
	if o == nil || o.ACL.IsDefault() {
		return b.ACL.Allows(b.Owner, principal, perm)
	}
	owner := o.Owner
	if owner == "" {
		owner = b.Owner
	}
	return o.ACL.Allows(owner, principal, perm)
}

// RedirectURL adds bucket, key and etag to a form's success_action_redirect
// URL, keeping its own query and fragment.
func RedirectURL(target, bucket, key, etag string) string {
	q := "bucket=" + url.QueryEscape(bucket) + "&key=" + url.QueryEscape(key) + "&etag=" + url.QueryEscape(etag)
	frag := ""
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target, frag = target[:i], target[i:]
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
		if strings.HasSuffix(target, "?") || strings.HasSuffix(target, "&") {
			sep = ""
		}
	}
	return target + sep + q + frag
}

// ObjectURL is an object's address as the client reached the server:
// virtual-host style if that is how it came, path style otherwise.
func ObjectURL(r *http.Request, virtualHost bool, bucket, key string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if virtualHost {
		return scheme + "://" + r.Host + "/" + EscapePath(key)
	}
	return scheme + "://" + r.Host + "/" + bucket + "/" + EscapePath(key)
}

// Drain discards what is left of a request body (bounded), so the
// connection can be reused.
func Drain(r io.Reader) { io.Copy(io.Discard, io.LimitReader(r, 1<<20)) }
