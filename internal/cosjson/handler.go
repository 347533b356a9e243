// Package cosjson is Arca's COS JSON API v2 dialect (/files/v2/...): the
// older directory-and-file API of Tencent Cloud COS, as seed 002 documents
// it. It verifies the API's multi-use and once signatures, reads the
// parameters (JSON, multipart/form-data with filecontent, query string),
// calls the core and renders {"code","message","data"} responses.
//
// A JSON API path /files/v2/<appid>/<bucket_name>/<path> is the object
// <path> of the XML dialect's bucket <bucket_name>-<appid>, so files are
// shared with every other dialect:
//
//   - a directory is a real object whose key ends with '/' (created empty by
//     op=create); objects of other dialects make directories appear in
//     listings too (their common prefixes);
//   - biz_attr is kept in the object's Ext, and survives the XML side's
//     ACL changes and copies;
//   - authority is the object ACL: eInvalid is "default" (the bucket
//     decides), eWRPrivate private, eWPrivateRPublic public-read;
//   - custom_headers are the object's content headers and x-cos-meta-*
//     user metadata;
//   - sha is the SHA-1 of the content: computed while a JSON upload
//     streams, and for objects written by other dialects computed the first
//     time a stat or list needs it, then kept (core.ContentSHA1), so no
//     other upload pays for it;
//   - slice uploads are the core's multipart uploads: session is the upload
//     id, a slice at offset o is part o/slice_size+1.
//
// It imports core, httpx, iam, dialect and the shared wire packages, never
// the server or another dialect.
package cosjson

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/iam"
)

// Config configures the COS JSON dialect.
type Config struct {
	Store *core.Store
	Keys  iam.Keyring
	// AppID is the APPID of the account the keys belong to: JSON API paths
	// and signatures name it, and the XML dialect's buckets end with it.
	AppID string
	// Domain, if set, is the COS XML domain: files' source_url and
	// access_url are virtual-host URLs under it. Without it they are
	// path-style URLs on the host the request came to.
	Domain string
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Handler serves COS JSON API requests. It is safe for concurrent use.
type Handler struct {
	store  *core.Store
	keys   iam.Keyring
	appID  string
	domain string
	log    *slog.Logger
	now    func() time.Time
}

// New returns a COS JSON handler.
func New(cfg Config) *Handler {
	h := &Handler{store: cfg.Store, keys: cfg.Keys, appID: cfg.AppID, domain: strings.ToLower(cfg.Domain), log: cfg.Log, now: cfg.Now}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h
}

// call is one request in flight.
type call struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	req    *httpx.Request
	t      target
	p      *params
	sig    *Signature
	acct   *iam.Account
	bucket *core.Bucket
	op     string
}

func (c *call) ctx() context.Context { return c.r.Context() }

// ServeRequest implements server.Handler.
func (h *Handler) ServeRequest(w http.ResponseWriter, r *http.Request, req *httpx.Request) {
	c := &call{h: h, w: w, r: r, req: req}
	w.Header().Set("Server", "tencent-cos")
	if err := c.serve(); err != nil {
		c.writeError(err)
	}
	if r.Body != nil {
		dialect.Drain(r.Body)
	}
}

// Signature kinds an operation needs (签名算法, 哪些场景需要用到签名).
type sigKind int

const (
	multiUse sigKind = iota
	onceOnly
)

// opSpec is how an operation is authorised and sent.
type opSpec struct {
	kind sigKind
	// get: the operation may come as a GET (it changes nothing).
	get bool
}

var opSpecs = map[string]opSpec{
	"create":              {multiUse, false},
	"list":                {multiUse, true},
	"stat":                {multiUse, true},
	"upload":              {multiUse, false},
	"upload_slice_init":   {multiUse, false},
	"upload_slice_data":   {multiUse, false},
	"upload_slice_finish": {multiUse, false},
	"upload_slice_list":   {multiUse, true},
	"delete":              {onceOnly, false},
	"update":              {onceOnly, false},
	"move":                {onceOnly, false},
	"copy":                {onceOnly, false},
}

// serve runs the request: address, signature, parameters, the signature's
// fitness for the operation, then the operation.
func (c *call) serve() error {
	if len(c.r.RequestURI) > maxURLLen || len(c.r.URL.RawQuery)+len(c.r.URL.EscapedPath()) > maxURLLen {
		return errInvalidPath
	}
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodPost {
		return errReqMethod
	}
	var err error
	if c.t, err = parseTarget(c.r.URL.Path); err != nil {
		return err
	}
	if err := c.authenticate(); err != nil {
		return err
	}
	if c.p, err = readParams(c.r); err != nil {
		return err
	}
	c.op = strings.TrimSpace(c.p.value("op"))
	if c.op == "" && c.p.form != nil && c.p.form.file != nil {
		// op comes after the file: hold the file (at most a simple
		// upload's size) and read on.
		if err := c.p.spool(maxSimple); err != nil {
			return uploadErr(err)
		}
		c.op = strings.TrimSpace(c.p.value("op"))
	}
	if c.op == "" {
		return errMissingOp
	}
	spec, ok := opSpecs[c.op]
	if !ok {
		return errUnsupportedOp
	}
	if c.r.Method == http.MethodGet && !spec.get {
		return errReqMethod
	}
	if err := c.authorize(spec.kind); err != nil {
		return err
	}
	b, err := c.h.store.Bucket(c.ctx(), c.t.Bucket)
	if err != nil {
		return err
	}
	if b.Owner != c.acct.ID {
		return errAppIDSecretID
	}
	c.bucket = b
	return c.run()
}

