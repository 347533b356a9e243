package cos

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
)

// Group URIs COS uses in ACL documents.
const (
	uriAllUsers  = "http://cam.qcloud.com/groups/global/AllUsers"
	uriAuthUsers = "http://cam.qcloud.com/groups/global/AuthenticatedUsers"
	xsiNS        = "http://www.w3.org/2001/XMLSchema-instance"
)

var bucketCanned = map[string]bool{
	core.ACLPrivate: true, core.ACLPublicRead: true, core.ACLPublicReadWrite: true, core.ACLAuthRead: true,
}

var objectCanned = map[string]bool{
	core.ACLDefault: true, core.ACLPrivate: true, core.ACLPublicRead: true, core.ACLPublicReadWrite: true,
	core.ACLAuthRead: true, "bucket-owner-read": true, "bucket-owner-full-control": true,
}

var grantHeaders = []struct{ header, perm string }{
	{"x-cos-grant-read", core.PermRead},
	{"x-cos-grant-write", core.PermWrite},
	{"x-cos-grant-read-acp", core.PermReadACP},
	{"x-cos-grant-write-acp", core.PermWriteACP},
	{"x-cos-grant-full-control", core.PermFullControl},
}

// aclFromHeaders reads x-cos-acl and x-cos-grant-* for a resource owned by
// owner. present is false when neither kind of header is set.
func aclFromHeaders(h http.Header, owner string, forObject bool) (acl core.ACL, present bool, err error) {
	canned := strings.TrimSpace(h.Get("x-cos-acl"))
	if canned != "" {
		canned = strings.ToLower(canned)
		valid := bucketCanned
		if forObject {
			valid = objectCanned
		}
		if !valid[canned] {
			return acl, false, errorf("InvalidArgument", 400, "x-cos-acl value invalid:%s", canned)
		}
		acl.Canned = canned
		present = true
	}
	var grants []core.Grant
	for _, gh := range grantHeaders {
		v := h.Get(gh.header)
		if v == "" {
			continue
		}
		if forObject && gh.perm == core.PermWrite {
			return acl, false, errorf("InvalidArgument", 400, "objects cannot be granted WRITE")
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
				return acl, false, errorf("InvalidArgument", 400, "invalid grant %q in %s", item, gh.header)
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "id", "uin":
				id := parseUIN(val)
				if id == "" {
					return acl, false, errorf("InvalidArgument", 400, "invalid grant %q in %s", item, gh.header)
				}
				grants = append(grants, core.Grant{ID: id, Permission: gh.perm})
			case "uri":
				g, ok := groupOf(val)
				if !ok {
					return acl, false, errorf("InvalidArgument", 400, "unknown group %q", val)
				}
				grants = append(grants, core.Grant{Group: g, Permission: gh.perm})
			default:
				return acl, false, errorf("InvalidArgument", 400, "invalid grant %q in %s", item, gh.header)
			}
		}
	}
	if len(grants) > 0 {
		base := acl.Canned
		if base == core.ACLDefault || base == "" {
			base = core.ACLPrivate
		}
		acl.Grants = append(core.ACL{Canned: base}.Effective(owner), grants...)
		if acl.Canned == "" {
			acl.Canned = ""
		}
	}
	if len(acl.Grants) > 100 {
		return acl, false, errorf("InvalidArgument", 400, "an ACL holds at most 100 grants")
	}
	return acl, present, nil
}

func groupOf(uri string) (string, bool) {
	switch uri {
	case uriAllUsers, "http://acs.amazonaws.com/groups/global/AllUsers":
		return core.GroupAllUsers, true
	case uriAuthUsers, "http://acs.amazonaws.com/groups/global/AuthenticatedUsers":
		return core.GroupAuthUsers, true
	}
	return "", false
}

type xmlOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type xmlGrantee struct {
	XMLNS       string `xml:"xmlns:xsi,attr"`
	Type        string `xml:"xsi:type,attr"`
	URI         string `xml:"URI,omitempty"`
	ID          string `xml:"ID,omitempty"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type xmlGrant struct {
	Grantee    xmlGrantee `xml:"Grantee"`
	Permission string     `xml:"Permission"`
}

type aclPolicy struct {
	XMLName xml.Name   `xml:"AccessControlPolicy"`
	Owner   xmlOwner   `xml:"Owner"`
	Grants  []xmlGrant `xml:"AccessControlList>Grant"`
}

func renderACL(acl core.ACL, owner string) aclPolicy {
	p := aclPolicy{Owner: xmlOwner{ID: uinID(owner), DisplayName: uinID(owner)}}
	for _, g := range acl.Effective(owner) {
		x := xmlGrant{Permission: g.Permission, Grantee: xmlGrantee{XMLNS: xsiNS}}
		switch g.Group {
		case core.GroupAllUsers:
			x.Grantee.Type, x.Grantee.URI = "Group", uriAllUsers
		case core.GroupAuthUsers:
			x.Grantee.Type, x.Grantee.URI = "Group", uriAuthUsers
		default:
			x.Grantee.Type, x.Grantee.ID, x.Grantee.DisplayName = "CanonicalUser", uinID(g.ID), uinID(g.ID)
		}
		p.Grants = append(p.Grants, x)
	}
	return p
}

// inGrantee accepts the attribute with or without the xsi prefix, and the
// child elements clients send (ID, URI, uin).
type inGrantee struct {
	Attrs []xml.Attr `xml:",any,attr"`
	ID    string     `xml:"ID"`
	URI   string     `xml:"URI"`
	UIN   string     `xml:"uin"`
}

type inACL struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   struct {
		ID string `xml:"ID"`
	} `xml:"Owner"`
	Grants []struct {
		Grantee    inGrantee `xml:"Grantee"`
		Permission string    `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

var validPerm = map[string]bool{core.PermRead: true, core.PermWrite: true, core.PermReadACP: true, core.PermWriteACP: true, core.PermFullControl: true}

// aclFromBody parses an AccessControlPolicy document.
func aclFromBody(body []byte, forObject bool) (core.ACL, error) {
	var in inACL
	if err := dialect.UnmarshalXML(body, &in); err != nil {
		return core.ACL{}, errMalformedXML
	}
	var acl core.ACL
	for _, g := range in.Grants {
		perm := strings.ToUpper(strings.TrimSpace(g.Permission))
		if !validPerm[perm] || (forObject && perm == core.PermWrite) {
			return acl, errMalformedXML
		}
		switch {
		case g.Grantee.URI != "":
			grp, ok := groupOf(strings.TrimSpace(g.Grantee.URI))
			if !ok {
				return acl, errMalformedXML
			}
			acl.Grants = append(acl.Grants, core.Grant{Group: grp, Permission: perm})
		case strings.TrimSpace(g.Grantee.ID) == "qcs::cam::anyone:anyone":
			acl.Grants = append(acl.Grants, core.Grant{Group: core.GroupAllUsers, Permission: perm})
		case g.Grantee.ID != "" || g.Grantee.UIN != "":
			id := g.Grantee.ID
			if id == "" {
				id = g.Grantee.UIN
			}
			if id = parseUIN(id); id == "" {
				return acl, errMalformedXML
			}
			acl.Grants = append(acl.Grants, core.Grant{ID: id, Permission: perm})
		default:
			return acl, errMalformedXML
		}
	}
	if len(acl.Grants) > 100 {
		return acl, errorf("InvalidArgument", 400, "an ACL holds at most 100 grants")
	}
	if len(acl.Grants) == 0 {
		acl.Canned = core.ACLPrivate
	}
	return acl, nil
}

// aclFromRequest reads an ACL from the headers, or else the body.
func (c *call) aclFromRequest(owner string, forObject bool) (core.ACL, error) {
	acl, present, err := aclFromHeaders(c.r.Header, owner, forObject)
	if err != nil {
		return acl, err
	}
	body, ok, err := readBody(c)
	if err != nil {
		return acl, err
	}
	if !ok {
		return acl, errMalformedXML
	}
	if present {
		// COS: the headers win over a body.
		return acl, nil
	}
	if len(body) == 0 {
		return acl, errMissingBody
	}
	return aclFromBody(body, forObject)
}
