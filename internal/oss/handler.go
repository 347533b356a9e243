// Package oss is Arca's Alibaba Cloud OSS dialect: it parses OSS REST
// requests, verifies OSS signatures (ossauth), checks ACLs, calls the core
// and renders OSS's headers, XML bodies and errors, so that applications
// written with aliyun-oss-go-sdk or alibabacloud-oss-go-sdk-v2 run against
// Arca unchanged. It holds no storage logic: every object, version, upload
// and bucket record is the core's, shared with the other dialects.
//
// What OSS-specific state there is lives in the core's neutral slots: CORS
// rules in the bucket's Configs under "cors" (the wire/cors model COS uses
// too), a bucket's WORM retention policy under "oss-worm", a symlink's
// target in its object's Ext["symlink-target"].
//
// It imports core, ossauth, httpx, iam, dialect, checksum and the shared
// wire packages, never the server or another dialect.
package oss

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/oss/ossauth"
)

// Limits OSS documents (docs/oss-api.md §7).
const (
	maxKeyLen      = 1023
	maxUserMeta    = 8 << 10
	maxPutSize     = 5 << 30
	maxPartSize    = 5 << 30
	minPartSize    = 100 << 10
	maxAppendSize  = 5 << 30
	maxDeleteKeys  = 1000
	maxXMLBody     = 2 << 20
	maxListKeys    = 1000
	defaultMaxKeys = 100
	maxCORSRules   = 10
	maxTags        = 10
)