// run dispatches on op and on whether the path is a directory.
func (c *call) run() error {
	dir := c.t.IsDir()
	switch c.op {
	case "create":
		return c.createDir()
	case "list":
		return c.list()
	case "stat":
		if dir {
			return c.statDir()
		}
		return c.statFile()
	case "delete":
		if dir {
			return c.deleteDir()
		}
		return c.deleteFile()
	case "update":
		if dir {
			return c.updateDir()
		}
		return c.updateFile()
	}
	// The rest act on files.
	if c.t.Path == "" {
		return errPathEmpty
	}
	if dir {
		return errFileSurplusSlash
	}
	switch c.op {
	case "upload":
		return c.upload()
	case "upload_slice_init":
		return c.sliceInit()
	case "upload_slice_data":
		return c.sliceData()
	case "upload_slice_finish":
		return c.sliceFinish()
	case "upload_slice_list":
		return c.sliceList()
	case "move":
		return c.moveOrCopy(true)
	case "copy":
		return c.moveOrCopy(false)
	}
	return errUnsupportedOp
}

// authenticate verifies the signature in Authorization and that it was
// made for this appid and bucket.
func (c *call) authenticate() error {
	auth := c.r.Header.Get("Authorization")
	if strings.TrimSpace(auth) == "" {
		return errSignEmpty
	}
	sig, err := ParseSignature(auth)
	if err != nil {
		return err
	}
	acct, ok := c.h.keys.Lookup(sig.SecretID)
	if !ok {
		return errSecretIDNotExist
	}
	if !sig.Verify(acct.SecretKey) {
		return errAuthFailed
	}
	if sig.AppID != c.t.AppID {
		return errAppIDNotMatch
	}
	if sig.AppID != c.h.appID {
		return errAppIDSecretID
	}
	if sig.Bucket != c.t.BucketName {
		return errBucketNotMatch
	}
	c.sig, c.acct = sig, acct
	return nil
}

// authorize checks that the signature is of the kind the operation needs,
// and spends a once signature.
func (c *call) authorize(kind sigKind) error {
	s := c.sig
	if kind == onceOnly {
		if !s.Once() {
			return errOnceExpiredSet
		}
		if s.FileID == "" {
			return errOnceNoFileID
		}
		want := c.t.fileID()
		bound := false
		for _, f := range s.fileIDs() {
			bound = bound || f == want || f+"/" == want
		}
		if !bound {
			return errFileIDNotMatch
		}
		// The claim is durable before the operation runs: a replay is
		// refused even after a crash or restart.
		first, err := c.h.store.ClaimOnce(c.ctx(), "cosjson/"+hex.EncodeToString(s.MAC), time.Time{})
		if err != nil {
			return err
		}
		if !first {
			return errReplay
		}
		return nil
	}
	if s.Once() {
		return errMultiExpiredEmpty
	}
	if s.Expire < c.h.now().Unix() {
		return errAuthExpired
	}
	if s.Expire-s.Time > MaxMultiTTL {
		return errAuthFailed
	}
	if s.FileID != "" {
		bound := false
		for _, f := range s.fileIDs() {
			bound = bound || strings.HasPrefix(c.t.fileID(), f)
		}
		if !bound {
			return errFileIDNotMatch
		}
	}
	return nil
}

// --- responses ---

type response struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (c *call) writeJSON(status int, v response) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.WriteHeader(status)
	_, err := c.w.Write(buf.Bytes())
	return err
}

// ok writes a success; data nil leaves "data" out (operations whose
// response the seed gives as code and message only).
func (c *call) ok(data any) error {
	return c.writeJSON(http.StatusOK, response{Code: 0, Message: "SUCCESS", Data: data})
}

func (c *call) writeError(err error) {
	e, known := toError(err)
	if !known {
		c.h.log.Error("internal error", "id", c.req.ID, "op", c.op, "err", err)
	}
	c.writeJSON(e.Status, response{Code: e.Code, Message: e.Name})
}

// fileURLs are the addresses the seed returns for a file.
type fileURLs struct {
	AccessURL    string `json:"access_url"`
	ResourcePath string `json:"resource_path"`
	SourceURL    string `json:"source_url"`
	URL          string `json:"url"`
}

// urls returns the addresses of key: source_url (and access_url: Arca has
// no CDN) reach it through the XML dialect, url through this API.
func (c *call) urls(key string) fileURLs {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return fileURLs{
		AccessURL:    c.sourceURL(key),
		ResourcePath: "/" + c.t.AppID + "/" + c.t.BucketName + "/" + key,
		SourceURL:    c.sourceURL(key),
		URL:          scheme + "://" + c.r.Host + prefix + c.t.AppID + "/" + c.t.BucketName + "/" + dialect.EscapePath(key),
	}
}

func (c *call) sourceURL(key string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	if c.h.domain != "" {
		port := ""
		if _, p, err := net.SplitHostPort(c.r.Host); err == nil {
			port = ":" + p
		}
		return scheme + "://" + c.t.Bucket + "." + c.h.domain + port + "/" + dialect.EscapePath(key)
	}
	return scheme + "://" + c.r.Host + "/" + c.t.Bucket + "/" + dialect.EscapePath(key)
}
