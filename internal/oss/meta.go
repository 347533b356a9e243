package oss

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arcastore/arca/internal/checksum"
	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
)

// What requests and responses of object operations share: key rules,
// metadata, storage classes, object types, ETags, tags, encryption.

const metaPrefix = "x-oss-meta-"

// symlinkExt names a symlink's target in its object's Ext. A symlink is an
// object with empty data and this attribute; GET and HEAD follow it one
// level.
const symlinkExt = "symlink-target"

// checkKey applies OSS's object naming rules: UTF-8, 1 to 1023 bytes, not
// starting with "/" or "\".
func checkKey(key string) error {
	switch {
	case key == "":
		return errObjectNameEmpty
	case len(key) > maxKeyLen:
		return errObjectNameLong
	case !utf8.ValidString(key), key[0] == '/', key[0] == '\\', strings.IndexByte(key, 0) >= 0:
		return errObjectName
	}
	return nil
}

// objectMeta reads the content headers and x-oss-meta-* (at most 8 KB of
// names and values together).
func objectMeta(h http.Header) (core.Meta, error) {
	m, size := dialect.Meta(h, metaPrefix)
	if size > maxUserMeta {
		return m, core.ErrMetadataTooLarge
	}
	return m, nil
}

// OSS storage classes and how the core records them. The core keeps one
// name per class for every dialect (COS's spelling, "" for standard), so
// an object one dialect stores as infrequent access is IA in the other.
var storageClasses = []struct{ oss, stored string }{
	{"Standard", ""},
	{"IA", "STANDARD_IA"},
	{"Archive", "ARCHIVE"},
	{"ColdArchive", "COLD_ARCHIVE"},
	{"DeepColdArchive", "DEEP_ARCHIVE"},
}

// storageClass reads x-oss-storage-class (absent: Standard). Names are
// accepted in any case.
func storageClass(get func(string) (string, bool)) (string, error) {
	v, ok := get("x-oss-storage-class")
	if !ok {
		return "", nil
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", invalidArgument("0017-00000131", "x-oss-storage-class", v, "The storage class can not be empty.")
	}
	for _, sc := range storageClasses {
		if strings.EqualFold(v, sc.oss) {
			return sc.stored, nil
		}
	}
	return "", invalidArgument("0017-00000132", "x-oss-storage-class", v, "The storage class %q is not valid.", v)
}

// storageClassName renders a stored class in OSS's names. Classes other
// dialects set that OSS lacks show as the nearest OSS class.
func storageClassName(stored string) string {
	s := strings.TrimPrefix(strings.ToUpper(stored), "MAZ_")
	for _, sc := range storageClasses {
		if s == sc.stored {
			return sc.oss
		}
	}
	switch s {
	case "ONEZONE_IA", "STANDARD_IA":
		return "IA"
	case "GLACIER", "GLACIER_IR":
		return "Archive"
	}
	return "Standard"
}

// objectType is x-oss-object-type: Normal, Appendable, Multipart or
// Symlink.
func objectType(o *core.Object) string {
	switch {
	case o.Ext[symlinkExt] != "":
		return "Symlink"
	case o.Appendable:
		return "Appendable"
	case o.Parts > 0:
		return "Multipart"
	}
	return "Normal"
}

// etag renders an ETag as OSS does: quoted, uppercase hex.
func etag(o *core.Object) string { return quote(o.ETag) }

func quote(tag string) string { return `"` + strings.ToUpper(tag) + `"` }

// contentMD5 is the Content-MD5 OSS reports for a Normal object: base64
// of its MD5, which its ETag is. Other objects have none ("").
func contentMD5(o *core.Object) string {
	if objectType(o) != "Normal" || (o.SSE != nil && o.SSE.Mode == core.SSECustomer) {
		return ""
	}
	sum, err := hex.DecodeString(o.ETag)
	if err != nil || len(sum) != 16 {
		return ""
	}
	return base64.StdEncoding.EncodeToString(sum)
}

func crc(o *core.Object) string { return checksum.FormatCRC64(o.CRC64) }

// forbidOverwrite reads x-oss-forbid-overwrite: "true" or "false".
func forbidOverwrite(get func(string) (string, bool)) (bool, error) {
	v, ok := get("x-oss-forbid-overwrite")
	if !ok {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, invalidArgument("0017-00000279", "x-oss-forbid-overwrite", v, "x-oss-forbid-overwrite must be true or false.")
}

// Object tag limits.
const (
	maxTagKey   = 128
	maxTagValue = 256
)

// invalidTag is a tag OSS refuses (EC "" where none is documented).
func invalidTag(ec, format string, args ...any) *Error {
	e := errorf("InvalidTag", 400, format, args...)
	e.EC = ec
	return e
}

// validTagText reports whether s holds only the characters OSS allows in
// tags: letters, digits, space and + - = . _ : /.
func validTagText(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" +-=._:/", r)) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// checkTags applies OSS's object tag limits.
func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return invalidTag("0010-00000218", "An object may have at most %d tags.", maxTags)
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > maxTagKey:
			return invalidTag("0010-00000209", "A tag key must have 1 to %d characters.", maxTagKey)
		case len(v) > maxTagValue:
			return invalidTag("", "A tag value may have at most %d characters.", maxTagValue)
		case !validTagText(k) || !validTagText(v):
			return invalidTag("0010-00000217", "Tag %q=%q holds characters OSS does not allow.", k, v)
		}
	}
	return nil
}

