package s3

import (
	"cmp"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
)

// S3's ACL groups (acl-overview, "Amazon S3 predefined groups"). Core names
// AllUsers and AuthenticatedUsers; LogDelivery is kept under its own name
// (it grants nothing Arca enforces, having no server access logs).
const (
	uriAllUsers    = "http://acs.amazonaws.com/groups/global/AllUsers"
	uriAuthUsers   = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	uriLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	groupLogDeliv  = "LogDelivery"
	xsiNS          = "http://www.w3.org/2001/XMLSchema-instance"
	maxGrants      = 100
)

var groupURIs = map[string]string{
	uriAllUsers:    core.GroupAllUsers,
	uriAuthUsers:   core.GroupAuthUsers,
	uriLogDelivery: groupLogDeliv,
}

func groupURI(g string) string {
	for uri, name := range groupURIs {
		if name == g {
			return uri
		}
	}
	return ""
}

// Canned ACLs (acl-overview, "Canned ACL").
var (
	bucketCanned = map[string]bool{
		core.ACLPrivate: true, core.ACLPublicRead: true, core.ACLPublicReadWrite: true, core.ACLAuthRead: true,
		"aws-exec-read": true, "log-delivery-write": true,
	}
	objectCanned = map[string]bool{
		core.ACLPrivate: true, core.ACLPublicRead: true, core.ACLPublicReadWrite: true, core.ACLAuthRead: true,
		"aws-exec-read": true, "bucket-owner-read": true, "bucket-owner-full-control": true,
	}
)

var grantHeaders = []struct{ header, perm string }{
	{"x-amz-grant-read", core.PermRead},
	{"x-amz-grant-write", core.PermWrite},
	{"x-amz-grant-read-acp", core.PermReadACP},
	{"x-amz-grant-write-acp", core.PermWriteACP},
	{"x-amz-grant-full-control", core.PermFullControl},
}

var validPerm = map[string]bool{core.PermRead: true, core.PermWrite: true, core.PermReadACP: true, core.PermWriteACP: true, core.PermFullControl: true}

// cannedACL expands a canned ACL for a resource owned by owner in a bucket
// owned by bucketOwner. The four core knows stay canned; the others become
// grants.
func cannedACL(name, owner, bucketOwner string) core.ACL {
	full := core.Grant{ID: owner, Permission: core.PermFullControl}
	switch name {
	case "log-delivery-write":
		return core.ACL{Canned: name, Grants: []core.Grant{full,
			{Group: groupLogDeliv, Permission: core.PermWrite}, {Group: groupLogDeliv, Permission: core.PermReadACP}}}
	case "bucket-owner-read", "bucket-owner-full-control":
		if bucketOwner == owner || bucketOwner == "" {
			return core.ACL{Canned: name, Grants: []core.Grant{full}}
		}
		perm := core.PermRead
		if name == "bucket-owner-full-control" {
			perm = core.PermFullControl
		}
		return core.ACL{Canned: name, Grants: []core.Grant{full, {ID: bucketOwner, Permission: perm}}}
	case "aws-exec-read":
		return core.ACL{Canned: name, Grants: []core.Grant{full}}
	}
	return core.ACL{Canned: name}
}

// aclFromHeaders reads x-amz-acl or x-amz-grant-* for a resource owned by
// owner (bucketOwner: its bucket's owner). present is false when neither is
// set. Grants are the whole ACL, as S3 keeps them (the owner keeps its
// rights regardless).
func (h *Handler) aclFromHeaders(hd http.Header, owner, bucketOwner string, forObject bool) (acl core.ACL, present bool, err error) {
	canned := strings.TrimSpace(hd.Get("x-amz-acl"))
	if canned != "" {
		valid := bucketCanned
		if forObject {
			valid = objectCanned
		}
		if !valid[canned] {
			return acl, false, invalidArgument("x-amz-acl", canned, "")
		}
		acl = cannedACL(canned, owner, bucketOwner)
		present = true
	}
	var grants []core.Grant
	for _, gh := range grantHeaders {
		v := hd.Get(gh.header)
		if v == "" {
			continue
		}
		if canned != "" {
			return acl, false, invalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
		}
		present = true
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			k, val, ok := strings.Cut(item, "=")
			val = strings.Trim(strings.TrimSpace(val), `"`)
			if !ok || val == "" {
				return acl, false, invalidArgument(gh.header, v, "")
			}
			g, err := h.grantee(strings.ToLower(strings.TrimSpace(k)), val)
			if err != nil {
				return acl, false, err
			}
			g.Permission = gh.perm
			grants = append(grants, g)
		}
	}
	if len(grants) > 0 {
		acl = core.ACL{Grants: grants}
	}
	if len(acl.Grants) > maxGrants {
		return acl, false, invalidArgument("", "", "An ACL holds at most 100 grants.")
	}
	return acl, present, nil
}

