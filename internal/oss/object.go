package oss

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/wire/conditional"
	"github.com/arcastore/arca/internal/wire/httprange"
)

// body reads an upload's body: its declared length (411 without one),
// Content-MD5, and the largest size allowed.
func (c *call) body(max int64) (core.Body, error) {
	if !dialect.HasLength(c.r) {
		return core.Body{}, errMissingLength
	}
	sum, err := dialect.ParseContentMD5(c.r.Header.Get("Content-MD5"))
	if err != nil {
		return core.Body{}, err
	}
	if c.r.ContentLength > max {
		return core.Body{}, errInlineTooLarge
	}
	return core.Body{R: c.r.Body, Size: c.r.ContentLength, MD5: sum, Max: max}, nil
}

// uploadHeaders sets what OSS answers a data upload with: ETag,
// Content-MD5 and x-oss-hash-crc64ecma of what was stored, the version id
// and the encryption.
func (c *call) uploadHeaders(b *core.Bucket, o *core.Object) {
	h := c.w.Header()
	h.Set("ETag", etag(o))
	if md5 := contentMD5(o); md5 != "" {
		h.Set("Content-MD5", md5)
	}
	h.Set("x-oss-hash-crc64ecma", crc(o))
	c.setVersionHeader(b, o)
	sseHeaders(h, o.SSE)
}

// --- PutObject / CopyObject ---

func (c *call) putOrCopyObject() error {
	if c.r.Header.Get("x-oss-copy-source") != "" {
		return c.copyObject()
	}
	return c.putObject()
}

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
	in, err := c.putInput(b, c.r.Header, c.req.Key)
	if err != nil {
		return err
	}
	if in.Body, err = c.body(maxPutSize); err != nil {
		return err
	}
	fix, err := c.wormWrite(b, c.req.Key, &in.ForbidOverwrite)
	if err != nil {
		return err
	}
	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return fix(err)
	}
	c.uploadHeaders(b, o)
	return c.empty(200)
}

