// Package cos is Arca's Tencent Cloud COS XML API dialect: it parses COS
// requests, verifies COS signatures (cosauth), checks ACLs, calls the core
// and renders COS's headers, XML bodies and errors. It holds no storage
// logic.
//
// It imports core, cosauth, httpx, iam and the shared wire packages, never
// the server or another dialect.
package cos

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/cos/cosauth"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/iam"
)

// Limits COS documents (cloud.tencent.com/document/product/436/14518).
const (
	maxKeyLen      = 850
	maxUserMeta    = 2 << 10
	maxPutSize     = 5 << 30
	maxPartSize    = 5 << 30
	minPartSize    = 1 << 20
	maxAppendSize  = 5 << 30
	maxDeleteKeys  = 1000
	maxXMLBody     = 4 << 20
	maxListKeys    = 1000
	clockTolerance = 15 * time.Minute
)

// Config configures the COS dialect.
type Config struct {
	Store *core.Store
	Keys  iam.Keyring
	// AppID is the APPID bucket names end with (<name>-<appid>).
	AppID string
	// Region is reported as every bucket's region.
	Region string
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Handler serves COS XML API requests.
type Handler struct {
	store  *core.Store
	keys   iam.Keyring
	appID  string
	region string
	log    *slog.Logger
	now    func() time.Time
}

// New returns a COS handler.
func New(cfg Config) *Handler {
	h := &Handler{store: cfg.Store, keys: cfg.Keys, appID: cfg.AppID, region: cfg.Region, log: cfg.Log, now: cfg.Now}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.region == "" {
		h.region = "ap-guangzhou"
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
	account   *iam.Account
}

func (c *call) requestID() string {
	id := c.req.ID
	// COS request ids are base64 of <hex seconds>_<hex>_<hex>_<hex>. All 32
	// hex digits are kept: the last ones are the per-request counter.
	s := id[0:8] + "_" + id[8:16] + "_" + id[16:20] + "_" + id[20:]
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// ServeRequest implements server.Handler.
func (h *Handler) ServeRequest(w http.ResponseWriter, r *http.Request, req *httpx.Request) {
	c := &call{h: h, w: w, r: r, req: req}
	w.Header().Set("Server", "tencent-cos")
	w.Header().Set("x-cos-request-id", c.requestID())
	c.q = httpx.ParseQuery(r.URL.RawQuery)
	c.corsHeaders()
	if r.Method == http.MethodOptions && c.req.Bucket != "" {
		if err := c.options(); err != nil {
			c.writeError(err)
		}
		return
	}
	if err := c.authenticate(); err != nil {
		c.writeError(err)
		return
	}
	op := c.route()
	if op == nil {
		c.writeError(errMethodNotAllowed)
		return
	}
	if err := op(c); err != nil {
		c.writeError(err)
	}
}

// authenticate verifies the request's COS signature, if it has one.
func (c *call) authenticate() error {
	a, err := cosauth.FromRequest(c.r)
	if err != nil {
		return err
	}
	if a == nil {
		return nil
	}
	acct, ok := c.h.keys.Lookup(a.AccessKey)
	if !ok {
		return cosauth.ErrInvalidAccessKeyID
	}
	now := c.h.now()
	// Tolerate a client clock running ahead of ours by up to 15 minutes, as
	// COS tolerates skew: SDKs start the window at their own "now".
	if start := time.Unix(a.SignStart, 0); now.Before(start) && start.Sub(now) <= clockTolerance {
		now = start
	}
	if err := a.Verify(c.r, acct.SecretKey, now); err != nil {
		return err
	}
	c.principal, c.account = acct.ID, acct
	return nil
}

type op func(c *call) error

// subresources COS routes on, in the order they are looked for.
var subresources = []string{"uploadId", "uploads", "acl", "versioning", "versions", "delete", "append", "cors", "tagging", "location", "policy", "lifecycle", "website", "referer", "logging", "replication", "encryption", "inventory", "domain", "accelerate", "intelligenttiering", "object-lock", "origin", "notification", "restore", "select", "symlink", "retention"}

func (c *call) sub() string {
	for _, s := range subresources {
		if _, ok := c.q[s]; ok {
			return s
		}
	}
	return ""
}

// route picks the operation for the request: (level, method, subresource).
func (c *call) route() op {
	m := c.r.Method
	if c.req.Bucket == "" {
		if m == http.MethodGet && c.sub() == "" {
			return (*call).listBuckets
		}
		return nil
	}
	sub := c.sub()
	if c.req.Key == "" {
		switch sub {
		case "":
			switch m {
			case http.MethodPut:
				return (*call).createBucket
			case http.MethodHead:
				return (*call).headBucket
			case http.MethodDelete:
				return (*call).deleteBucket
			case http.MethodGet:
				return (*call).listObjects
			case http.MethodPost:
				return (*call).postObject
			}
		case "versioning":
			switch m {
			case http.MethodPut:
				return (*call).putVersioning
			case http.MethodGet:
				return (*call).getVersioning
			}
		case "versions":
			if m == http.MethodGet {
				return (*call).listVersions
			}
		case "acl":
			switch m {
			case http.MethodPut:
				return (*call).putBucketACL
			case http.MethodGet:
				return (*call).getBucketACL
			}
		case "uploads":
			if m == http.MethodGet {
				return (*call).listUploads
			}
		case "delete":
			if m == http.MethodPost {
				return (*call).deleteObjects
			}
		case "location":
			if m == http.MethodGet {
				return (*call).getLocation
			}
		case "cors":
			switch m {
			case http.MethodPut:
				return (*call).putCORS
			case http.MethodGet:
				return (*call).getCORS
			case http.MethodDelete:
				return (*call).deleteCORS
			}
		default:
			return (*call).notImplemented
		}
		return nil
	}
	switch sub {
	case "":
		switch m {
		case http.MethodPut:
			if c.r.Header.Get("x-cos-copy-source") != "" {
				return (*call).copyObject
			}
			return (*call).putObject
		case http.MethodGet, http.MethodHead:
			return (*call).getObject
		case http.MethodDelete:
			return (*call).deleteObject
		}
	case "uploadId":
		switch m {
		case http.MethodPut:
			if c.r.Header.Get("x-cos-copy-source") != "" {
				return (*call).notImplemented
			}
			return (*call).uploadPart
		case http.MethodGet:
			return (*call).listParts
		case http.MethodPost:
			return (*call).completeUpload
		case http.MethodDelete:
			return (*call).abortUpload
		}
	case "uploads":
		if m == http.MethodPost {
			return (*call).initiateUpload
		}
	case "acl":
		switch m {
		case http.MethodPut:
			return (*call).putObjectACL
		case http.MethodGet:
			return (*call).getObjectACL
		}
	case "append":
		if m == http.MethodPost {
			return (*call).appendObject
		}
	default:
		return (*call).notImplemented
	}
	return nil
}

func (c *call) notImplemented() error {
	return errNotImplemented
}

// --- access control ---

// bucket returns the addressed bucket's record.
func (c *call) bucket() (*core.Bucket, error) {
	b, err := c.h.store.Bucket(c.r.Context(), c.req.Bucket)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// allowBucket checks perm on the bucket for the caller.
func (c *call) allowBucket(b *core.Bucket, perm string) error {
	if b.ACL.Allows(b.Owner, c.principal, perm) {
		return nil
	}
	return errAccessDenied
}

// allowObject checks perm on an object: its own ACL, or the bucket's when
// the object's ACL is "default".
func (c *call) allowObject(b *core.Bucket, o *core.Object, perm string) error {
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

// --- response helpers ---

const xmlProlog = `<?xml version='1.0' encoding='utf-8' ?>` + "\n"

func writeXML(w http.ResponseWriter, status int, v any) error {
	return httpx.WriteXML(w, status, xmlProlog, v)
}

func (c *call) empty(status int) error {
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(status)
	return nil
}

// uinID renders an account id as a COS CAM principal.
func uinID(id string) string {
	if strings.HasPrefix(id, "qcs::") {
		return id
	}
	return fmt.Sprintf("qcs::cam::uin/%s:uin/%s", id, id)
}

// parseUIN extracts the account id from the forms COS accepts in grants:
// 100000000001, 100000000001/100000000011, qcs::cam::uin/A:uin/B.
func parseUIN(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "qcs::cam::uin/"); ok {
		if i := strings.Index(rest, ":uin/"); i >= 0 {
			return rest[i+len(":uin/"):]
		}
		return rest
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}
