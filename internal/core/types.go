package core

import (
	"sort"
	"strings"
	"time"
)

// Versioning states of a bucket. A bucket never versioned is "" (every
// object's version is the null version).
const (
	VersioningOff       = ""
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
)

// Bucket is a bucket's record. Values returned by the Store are shared and
// must not be modified; use the Store's setters.
type Bucket struct {
	Name       string    `json:"n"`
	Created    time.Time `json:"t"`
	Owner      string    `json:"o"`
	Region     string    `json:"r,omitempty"`
	Versioning string    `json:"v,omitempty"`
	ACL        ACL       `json:"a"`
	// Dialect-specific configuration documents (CORS rules, tags, ...) that
	// core stores and returns without interpreting, keyed by name.
	Configs map[string][]byte `json:"c,omitempty"`
}

// Canned ACL names. Object ACLs may also be "default", meaning the bucket's
// ACL decides.
const (
	ACLPrivate         = "private"
	ACLPublicRead      = "public-read"
	ACLPublicReadWrite = "public-read-write"
	ACLDefault         = "default"
	ACLAuthRead        = "authenticated-read"
)

// Permissions a grant can carry.
const (
	PermRead        = "READ"
	PermWrite       = "WRITE"
	PermReadACP     = "READ_ACP"
	PermWriteACP    = "WRITE_ACP"
	PermFullControl = "FULL_CONTROL"
)

// Groups a grant can name.
const (
	GroupAllUsers  = "AllUsers"
	GroupAuthUsers = "AuthenticatedUsers"
)

// ACL is a canned ACL name and/or explicit grants. When Grants is non-empty
// it is the whole ACL (the owner's full control included) and Canned only
// records how it was set.
type ACL struct {
	Canned string  `json:"c,omitempty"`
	Grants []Grant `json:"g,omitempty"`
}

// Grant gives one grantee one permission. Exactly one of ID and Group is set.
type Grant struct {
	ID         string `json:"i,omitempty"`
	Group      string `json:"u,omitempty"`
	Permission string `json:"p"`
}

// Effective expands the ACL into grants for an owner.
func (a ACL) Effective(owner string) []Grant {
	if len(a.Grants) > 0 {
		return a.Grants
	}
	g := []Grant{{ID: owner, Permission: PermFullControl}}
	switch a.Canned {
	case ACLPublicRead:
		g = append(g, Grant{Group: GroupAllUsers, Permission: PermRead})
	case ACLPublicReadWrite:
		g = append(g, Grant{Group: GroupAllUsers, Permission: PermRead}, Grant{Group: GroupAllUsers, Permission: PermWrite})
	case ACLAuthRead:
		g = append(g, Grant{Group: GroupAuthUsers, Permission: PermRead})
	}
	return g
}

// Allows reports whether principal ("" for anonymous) holds perm under the
// ACL of a resource owned by owner. FULL_CONTROL implies every permission.
func (a ACL) Allows(owner, principal, perm string) bool {
	if principal != "" && principal == owner {
		return true
	}
	for _, g := range a.Effective(owner) {
		if g.Permission != perm && g.Permission != PermFullControl {
			continue
		}
		switch {
		case g.Group == GroupAllUsers:
			return true
		case g.Group == GroupAuthUsers && principal != "":
			return true
		case g.ID != "" && g.ID == principal:
			return true
		}
	}
	return false
}

// IsDefault reports whether an object ACL defers to its bucket.
func (a ACL) IsDefault() bool {
	return len(a.Grants) == 0 && (a.Canned == "" || a.Canned == ACLDefault)
}

// Meta is an object's content headers and user metadata. User keys are
// stored lowercased, without any dialect prefix (x-cos-meta-, x-oss-meta-,
// x-amz-meta-).
type Meta struct {
	ContentType        string            `json:"ct,omitempty"`
	ContentEncoding    string            `json:"ce,omitempty"`
	ContentDisposition string            `json:"cd,omitempty"`
	ContentLanguage    string            `json:"cl,omitempty"`
	CacheControl       string            `json:"cc,omitempty"`
	Expires            string            `json:"ex,omitempty"`
	User               map[string]string `json:"u,omitempty"`
}