// copySource parses x-oss-copy-source: /<bucket>/<key>[?versionId=<id>],
// the key query-escaped (aliyun-oss-go-sdk) or path-escaped
// (alibabacloud-oss-go-sdk-v2); both decode with query unescaping.
func copySource(v string) (bucket, key, version string, err error) {
	bad := invalidArgument("", "x-oss-copy-source", v, "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.")
	v = strings.TrimPrefix(strings.TrimSpace(v), "/")
	if i := strings.LastIndex(v, "?versionId="); i >= 0 {
		version, v = unescapeTarget(v[i+len("?versionId="):]), v[:i]
		if version == "" {
			return "", "", "", invalidArgument("", "versionId", "", "Version id can not be the empty string.")
		}
	}
	bucket, raw, ok := strings.Cut(v, "/")
	if !ok || bucket == "" || raw == "" {
		return "", "", "", bad
	}
	key, uerr := url.QueryUnescape(raw)
	if uerr != nil {
		return "", "", "", bad
	}
	return bucket, key, version, nil
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
	srcBucket, srcKey, srcVersion, err := copySource(c.r.Header.Get("x-oss-copy-source"))
	if err != nil {
		return err
	}
	sb, err := c.h.store.Bucket(c.r.Context(), srcBucket)
	if err != nil {
		return err
	}
	h := c.r.Header
	replaceMeta, err := directive(h, "x-oss-metadata-directive", "COPY", "REPLACE")
	if err != nil {
		return err
	}
	replaceTags, err := directive(h, "x-oss-tagging-directive", "Copy", "Replace")
	if err != nil {
		return err
	}
	// A copy onto itself in an unversioned bucket takes the request's
	// metadata: that is how aliyun-oss-go-sdk's SetObjectMeta works.
	if srcBucket == b.Name && srcKey == c.req.Key && srcVersion == "" && b.Versioning == core.VersioningOff {
		replaceMeta = true
	}
	in, err := c.putInput(b, h, c.req.Key)
	if err != nil {
		return err
	}
	cp := core.CopyInput{
		SrcBucket: srcBucket, SrcKey: srcKey, SrcVersion: srcVersion, Bucket: b.Name, Key: c.req.Key,
		StorageClass: in.StorageClass, ACL: in.ACL, Owner: in.Owner, SSE: in.SSE, ForbidOverwrite: in.ForbidOverwrite,
	}
	if _, ok := h["X-Oss-Storage-Class"]; ok && cp.StorageClass == "" {
		// The core keeps the source's class for "": Standard must be
		// named to be asked for.
		cp.StorageClass = "STANDARD"
	}
	if srcBucket != b.Name {
		cp.Max = maxPutSize
	}
	// The core replaces metadata and tags together; OSS directs them
	// apart, so a mixed copy takes the source's half back before the copy
	// is published.
	if replaceMeta || replaceTags {
		cp.ReplaceMeta, cp.Meta, cp.Tags = true, in.Meta, in.Tags
		switch {
		case !replaceMeta:
			cp.Adjust = func(src, dst *core.Object) { dst.Meta = src.Meta }
		case !replaceTags:
			cp.Adjust = func(src, dst *core.Object) { dst.Tags = src.Tags }
		}
	}
	cond := conditional.Read(h.Get, "x-oss-copy-source-")
	cp.Check = func(src *core.Object) error {
		if err := c.allowObject(sb, src, core.PermRead); err != nil {
			return err
		}
		switch conditional.Evaluate(cond, quote(src.ETag), src.Modified) {
		case conditional.NotModified:
			return errNotModified
		case conditional.PreconditionFailed:
			return errPrecondition
		}
		return nil
	}
	fix, err := c.wormWrite(b, c.req.Key, &cp.ForbidOverwrite)
	if err != nil {
		return err
	}
	dst, src, err := c.h.store.CopyObject(c.r.Context(), cp)
	if err != nil {
		switch {
		case errors.Is(err, errNotModified):
			return c.empty(http.StatusNotModified)
		case errors.Is(err, core.ErrEntityTooLarge):
			return errorf("EntityTooLarge", 400, "Source object Length exceeds the maximum allowed size.")
		}
		return c.sourceError(fix(err))
	}
	if sb.Versioning != core.VersioningOff {
		c.w.Header().Set("x-oss-copy-source-version-id", dialect.VersionID(sb, src))
	}
	c.w.Header().Set("x-oss-hash-crc64ecma", crc(dst))
	c.w.Header().Set("ETag", etag(dst))
	c.setVersionHeader(b, dst)
	sseHeaders(c.w.Header(), dst.SSE)
	type copyResult struct {
		XMLName      struct{} `xml:"CopyObjectResult"`
		ETag         string   `xml:"ETag"`
		LastModified string   `xml:"LastModified"`
	}
	return c.writeXML(200, copyResult{ETag: etag(dst), LastModified: httpx.ISOTime(dst.Modified)})
}

// sourceError reports a missing copy source as OSS does: NoSuchKey naming
// no key of the request (the source's key is not the addressed one).
func (c *call) sourceError(err error) error {
	if errors.Is(err, core.ErrNoSuchKey) || errors.Is(err, core.ErrMethodNotAllowed) {
		return errNoSuchKey.with(Element{"Key", "(copy source)"})
	}
	return err
}

// directive reads a COPY/REPLACE header (case-insensitive); absent is the
// first.
func directive(h http.Header, name, copyName, replaceName string) (replace bool, err error) {
	v := strings.TrimSpace(h.Get(name))
	switch {
	case v == "" || strings.EqualFold(v, copyName):
		return false, nil
	case strings.EqualFold(v, replaceName):
		return true, nil
	}
	return false, invalidArgument("", name, v, "%s must be %s or %s.", name, copyName, replaceName)
}

// --- GetObject / HeadObject ---

var (
	errNotModified   = errors.New("not modified")
	errFollowSymlink = errors.New("follow the symlink")
)