// Config configures the OSS dialect.
type Config struct {
	Store *core.Store
	Keys  iam.Keyring
	// Region is reported as every bucket's region (default cn-hangzhou):
	// Arca is one region. V4 signatures are accepted for any region.
	Region string
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Handler serves OSS requests. It is safe for concurrent use.
type Handler struct {
	store  *core.Store
	keys   iam.Keyring
	region string
	log    *slog.Logger
	now    func() time.Time
}

// New returns an OSS handler.
func New(cfg Config) *Handler {
	h := &Handler{store: cfg.Store, keys: cfg.Keys, region: cfg.Region, log: cfg.Log, now: cfg.Now}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.region == "" {
		h.region = "cn-hangzhou"
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
	principal string // account id, "" when anonymous
}

// requestID renders the request id as OSS does: 24 uppercase hex digits
// (arrival seconds, then the per-process counter).
func (c *call) requestID() string {
	return strings.ToUpper(c.req.ID[0:8] + c.req.ID[16:32])
}

// ServeRequest implements server.Handler.
func (h *Handler) ServeRequest(w http.ResponseWriter, r *http.Request, req *httpx.Request) {
	c := &call{h: h, w: w, r: r, req: req}
	w.Header().Set("Server", "AliyunOSS")
	w.Header().Set("x-oss-request-id", c.requestID())
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		c.writeError(errorf("InvalidArgument", 400, "The query string is not valid: %v", err))
		return
	}
	c.q = q
	c.corsHeaders()
	if r.Method == http.MethodOptions && req.Bucket != "" {
		if err := c.options(); err != nil {
			c.writeError(err)
		}
		return
	}
	rt, err := c.route()
	if err != nil {
		c.writeError(err)
		return
	}
	// PostObject is signed in its form; OSS ignores a signature in its
	// header or URL.
	if !rt.formAuth {
		if err := c.authenticate(); err != nil {
			c.writeError(err)
			return
		}
	}
	if err := rt.op(c); err != nil {
		c.writeError(err)
	}
}

// authenticate verifies the request's OSS signature, if it has one.
func (c *call) authenticate() error {
	a, err := ossauth.FromRequest(c.r, c.req.Bucket, c.req.Key)
	if err != nil || a == nil {
		return err
	}
	acct, ok := c.h.keys.Lookup(a.AccessKey)
	if !ok {
		return ossauth.ErrInvalidAccessKeyID
	}
	if err := a.Verify(c.r, acct.SecretKey, c.h.now()); err != nil {
		return err
	}
	if err := checkToken(acct, a.SecurityToken); err != nil {
		return err
	}
	c.principal = acct.ID
	return nil
}

// checkToken checks the STS token a request carries (signed with it, so
// already known to be the one the client sent) against the account's:
// temporary credentials need theirs, permanent ones take none.
func checkToken(acct *iam.Account, token string) error {
	switch {
	case acct.SessionToken == "" && token == "":
		return nil
	case acct.SessionToken == "":
		return errSecurityToken
	case token == "":
		return errSecurityTokenMissing
	case subtle.ConstantTimeCompare([]byte(token), []byte(acct.SessionToken)) != 1:
		return errSecurityToken
	}
	return nil
}

// --- routing ---

type op func(c *call) error

type level uint8

const (
	service level = iota
	bucketLevel
	objectLevel
)

// route is one row of the routing table: the operation a (level, method,
// sub-resource) names.
type route struct {
	level  level
	method string
	sub    string // the sub-resource parameter that selects it, "" for none
	name   string
	op     op
	// formAuth: the operation is signed in its form, not its header/URL.
	formAuth bool
}

// routes lists every operation Arca's OSS dialect serves.
var routes = []route{
	{level: service, method: "GET", name: "ListBuckets", op: (*call).listBuckets},

	{level: bucketLevel, method: "PUT", name: "PutBucket", op: (*call).putBucket},
	{level: bucketLevel, method: "DELETE", name: "DeleteBucket", op: (*call).deleteBucket},
	{level: bucketLevel, method: "HEAD", name: "HeadBucket", op: (*call).headBucket},
	{level: bucketLevel, method: "GET", name: "ListObjects", op: (*call).listObjects},
	{level: bucketLevel, method: "POST", name: "PostObject", op: (*call).postObject, formAuth: true},
	{level: bucketLevel, method: "GET", sub: "bucketInfo", name: "GetBucketInfo", op: (*call).getBucketInfo},
	{level: bucketLevel, method: "GET", sub: "location", name: "GetBucketLocation", op: (*call).getLocation},
	{level: bucketLevel, method: "PUT", sub: "acl", name: "PutBucketAcl", op: (*call).putBucketACL},
	{level: bucketLevel, method: "GET", sub: "acl", name: "GetBucketAcl", op: (*call).getBucketACL},
	{level: bucketLevel, method: "PUT", sub: "versioning", name: "PutBucketVersioning", op: (*call).putVersioning},
	{level: bucketLevel, method: "GET", sub: "versioning", name: "GetBucketVersioning", op: (*call).getVersioning},
	{level: bucketLevel, method: "GET", sub: "versions", name: "ListObjectVersions", op: (*call).listVersions},
	{level: bucketLevel, method: "PUT", sub: "cors", name: "PutBucketCors", op: (*call).putCORS},
	{level: bucketLevel, method: "GET", sub: "cors", name: "GetBucketCors", op: (*call).getCORS},
	{level: bucketLevel, method: "DELETE", sub: "cors", name: "DeleteBucketCors", op: (*call).deleteCORS},
	{level: bucketLevel, method: "GET", sub: "uploads", name: "ListMultipartUploads", op: (*call).listUploads},
	{level: bucketLevel, method: "POST", sub: "delete", name: "DeleteMultipleObjects", op: (*call).deleteObjects},
	{level: bucketLevel, method: "POST", sub: "worm", name: "InitiateBucketWorm", op: (*call).initiateWorm},
	{level: bucketLevel, method: "GET", sub: "worm", name: "GetBucketWorm", op: (*call).getWorm},
	{level: bucketLevel, method: "DELETE", sub: "worm", name: "AbortBucketWorm", op: (*call).abortWorm},
	{level: bucketLevel, method: "POST", sub: "wormId", name: "CompleteBucketWorm", op: (*call).completeWorm},
	{level: bucketLevel, method: "POST", sub: "wormExtend", name: "ExtendBucketWorm", op: (*call).extendWorm},

	{level: objectLevel, method: "PUT", name: "PutObject", op: (*call).putOrCopyObject},
	{level: objectLevel, method: "GET", name: "GetObject", op: (*call).getObject},
	{level: objectLevel, method: "HEAD", name: "HeadObject", op: (*call).getObject},
	{level: objectLevel, method: "DELETE", name: "DeleteObject", op: (*call).deleteObject},
	{level: objectLevel, method: "HEAD", sub: "objectMeta", name: "GetObjectMeta", op: (*call).getObjectMeta},
	{level: objectLevel, method: "GET", sub: "objectMeta", name: "GetObjectMeta", op: (*call).getObjectMeta},
	{level: objectLevel, method: "POST", sub: "append", name: "AppendObject", op: (*call).appendObject},
	{level: objectLevel, method: "PUT", sub: "acl", name: "PutObjectAcl", op: (*call).putObjectACL},
	{level: objectLevel, method: "GET", sub: "acl", name: "GetObjectAcl", op: (*call).getObjectACL},
	{level: objectLevel, method: "PUT", sub: "tagging", name: "PutObjectTagging", op: (*call).putTagging},
	{level: objectLevel, method: "GET", sub: "tagging", name: "GetObjectTagging", op: (*call).getTagging},
	{level: objectLevel, method: "DELETE", sub: "tagging", name: "DeleteObjectTagging", op: (*call).deleteTagging},
	{level: objectLevel, method: "PUT", sub: "symlink", name: "PutSymlink", op: (*call).putSymlink},
	{level: objectLevel, method: "GET", sub: "symlink", name: "GetSymlink", op: (*call).getSymlink},
	{level: objectLevel, method: "POST", sub: "uploads", name: "InitiateMultipartUpload", op: (*call).initiateUpload},
	{level: objectLevel, method: "PUT", sub: "uploadId", name: "UploadPart", op: (*call).uploadPart},
	{level: objectLevel, method: "GET", sub: "uploadId", name: "ListParts", op: (*call).listParts},
	{level: objectLevel, method: "POST", sub: "uploadId", name: "CompleteMultipartUpload", op: (*call).completeUpload},
	{level: objectLevel, method: "DELETE", sub: "uploadId", name: "AbortMultipartUpload", op: (*call).abortUpload},
}

// The sub-resources each level routes on, in the order they are looked
// for: a request is dispatched on the set of its parameters, never on
// their order (alibabacloud-oss-go-sdk-v2 sends them in random order).
var (
	bucketSubs = []string{"acl", "bucketInfo", "location", "versioning", "versions", "cors", "uploads", "delete", "wormExtend", "wormId", "worm"}
	objectSubs = []string{"uploadId", "uploads", "append", "acl", "tagging", "symlink", "objectMeta"}
	// Sub-resources of OSS features Arca does not have: NotImplemented
	// rather than a misrouted plain GET or PUT.
	unsupportedSubs = []string{"lifecycle", "logging", "website", "referer", "policy", "tagging", "encryption",
		"stat", "restore", "x-oss-process", "qos", "qosInfo", "inventory", "replication", "replicationProgress",
		"replicationLocation", "requestPayment", "transferAcceleration", "cname", "live", "asyncFetch", "metaQuery",
		"accessMonitor", "resourceGroup", "style", "policyStatus", "publicAccessBlock", "overwriteConfig",
		"archiveDirectRead", "httpsConfig", "objectWormConfiguration", "selectObject", "x-oss-async-process",
		"regionList", "cloudboxes", "comp", "img", "vod"}
)

// route picks the operation for the request.
func (c *call) route() (route, error) {
	lv, subs := service, []string(nil)
	switch {
	case c.req.Key != "":
		lv, subs = objectLevel, objectSubs
	case c.req.Bucket != "":
		lv, subs = bucketLevel, bucketSubs
	}
	sub := ""
	for _, s := range subs {
		if c.q.Has(s) {
			sub = s
			break
		}
	}
	if sub == "" {
		for _, s := range unsupportedSubs {
			if c.q.Has(s) {
				return route{}, errNotImplemented
			}
		}
	}
	for _, rt := range routes {
		if rt.level == lv && rt.sub == sub && rt.method == c.r.Method {
			return rt, nil
		}
	}
	return route{}, errMethodNotAllowed
}

// --- access control ---

// bucket returns the addressed bucket's record.
func (c *call) bucket() (*core.Bucket, error) {
	return c.h.store.Bucket(c.r.Context(), c.req.Bucket)
}

// allowBucket checks perm on the bucket for the caller.
func (c *call) allowBucket(b *core.Bucket, perm string) error {
	if b.ACL.Allows(b.Owner, c.principal, perm) {
		return nil
	}
	return errAccessDenied
}

// allowObject checks perm on an object (its own ACL, or the bucket's when
// the object's ACL is "default").
func (c *call) allowObject(b *core.Bucket, o *core.Object, perm string) error {
	if dialect.ObjectAllows(b, o, c.principal, perm) {
		return nil
	}
	return errAccessDenied
}

// requireOwner admits only the bucket's owner (bucket configuration).
func (c *call) requireOwner(b *core.Bucket) error {
	if c.principal == "" || c.principal != b.Owner {
		return errOwnerOnly
	}
	return nil
}

// --- response helpers ---

func (c *call) writeXML(status int, v any) error {
	return httpx.WriteXML(c.w, status, xmlProlog, v)
}

func (c *call) empty(status int) error {
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(status)
	return nil
}

// readBody reads a small request body (XML documents), at most max bytes,
// and checks it against Content-MD5.
func (c *call) readBody(max int64) ([]byte, error) {
	b, ok, err := httpx.ReadLimited(c.r.Body, max)
	if err != nil {
		return nil, core.ErrBodyRead
	}
	if !ok {
		return nil, errMalformedXML
	}
	if err := dialect.CheckContentMD5(c.r.Header.Get("Content-MD5"), b); err != nil {
		return nil, err
	}
	return b, nil
}

// readXML reads an XML body into v.
func (c *call) readXML(v any) error {
	body, err := c.readBody(maxXMLBody)
	if err != nil {
		return err
	}
	return unmarshalBody(body, v)
}

// unmarshalBody parses a required XML body.
func unmarshalBody(body []byte, v any) error {
	if len(body) == 0 {
		return &Error{"MissingArgument", 400, "Missing Some Required Arguments: the request needs an XML body.", "0016-00000502", nil}
	}
	return dialect.UnmarshalXML(body, v)
}

// owner is the <Owner> element of listings and ACLs: OSS shows the
// account id as both ID and DisplayName.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

func ownerOf(id string) owner { return owner{ID: id, DisplayName: id} }
