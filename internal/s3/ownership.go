package s3

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// S3 Object Ownership (PutBucketOwnershipControls and CreateBucket's
// x-amz-object-ownership; about-object-ownership): who owns the objects
// written into a bucket, and whether ACLs apply.
//
//   - ObjectWriter (also a bucket without the setting): the writer owns
//     its objects; ACLs apply.
//   - BucketOwnerPreferred: an object written with the
//     bucket-owner-full-control canned ACL belongs to the bucket owner;
//     others to their writer.
//   - BucketOwnerEnforced: ACLs are disabled. The bucket owner owns every
//     object (those written before too) and is the only one they and the
//     bucket's ACL grant access to; a write naming any ACL but
//     bucket-owner-full-control, and every PutBucketAcl and PutObjectAcl,
//     fail with AccessControlListNotSupported. Reading ACLs still works
//     and shows the owner's full control.
//
// The setting is kept in the bucket's Configs under ownershipConfigKey.
// Only the S3 dialect applies it.

const (
	ownershipConfigKey   = "s3-ownership"
	ownObjectWriter      = "ObjectWriter"
	ownBucketPreferred   = "BucketOwnerPreferred"
	ownBucketEnforced    = "BucketOwnerEnforced"
	cannedBucketOwnerFul = "bucket-owner-full-control"
)

var (
	errNoOwnershipControls = &Error{Code: "OwnershipControlsNotFoundError", Status: 404,
		Message: "The bucket ownership controls were not found"}
	errACLNotSupported = &Error{Code: "AccessControlListNotSupported", Status: 400,
		Message: "The bucket does not allow ACLs"}
	errACLWithOwnership = &Error{Code: "InvalidBucketAclWithObjectOwnership", Status: 400,
		Message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"}
)

func validOwnership(v string) bool {
	return v == ownObjectWriter || v == ownBucketPreferred || v == ownBucketEnforced
}

// ownership is a bucket's Object Ownership setting, "" when it has none.
func ownership(b *core.Bucket) string {
	return string(b.Configs[ownershipConfigKey])
}

// aclsDisabled reports BucketOwnerEnforced.
func aclsDisabled(b *core.Bucket) bool { return ownership(b) == ownBucketEnforced }

// onlyOwnerGrant reports whether an ACL grants nothing beyond its owner's
// full control: what a bucket may keep under BucketOwnerEnforced.
func onlyOwnerGrant(acl core.ACL, owner string) bool {
	for _, g := range acl.Effective(owner) {
		if g.ID != owner || g.Group != "" {
			return false
		}
	}
	return true
}

// applyOwnership adjusts a new object's owner and ACL (as read from the
// request's ACL headers, present says whether it had any) to the bucket's
// Object Ownership.
func applyOwnership(b *core.Bucket, h http.Header, in *core.PutInput, present bool) error {
	canned := strings.TrimSpace(h.Get("x-amz-acl"))
	switch ownership(b) {
	case ownBucketEnforced:
		if present && canned != cannedBucketOwnerFul {
			return errACLNotSupported
		}
		in.Owner, in.ACL = b.Owner, core.ACL{Canned: core.ACLPrivate}
	case ownBucketPreferred:
		if canned == cannedBucketOwnerFul {
			in.Owner, in.ACL = b.Owner, core.ACL{Canned: core.ACLPrivate}
		}
	}
	return nil
}

type xmlOwnershipRule struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

type xmlOwnershipControls struct {
	XMLName xml.Name           `xml:"http://s3.amazonaws.com/doc/2006-03-01/ OwnershipControls"`
	Rules   []xmlOwnershipRule `xml:"Rule"`
}

type inOwnershipControls struct {
	XMLName xml.Name           `xml:"OwnershipControls"`
	Rules   []xmlOwnershipRule `xml:"Rule"`
}

func (c *call) putOwnershipControls() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	var in inOwnershipControls
	if err := c.readXML(&in); err != nil {
		return err
	}
	if len(in.Rules) != 1 || !validOwnership(strings.TrimSpace(in.Rules[0].ObjectOwnership)) {
		return errMalformedXML
	}
	v := strings.TrimSpace(in.Rules[0].ObjectOwnership)
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		if v == ownBucketEnforced && !onlyOwnerGrant(nb.ACL, nb.Owner) {
			return errACLWithOwnership
		}
		nb.Configs[ownershipConfigKey] = []byte(v)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getOwnershipControls() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	v := ownership(b)
	if v == "" {
		return errNoOwnershipControls
	}
	return writeXML(c.w, 200, xmlOwnershipControls{Rules: []xmlOwnershipRule{{ObjectOwnership: v}}})
}

func (c *call) deleteOwnershipControls() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, ownershipConfigKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}