// responseOverrides are the response-* query parameters GetObject honours.
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
	if c.principal == "" && !head {
		for _, ro := range responseOverrides {
			if c.q.Has(ro.param) {
				return errorf("InvalidRequest", 400, "Request specific response headers cannot be used for anonymous GET requests.")
			}
		}
	}
	cond := conditional.Read(c.r.Header.Get, "")
	ranges := httprange.Options{
		FirstOfMany:       true,
		IgnoreOutOfBounds: !strings.EqualFold(c.r.Header.Get("x-oss-range-behavior"), "standard"),
	}
	var (
		rng     httprange.Range
		partial bool
		link    *core.Object
	)
	// serve decides, for the version about to be read (the object, or a
	// symlink's target), whether and which bytes to send.
	serve := func(o *core.Object) (int64, int64, error) {
		switch conditional.Evaluate(cond, quote(o.ETag), o.Modified) {
		case conditional.NotModified:
			return 0, 0, errNotModified
		case conditional.PreconditionFailed:
			return 0, 0, errPrecondition
		}
		if head {
			return 0, 0, nil
		}
		if v := c.r.Header.Get("Range"); v != "" {
			r, ok, err := ranges.Parse(v, o.Size)
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
	}
	ctx := c.r.Context()
	o, rd, err := c.h.store.OpenObject(ctx, b.Name, c.req.Key, c.version(), func(o *core.Object) (int64, int64, error) {
		if err := c.allowObject(b, o, core.PermRead); err != nil {
			return 0, 0, err
		}
		if o.Ext[symlinkExt] != "" {
			return 0, 0, errFollowSymlink
		}
		return serve(o)
	})
	if errors.Is(err, errFollowSymlink) {
		link = o
		o, rd, err = c.h.store.OpenObject(ctx, b.Name, o.Ext[symlinkExt], "", func(t *core.Object) (int64, int64, error) {
			if t.Ext[symlinkExt] != "" {
				return 0, 0, errTargetType
			}
			return serve(t)
		})
		if errors.Is(err, core.ErrNoSuchKey) {
			err = errSymlinkTarget
		}
	}
	if err != nil {
		if errors.Is(err, errNotModified) {
			c.objectHeaders(b, o, link)
			c.w.Header().Del("Content-Length")
			c.w.WriteHeader(http.StatusNotModified)
			return nil
		}
		if link == nil {
			return c.objectError(b, o, err)
		}
		return err
	}
	defer rd.Close()
	c.objectHeaders(b, o, link)
	h := c.w.Header()
	for _, ro := range responseOverrides {
		if v, ok := c.q[ro.param]; ok {
			h.Set(ro.header, v[0])
		}
	}
	if head {
		h.Set("Content-Length", itoa(o.Size))
		c.w.WriteHeader(http.StatusOK)
		return nil
	}
	status, length := http.StatusOK, o.Size
	if partial {
		status, length = http.StatusPartialContent, rng.Length
		h.Set("Content-Range", rng.ContentRange(o.Size))
	}
	h.Set("Content-Length", itoa(length))
	c.w.WriteHeader(status)
	if _, err := io.Copy(c.w, rd); err != nil {
		// The status is sent; cutting the connection is the only way left
		// to tell the client its body is short.
		c.h.log.Debug("GET body copy", "id", c.req.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// objectError completes what GetObject-like calls report about an object
// they could not use: a missing key is refused (403) to whoever may not
// read the bucket; a delete marker is flagged as OSS does.
func (c *call) objectError(b *core.Bucket, o *core.Object, err error) error {
	switch {
	case errors.Is(err, core.ErrNoSuchKey), errors.Is(err, core.ErrNoSuchVersion):
		if aerr := c.allowBucket(b, core.PermRead); aerr != nil {
			return aerr
		}
		if o != nil && o.DeleteMarker {
			c.w.Header().Set("x-oss-delete-marker", "true")
			c.w.Header().Set("x-oss-version-id", markerID(o.VersionID))
		}
	case errors.Is(err, core.ErrMethodNotAllowed):
		// A version id naming a delete marker.
		c.w.Header().Set("x-oss-delete-marker", "true")
		c.w.Header().Set("x-oss-version-id", markerID(c.version()))
		c.w.Header().Set("Allow", "DELETE")
		return errMethodNotAllowed.with(Element{"Method", c.r.Method}, Element{"ResourceType", "DeleteMarker"})
	}
	return err
}

// objectHeaders sets the headers of an object response. For a symlink
// (link != nil, o its target) the data's headers (length, ETag, CRC,
// Content-MD5) are the target's and the others the link's, and
// Last-Modified is the later of the two.
func (c *call) objectHeaders(b *core.Bucket, o, link *core.Object) {
	h := c.w.Header()
	meta := o
	if link != nil {
		meta = link
	}
	dialect.SetMetaHeaders(h, meta.Meta, metaPrefix, "application/octet-stream")
	h.Set("ETag", etag(o))
	modified := o.Modified
	if link != nil && link.Modified.After(modified) {
		modified = link.Modified
	}
	h.Set("Last-Modified", httpx.HTTPTime(modified))
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-oss-hash-crc64ecma", crc(o))
	if md5 := contentMD5(o); md5 != "" {
		h.Set("Content-MD5", md5)
	}
	h.Set("x-oss-object-type", objectType(meta))
	h.Set("x-oss-storage-class", storageClassName(meta.StorageClass))
	if o.Appendable {
		h.Set("x-oss-next-append-position", itoa(o.Size))
	}
	if len(meta.Tags) > 0 {
		h.Set("x-oss-tagging-count", strconv.Itoa(len(meta.Tags)))
	}
	c.setVersionHeader(b, meta)
	sseHeaders(h, o.SSE)
}

// getObjectMeta is GetObjectMeta: the basic headers of an object (a
// symlink itself, not its target), without a body.
func (c *call) getObjectMeta() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return c.objectError(b, o, err)
	}
	if err := c.allowObject(b, o, core.PermRead); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", etag(o))
	h.Set("Last-Modified", httpx.HTTPTime(o.Modified))
	h.Set("x-oss-hash-crc64ecma", crc(o))
	c.setVersionHeader(b, o)
	h.Set("Content-Length", itoa(o.Size))
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// --- DeleteObject ---

func (c *call) deleteObject() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	version := c.version()
	res, err := c.deleteOne(b, c.req.Key, version)
	if err != nil {
		return err
	}
	if res.DeleteMarker {
		c.w.Header().Set("x-oss-delete-marker", "true")
	}
	switch {
	case version != "":
		c.w.Header().Set("x-oss-version-id", version)
	case res.DeleteMarker:
		c.w.Header().Set("x-oss-version-id", markerID(res.VersionID))
	}
	return c.empty(http.StatusNoContent)
}

// --- AppendObject ---

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
	pv := c.q.Get("position")
	pos, perr := strconv.ParseInt(pv, 10, 64)
	if perr != nil || pos < 0 {
		return invalidArgument("", "position", pv, "The position of an append must be a non-negative integer.")
	}
	in, err := c.putInput(b, c.r.Header, c.req.Key)
	if err != nil {
		return err
	}
	body, err := c.body(maxAppendSize)
	if err != nil {
		return err
	}
	if pos > 0 {
		// Appending changes an object a retention policy may protect.
		if cur, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, ""); err == nil && c.protected(b, cur) {
			return errFileImmutable
		}
	}
	res, err := c.h.store.AppendObject(c.r.Context(), core.AppendInput{
		Bucket: b.Name, Key: c.req.Key, Position: pos, Body: body, Meta: in.Meta,
		StorageClass: in.StorageClass, ACL: in.ACL, Owner: in.Owner, MaxSize: maxAppendSize,
		AllowVersioned: true, SSE: in.SSE,
	})
	if err != nil {
		if errors.Is(err, core.ErrPositionMismatch) {
			// OSS tells the client where to append next.
			if cur, gerr := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, ""); gerr == nil && cur.Appendable {
				c.w.Header().Set("x-oss-next-append-position", itoa(cur.Size))
			}
		}
		return err
	}
	h := c.w.Header()
	h.Set("ETag", etag(res.Object))
	h.Set("x-oss-next-append-position", itoa(res.Size))
	h.Set("x-oss-hash-crc64ecma", crc(res.Object))
	c.setVersionHeader(b, res.Object)
	sseHeaders(h, res.SSE)
	return c.empty(200)
}