// grantee resolves one grantee: kind "id", "uri" or "emailaddress".
func (h *Handler) grantee(kind, v string) (core.Grant, error) {
	switch kind {
	case "id":
		if h.dir != nil {
			if _, ok := h.dir.ByID(v); !ok {
				return core.Grant{}, invalidArgument("", "", "Invalid id")
			}
		}
		return core.Grant{ID: v}, nil
	case "uri":
		g, ok := groupURIs[v]
		if !ok {
			return core.Grant{}, invalidArgument("uri", v, "Invalid group uri")
		}
		return core.Grant{Group: g}, nil
	case "emailaddress":
		if h.dir != nil {
			if a, ok := h.dir.ByEmail(v); ok {
				return core.Grant{ID: a.ID}, nil
			}
		}
		return core.Grant{}, errorf("UnresolvableGrantByEmailAddress", 400, "The e-mail address you provided does not match any account on record.")
	}
	return core.Grant{}, invalidArgument("", "", "Invalid grantee type %q", kind)
}

type xmlGrantee struct {
	XMLNS        string `xml:"xmlns:xsi,attr"`
	Type         string `xml:"xsi:type,attr"`
	ID           string `xml:"ID,omitempty"`
	DisplayName  string `xml:"DisplayName,omitempty"`
	EmailAddress string `xml:"EmailAddress,omitempty"`
	URI          string `xml:"URI,omitempty"`
}

type xmlGrant struct {
	Grantee    xmlGrantee `xml:"Grantee"`
	Permission string     `xml:"Permission"`
}

type aclPolicy struct {
	XMLName xml.Name   `xml:"http://s3.amazonaws.com/doc/2006-03-01/ AccessControlPolicy"`
	Owner   xmlOwner   `xml:"Owner"`
	Grants  []xmlGrant `xml:"AccessControlList>Grant"`
}

