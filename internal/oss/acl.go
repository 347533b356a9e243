package oss

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// OSS ACLs are canned names only: a bucket is private, public-read or
// public-read-write; an object is one of those or "default" (it follows
// its bucket). They map onto core.ACL's canned names; an ACL another
// dialect set with explicit grants is shown as the canned ACL that grants
// anonymous users the same (READ, WRITE or nothing).

var bucketACLs = map[string]bool{core.ACLPrivate: true, core.ACLPublicRead: true, core.ACLPublicReadWrite: true}

// bucketACLHeader reads x-oss-acl; present is false when it is absent.
func bucketACLHeader(h http.Header) (acl core.ACL, present bool, err error) {
	vs, ok := h["X-Oss-Acl"]
	if !ok {
		return core.ACL{Canned: core.ACLPrivate}, false, nil
	}
	v := strings.TrimSpace(vs[0])
	if !bucketACLs[v] {
		return acl, false, invalidArgument("0015-00000204", "x-oss-acl", v, "no such bucket access control exists")
	}
	return core.ACL{Canned: v}, true, nil
}

// objectACLHeader reads x-oss-object-acl (or the form field of that name);
// absent means "default".
func objectACLHeader(get func(string) (string, bool)) (core.ACL, error) {
	v, ok := get("x-oss-object-acl")
	if !ok {
		return core.ACL{Canned: core.ACLDefault}, nil
	}
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return core.ACL{}, invalidArgument("0017-00000105", "x-oss-object-acl", v, "The object acl can not be empty.")
	case v == core.ACLDefault || bucketACLs[v]:
		return core.ACL{Canned: v}, nil
	}
	return core.ACL{}, invalidArgument("0017-00000104", "x-oss-object-acl", v, "no such object access control exists")
}

// headerGet adapts http.Header to the (value, present) lookups form
// fields use.
func headerGet(h http.Header) func(string) (string, bool) {
	return func(name string) (string, bool) {
		vs, ok := h[http.CanonicalHeaderKey(name)]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
}

// aclName is the canned OSS name of acl on a resource owned by owner.
func aclName(acl core.ACL, owner string) string {
	switch {
	case acl.Allows(owner, "", core.PermWrite):
		return core.ACLPublicReadWrite
	case acl.Allows(owner, "", core.PermRead):
		return core.ACLPublicRead
	}
	return core.ACLPrivate
}

// objectACLName is an object's OSS ACL: "default" when it follows its
// bucket.
func objectACLName(b *core.Bucket, o *core.Object) string {
	if o.ACL.IsDefault() {
		return core.ACLDefault
	}
	who := o.Owner
	if who == "" {
		who = b.Owner
	}
	return aclName(o.ACL, who)
}

type aclPolicy struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   owner    `xml:"Owner"`
	Grant   string   `xml:"AccessControlList>Grant"`
}

func (c *call) putBucketACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWriteACP); err != nil {
		return err
	}
	acl, present, err := bucketACLHeader(c.r.Header)
	if err != nil {
		return err
	}
	if !present {
		return invalidArgument("0015-00000203", "x-oss-acl", "", "The x-oss-acl header is required.")
	}
	if _, err := c.h.store.SetBucketACL(c.r.Context(), b.Name, acl); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getBucketACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermReadACP); err != nil {
		return err
	}
	return c.writeXML(200, aclPolicy{Owner: ownerOf(b.Owner), Grant: aclName(b.ACL, b.Owner)})
}

func (c *call) putObjectACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	version := c.version()
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, version)
	if err != nil {
		return c.objectError(b, o, err)
	}
	if err := c.allowObject(b, o, core.PermWriteACP); err != nil {
		return err
	}
	if _, ok := c.r.Header["X-Oss-Object-Acl"]; !ok {
		return invalidArgument("0017-00000105", "x-oss-object-acl", "", "The x-oss-object-acl header is required.")
	}
	acl, err := objectACLHeader(headerGet(c.r.Header))
	if err != nil {
		return err
	}
	o, err = c.h.store.SetObjectACL(c.r.Context(), b.Name, c.req.Key, version, acl)
	if err != nil {
		return err
	}
	c.setVersionHeader(b, o)
	return c.empty(200)
}

func (c *call) getObjectACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return c.objectError(b, o, err)
	}
	if err := c.allowObject(b, o, core.PermReadACP); err != nil {
		return err
	}
	c.setVersionHeader(b, o)
	return c.writeXML(200, aclPolicy{Owner: ownerOf(b.Owner), Grant: objectACLName(b, o)})
}
