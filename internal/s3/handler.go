// Package s3 is Arca's Amazon S3 dialect: it verifies S3 signatures
// (s3auth: SigV4 header and pre-signed, SigV2, aws-chunked bodies, POST
// policies), checks ACLs, calls the core and renders S3's headers, XML
// bodies and errors. It holds no storage logic.
//
// Buckets are the core's, shared with the other dialects; S3 names are 3
// to 63 lowercase letters, digits, '-' and '.'. Canonical user ids are
// account ids. What S3 keeps that core does not model is stored in the
// records' Ext and Configs maps: x-amz-checksum-* values (Ext
// "checksum-<alg>", "checksum-type", and "checksum-parts" for multipart
// objects, and "s3-upload-id" for the upload that made one), bucket tags
// (Configs "tags", a JSON object), CORS rules (Configs "cors", the JSON
// model of internal/wire/cors, shared with COS and OSS), the location
// constraint (Configs "s3-location"), default encryption
// ("s3-encryption"), Object Ownership ("s3-ownership") and Block Public
// Access ("s3-public-access-block").
//
// It imports core, s3auth, httpx, iam, dialect and the shared wire
// packages, never the server or another dialect.
package s3

import (
	"crypto/subtle"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// Limits S3 documents (AmazonS3/latest/userguide/qfacts.html and the
// operations' pages).
const (
	maxKeyLen     = 1024
	maxUserMeta   = 2 << 10
	maxPutSize    = 5 << 30
	maxPartSize   = 5 << 30
	minPartSize   = 5 << 20
	maxCopySize   = 5 << 30
	maxDeleteKeys = 1000
	maxXMLBody    = 4 << 20
	maxListKeys   = 1000
)

// DefaultRegion is the region reported when none is configured.
const DefaultRegion = "us-east-1"

// Config configures the S3 dialect.
type Config struct {
	Store *core.Store
	// Keys finds the account of an access key. If it also implements
	// iam.Directory, owners and grantees show display names and ACL grants
	// may name accounts by id or e-mail address only if they exist.
	Keys iam.Keyring
	// Region is the region buckets report (default us-east-1). SigV4
	// signatures of any region are accepted.
	Region string
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Handler serves S3 requests. It is safe for concurrent use.
type Handler struct {
	store  *core.Store
	keys   iam.Keyring
	dir    iam.Directory // nil when Keys is not one
	region string
	log    *slog.Logger
	now    func() time.Time
}

// New returns an S3 handler.
func New(cfg Config) *Handler {
	h := &Handler{store: cfg.Store, keys: cfg.Keys, region: cfg.Region, log: cfg.Log, now: cfg.Now}
	h.dir, _ = cfg.Keys.(iam.Directory)
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.region == "" {
		h.region = DefaultRegion
	}
	return h
}

// call is one request in flight.
type call struct {
	h         *Handler
	w         http.ResponseWriter
	r         *http.Request
	req       *httpx.Request
	q         url.Values
	auth      *s3auth.Auth // nil when anonymous
	account   *iam.Account // nil when anonymous
	principal string       // account id, "" when anonymous
}

// requestID is x-amz-request-id: the request's id in S3's uppercase hex.
func (c *call) requestID() string { return strings.ToUpper(c.req.ID) }

// hostID is x-amz-id-2, opaque like S3's.
func (c *call) hostID() string {
	return base64.StdEncoding.EncodeToString([]byte(c.req.ID))
}

// ServeRequest implements server.Handler.
func (h *Handler) ServeRequest(w http.ResponseWriter, r *http.Request, req *httpx.Request) {
	c := &call{h: h, w: w, r: r, req: req}
	continueEmpty(w, r)
	hd := w.Header()
	hd.Set("Server", "AmazonS3")
	hd.Set("x-amz-request-id", c.requestID())
	hd.Set("x-amz-id-2", c.hostID())
	c.q = httpx.ParseQuery(r.URL.RawQuery)
	c.corsHeaders()
	if r.Method == http.MethodOptions && req.Bucket != "" {
		if err := c.options(); err != nil {
			c.writeError(err)
		}
		return
	}
	if err := c.authenticate(); err != nil {
		c.writeError(err)
		return
	}
	op, err := c.route()
	if err == nil {
		err = c.checkExpectedOwner()
	}
	if err == nil {
		err = op(c)
	}
	if err != nil {
		c.writeError(err)
	}
}

// continueEmpty answers "Expect: 100-continue" on a request without a body
// with an interim 100 Continue, as S3 does. net/http sends one only when
// the handler reads a body, so an empty upload (aws s3 cp of an empty
// file) would get its final response straight away; botocore then keeps
// treating the connection as one whose status line it has already read,
// and the next upload on it hangs reading the response.
func continueEmpty(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength == 0 && r.ProtoAtLeast(1, 1) && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		w.WriteHeader(http.StatusContinue)
	}
}

// authenticate verifies the request's S3 signature, if it has one. A form
// upload's signature is in its fields and is verified by postObject.
func (c *call) authenticate() error {
	a, err := s3auth.FromRequest(c.r)
	if err != nil {
		return err
	}
	if a == nil {
		return nil
	}
	acct, ok := c.h.keys.Lookup(a.AccessKey)
	if !ok {
		return s3auth.ErrInvalidAccessKeyID
	}
	if c.req.VirtualHost {
		a.VirtualBucket = c.req.Bucket
	}
	if err := a.Verify(c.r, acct.SecretKey, c.h.now()); err != nil {
		return err
	}
	if err := checkToken(acct, a.SecurityToken); err != nil {
		return err
	}
	c.auth, c.account, c.principal = a, acct, acct.ID
	return nil
}

// checkToken applies x-amz-security-token: temporary credentials (an
// account with a session token) need their token; permanent ones take
// none.
func checkToken(acct *iam.Account, token string) error {
	switch {
	case acct.SessionToken == "" && token == "":
		return nil
	case acct.SessionToken == "":
		return errInvalidToken
	case token == "":
		return s3auth.ErrInvalidAccessKeyID
	case subtle.ConstantTimeCompare([]byte(token), []byte(acct.SessionToken)) != 1:
		return errInvalidToken
	}
	return nil
}

// checkExpectedOwner applies x-amz-expected-bucket-owner.
func (c *call) checkExpectedOwner() error {
	want := c.r.Header.Get("x-amz-expected-bucket-owner")
	if want == "" || c.req.Bucket == "" {
		return nil
	}
	b, err := c.bucket()
	if err != nil {
		return nil // the operation reports the missing bucket
	}
	if b.Owner != want {
		return errAccessDenied
	}
	return nil
}

// --- routing ---

type op func(c *call) error

// level is what a request addresses.
type level uint8

const (
	service level = iota
	bucketLevel
	objectLevel
)

// route is one row of the routing table: a request at level with method
// and subresource sub ("" when it has none) goes to op; when header is set
// the request must carry it (a row without it matches otherwise).
type route struct {
	level  level
	method string
	sub    string
	header string
	op     op
}

// routes is every operation S3 routes by (level, method, subresource,
// header). Rows with a header come before the row without.
var routes = []route{
	{service, "GET", "", "", (*call).listBuckets},

	{bucketLevel, "PUT", "", "", (*call).createBucket},
	{bucketLevel, "HEAD", "", "", (*call).headBucket},
	{bucketLevel, "DELETE", "", "", (*call).deleteBucket},
	{bucketLevel, "GET", "", "", (*call).listObjects},
	{bucketLevel, "POST", "", "", (*call).postObject},
	{bucketLevel, "GET", "location", "", (*call).getLocation},
	{bucketLevel, "GET", "versioning", "", (*call).getVersioning},
	{bucketLevel, "PUT", "versioning", "", (*call).putVersioning},
	{bucketLevel, "GET", "versions", "", (*call).listVersions},
	{bucketLevel, "GET", "acl", "", (*call).getBucketACL},
	{bucketLevel, "PUT", "acl", "", (*call).putBucketACL},
	{bucketLevel, "GET", "cors", "", (*call).getCORS},
	{bucketLevel, "PUT", "cors", "", (*call).putCORS},
	{bucketLevel, "DELETE", "cors", "", (*call).deleteCORS},
	{bucketLevel, "GET", "tagging", "", (*call).getBucketTagging},
	{bucketLevel, "PUT", "tagging", "", (*call).putBucketTagging},
	{bucketLevel, "DELETE", "tagging", "", (*call).deleteBucketTagging},
	{bucketLevel, "GET", "uploads", "", (*call).listUploads},
	{bucketLevel, "POST", "delete", "", (*call).deleteObjects},
	{bucketLevel, "GET", "object-lock", "", (*call).getObjectLockConfig},
	{bucketLevel, "GET", "encryption", "", (*call).getBucketEncryption},
	{bucketLevel, "PUT", "encryption", "", (*call).putBucketEncryption},
	{bucketLevel, "DELETE", "encryption", "", (*call).deleteBucketEncryption},
	{bucketLevel, "GET", "ownershipControls", "", (*call).getOwnershipControls},
	{bucketLevel, "PUT", "ownershipControls", "", (*call).putOwnershipControls},
	{bucketLevel, "DELETE", "ownershipControls", "", (*call).deleteOwnershipControls},
	{bucketLevel, "GET", "publicAccessBlock", "", (*call).getPublicBlock},
	{bucketLevel, "PUT", "publicAccessBlock", "", (*call).putPublicBlock},
	{bucketLevel, "DELETE", "publicAccessBlock", "", (*call).deletePublicBlock},

	{objectLevel, "PUT", "", "x-amz-copy-source", (*call).copyObject},
	{objectLevel, "PUT", "", "", (*call).putObject},
	{objectLevel, "GET", "", "", (*call).getObject},
	{objectLevel, "HEAD", "", "", (*call).getObject},
	{objectLevel, "DELETE", "", "", (*call).deleteObject},
	{objectLevel, "GET", "acl", "", (*call).getObjectACL},
	{objectLevel, "PUT", "acl", "", (*call).putObjectACL},
	{objectLevel, "GET", "tagging", "", (*call).getObjectTagging},
	{objectLevel, "PUT", "tagging", "", (*call).putObjectTagging},
	{objectLevel, "DELETE", "tagging", "", (*call).deleteObjectTagging},
	{objectLevel, "GET", "attributes", "", (*call).getObjectAttributes},
	{objectLevel, "POST", "uploads", "", (*call).createUpload},
	{objectLevel, "PUT", "uploadId", "x-amz-copy-source", (*call).uploadPartCopy},
	{objectLevel, "PUT", "uploadId", "", (*call).uploadPart},
	{objectLevel, "GET", "uploadId", "", (*call).listParts},
	{objectLevel, "POST", "uploadId", "", (*call).completeUpload},
	{objectLevel, "DELETE", "uploadId", "", (*call).abortUpload},
}

// subresources are the query parameters S3 routes on, in the order they
// are looked for; those without a row in routes are not implemented.
var subresources = []string{
	"uploadId", "uploads", "acl", "versioning", "versions", "delete", "location", "cors", "tagging", "attributes",
	"policy", "policyStatus", "lifecycle", "website", "logging", "replication", "encryption", "inventory",
	"metrics", "analytics", "intelligent-tiering", "accelerate", "requestPayment", "notification",
	"object-lock", "ownershipControls", "publicAccessBlock", "retention", "legal-hold", "restore", "select",
	"torrent", "renameObject",
}

func (c *call) sub() string {
	for _, s := range subresources {
		if _, ok := c.q[s]; ok {
			return s
		}
	}
	return ""
}

// route picks the operation for the request.
func (c *call) route() (op, error) {
	lv := service
	switch {
	case c.req.Key != "":
		lv = objectLevel
	case c.req.Bucket != "":
		lv = bucketLevel
	}
	sub := c.sub()
	known := false
	for _, rt := range routes {
		if rt.level != lv || rt.sub != sub {
			continue
		}
		known = true
		if rt.method != c.r.Method || (rt.header != "" && c.r.Header.Get(rt.header) == "") {
			continue
		}
		return rt.op, nil
	}
	if !known && sub != "" {
		return nil, errNotImplemented
	}
	return nil, errMethodNotAllowed
}

// --- access control ---

// bucket returns the addressed bucket's record.
func (c *call) bucket() (*core.Bucket, error) {
	return c.h.store.Bucket(c.r.Context(), c.req.Bucket)
}

// allowBucket checks perm on the bucket for the caller. With ACLs
// disabled (BucketOwnerEnforced) only the owner has any.
func (c *call) allowBucket(b *core.Bucket, perm string) error {
	if aclsDisabled(b) {
		return c.ownerOnly(b)
	}
	b, _ = ignoringPublicACLs(b, nil)
	if b.ACL.Allows(b.Owner, c.principal, perm) {
		return nil
	}
	return errAccessDenied
}

// ownerOnly admits the bucket owner only (bucket configuration).
func (c *call) ownerOnly(b *core.Bucket) error {
	if c.principal == "" || c.principal != b.Owner {
		return errAccessDenied
	}
	return nil
}

// allowObject checks perm on an object: its own ACL, or the bucket's when
// the object's ACL defers to it (objects other dialects made).
func (c *call) allowObject(b *core.Bucket, o *core.Object, perm string) error {
	if aclsDisabled(b) {
		return c.ownerOnly(b)
	}
	b, o = ignoringPublicACLs(b, o)
	if dialect.ObjectAllows(b, o, c.principal, perm) {
		return nil
	}
	return errAccessDenied
}

// requireSigned refuses anonymous callers.
func (c *call) requireSigned() error {
	if c.principal == "" {
		return errAccessDenied
	}
	return nil
}

// --- request helpers ---

// payload returns the request body as the signature allows it to be read
// (a checked SHA-256, a decoded aws-chunked stream) and its size (-1 when
// unknown).
func (c *call) payload() (io.Reader, int64, error) {
	secret := ""
	if c.account != nil {
		secret = c.account.SecretKey
	}
	return s3auth.Body(c.r, c.auth, secret)
}

// version reads the versionId selector ("" for the current version).
func (c *call) version() string { return c.q.Get("versionId") }

// --- response helpers ---

const xmlProlog = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// ns is the namespace of S3's XML documents.
const ns = "http://s3.amazonaws.com/doc/2006-03-01/"

func writeXML(w http.ResponseWriter, status int, v any) error {
	return httpx.WriteXML(w, status, xmlProlog, v)
}

func (c *call) empty(status int) error {
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(status)
	return nil
}

type xmlOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// owner renders an account id as an S3 owner.
func (h *Handler) owner(id string) xmlOwner {
	return xmlOwner{ID: id, DisplayName: h.displayName(id)}
}

func (h *Handler) displayName(id string) string {
	if h.dir != nil {
		if a, ok := h.dir.ByID(id); ok && a.DisplayName != "" {
			return a.DisplayName
		}
	}
	return id
}

func quote(etag string) string { return `"` + etag + `"` }
