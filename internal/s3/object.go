package s3

import (
	"encoding/xml"
	"errors"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/s3/s3auth"
	"github.com/arcastore/arca/internal/wire/conditional"
	"github.com/arcastore/arca/internal/wire/httprange"
)

// --- request parsing helpers ---

// checkKey applies S3's key rule (at most 1024 bytes) on top of core's.
func checkKey(key string) error {
	if len(key) > maxKeyLen {
		return errKeyTooLong
	}
	return core.CheckKey(key)
}

const metaPrefix = "x-amz-meta-"

// objectMeta reads the content headers and x-amz-meta-* user metadata.
// The aws-chunked content coding describes the transfer, not the object,
// and is not kept.
func objectMeta(h http.Header) (core.Meta, error) {
	m, size := dialect.Meta(h, metaPrefix)
	m.ContentEncoding = s3auth.StripAWSChunked(m.ContentEncoding)
	if size > maxUserMeta {
		return m, core.ErrMetadataTooLarge
	}
	return m, nil
}

var storageClasses = map[string]bool{
	"STANDARD": true, "REDUCED_REDUNDANCY": true, "STANDARD_IA": true, "ONEZONE_IA": true,
	"INTELLIGENT_TIERING": true, "GLACIER": true, "DEEP_ARCHIVE": true, "OUTPOSTS": true,
	"GLACIER_IR": true, "SNOW": true, "EXPRESS_ONEZONE": true,
}

// storageClass validates x-amz-storage-class; "" means STANDARD.
func storageClass(get func(string) string) (string, error) {
	v := strings.TrimSpace(get("x-amz-storage-class"))
	if v == "" || v == "STANDARD" {
		return "", nil
	}
	if !storageClasses[v] {
		return "", errInvalidStorageClass
	}
	return v, nil
}

// putInput reads what PutObject, CreateMultipartUpload and the copies
// share: metadata, storage class, ACL, encryption and tags.
func (c *call) putInput(b *core.Bucket) (core.PutInput, error) {
	meta, err := objectMeta(c.r.Header)
	if err != nil {
		return core.PutInput{}, err
	}
	sc, err := storageClass(c.r.Header.Get)
	if err != nil {
		return core.PutInput{}, err
	}
	owner := c.principal
	if owner == "" {
		owner = b.Owner
	}
	acl, aclPresent, err := c.objectACL(b, owner)
	if err != nil {
		return core.PutInput{}, err
	}
	sse, err := sseRequest(c.r.Header.Get)
	if err != nil {
		return core.PutInput{}, err
	}
	if sse == nil {
		sse = defaultEncryption(b).request()
	}
	tags, err := parseTagHeader(c.r.Header.Get("x-amz-tagging"))
	if err != nil {
		return core.PutInput{}, err
	}
	for k := range c.r.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-object-lock-") {
			// Arca has no Object Lock, so no bucket has its configuration.
			return core.PutInput{}, invalidRequest("Bucket is missing Object Lock Configuration")
		}
	}
	in := core.PutInput{Bucket: b.Name, Key: c.req.Key, Meta: meta, StorageClass: sc, ACL: acl, Owner: owner, SSE: sse, Tags: tags}
	if err := applyOwnership(b, c.r.Header, &in, aclPresent); err != nil {
		return core.PutInput{}, err
	}
	if err := blockPublicACL(b, in.ACL, in.Owner); err != nil {
		return core.PutInput{}, err
	}
	return in, nil
}

// upload prepares a request body for the store: the payload as the
// signature allows it, its Content-MD5, and, when spec names a checksum,
// hashed and checked as it streams with the digest going into ext.
func (c *call) upload(max int64, spec *checksumSpec, ext map[string]string) (core.Body, *checksumReader, error) {
	if !dialect.HasLength(c.r) {
		return core.Body{}, nil, errMissingLength
	}
	sum, err := contentMD5(c.r.Header)
	if err != nil {
		return core.Body{}, nil, err
	}
	rd, size, err := c.payload()
	if err != nil {
		return core.Body{}, nil, err
	}
	if size > max {
		return core.Body{}, nil, errEntityTooLarge
	}
	var cr *checksumReader
	if spec != nil {
		if cr, err = newChecksumReader(rd, spec, ext); err != nil {
			return core.Body{}, nil, err
		}
		rd = cr
	}
	return core.Body{R: rd, Size: size, MD5: sum, Max: max}, cr, nil
}

