package cos

import (
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/checksum"
	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/wire/conditional"
	"github.com/arcastore/arca/internal/wire/httprange"
	"github.com/arcastore/arca/internal/wire/throttle"
)

// --- request parsing helpers ---

// checkKey applies COS's key rules on top of core's.
func checkKey(key string) error {
	if len(key) > maxKeyLen {
		return errKeyTooLong
	}
	return core.CheckKey(key)
}

const metaPrefix = "x-cos-meta-"

// objectMeta reads the content headers and x-cos-meta-* user metadata.
func objectMeta(h http.Header) (core.Meta, error) {
	m, size := dialect.Meta(h, metaPrefix)
	if size > maxUserMeta {
		return m, core.ErrMetadataTooLarge
	}
	return m, nil
}

var storageClasses = map[string]bool{
	"STANDARD": true, "STANDARD_IA": true, "INTELLIGENT_TIERING": true, "ARCHIVE": true, "DEEP_ARCHIVE": true,
	"MAZ_STANDARD": true, "MAZ_STANDARD_IA": true, "MAZ_INTELLIGENT_TIERING": true, "MAZ_ARCHIVE": true,
}

// storageClass validates x-cos-storage-class; "" means STANDARD.
func storageClass(h http.Header) (string, error) {
	v := strings.ToUpper(strings.TrimSpace(h.Get("x-cos-storage-class")))
	if v == "" {
		return "", nil
	}
	if !storageClasses[v] {
		return "", errorf("InvalidArgument", 400, "The storage class %q is not valid.", h.Get("x-cos-storage-class"))
	}
	if v == "STANDARD" {
		return "", nil
	}
	return v, nil
}

// requireLength insists on Content-Length or chunked encoding for uploads.
func (c *call) requireLength() error {
	if !dialect.HasLength(c.r) {
		return errMissingLength
	}
	return nil
}

func (c *call) body(max int64) (core.Body, error) {
	if err := c.requireLength(); err != nil {
		return core.Body{}, err
	}
	sum, err := dialect.ParseContentMD5(c.r.Header.Get("Content-MD5"))
	if err != nil {
		return core.Body{}, err
	}
	size := c.r.ContentLength
	if size > max {
		return core.Body{}, errEntityTooLarge
	}
	var r io.Reader = c.r.Body
	if v := c.r.Header.Get("x-cos-traffic-limit"); v != "" {
		bps, err := trafficLimit(v)
		if err != nil {
			return core.Body{}, err
		}
		r = throttle.Reader(c.r.Context(), r, bps)
	}
	return core.Body{R: r, Size: size, MD5: sum, Max: max}, nil
}

// version reads the version selector ("versionId", or "VersionId" as the Go
// SDK spells it for DELETE).
func (c *call) version() string {
	if v, ok := c.q["versionId"]; ok {
		return v[0]
	}
	if v, ok := c.q["VersionId"]; ok {
		return v[0]
	}
	return ""
}

// setVersionHeader adds x-cos-version-id for buckets that have versioning.
func (c *call) setVersionHeader(b *core.Bucket, o *core.Object) {
	if b.Versioning == core.VersioningOff {
		return
	}
	c.w.Header().Set("x-cos-version-id", dialect.VersionID(b, o))
}

// --- PUT Object ---

func (c *call) putObject() error {
	if err := checkKey(c.req.Key); err != nil {
		return err
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	in, err := c.putInput(b)
	if err != nil {
		return err
	}
	if in.Body, err = c.body(maxPutSize); err != nil {
		return err
	}
	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return err
	}
	c.w.Header().Set("ETag", quote(o.ETag))
	c.w.Header().Set("x-cos-hash-crc64ecma", checksum.FormatCRC64(o.CRC64))
	if b.Versioning == core.VersioningEnabled {
		c.w.Header().Set("x-cos-version-id", o.VersionID)
	}
	sseHeaders(c.w.Header(), o.SSE)
	return c.empty(200)
}

