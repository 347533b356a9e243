package cosjson

import (
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// Ext keys this dialect keeps on objects and uploads.
const (
	extBizAttr = "cosjson.biz_attr"
	// extSlice marks a slice upload session and holds its parameters
	// (filesize, slice_size, sha, biz_attr, insertOnly) as a query string.
	extSlice = "cosjson.slice"
)

// Authority values (更新文件属性).
const (
	authInvalid       = "eInvalid"
	authPrivate       = "eWRPrivate"
	authPublicRead    = "eWPrivateRPublic"
	maxCustomHeaders  = 2 << 10 // user metadata, as the XML dialect bounds it
	customMetaPrefix  = "x-cos-meta-"
	customMetaPrefixN = len(customMetaPrefix)
)

// aclOf maps an authority to the object ACL the XML dialect reports.
func aclOf(auth string) (core.ACL, bool) {
	switch auth {
	case authInvalid:
		return core.ACL{Canned: core.ACLDefault}, true
	case authPrivate:
		return core.ACL{Canned: core.ACLPrivate}, true
	case authPublicRead:
		return core.ACL{Canned: core.ACLPublicRead}, true
	}
	return core.ACL{}, false
}

// authorityOf maps an object ACL to an authority: an ACL deferring to the
// bucket is eInvalid; one letting everyone read is eWPrivateRPublic; any
// other is eWRPrivate.
func authorityOf(o *core.Object) string {
	if o.ACL.IsDefault() {
		return authInvalid
	}
	owner := o.Owner
	for _, g := range o.ACL.Effective(owner) {
		if g.Group == core.GroupAllUsers && (g.Permission == core.PermRead || g.Permission == core.PermFullControl) {
			return authPublicRead
		}
	}
	return authPrivate
}

// customHeaders renders an object's content headers and user metadata as
// custom_headers; nil when there are none.
func customHeaders(m core.Meta) map[string]string {
	out := map[string]string{}
	for _, kv := range [...]struct{ k, v string }{
		{"Cache-Control", m.CacheControl},
		{"Content-Type", m.ContentType},
		{"Content-Disposition", m.ContentDisposition},
		{"Content-Language", m.ContentLanguage},
		{"Content-Encoding", m.ContentEncoding},
	} {
		if kv.v != "" {
			out[kv.k] = kv.v
		}
	}
	for k, v := range m.User {
		out[customMetaPrefix+k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// mergeCustomHeaders applies custom_headers to metadata: listed headers are
// set (an empty value removes one), the others are kept, as the seed's
// update describes ("只需填写需要增加或修改的项"). Names other than the five
// content headers and x-cos-meta-* are refused.
func mergeCustomHeaders(m *core.Meta, ch map[string]string) error {
	for k, v := range ch {
		lk := strings.ToLower(strings.TrimSpace(k))
		switch lk {
		case "cache-control":
			m.CacheControl = v
		case "content-type":
			m.ContentType = v
		case "content-disposition":
			m.ContentDisposition = v
		case "content-language":
			m.ContentLanguage = v
		case "content-encoding":
			m.ContentEncoding = v
		default:
			if !strings.HasPrefix(lk, customMetaPrefix) || len(lk) == customMetaPrefixN {
				return errParam
			}
			name := lk[customMetaPrefixN:]
			if v == "" {
				delete(m.User, name)
				continue
			}
			if m.User == nil {
				m.User = map[string]string{}
			}
			m.User[name] = v
		}
	}
	if len(m.User) == 0 {
		m.User = nil
	}
	size := 0
	for k, v := range m.User {
		size += customMetaPrefixN + len(k) + len(v)
	}
	if size > maxCustomHeaders {
		return errParam
	}
	return nil
}

// bizAttrExt returns the Ext holding biz_attr (nil for an empty one).
func bizAttrExt(biz string) map[string]string {
	if biz == "" {
		return nil
	}
	return map[string]string{extBizAttr: biz}
}

// bizAttr reads the biz_attr parameter, bounded.
func (c *call) bizAttr() (string, error) {
	v := c.p.value("biz_attr")
	if len(v) > maxBizAttr {
		return "", errParam
	}
	return v, nil
}