// contentMD5 reads Content-MD5. A header that is there but empty is an
// invalid digest, as S3 has it, not a missing one.
func contentMD5(h http.Header) ([]byte, error) {
	if vs, ok := h["Content-Md5"]; ok && strings.TrimSpace(strings.Join(vs, "")) == "" {
		return nil, errInvalidDigest
	}
	return dialect.ParseContentMD5(h.Get("Content-MD5"))
}

// setVersionHeader adds x-amz-version-id for buckets that have
// versioning ("null" for the null version).
func (c *call) setVersionHeader(b *core.Bucket, o *core.Object) {
	if b.Versioning == core.VersioningOff {
		return
	}
	c.w.Header().Set("x-amz-version-id", dialect.VersionID(b, o))
}

// conditionalWrite reads the conditional-write headers of a PUT or a
// completion into a check of the current version, which core runs under
// the key's lock just before it publishes the new one (a compare-and-swap):
// If-Match (an ETag list, or *) needs a current version that matches,
// else 404 NoSuchKey when there is none or 412 when it differs;
// If-None-Match fails with 412 when the current version matches (* matches
// any). check is nil when the request has neither; the caller may also run
// it early, against the version current before the body is read, to fail
// fast.
func (c *call) conditionalWrite() (check func(cur *core.Object) error) {
	im := strings.TrimSpace(c.r.Header.Get("If-Match"))
	inm := strings.TrimSpace(c.r.Header.Get("If-None-Match"))
	if im == "" && inm == "" {
		return nil
	}
	return func(cur *core.Object) error {
		if im != "" {
			if cur == nil {
				return errNoSuchKey
			}
			if !conditional.ListMatches(im, cur.ETag) {
				return errPreconditionFailed
			}
		}
		if inm != "" && cur != nil && conditional.ListMatches(inm, cur.ETag) {
			return errPreconditionFailed
		}
		return nil
	}
}

// precheckWrite runs a conditional write's check against the version
// current now, before the body is read, so that a write bound to fail does
// not upload its data first. Core checks again when it publishes.
func (c *call) precheckWrite(b *core.Bucket, check func(*core.Object) error) error {
	if check == nil {
		return nil
	}
	cur, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, "")
	switch {
	case errors.Is(err, core.ErrNoSuchKey):
		cur = nil
	case err != nil:
		return err
	}
	return check(cur)
}

// --- PutObject ---

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
	in.Check = c.conditionalWrite()
	if err := c.precheckWrite(b, in.Check); err != nil {
		return err
	}
	spec, err := checksumRequest(c.r.Header)
	if err != nil {
		return err
	}
	in.Ext = map[string]string{}
	if in.Body, _, err = c.upload(maxPutSize, spec, in.Ext); err != nil {
		return err
	}
	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", quote(o.ETag))
	if b.Versioning == core.VersioningEnabled {
		h.Set("x-amz-version-id", o.VersionID)
	}
	setChecksumHeaders(h, o.Ext)
	sseHeaders(h, o.SSE)
	return c.empty(200)
}

// --- GetObject / HeadObject ---

var errNotModified = errors.New("not modified")

// responseOverrides are the response-* parameters GetObject honours.
var responseOverrides = []struct{ param, header string }{
	{"response-content-type", "Content-Type"},
	{"response-content-language", "Content-Language"},
	{"response-expires", "Expires"},
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
}

// partRange returns the byte range of part n of o: an extent of a
// multipart object, or the whole of any other object for part 1.
func partRange(o *core.Object, n int) (start, length int64, ok bool) {
	if o.Parts == 0 || len(o.Extents) != o.Parts {
		return 0, o.Size, n == 1
	}
	if n > len(o.Extents) {
		return 0, 0, false
	}
	for i := 0; i < n-1; i++ {
		start += o.Extents[i].Size
	}
	return start, o.Extents[n-1].Size, true
}

func partsCount(o *core.Object) int {
	if o.Parts > 0 {
		return o.Parts
	}
	return 1
}