// putInput reads what PUT Object, Initiate Multipart Upload and APPEND share:
// metadata, storage class and ACL.
func (c *call) putInput(b *core.Bucket) (core.PutInput, error) {
	meta, err := objectMeta(c.r.Header)
	if err != nil {
		return core.PutInput{}, err
	}
	sc, err := storageClass(c.r.Header)
	if err != nil {
		return core.PutInput{}, err
	}
	acl, _, err := aclFromHeaders(c.r.Header, b.Owner, true)
	if err != nil {
		return core.PutInput{}, err
	}
	sse, err := sseRequest(c.r.Header.Get)
	if err != nil {
		return core.PutInput{}, err
	}
	owner := c.principal
	if owner == "" {
		owner = b.Owner
	}
	return core.PutInput{Bucket: b.Name, Key: c.req.Key, Meta: meta, StorageClass: sc, ACL: acl, Owner: owner, SSE: sse}, nil
}

// --- GET / HEAD Object ---

var errNotModified = errors.New("not modified")

// responseOverrides are the response-* query parameters GET Object honours.
var responseOverrides = []struct{ param, header string }{
	{"response-content-type", "Content-Type"},
	{"response-content-language", "Content-Language"},
	{"response-expires", "Expires"},
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
}

func (c *call) getObject() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	head := c.r.Method == http.MethodHead
	for _, ro := range responseOverrides {
		if _, ok := c.q[ro.param]; ok && c.principal == "" && !head {
			return errorf("AccessDenied", 403, "response-* parameters need a signed request.")
		}
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	cond := conditional.Read(c.r.Header.Get, "")
	var rng httprange.Range
	partial := false
	o, rd, err := c.h.store.OpenObjectKey(c.r.Context(), b.Name, c.req.Key, c.version(), ck, func(o *core.Object) (int64, int64, error) {
		if err := c.allowObject(b, o, core.PermRead); err != nil {
			return 0, 0, err
		}
		switch conditional.Evaluate(cond, o.ETag, o.Modified) {
		case conditional.NotModified:
			return 0, 0, errNotModified
		case conditional.PreconditionFailed:
			return 0, 0, errPreconditionFailed
		}
		if head {
			return 0, 0, nil
		}
		if h := c.r.Header.Get("Range"); h != "" {
			r, ok, err := httprange.Parse(h, o.Size)
			if err != nil {
				c.w.Header().Set("Content-Range", httprange.UnsatisfiedContentRange(o.Size))
				return 0, 0, errInvalidRange
			}
			if ok {
				rng, partial = r, true
				return r.Start, r.Length, nil
			}
		}
		return 0, o.Size, nil
	})
	if err != nil {
		switch {
		case errors.Is(err, errNotModified):
			c.objectHeaders(b, o)
			c.w.Header().Del("Content-Length")
			c.w.WriteHeader(http.StatusNotModified)
			return nil
		case errors.Is(err, core.ErrNoSuchKey):
			if aerr := c.allowBucket(b, core.PermRead); aerr != nil {
				return aerr
			}
			if o != nil && o.DeleteMarker {
				c.w.Header().Set("x-cos-delete-marker", "true")
				c.setVersionHeader(b, o)
			}
		case errors.Is(err, core.ErrMethodNotAllowed):
			// COS answers 404 for a version that is a delete marker.
			c.w.Header().Set("x-cos-delete-marker", "true")
			return errNoSuchKey
		}
		return err
	}
	defer rd.Close()
	c.objectHeaders(b, o)
	h := c.w.Header()
	for _, ro := range responseOverrides {
		if v, ok := c.q[ro.param]; ok {
			h.Set(ro.header, v[0])
		}
	}
	if head {
		h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
		c.w.WriteHeader(http.StatusOK)
		return nil
	}
	status := http.StatusOK
	length := o.Size
	if partial {
		status, length = http.StatusPartialContent, rng.Length
		h.Set("Content-Range", rng.ContentRange(o.Size))
	}
	var out io.Writer = c.w
	if v := c.r.Header.Get("x-cos-traffic-limit"); v != "" {
		bps, err := trafficLimit(v)
		if err != nil {
			return err
		}
		out = throttle.Writer(c.r.Context(), c.w, bps)
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	c.w.WriteHeader(status)
	if _, err := io.Copy(out, rd); err != nil {
		// The status is sent; all that is left is to cut the connection so
		// the client sees a short body rather than a complete one.
		c.h.log.Debug("GET body copy", "id", c.req.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// objectHeaders sets the headers every object response carries.
func (c *call) objectHeaders(b *core.Bucket, o *core.Object) {
	h := c.w.Header()
	dialect.SetMetaHeaders(h, o.Meta, metaPrefix, "application/octet-stream")
	h.Set("ETag", quote(o.ETag))
	h.Set("Last-Modified", httpx.HTTPTime(o.Modified))
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-cos-hash-crc64ecma", checksum.FormatCRC64(o.CRC64))
	if sc := storageClassOf(o); sc != "STANDARD" {
		h.Set("x-cos-storage-class", sc)
	}
	if o.Appendable {
		h.Set("x-cos-object-type", "appendable")
	}
	c.setVersionHeader(b, o)
	sseHeaders(h, o.SSE)
}

// --- DELETE Object ---

func (c *call) deleteObject() error {
	if err := checkKey(c.req.Key); err != nil {
		return err
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	version := c.version()
	res, err := c.h.store.DeleteObject(c.r.Context(), b.Name, c.req.Key, version)
	if err != nil {
		return err
	}
	if res.DeleteMarker {
		c.w.Header().Set("x-cos-delete-marker", "true")
	}
	if version != "" {
		c.w.Header().Set("x-cos-version-id", version)
	} else if res.DeleteMarker {
		c.w.Header().Set("x-cos-version-id", markerID(b, res.VersionID))
	}
	return c.empty(http.StatusNoContent)
}

// --- PUT Object - Copy ---

// parseCopySource reads x-cos-copy-source: <bucket host>/<key>[?versionId=],
// <bucket>/<key>, or /<bucket>/<key>.
func parseCopySource(v string) (bucket, key, version string, err error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		u, perr := url.Parse(v)
		if perr != nil {
			return "", "", "", errorf("InvalidArgument", 400, "x-cos-copy-source is not valid")
		}
		v = u.Host + u.EscapedPath()
		if u.RawQuery != "" {
			v += "?" + u.RawQuery
		}
	}
	v = strings.TrimPrefix(v, "/")
	if i := strings.LastIndex(v, "?versionId="); i >= 0 {
		version, v = v[i+len("?versionId="):], v[:i]
		if uv, uerr := url.QueryUnescape(version); uerr == nil {
			version = uv
		}
	}
	host, rawKey, ok := strings.Cut(v, "/")
	if !ok || host == "" || rawKey == "" {
		return "", "", "", errorf("InvalidArgument", 400, "x-cos-copy-source must be <bucket host>/<key>")
	}
	if i := strings.IndexByte(host, '.'); i >= 0 {
		host = host[:i]
	}
	if host == "" {
		return "", "", "", errorf("InvalidArgument", 400, "x-cos-copy-source must be <bucket host>/<key>")
	}
	key, uerr := url.PathUnescape(rawKey)
	if uerr != nil {
		return "", "", "", errorf("InvalidArgument", 400, "x-cos-copy-source key is not valid")
	}
	return host, key, version, nil
}

type copyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	CRC64        string   `xml:"CRC64"`
	LastModified string   `xml:"LastModified"`
	VersionID    string   `xml:"VersionId,omitempty"`
}

func (c *call) copyObject() error {
	if err := checkKey(c.req.Key); err != nil {
		return err
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	srcBucket, srcKey, srcVersion, err := parseCopySource(c.r.Header.Get("x-cos-copy-source"))
	if err != nil {
		return err
	}
	sb, err := c.h.store.Bucket(c.r.Context(), srcBucket)
	if err != nil {
		return err
	}
	directive := strings.ToLower(c.r.Header.Get("x-cos-metadata-directive"))
	if directive != "" && directive != "copy" && directive != "replaced" {
		return errorf("InvalidArgument", 400, "x-cos-metadata-directive must be Copy or Replaced")
	}
	replace := directive == "replaced"
	sc, err := storageClass(c.r.Header)
	if err != nil {
		return err
	}
	if sc == "" {
		// COS: a copy is STANDARD unless the request names a class; it
		// does not inherit the source's.
		sc = "STANDARD"
	}
	if srcBucket == b.Name && srcKey == c.req.Key && !replace && c.r.Header.Get("x-cos-storage-class") == "" && srcVersion == "" {
		return core.ErrCopyToItself
	}
	acl, _, err := aclFromHeaders(c.r.Header, b.Owner, true)
	if err != nil {
		return err
	}
	srcKeyBytes, err := customerKey(c.r.Header.Get, copySourcePrefx)
	if err != nil {
		return err
	}
	sse, err := sseRequest(c.r.Header.Get)
	if err != nil {
		return err
	}
	in := core.CopyInput{
		SrcBucket: srcBucket, SrcKey: srcKey, SrcVersion: srcVersion,
		Bucket: b.Name, Key: c.req.Key, ReplaceMeta: replace, StorageClass: sc, ACL: acl,
		Owner: c.principal, Max: maxPutSize, SrcCustomerKey: srcKeyBytes, SSE: sse,
	}
	if in.Owner == "" {
		in.Owner = b.Owner
	}
	if replace {
		if in.Meta, err = objectMeta(c.r.Header); err != nil {
			return err
		}
	}
	cond := conditional.Read(c.r.Header.Get, "x-cos-copy-source-")
	in.Check = func(src *core.Object) error {
		if err := c.allowObject(sb, src, core.PermRead); err != nil {
			return err
		}
		if src.Appendable {
			return errorf("InvalidRequest", 400, "An appendable object cannot be copied.")
		}
		if conditional.EvaluateCopySource(cond, src.ETag, src.Modified) != conditional.Proceed {
			return errPreconditionFailed
		}
		return nil
	}
	dst, src, err := c.h.store.CopyObject(c.r.Context(), in)
	if err != nil {
		if errors.Is(err, core.ErrEntityTooLarge) {
			return errorf("EntityTooLarge", 400, "A source over 5 GB must be copied with Upload Part - Copy.")
		}
		return err
	}
	if srcVersion != "" {
		c.w.Header().Set("x-cos-copy-source-version-id", dialect.VersionID(sb, src))
	}
	res := copyObjectResult{
		ETag: quote(dst.ETag), CRC64: checksum.FormatCRC64(dst.CRC64),
		LastModified: dst.Modified.UTC().Format("2006-01-02T15:04:05Z"),
	}
	if b.Versioning == core.VersioningEnabled {
		res.VersionID = dst.VersionID
		c.w.Header().Set("x-cos-version-id", dst.VersionID)
	}
	c.w.Header().Set("x-cos-hash-crc64ecma", checksum.FormatCRC64(dst.CRC64))
	sseHeaders(c.w.Header(), dst.SSE)
	return writeXML(c.w, 200, res)
}

// --- APPEND Object ---

func (c *call) appendObject() error {
	if err := checkKey(c.req.Key); err != nil {
		return err
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	pv, ok := c.q["position"]
	if !ok {
		return errorf("InvalidArgument", 400, "APPEND needs a position parameter.")
	}
	pos, err := strconv.ParseInt(pv[0], 10, 64)
	if err != nil || pos < 0 {
		return errorf("InvalidArgument", 400, "position must be a non-negative integer.")
	}
	in, err := c.putInput(b)
	if err != nil {
		return err
	}
	if _, ok := c.r.Header["Content-Length"]; !ok {
		return errMissingLength
	}
	body, err := c.body(maxAppendSize)
	if err != nil {
		return err
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	res, err := c.h.store.AppendObject(c.r.Context(), core.AppendInput{
		Bucket: b.Name, Key: c.req.Key, Position: pos, Body: body, Meta: in.Meta,
		StorageClass: in.StorageClass, ACL: in.ACL, Owner: in.Owner, MaxSize: maxAppendSize,
		SSE: in.SSE, CustomerKey: ck,
	})
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", quote(res.ETag))
	h.Set("x-cos-next-append-position", strconv.FormatInt(res.Size, 10))
	// Despite its name, the SDK checks this header against the MD5 of the
	// appended piece.
	h.Set("x-cos-content-sha1", hex.EncodeToString(res.Piece.MD5[:]))
	h.Set("x-cos-hash-crc64ecma", checksum.FormatCRC64(res.CRC64))
	sseHeaders(h, res.SSE)
	return c.empty(200)
}

// --- object ACL ---

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
	acl, err := c.aclFromRequest(b.Owner, true)
	if err != nil {
		return err
	}
	if _, err := c.h.store.SetObjectACL(c.r.Context(), b.Name, c.req.Key, c.version(), acl); err != nil {
		return err
	}
	return c.empty(200)
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
	acl := o.ACL
	if acl.IsDefault() {
		acl = core.ACL{Canned: core.ACLPrivate}
	}
	return writeXML(c.w, 200, renderACL(acl, b.Owner))
}