// taggingHeader reads x-oss-tagging: "k1=v1&k2=v2", URL-encoded.
func taggingHeader(get func(string) (string, bool)) (map[string]string, error) {
	v, ok := get("x-oss-tagging")
	if !ok || v == "" {
		return nil, nil
	}
	bad := func() error {
		return invalidArgument("0010-00000219", "x-oss-tagging", v,
			"The header 'x-oss-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, bad()
	}
	tags := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, bad()
		}
		tags[k] = vs[0]
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	return tags, nil
}

// OSS server-side encryption headers (and PostObject form fields).
const (
	hSSE      = "x-oss-server-side-encryption"
	hSSEKeyID = "x-oss-server-side-encryption-key-id"
	hSSEData  = "x-oss-server-side-data-encryption"
)

// sseRequest reads the encryption a new object asks for: AES256 (keys
// Arca manages) or KMS (its local key manager; the key id is optional).
// SM4 is refused: Arca encrypts with AES only.
func sseRequest(get func(string) (string, bool)) (*core.SSERequest, error) {
	mode, _ := get(hSSE)
	keyID, hasKeyID := get(hSSEKeyID)
	data, hasData := get(hSSEData)
	mode = strings.TrimSpace(mode)
	switch {
	case mode == "":
		if hasKeyID || hasData {
			return nil, invalidArgument("", hSSEKeyID, keyID, "%s and %s are only valid with %s: KMS.", hSSEKeyID, hSSEData, hSSE)
		}
		return nil, nil
	case mode == "AES256":
		if hasKeyID {
			return nil, invalidArgument("", hSSEKeyID, keyID, "%s is only valid with %s: KMS.", hSSEKeyID, hSSE)
		}
		return &core.SSERequest{Mode: core.SSEManaged}, nil
	case mode == "KMS":
		if hasData && strings.TrimSpace(data) != "" {
			if strings.TrimSpace(data) == "SM4" {
				return nil, errorf("NotImplemented", 501, "SM4 encryption is not supported by Arca; use AES256 or KMS without %s.", hSSEData)
			}
			return nil, errorf("InvalidDataEncryptionAlgorithmError", 400, "The data encryption algorithm specified is not valid.")
		}
		return &core.SSERequest{Mode: core.SSEKMS, KMSKeyID: strings.TrimSpace(keyID)}, nil
	case mode == "SM4":
		return nil, errorf("NotImplemented", 501, "SM4 encryption is not supported by Arca; use AES256 or KMS.")
	}
	return nil, errBadEncryption
}

// sseHeaders echoes an object's encryption.
func sseHeaders(h http.Header, e *core.Encryption) {
	if e == nil {
		return
	}
	switch e.Mode {
	case core.SSEManaged:
		h.Set(hSSE, "AES256")
	case core.SSEKMS:
		h.Set(hSSE, "KMS")
		h.Set(hSSEKeyID, e.KMSKeyID)
	}
}

// putInput reads what PutObject, AppendObject, InitiateMultipartUpload,
// PutSymlink and PostObject share, from request headers (or a form's
// fields gathered as headers): metadata, storage class, ACL, encryption,
// tags and x-oss-forbid-overwrite. ForbidOverwrite is honoured only in a
// bucket that never had versioning, as OSS documents.
func (c *call) putInput(b *core.Bucket, h http.Header, key string) (core.PutInput, error) {
	get := headerGet(h)
	meta, err := objectMeta(h)
	if err != nil {
		return core.PutInput{}, err
	}
	sc, err := storageClass(get)
	if err != nil {
		return core.PutInput{}, err
	}
	acl, err := objectACLHeader(get)
	if err != nil {
		return core.PutInput{}, err
	}
	sse, err := sseRequest(get)
	if err != nil {
		return core.PutInput{}, err
	}
	tags, err := taggingHeader(get)
	if err != nil {
		return core.PutInput{}, err
	}
	forbid, err := forbidOverwrite(get)
	if err != nil {
		return core.PutInput{}, err
	}
	owner := c.principal
	if owner == "" {
		owner = b.Owner
	}
	return core.PutInput{
		Bucket: b.Name, Key: key, Meta: meta, StorageClass: sc, ACL: acl, Owner: owner, SSE: sse, Tags: tags,
		ForbidOverwrite: forbid && b.Versioning == core.VersioningOff,
	}, nil
}

// version reads the versionId selector.
func (c *call) version() string { return c.q.Get("versionId") }

// setVersionHeader adds x-oss-version-id, which OSS sends only for
// buckets that have versioning (Enabled or Suspended).
func (c *call) setVersionHeader(b *core.Bucket, o *core.Object) {
	if b.Versioning == core.VersioningOff || o == nil {
		return
	}
	c.w.Header().Set("x-oss-version-id", dialect.VersionID(b, o))
}

// escapeTarget encodes a symlink target for the x-oss-symlink-target
// response header. aliyun-oss-go-sdk query-unescapes the header and
// alibabacloud-oss-go-sdk-v2 takes it as is, so only what the first
// would misread or a header cannot carry is escaped: "%", "+", control
// characters and non-ASCII bytes.
func escapeTarget(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '%' || ch == '+' || ch < 0x20 || ch >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hexd[ch>>4])
			b.WriteByte(hexd[ch&15])
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// unescapeTarget decodes x-oss-symlink-target (and x-oss-copy-source
// keys): query-unescaped, so "+" is a space, as aliyun-oss-go-sdk encodes
// them; a value that does not decode is taken as is.
func unescapeTarget(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
