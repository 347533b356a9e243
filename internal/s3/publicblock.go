package s3

import (
	"encoding/json"
	"encoding/xml"

	"github.com/arcastore/arca/internal/core"
)

// S3 Block Public Access at the bucket level (PutPublicAccessBlock,
// GetPublicAccessBlock, DeletePublicAccessBlock; access-control-block-
// public-access). A public ACL is one that grants anything to AllUsers or
// AuthenticatedUsers.
//
//   - BlockPublicAcls: PutBucketAcl, PutObjectAcl and object writes
//     (PutObject, CreateMultipartUpload, CopyObject, POST Object) that set
//     a public ACL fail with 403 AccessDenied.
//   - IgnorePublicAcls: the public grants of the bucket's and its objects'
//     ACLs give no access.
//   - BlockPublicPolicy, RestrictPublicBuckets: about bucket policies,
//     which Arca does not have, so there is no public policy for them to
//     block or restrict; they are kept and reported.
//
// The configuration is kept in the bucket's Configs under
// publicBlockConfigKey. Only the S3 dialect applies it.

const publicBlockConfigKey = "s3-public-access-block"

type publicBlock struct {
	BlockPublicAcls       bool `json:"bpa" xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool `json:"ipa" xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `json:"bpp" xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `json:"rpb" xml:"RestrictPublicBuckets"`
}

var errNoPublicBlock = &Error{Code: "NoSuchPublicAccessBlockConfiguration", Status: 404,
	Message: "The public access block configuration was not found"}

// bucketPublicBlock returns a bucket's configuration, or nil.
func bucketPublicBlock(b *core.Bucket) *publicBlock {
	raw, ok := b.Configs[publicBlockConfigKey]
	if !ok {
		return nil
	}
	var p publicBlock
	if json.Unmarshal(raw, &p) != nil {
		return nil
	}
	return &p
}

// isPublic reports whether an ACL of a resource owned by owner grants
// anything to everyone or to every authenticated account.
func isPublic(acl core.ACL, owner string) bool {
	for _, g := range acl.Effective(owner) {
		if g.Group == core.GroupAllUsers || g.Group == core.GroupAuthUsers {
			return true
		}
	}
	return false
}

// withoutPublic returns acl without its public grants.
func withoutPublic(acl core.ACL, owner string) core.ACL {
	if !isPublic(acl, owner) {
		return acl
	}
	var out core.ACL
	for _, g := range acl.Effective(owner) {
		if g.Group != core.GroupAllUsers && g.Group != core.GroupAuthUsers {
			out.Grants = append(out.Grants, g)
		}
	}
	if len(out.Grants) == 0 {
		out.Canned = core.ACLPrivate
	}
	return out
}

// ignoringPublicACLs returns b and o as access checks see them under
// IgnorePublicAcls: without their public grants (o may be nil).
func ignoringPublicACLs(b *core.Bucket, o *core.Object) (*core.Bucket, *core.Object) {
	if p := bucketPublicBlock(b); p == nil || !p.IgnorePublicAcls {
		return b, o
	}
	nb := *b
	nb.ACL = withoutPublic(b.ACL, b.Owner)
	if o != nil && !o.ACL.IsDefault() {
		no := *o
		no.ACL = withoutPublic(o.ACL, objectOwner(b, o))
		o = &no
	}
	return &nb, o
}

// blockPublicACL refuses a public ACL for a resource of b (owned by owner)
// when the bucket blocks them.
func blockPublicACL(b *core.Bucket, acl core.ACL, owner string) error {
	if p := bucketPublicBlock(b); p != nil && p.BlockPublicAcls && isPublic(acl, owner) {
		return errAccessDenied
	}
	return nil
}

type xmlPublicBlock struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PublicAccessBlockConfiguration"`
	publicBlock
}

type inPublicBlock struct {
	XMLName xml.Name `xml:"PublicAccessBlockConfiguration"`
	publicBlock
}

func (c *call) putPublicBlock() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	var in inPublicBlock
	if err := c.readXML(&in); err != nil {
		return err
	}
	raw, _ := json.Marshal(&in.publicBlock)
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		nb.Configs[publicBlockConfigKey] = raw
		return nil
	}); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getPublicBlock() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	p := bucketPublicBlock(b)
	if p == nil {
		return errNoPublicBlock
	}
	return writeXML(c.w, 200, xmlPublicBlock{publicBlock: *p})
}

func (c *call) deletePublicBlock() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, publicBlockConfigKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}