// UserSize is the size user metadata counts against limits: the sum of
// key and value lengths.
func (m Meta) UserSize() int {
	n := 0
	for k, v := range m.User {
		n += len(k) + len(v)
	}
	return n
}

// UserKeys returns the user metadata keys sorted.
func (m Meta) UserKeys() []string {
	keys := make([]string, 0, len(m.User))
	for k := range m.User {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Extent is one contiguous piece of an object's data: inline in Meta (small
// objects) or a blob.
type Extent struct {
	ID     string `json:"i"`
	Size   int64  `json:"s"`
	Inline bool   `json:"l,omitempty"`
	// MD5 and CRC64 of this extent: a multipart object's parts.
	ETag  string `json:"e,omitempty"`
	CRC64 uint64 `json:"c,omitempty"`
	// IV is the extent's AES-CTR IV when its object is encrypted.
	IV []byte `json:"v,omitempty"`
}

// Object is one version of an object. Values returned by the Store are
// copies the caller may keep.
type Object struct {
	Bucket string `json:"-"`
	Key    string `json:"-"`
	// VersionID is "" for the null version.
	VersionID    string    `json:"v,omitempty"`
	Seq          uint64    `json:"q"`
	DeleteMarker bool      `json:"dm,omitempty"`
	Size         int64     `json:"s"`
	ETag         string    `json:"e,omitempty"` // without quotes
	CRC64        uint64    `json:"c"`
	Modified     time.Time `json:"m"`
	Meta         Meta      `json:"h"`
	StorageClass string    `json:"sc,omitempty"`
	Owner        string    `json:"o,omitempty"`
	ACL          ACL       `json:"a"`
	Extents      []Extent  `json:"x,omitempty"`
	// Appendable objects grow by AppendObject.
	Appendable bool `json:"ap,omitempty"`
	// Parts is the number of parts of an object made by a multipart upload.
	Parts int `json:"pc,omitempty"`
	// Tags are the object's tags (key -> value).
	Tags map[string]string `json:"tg,omitempty"`
	// Ext holds dialect-specific attributes core stores without interpreting.
	Ext map[string]string `json:"xt,omitempty"`
	// SSE is set when the data is encrypted at rest.
	SSE *Encryption `json:"se,omitempty"`
}

// IsNull reports whether o is the null version.
func (o *Object) IsNull() bool { return o.VersionID == "" }

// Version is an entry of a version listing.
type Version struct {
	*Object
	IsLatest bool
}

// Upload is an in-progress multipart upload.
type Upload struct {
	Bucket       string            `json:"-"`
	Key          string            `json:"-"`
	ID           string            `json:"-"`
	Initiated    time.Time         `json:"t"`
	Owner        string            `json:"o"`
	Meta         Meta              `json:"h"`
	StorageClass string            `json:"sc,omitempty"`
	ACL          ACL               `json:"a"`
	Tags         map[string]string `json:"tg,omitempty"`
	Ext          map[string]string `json:"xt,omitempty"`
	SSE          *Encryption       `json:"se,omitempty"`
}

// Part is an uploaded part of a multipart upload.
type Part struct {
	Number   int       `json:"n"`
	Size     int64     `json:"s"`
	ETag     string    `json:"e"`
	CRC64    uint64    `json:"c"`
	Modified time.Time `json:"m"`
	Blob     string    `json:"b"`
	IV       []byte    `json:"v,omitempty"`
	// Ext holds dialect-specific attributes of the part (a checksum the
	// client asked for), stored without interpretation.
	Ext map[string]string `json:"xt,omitempty"`
}

// ValidBucketName reports whether name is a bucket name every dialect can
// carry: 3 to 63 lowercase letters, digits and hyphens (dots allowed inside),
// starting and ending with a letter or digit. Dialects add their own rules.
func ValidBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' || c == '.':
			if i == 0 || i == len(name)-1 {
				return false
			}
		default:
			return false
		}
	}
	return !strings.Contains(name, "..")
}

// MaxKeyLen is the longest object key core accepts, in bytes. Dialects may
// impose a shorter limit.
const MaxKeyLen = 1024