// renderACL renders an ACL of a resource owned by owner. Group grants
// come first, then the accounts' in the order they were given, as Ceph
// RGW lists them (the order carries no meaning).
func (h *Handler) renderACL(acl core.ACL, owner string) aclPolicy {
	p := aclPolicy{Owner: h.owner(owner), Grants: []xmlGrant{}}
	if acl.Canned == aclNoGrants && len(acl.Grants) == 0 {
		return p
	}
	grants := slices.Clone(acl.Effective(owner))
	isUser := func(g core.Grant) int {
		if g.Group == "" {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(grants, func(a, b core.Grant) int { return cmp.Compare(isUser(a), isUser(b)) })
	for _, g := range grants {
		x := xmlGrant{Permission: g.Permission, Grantee: xmlGrantee{XMLNS: xsiNS}}
		if g.Group != "" {
			x.Grantee.Type, x.Grantee.URI = "Group", groupURI(g.Group)
		} else {
			x.Grantee.Type, x.Grantee.ID, x.Grantee.DisplayName = "CanonicalUser", g.ID, h.displayName(g.ID)
		}
		p.Grants = append(p.Grants, x)
	}
	return p
}

// inGrantee accepts xsi:type with or without its prefix.
type inGrantee struct {
	Attrs        []xml.Attr `xml:",any,attr"`
	ID           string     `xml:"ID"`
	URI          string     `xml:"URI"`
	EmailAddress string     `xml:"EmailAddress"`
}

func (g inGrantee) typ() string {
	for _, a := range g.Attrs {
		if a.Name.Local == "type" {
			return a.Value
		}
	}
	return ""
}

type inACL struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   *struct {
		ID string `xml:"ID"`
	} `xml:"Owner"`
	Grants []struct {
		Grantee    *inGrantee `xml:"Grantee"`
		Permission string     `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

// aclFromBody parses an AccessControlPolicy document for a resource owned
// by owner.
func (h *Handler) aclFromBody(body []byte, owner string) (core.ACL, error) {
	var in inACL
	if err := dialect.UnmarshalXML(body, &in); err != nil {
		return core.ACL{}, errMalformedACL
	}
	if in.Owner != nil && in.Owner.ID != "" && in.Owner.ID != owner {
		return core.ACL{}, errAccessDenied
	}
	var acl core.ACL
	for _, g := range in.Grants {
		perm := strings.TrimSpace(g.Permission)
		if !validPerm[perm] || g.Grantee == nil {
			return acl, errMalformedACL
		}
		var kind, v string
		switch t := g.Grantee.typ(); {
		case t == "CanonicalUser" && g.Grantee.ID != "":
			kind, v = "id", strings.TrimSpace(g.Grantee.ID)
		case t == "Group" && g.Grantee.URI != "":
			kind, v = "uri", strings.TrimSpace(g.Grantee.URI)
		case t == "AmazonCustomerByEmail" && g.Grantee.EmailAddress != "":
			kind, v = "emailaddress", strings.TrimSpace(g.Grantee.EmailAddress)
		default:
			return acl, errMalformedACL
		}
		grant, err := h.grantee(kind, v)
		if err != nil {
			return acl, err
		}
		grant.Permission = perm
		acl.Grants = append(acl.Grants, grant)
	}
	if len(acl.Grants) > maxGrants {
		return acl, invalidArgument("", "", "An ACL holds at most 100 grants.")
	}
	if len(acl.Grants) == 0 {
		acl.Canned = aclNoGrants
	}
	return acl, nil
}

// aclNoGrants records an ACL set with an empty grant list: S3 shows it
// with no grants, the owner keeping its implicit rights. Core, and the
// other dialects, read a canned name they do not know as private.
const aclNoGrants = "s3-no-grants"

// aclFromRequest reads an ACL from the headers or else the body (PUT ?acl).
func (c *call) aclFromRequest(owner, bucketOwner string, forObject bool) (core.ACL, error) {
	acl, present, err := c.h.aclFromHeaders(c.r.Header, owner, bucketOwner, forObject)
	if err != nil {
		return acl, err
	}
	body, err := c.readBody()
	if err != nil {
		return acl, err
	}
	if present {
		if len(body) > 0 {
			return acl, errorf("UnexpectedContent", 400, "This request does not support content")
		}
		return acl, nil
	}
	if len(body) == 0 {
		return acl, errMissingBody
	}
	return c.h.aclFromBody(body, owner)
}

// objectACL is the ACL an S3 upload without ACL headers gets: private to
// its owner (objects other dialects wrote may defer to the bucket).
func (c *call) objectACL(b *core.Bucket, owner string) (acl core.ACL, present bool, err error) {
	acl, present, err = c.h.aclFromHeaders(c.r.Header, owner, b.Owner, true)
	if err != nil || present {
		return acl, present, err
	}
	return core.ACL{Canned: core.ACLPrivate}, false, nil
}

func (c *call) getBucketACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermReadACP); err != nil {
		return err
	}
	if aclsDisabled(b) {
		return writeXML(c.w, 200, c.h.renderACL(core.ACL{Canned: core.ACLPrivate}, b.Owner))
	}
	return writeXML(c.w, 200, c.h.renderACL(b.ACL, b.Owner))
}

func (c *call) putBucketACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWriteACP); err != nil {
		return err
	}
	if aclsDisabled(b) {
		drain(c.r.Body)
		return errACLNotSupported
	}
	acl, err := c.aclFromRequest(b.Owner, b.Owner, false)
	if err != nil {
		return err
	}
	if err := blockPublicACL(b, acl, b.Owner); err != nil {
		return err
	}
	if _, err := c.h.store.SetBucketACL(c.r.Context(), b.Name, acl); err != nil {
		return err
	}
	return c.empty(200)
}

// objectOwner is who owns an object: its writer, or the bucket's owner.
func objectOwner(b *core.Bucket, o *core.Object) string {
	if o.Owner != "" && !aclsDisabled(b) {
		return o.Owner
	}
	return b.Owner
}

func (c *call) getObjectACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return err
	}
	if err := c.allowObject(b, o, core.PermReadACP); err != nil {
		return err
	}
	c.setVersionHeader(b, o)
	acl := o.ACL
	if acl.IsDefault() || aclsDisabled(b) {
		acl = core.ACL{Canned: core.ACLPrivate}
	}
	return writeXML(c.w, 200, c.h.renderACL(acl, objectOwner(b, o)))
}

func (c *call) putObjectACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return err
	}
	if err := c.allowObject(b, o, core.PermWriteACP); err != nil {
		return err
	}
	if aclsDisabled(b) {
		drain(c.r.Body)
		return errACLNotSupported
	}
	acl, err := c.aclFromRequest(objectOwner(b, o), b.Owner, true)
	if err != nil {
		return err
	}
	if err := blockPublicACL(b, acl, objectOwner(b, o)); err != nil {
		return err
	}
	o, err = c.h.store.SetObjectACL(c.r.Context(), b.Name, c.req.Key, c.version(), acl)
	if err != nil {
		return err
	}
	c.setVersionHeader(b, o)
	return c.empty(200)
}