// --- tagging ---

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func (c *call) putTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	var in struct {
		XMLName struct{} `xml:"Tagging"`
		Tags    []xmlTag `xml:"TagSet>Tag"`
	}
	if err := c.readXML(&in); err != nil {
		return err
	}
	tags := make(map[string]string, len(in.Tags))
	for _, t := range in.Tags {
		if _, dup := tags[t.Key]; dup {
			return invalidTag("0010-00000217", "The tag key %q appears twice.", t.Key)
		}
		tags[t.Key] = t.Value
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	if len(tags) == 0 {
		tags = nil
	}
	o, err := c.h.store.SetObjectTags(c.r.Context(), b.Name, c.req.Key, c.version(), tags)
	if err != nil {
		return c.objectError(b, o, err)
	}
	c.setVersionHeader(b, o)
	return c.empty(200)
}

func (c *call) getTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return c.objectError(b, o, err)
	}
	if err := c.allowObject(b, o, core.PermRead); err != nil {
		return err
	}
	out := struct {
		XMLName struct{} `xml:"Tagging"`
		TagSet  struct {
			Tags []xmlTag `xml:"Tag"`
		} `xml:"TagSet"`
	}{}
	for _, k := range sortedKeys(o.Tags) {
		out.TagSet.Tags = append(out.TagSet.Tags, xmlTag{Key: k, Value: o.Tags[k]})
	}
	c.setVersionHeader(b, o)
	return c.writeXML(200, out)
}