func (c *call) getObject() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	head := c.r.Method == http.MethodHead
	for _, ro := range responseOverrides {
		if _, ok := c.q[ro.param]; ok && c.principal == "" {
			return errAnonymousResponseHdrs
		}
	}
	if err := refuseSSEOnRead(c.r.Header.Get); err != nil {
		return err
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	part := 0
	if v, ok := c.q["partNumber"]; ok {
		if part, err = strconv.Atoi(v[0]); err != nil || part < 1 || part > core.MaxParts {
			return invalidArgument("partNumber", v[0], "Part number must be an integer between 1 and 10000, inclusive")
		}
		if c.r.Header.Get("Range") != "" {
			return invalidRequest("Cannot specify both Range header and partNumber query parameter")
		}
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
		switch {
		case part > 0:
			start, n, ok := partRange(o, part)
			if !ok {
				return 0, 0, errorf("InvalidPartNumber", 416, "The requested partnumber is not satisfiable")
			}
			if o.Parts > 0 {
				rng, partial = httprange.Range{Start: start, Length: n}, n > 0
			}
		case c.r.Header.Get("Range") != "":
			r, ok, err := httprange.Parse(c.r.Header.Get("Range"), o.Size)
			if err != nil {
				c.w.Header().Set("Content-Range", httprange.UnsatisfiedContentRange(o.Size))
				return 0, 0, errInvalidRange.withDetail("RangeRequested", c.r.Header.Get("Range")).withDetail("ActualObjectSize", strconv.FormatInt(o.Size, 10))
			}
			rng, partial = r, ok
		}
		switch {
		case head:
			return 0, 0, nil
		case partial:
			return rng.Start, rng.Length, nil
		}
		return 0, o.Size, nil
	})
	if err != nil {
		return c.readError(b, o, err)
	}
	defer rd.Close()
	h := c.w.Header()
	c.objectHeaders(b, o)
	if part > 0 {
		h.Set("x-amz-mp-parts-count", strconv.Itoa(partsCount(o)))
	}
	if strings.EqualFold(c.r.Header.Get("x-amz-checksum-mode"), "ENABLED") {
		switch {
		case part > 0 && o.Parts > 0:
			// The part's own checksum covers exactly the bytes returned.
			// Its type is the object's: COMPOSITE, or FULL_OBJECT for an
			// upload whose parts' checksums combine into the object's.
			if a, _, typ := recorded(o.Ext); a != nil {
				if ps := partChecksums(o.Ext); part <= len(ps) {
					h.Set(a.header, ps[part-1])
					h.Set("x-amz-checksum-type", typ)
				}
			}
		case !partial:
			setChecksumHeaders(h, o.Ext)
		}
	}
	for _, ro := range responseOverrides {
		if v, ok := c.q[ro.param]; ok {
			h.Set(ro.header, v[0])
		}
	}
	status, length := http.StatusOK, o.Size
	if partial {
		status, length = http.StatusPartialContent, rng.Length
		h.Set("Content-Range", rng.ContentRange(o.Size))
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	c.w.WriteHeader(status)
	if head {
		return nil
	}
	if _, err := io.Copy(c.w, rd); err != nil {
		// The status is sent; all that is left is to cut the connection so
		// the client sees a short body rather than a complete one.
		c.h.log.Debug("GET body copy", "id", c.req.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// readError answers a read of an object (GET, HEAD, attributes) that
// failed: 304, a delete marker's headers, or a missing key as S3 reports
// it to a caller who may or may not list the bucket.
func (c *call) readError(b *core.Bucket, o *core.Object, err error) error {
	switch {
	case errors.Is(err, errNotModified):
		c.objectHeaders(b, o)
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	case errors.Is(err, core.ErrNoSuchKey):
		if aerr := c.allowBucket(b, core.PermRead); aerr != nil {
			return aerr
		}
		if o != nil && o.DeleteMarker {
			c.w.Header().Set("x-amz-delete-marker", "true")
			c.setVersionHeader(b, o)
		}
	case errors.Is(err, core.ErrMethodNotAllowed):
		// A version that is a delete marker.
		c.w.Header().Set("x-amz-delete-marker", "true")
		c.w.Header().Set("Allow", "DELETE")
		if o != nil {
			c.setVersionHeader(b, o)
		}
	}
	return err
}

// objectHeaders sets the headers every object response carries.
func (c *call) objectHeaders(b *core.Bucket, o *core.Object) {
	h := c.w.Header()
	// User metadata goes out under lowercase names, as from S3 (SDKs take
	// the name after x-amz-meta- as it comes); Header.Set would
	// canonicalize them to X-Amz-Meta-Name.
	m := o.Meta
	m.User = nil
	dialect.SetMetaHeaders(h, m, metaPrefix, "binary/octet-stream")
	for k, v := range o.Meta.User {
		h[metaPrefix+k] = []string{v}
	}
	h.Set("ETag", quote(o.ETag))
	h.Set("Last-Modified", httpx.HTTPTime(o.Modified))
	h.Set("Accept-Ranges", "bytes")
	if o.StorageClass != "" {
		h.Set("x-amz-storage-class", o.StorageClass)
	}
	if len(o.Tags) > 0 {
		h.Set("x-amz-tagging-count", strconv.Itoa(len(o.Tags)))
	}
	c.setVersionHeader(b, o)
	sseHeaders(h, o.SSE)
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
	h := c.r.Header
	check, err := deleteCondition(h.Get("If-Match"), h.Get("x-amz-if-match-last-modified-time"), h.Get("x-amz-if-match-size"), false)
	if err != nil {
		return err
	}
	if check != nil && c.version() == "" && c.nothingToDelete(b, c.req.Key) {
		return c.empty(http.StatusNoContent)
	}
	d, err := c.deleteOne(b, c.req.Key, c.version(), check)
	if err != nil {
		return err
	}
	rh := c.w.Header()
	if d.DeleteMarker {
		rh.Set("x-amz-delete-marker", "true")
		rh.Set("x-amz-version-id", d.DeleteMarkerVersionID)
	}
	if d.VersionID != "" {
		rh.Set("x-amz-version-id", d.VersionID)
	}
	return c.empty(http.StatusNoContent)
}

// nothingToDelete reports whether a key has no version at all, not even a
// delete marker: a conditional delete of it succeeds without doing
// anything (in a versioned bucket it makes no delete marker), as there is
// nothing its condition could be checked against.
func (c *call) nothingToDelete(b *core.Bucket, key string) bool {
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, key, "")
	return errors.Is(err, core.ErrNoSuchKey) && o == nil
}

// --- CopyObject ---

// parseCopySource reads x-amz-copy-source: [/]<bucket>/<key>[?versionId=<id>],
// URL-encoded.
func parseCopySource(v string) (bucket, key, version string, err error) {
	bad := invalidArgument("x-amz-copy-source", v, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	if i := strings.Index(v, "?"); i >= 0 {
		q, qerr := url.ParseQuery(v[i+1:])
		if qerr != nil {
			return "", "", "", bad
		}
		version, v = q.Get("versionId"), v[:i]
		if _, ok := q["versionId"]; ok && version == "" {
			return "", "", "", invalidArgument("x-amz-copy-source", v, "Version id cannot be the empty string")
		}
	}
	dec, derr := url.PathUnescape(v)
	if derr != nil {
		return "", "", "", bad
	}
	dec = strings.TrimPrefix(dec, "/")
	bucket, key, ok := strings.Cut(dec, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", "", bad
	}
	return bucket, key, version, nil
}

// directive reads a COPY/REPLACE directive header; replace reports REPLACE.
func directive(h http.Header, name string) (replace bool, err error) {
	switch v := h.Get(name); v {
	case "", "COPY":
		return false, nil
	case "REPLACE":
		return true, nil
	default:
		return false, invalidArgument(name, v, "Unknown %s.", strings.TrimPrefix(name, "x-amz-"))
	}
}

type copyObjectResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	ChecksumType string   `xml:"ChecksumType,omitempty"`
	xmlChecksum
}

// copySource is the source of a copy, resolved and checked.
type copySource struct {
	bucket       *core.Bucket
	key, version string
	customerKey  []byte
	cond         conditional.Headers
}

func (c *call) copySource() (*copySource, error) {
	bucket, key, version, err := parseCopySource(c.r.Header.Get("x-amz-copy-source"))
	if err != nil {
		return nil, err
	}
	sb, err := c.h.store.Bucket(c.r.Context(), bucket)
	if err != nil {
		return nil, err
	}
	ck, err := customerKey(c.r.Header.Get, copySourcePrefix)
	if err != nil {
		return nil, err
	}
	return &copySource{bucket: sb, key: key, version: version, customerKey: ck,
		cond: conditional.Read(c.r.Header.Get, copySourcePrefix)}, nil
}

// check judges the source object before a byte is copied: the caller's
// read permission and the copy-source conditions.
func (c *call) checkSource(src *copySource, o *core.Object) error {
	if err := c.allowObject(src.bucket, o, core.PermRead); err != nil {
		return err
	}
	if conditional.EvaluateCopySource(src.cond, o.ETag, o.Modified) != conditional.Proceed {
		return errPreconditionFailed
	}
	return nil
}

// teeHash is a copy's Tee whose hash is chosen once the source is known.
type teeHash struct{ h hash.Hash }

func (t *teeHash) Write(p []byte) (int, error) {
	if t.h != nil {
		t.h.Write(p)
	}
	return len(p), nil
}

// withoutChecksums returns ext without the checksum attributes.
func withoutChecksums(ext map[string]string) map[string]string {
	out := make(map[string]string, len(ext))
	for k, v := range ext {
		if !strings.HasPrefix(k, "checksum-") {
			out[k] = v
		}
	}
	return out
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
	src, err := c.copySource()
	if err != nil {
		return err
	}
	replaceMeta, err := directive(c.r.Header, "x-amz-metadata-directive")
	if err != nil {
		return err
	}
	replaceTags, err := directive(c.r.Header, "x-amz-tagging-directive")
	if err != nil {
		return err
	}
	in, err := c.putInput(b)
	if err != nil {
		return err
	}
	var wantAlg *algorithm
	if v := c.r.Header.Get("x-amz-checksum-algorithm"); v != "" {
		if wantAlg = algorithmNamed(v); wantAlg == nil {
			return errUnsupportedAlgorithm()
		}
	}
	explicitSSE, _ := sseRequest(c.r.Header.Get)
	if src.bucket.Name == b.Name && src.key == c.req.Key && src.version == "" &&
		!replaceMeta && in.StorageClass == "" && explicitSSE == nil && wantAlg == nil {
		return core.ErrCopyToItself
	}
	tee := &teeHash{}
	var teeAlg *algorithm
	cin := core.CopyInput{
		SrcBucket: src.bucket.Name, SrcKey: src.key, SrcVersion: src.version,
		Bucket: b.Name, Key: c.req.Key, ReplaceMeta: replaceMeta, Meta: in.Meta, StorageClass: in.StorageClass,
		ACL: in.ACL, Owner: in.Owner, Max: maxCopySize, SrcCustomerKey: src.customerKey, SSE: in.SSE, Tee: tee,
	}
	cin.Check = func(o *core.Object) error {
		if err := c.checkSource(src, o); err != nil {
			return err
		}
		// Keep a full-object checksum of the source; compute one for the
		// algorithm asked for, or in place of a composite one.
		teeAlg = wantAlg
		if a, _, t := recorded(o.Ext); teeAlg == nil && a != nil && t == typeComposite {
			teeAlg = a
		}
		if teeAlg != nil {
			tee.h = teeAlg.new()
		}
		return nil
	}
	cin.Adjust = func(o, dst *core.Object) {
		if replaceTags {
			dst.Tags = in.Tags
		} else {
			dst.Tags = o.Tags
		}
		if teeAlg != nil {
			dst.Ext = withoutChecksums(dst.Ext)
			dst.Ext[teeAlg.ext] = encodeSum(tee.h)
			dst.Ext[extType] = typeFullObject
		} else if dst.Ext[extParts] != "" {
			dst.Ext = withoutExt(dst.Ext, extParts)
		}
		if dst.Ext[extUploadID] != "" {
			dst.Ext = withoutExt(dst.Ext, extUploadID)
		}
	}
	dst, so, err := c.h.store.CopyObject(c.r.Context(), cin)
	if err != nil {
		if errors.Is(err, core.ErrEntityTooLarge) {
			return invalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: %d", int64(maxCopySize))
		}
		return err
	}
	h := c.w.Header()
	if src.bucket.Versioning != core.VersioningOff {
		h.Set("x-amz-copy-source-version-id", dialect.VersionID(src.bucket, so))
	}
	if b.Versioning == core.VersioningEnabled {
		h.Set("x-amz-version-id", dst.VersionID)
	}
	sseHeaders(h, dst.SSE)
	res := copyObjectResult{ETag: quote(dst.ETag), LastModified: isoTime(dst.Modified)}
	res.xmlChecksum, res.ChecksumType = checksumXML(dst.Ext)
	return writeXML(c.w, 200, res)
}

func withoutExt(m map[string]string, drop string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if k != drop {
			out[k] = v
		}
	}
	return out
}

// --- GetObjectAttributes ---

var objectAttributes = map[string]bool{"ETag": true, "Checksum": true, "ObjectParts": true, "StorageClass": true, "ObjectSize": true}

type xmlAttrChecksum struct {
	xmlChecksum
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

type xmlObjectPart struct {
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
	xmlChecksum
}

type xmlObjectParts struct {
	PartsCount           int             `xml:"PartsCount"`
	PartNumberMarker     int             `xml:"PartNumberMarker"`
	NextPartNumberMarker int             `xml:"NextPartNumberMarker"`
	MaxParts             int             `xml:"MaxParts"`
	IsTruncated          bool            `xml:"IsTruncated"`
	Parts                []xmlObjectPart `xml:"Part"`
}

type objectAttributesResult struct {
	XMLName      xml.Name         `xml:"http://s3.amazonaws.com/doc/2006-03-01/ GetObjectAttributesResponse"`
	ETag         string           `xml:"ETag,omitempty"`
	Checksum     *xmlAttrChecksum `xml:"Checksum,omitempty"`
	ObjectParts  *xmlObjectParts  `xml:"ObjectParts,omitempty"`
	StorageClass string           `xml:"StorageClass,omitempty"`
	ObjectSize   *int64           `xml:"ObjectSize,omitempty"`
}

func (c *call) getObjectAttributes() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, v := range c.r.Header.Values("x-amz-object-attributes") {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			if !objectAttributes[a] {
				return invalidArgument("x-amz-object-attributes", a, "Invalid attribute name specified.")
			}
			want[a] = true
		}
	}
	if len(want) == 0 {
		return invalidRequest("The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	maxParts, err := headerInt(c.r.Header, "x-amz-max-parts", 1000, 0, 1000)
	if err != nil {
		return err
	}
	marker, err := headerInt(c.r.Header, "x-amz-part-number-marker", 0, 0, core.MaxParts)
	if err != nil {
		return err
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	o, rd, err := c.h.store.OpenObjectKey(c.r.Context(), b.Name, c.req.Key, c.version(), ck, func(o *core.Object) (int64, int64, error) {
		if err := c.allowObject(b, o, core.PermRead); err != nil {
			return 0, 0, err
		}
		return 0, 0, nil
	})
	if err != nil {
		return c.readError(b, o, err)
	}
	rd.Close()
	h := c.w.Header()
	h.Set("Last-Modified", httpx.HTTPTime(o.Modified))
	c.setVersionHeader(b, o)
	var out objectAttributesResult
	if want["ETag"] {
		out.ETag = o.ETag
	}
	if want["StorageClass"] {
		out.StorageClass = storageClassOf(o.StorageClass)
	}
	if want["ObjectSize"] {
		size := o.Size
		out.ObjectSize = &size
	}
	if want["Checksum"] {
		if x, t := checksumXML(o.Ext); t != "" {
			out.Checksum = &xmlAttrChecksum{xmlChecksum: x, ChecksumType: t}
		}
	}
	if want["ObjectParts"] && o.Parts > 0 {
		p := &xmlObjectParts{PartsCount: o.Parts, PartNumberMarker: marker, MaxParts: maxParts}
		alg, _, _ := recorded(o.Ext)
		sums := partChecksums(o.Ext)
		for i, e := range o.Extents {
			n := i + 1
			if n <= marker {
				continue
			}
			if len(p.Parts) == maxParts {
				p.IsTruncated = true
				break
			}
			xp := xmlObjectPart{PartNumber: n, Size: e.Size}
			if alg != nil && i < len(sums) {
				*xp.field(alg) = sums[i]
			}
			p.Parts = append(p.Parts, xp)
			p.NextPartNumberMarker = n
		}
		out.ObjectParts = p
	}
	return writeXML(c.w, 200, out)
}

// headerInt reads an integer header within [lo, hi] (capped at hi).
func headerInt(h http.Header, name string, def, lo, hi int) (int, error) {
	v := h.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo {
		return 0, invalidArgument(name, v, "%s must be an integer between %d and %d", name, lo, hi)
	}
	return min(n, hi), nil
}