func (c *call) deleteTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	o, err := c.h.store.SetObjectTags(c.r.Context(), b.Name, c.req.Key, c.version(), nil)
	if err != nil {
		return c.objectError(b, o, err)
	}
	c.setVersionHeader(b, o)
	return c.empty(http.StatusNoContent)
}

// --- symlinks ---

func (c *call) putSymlink() error {
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
	raw, ok := c.r.Header["X-Oss-Symlink-Target"]
	if !ok || raw[0] == "" {
		return invalidArgument("", "x-oss-symlink-target", "", "The x-oss-symlink-target header is required.")
	}
	target := unescapeTarget(raw[0])
	if err := checkKey(target); err != nil {
		return invalidArgument("", "x-oss-symlink-target", raw[0], "The symlink target is not a valid object name.")
	}
	in, err := c.putInput(b, c.r.Header, c.req.Key)
	if err != nil {
		return err
	}
	dialect.Drain(c.r.Body)
	in.Body = core.Body{R: http.NoBody, Size: 0}
	in.Ext = map[string]string{symlinkExt: target}
	fix, err := c.wormWrite(b, c.req.Key, &in.ForbidOverwrite)
	if err != nil {
		return err
	}
	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return fix(err)
	}
	c.w.Header().Set("ETag", etag(o))
	c.setVersionHeader(b, o)
	return c.empty(200)
}

func (c *call) getSymlink() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return c.objectError(b, o, err)
	}
	if err := c.allowObject(b, o, core.PermRead); err != nil {
		return err
	}
	target := o.Ext[symlinkExt]
	if target == "" {
		return errNotSymlink
	}
	h := c.w.Header()
	h.Set("x-oss-symlink-target", escapeTarget(target))
	h.Set("ETag", etag(o))
	h.Set("Last-Modified", httpx.HTTPTime(o.Modified))
	for _, k := range o.Meta.UserKeys() {
		h.Set(metaPrefix+k, o.Meta.User[k])
	}
	c.setVersionHeader(b, o)
	return c.empty(200)
}

// protected reports whether the bucket's retention policy protects o now.
func (c *call) protected(b *core.Bucket, o *core.Object) bool {
	w := wormOf(b)
	if w == nil || o.DeleteMarker || !w.active(c.h.now()) {
		return false
	}
	return c.h.now().Before(o.Modified.Add(time.Duration(w.Days) * 24 * time.Hour))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
