package s3

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/s3/s3auth"
	"github.com/arcastore/arca/internal/wire/conditional"
)

// readBody reads a small request body (an XML document) whole, checked
// against the signature's payload hash, Content-MD5 and any
// x-amz-checksum-* the request declares.
func (c *call) readBody() ([]byte, error) { return c.readBodyChecked(true) }

// readBodyChecked is readBody; without sums, x-amz-checksum-* headers are
// not about the body (CompleteMultipartUpload's describe the object).
func (c *call) readBodyChecked(sums bool) ([]byte, error) {
	rd, _, err := c.payload()
	if err != nil {
		return nil, err
	}
	if sums {
		spec, err := checksumRequest(c.r.Header)
		if err != nil {
			return nil, err
		}
		if spec != nil {
			if rd, err = newChecksumReader(rd, spec, nil); err != nil {
				return nil, err
			}
		}
	}
	if _, err := contentMD5(c.r.Header); err != nil {
		return nil, err
	}
	b, ok, err := httpx.ReadLimited(rd, maxXMLBody)
	if err != nil {
		return nil, bodyError(err)
	}
	if !ok {
		return nil, errorf("MaxMessageLengthExceeded", 400, "Your request was too big.")
	}
	if err := dialect.CheckContentMD5(c.r.Header.Get("Content-MD5"), b); err != nil {
		return nil, err
	}
	return b, nil
}

// bodyError keeps the errors of the body readers (S3 codes) and maps the
// rest (a dropped connection) to core.ErrBodyRead.
func bodyError(err error) error {
	var se *Error
	var ae *s3auth.Error
	if errors.As(err, &se) || errors.As(err, &ae) {
		return err
	}
	return core.ErrBodyRead
}

// readXML reads an XML body into v.
func (c *call) readXML(v any) error { return c.readXMLChecked(v, true) }

// readXMLChecked is readXML; sums as in readBodyChecked.
func (c *call) readXMLChecked(v any, sums bool) error {
	body, err := c.readBodyChecked(sums)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return errMissingBody
	}
	if err := dialect.UnmarshalXML(body, v); err != nil {
		return errMalformedXML
	}
	return nil
}

// requireIntegrity insists on Content-MD5 or an x-amz-checksum-* header,
// as S3 does for DeleteObjects and other bodies it must not misread.
func (c *call) requireIntegrity() error {
	if c.r.Header.Get("Content-MD5") != "" {
		return nil
	}
	if spec, err := checksumRequest(c.r.Header); err != nil || spec != nil {
		return err
	}
	return errMissingChecksum
}

func isoTime(t time.Time) string { return httpx.ISOTime(t) }

// --- service ---

type xmlBucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

type listAllMyBuckets struct {
	XMLName           xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             xmlOwner    `xml:"Owner"`
	Buckets           []xmlBucket `xml:"Buckets>Bucket"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
	Prefix            string      `xml:"Prefix,omitempty"`
}

// listBuckets is ListBuckets: the caller's buckets, with the optional
// prefix, max-buckets and continuation-token of its paginated form.
func (c *call) listBuckets() error {
	if err := c.requireSigned(); err != nil {
		return err
	}
	prefix := c.q.Get("prefix")
	max := 10000
	if v, ok := c.q["max-buckets"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 10000 {
			return invalidArgument("max-buckets", v[0], "max-buckets must be an integer between 1 and 10000")
		}
		max = n
	}
	after := ""
	if tok := c.q.Get("continuation-token"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return invalidArgument("continuation-token", tok, "The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	region := c.q.Get("bucket-region")
	res := listAllMyBuckets{Owner: c.h.owner(c.principal), Buckets: []xmlBucket{}, Prefix: prefix}
	for _, b := range c.h.store.ListBuckets(c.r.Context(), c.principal) {
		loc := c.h.location(b)
		if !strings.HasPrefix(b.Name, prefix) || b.Name <= after || (region != "" && region != loc) {
			continue
		}
		if len(res.Buckets) == max {
			res.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.Buckets[max-1].Name))
			break
		}
		res.Buckets = append(res.Buckets, xmlBucket{Name: b.Name, CreationDate: isoTime(b.Created), BucketRegion: loc})
	}
	return writeXML(c.w, 200, res)
}

// --- bucket ---

// locationKey holds the LocationConstraint a bucket was created with.
const locationKey = "s3-location"

// location is the region a bucket reports.
func (h *Handler) location(b *core.Bucket) string {
	if v, ok := b.Configs[locationKey]; ok {
		return string(v)
	}
	return h.region
}

// checkBucketName applies S3's naming rules (bucketnamingrules) beyond
// core's: not an IP address, no "xn--" prefix, no "-s3alias" or "--ol-s3"
// suffix, no dot next to a hyphen.
func checkBucketName(name string) error {
	if !core.ValidBucketName(name) || net.ParseIP(name) != nil ||
		strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "sthree-") ||
		strings.HasSuffix(name, "-s3alias") || strings.HasSuffix(name, "--ol-s3") ||
		strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return errInvalidBucketName
	}
	return nil
}

type createBucketConfig struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

func (c *call) createBucket() error {
	if err := c.requireSigned(); err != nil {
		return err
	}
	if err := checkBucketName(c.req.Bucket); err != nil {
		return err
	}
	acl, _, err := c.h.aclFromHeaders(c.r.Header, c.principal, c.principal, false)
	if err != nil {
		return err
	}
	own := strings.TrimSpace(c.r.Header.Get("x-amz-object-ownership"))
	if own != "" && !validOwnership(own) {
		return invalidArgument("x-amz-object-ownership", own, "Invalid x-amz-object-ownership header: %s", own)
	}
	if own == ownBucketEnforced && !onlyOwnerGrant(acl, c.principal) {
		return errACLWithOwnership
	}
	if v := c.r.Header.Get("x-amz-bucket-object-lock-enabled"); strings.EqualFold(v, "true") {
		return errorf("NotImplemented", 501, "Object Lock is not implemented by Arca.")
	}
	body, err := c.readBody()
	if err != nil {
		return err
	}
	b := core.Bucket{Name: c.req.Bucket, Owner: c.principal, ACL: acl, Configs: map[string][]byte{}}
	if own != "" {
		b.Configs[ownershipConfigKey] = []byte(own)
	}
	if len(body) > 0 {
		var cfg createBucketConfig
		if dialect.UnmarshalXML(body, &cfg) != nil {
			return errMalformedXML
		}
		// Any constraint is accepted (Arca has one location); the bucket
		// reports it back.
		if loc := strings.TrimSpace(cfg.LocationConstraint); loc != "" {
			b.Configs[locationKey] = []byte(loc)
		}
	}
	if _, err := c.h.store.CreateBucket(c.r.Context(), b); err != nil {
		if !errors.Is(err, core.ErrBucketAlreadyOwned) || c.h.region != DefaultRegion {
			return err
		}
		// us-east-1 lets the owner create a bucket again: a no-op that
		// succeeds. As in Ceph RGW, a request that would change the ACL
		// is refused rather than silently ignored.
		old, berr := c.bucket()
		if berr != nil {
			return berr
		}
		if !sameGrants(old.ACL.Effective(old.Owner), acl.Effective(c.principal)) {
			return core.ErrBucketExists
		}
	}
	c.w.Header().Set("Location", "/"+c.req.Bucket)
	return c.empty(200)
}

// sameGrants reports whether two grant lists hold the same grants, in any
// order.
func sameGrants(a, b []core.Grant) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[core.Grant]int{}
	for _, g := range a {
		count[g]++
	}
	for _, g := range b {
		if count[g] == 0 {
			return false
		}
		count[g]--
	}
	return true
}

func (c *call) headBucket() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	c.w.Header().Set("x-amz-bucket-region", c.h.location(b))
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) deleteBucket() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	err = c.h.store.DeleteBucket(c.r.Context(), b.Name)
	if errors.Is(err, core.ErrBucketNotEmpty) {
		// S3 deletes a bucket that holds no objects even while multipart
		// uploads are in progress in it, discarding them (COS and OSS
		// refuse; core leaves the choice to the dialect).
		var aborted bool
		if aborted, err = c.abortUploadsIfNoObjects(b); err == nil {
			err = core.ErrBucketNotEmpty
			if aborted {
				err = c.h.store.DeleteBucket(c.r.Context(), b.Name)
			}
		}
	}
	if err != nil {
		return err
	}
	return c.empty(204)
}

// abortUploadsIfNoObjects aborts every multipart upload of a bucket that
// has no object or version left; it reports whether it did.
func (c *call) abortUploadsIfNoObjects(b *core.Bucket) (bool, error) {
	ctx := c.r.Context()
	vs, err := c.h.store.ListVersions(ctx, b.Name, core.VersionListOptions{MaxKeys: 1})
	if err != nil {
		return false, err
	}
	if len(vs.Versions) > 0 {
		return false, nil
	}
	for {
		res, err := c.h.store.ListUploads(ctx, b.Name, core.UploadListOptions{MaxUploads: 1000})
		if err != nil {
			return false, err
		}
		for _, u := range res.Uploads {
			if err := c.h.store.AbortUpload(ctx, b.Name, u.Key, u.ID); err != nil && !errors.Is(err, core.ErrNoSuchUpload) {
				return false, err
			}
		}
		if !res.IsTruncated || len(res.Uploads) == 0 {
			return true, nil
		}
	}
}

// getObjectLockConfig is GetObjectLockConfiguration. Arca has no Object
// Lock, so no bucket has a configuration: S3's answer for such a bucket.
// Clients probe it before deleting (warp, minio-go's RemoveObjects callers)
// and read this error as "no lock"; NotImplemented would also work for them
// but is not what S3 says.
func (c *call) getObjectLockConfig() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	return errNoObjectLockConfig
}

func (c *call) getLocation() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	type loc struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
		Value   string   `xml:",chardata"`
	}
	// us-east-1 is reported as an empty constraint, as S3 does.
	v := c.h.location(b)
	if v == "us-east-1" {
		v = ""
	}
	return writeXML(c.w, 200, loc{Value: v})
}

// --- listing ---

type xmlPrefix struct {
	Prefix string `xml:"Prefix"`
}

type xmlContents struct {
	Key               string    `xml:"Key"`
	LastModified      string    `xml:"LastModified"`
	ETag              string    `xml:"ETag"`
	ChecksumAlgorithm string    `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string    `xml:"ChecksumType,omitempty"`
	Size              int64     `xml:"Size"`
	Owner             *xmlOwner `xml:"Owner,omitempty"`
	StorageClass      string    `xml:"StorageClass"`
}

type listBucketResult struct {
	XMLName               xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string        `xml:"Name"`
	Prefix                string        `xml:"Prefix"`
	Marker                *string       `xml:"Marker,omitempty"`
	ContinuationToken     *string       `xml:"ContinuationToken"`
	StartAfter            string        `xml:"StartAfter,omitempty"`
	KeyCount              *int          `xml:"KeyCount,omitempty"`
	MaxKeys               int           `xml:"MaxKeys"`
	Delimiter             string        `xml:"Delimiter,omitempty"`
	EncodingType          string        `xml:"EncodingType,omitempty"`
	IsTruncated           bool          `xml:"IsTruncated"`
	NextMarker            string        `xml:"NextMarker,omitempty"`
	NextContinuationToken string        `xml:"NextContinuationToken,omitempty"`
	Contents              []xmlContents `xml:"Contents"`
	CommonPrefixes        []xmlPrefix   `xml:"CommonPrefixes"`
}

// listParams reads what the listings share: prefix, delimiter, max-keys
// (default and cap 1000) and encoding-type.
func (c *call) listParams(maxName string) (prefix, delim string, max int, enc func(string) string, err error) {
	prefix, delim = c.q.Get("prefix"), c.q.Get("delimiter")
	max = maxListKeys
	if v, ok := c.q[maxName]; ok {
		n, perr := strconv.Atoi(v[0])
		if perr != nil || n < 0 {
			return "", "", 0, nil, invalidArgument(maxName, v[0], "Provided %s not an integer or within integer range", maxName)
		}
		max = min(n, maxListKeys)
	}
	enc = func(s string) string { return s }
	switch et := c.q.Get("encoding-type"); et {
	case "":
	case "url":
		enc = dialect.URLEncode
	default:
		return "", "", 0, nil, invalidArgument("encoding-type", et, "Invalid Encoding Method specified in Request")
	}
	return prefix, delim, max, enc, nil
}

func storageClassOf(class string) string {
	if class == "" {
		return "STANDARD"
	}
	return class
}

// contents renders a listed object.
func (c *call) contents(b *core.Bucket, o *core.Object, enc func(string) string, withOwner bool) xmlContents {
	x := xmlContents{
		Key: enc(o.Key), LastModified: isoTime(o.Modified), ETag: quote(o.ETag), Size: o.Size,
		StorageClass: storageClassOf(o.StorageClass),
	}
	if a, _, t := recorded(o.Ext); a != nil {
		x.ChecksumAlgorithm, x.ChecksumType = a.Name, t
	}
	if withOwner {
		ow := c.h.owner(objectOwner(b, o))
		x.Owner = &ow
	}
	return x
}

// listObjects is ListObjects (V1) and, with list-type=2, ListObjectsV2.
func (c *call) listObjects() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	prefix, delim, max, enc, err := c.listParams("max-keys")
	if err != nil {
		return err
	}
	v2 := false
	switch lt := c.q.Get("list-type"); lt {
	case "":
	case "2":
		v2 = true
	default:
		return invalidArgument("list-type", lt, "Invalid List Type specified in Request")
	}
	out := listBucketResult{Name: b.Name, Prefix: enc(prefix), MaxKeys: max, Delimiter: enc(delim), EncodingType: c.q.Get("encoding-type")}
	var marker string
	if v2 {
		startAfter := c.q.Get("start-after")
		marker = startAfter
		out.StartAfter = enc(startAfter)
		if tok, ok := c.q["continuation-token"]; ok {
			// An empty token is the first page's.
			if tok[0] != "" {
				raw, err := base64.RawURLEncoding.DecodeString(tok[0])
				if err != nil {
					return invalidArgument("continuation-token", tok[0], "The continuation token provided is incorrect")
				}
				marker = string(raw)
			}
			out.ContinuationToken = &tok[0]
		}
	} else {
		marker = c.q.Get("marker")
		m := enc(marker)
		out.Marker = &m
	}
	res, err := c.h.store.ListObjects(c.r.Context(), b.Name, core.ListOptions{Prefix: prefix, Delimiter: delim, Marker: marker, MaxKeys: max})
	if err != nil {
		return err
	}
	out.IsTruncated = res.IsTruncated
	withOwner := !v2 || c.q.Get("fetch-owner") == "true"
	out.Contents = make([]xmlContents, 0, len(res.Objects))
	for _, o := range res.Objects {
		out.Contents = append(out.Contents, c.contents(b, o, enc, withOwner))
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	if v2 {
		n := len(res.Objects) + len(res.CommonPrefixes)
		out.KeyCount = &n
		if res.IsTruncated {
			out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.NextMarker))
		}
	} else if res.IsTruncated && delim != "" {
		// S3 returns NextMarker only with a delimiter; clients use the last
		// key otherwise.
		out.NextMarker = enc(res.NextMarker)
	}
	return writeXML(c.w, 200, &out)
}

type xmlVersionEntry struct {
	XMLName           xml.Name
	Key               string    `xml:"Key"`
	VersionID         string    `xml:"VersionId"`
	IsLatest          bool      `xml:"IsLatest"`
	LastModified      string    `xml:"LastModified"`
	ETag              string    `xml:"ETag,omitempty"`
	ChecksumAlgorithm string    `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string    `xml:"ChecksumType,omitempty"`
	Size              *int64    `xml:"Size,omitempty"`
	StorageClass      string    `xml:"StorageClass,omitempty"`
	Owner             *xmlOwner `xml:"Owner,omitempty"`
}

type listVersionsResult struct {
	XMLName             xml.Name          `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListVersionsResult"`
	Name                string            `xml:"Name"`
	Prefix              string            `xml:"Prefix"`
	KeyMarker           string            `xml:"KeyMarker"`
	VersionIDMarker     string            `xml:"VersionIdMarker"`
	NextKeyMarker       string            `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string            `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int               `xml:"MaxKeys"`
	Delimiter           string            `xml:"Delimiter,omitempty"`
	EncodingType        string            `xml:"EncodingType,omitempty"`
	IsTruncated         bool              `xml:"IsTruncated"`
	Entries             []xmlVersionEntry `xml:",any"`
	CommonPrefixes      []xmlPrefix       `xml:"CommonPrefixes"`
}

func (c *call) listVersions() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	prefix, delim, max, enc, err := c.listParams("max-keys")
	if err != nil {
		return err
	}
	keyMarker, vidMarker := c.q.Get("key-marker"), c.q.Get("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return invalidArgument("version-id-marker", vidMarker, "A version-id marker cannot be specified without a key marker.")
	}
	res, err := c.h.store.ListVersions(c.r.Context(), b.Name, core.VersionListOptions{
		Prefix: prefix, Delimiter: delim, KeyMarker: keyMarker, VersionIDMarker: vidMarker, MaxKeys: max,
	})
	if err != nil {
		return err
	}
	out := listVersionsResult{
		Name: b.Name, Prefix: enc(prefix), KeyMarker: enc(keyMarker), VersionIDMarker: vidMarker, MaxKeys: max,
		Delimiter: enc(delim), EncodingType: c.q.Get("encoding-type"), IsTruncated: res.IsTruncated,
	}
	if res.IsTruncated {
		out.NextKeyMarker, out.NextVersionIDMarker = enc(res.NextKeyMarker), res.NextVersionIDMarker
	}
	for _, v := range res.Versions {
		ow := c.h.owner(objectOwner(b, v.Object))
		e := xmlVersionEntry{
			Key: enc(v.Key), VersionID: versionOrNull(v.Object), IsLatest: v.IsLatest,
			LastModified: isoTime(v.Modified), Owner: &ow,
		}
		if v.DeleteMarker {
			e.XMLName.Local = "DeleteMarker"
		} else {
			e.XMLName.Local = "Version"
			e.ETag = quote(v.ETag)
			size := v.Size
			e.Size = &size
			e.StorageClass = storageClassOf(v.StorageClass)
			if a, _, t := recorded(v.Ext); a != nil {
				e.ChecksumAlgorithm, e.ChecksumType = a.Name, t
			}
		}
		out.Entries = append(out.Entries, e)
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	return writeXML(c.w, 200, out)
}

// versionOrNull is a version's id as version listings show it: "null"
// for the null version, in every bucket.
func versionOrNull(o *core.Object) string {
	if o.IsNull() {
		return core.NullVersion
	}
	return o.VersionID
}

// --- versioning ---

type versioningConfig struct {
	XMLName   xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

type inVersioning struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status"`
	MfaDelete string   `xml:"MfaDelete"`
}

func (c *call) putVersioning() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	var cfg inVersioning
	if err := c.readXML(&cfg); err != nil {
		return err
	}
	if cfg.Status != core.VersioningEnabled && cfg.Status != core.VersioningSuspended {
		return errMalformedXML
	}
	if cfg.MfaDelete == "Enabled" {
		return errorf("NotImplemented", 501, "MFA Delete is not implemented by Arca.")
	}
	if _, err := c.h.store.SetVersioning(c.r.Context(), b.Name, cfg.Status); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getVersioning() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	return writeXML(c.w, 200, versioningConfig{Status: b.Versioning})
}

// --- multi-object delete ---

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
		// Conditions of a conditional delete.
		ETag             string `xml:"ETag"`
		LastModifiedTime string `xml:"LastModifiedTime"`
		Size             string `xml:"Size"`
	} `xml:"Object"`
}

type deletedEntry struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteErrorEntry struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

type deleteResult struct {
	XMLName xml.Name           `xml:"http://s3.amazonaws.com/doc/2006-03-01/ DeleteResult"`
	Deleted []deletedEntry     `xml:"Deleted"`
	Errors  []deleteErrorEntry `xml:"Error"`
}

func (c *call) deleteObjects() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	if err := c.requireIntegrity(); err != nil {
		return err
	}
	var in deleteRequest
	if err := c.readXML(&in); err != nil {
		return err
	}
	if len(in.Objects) == 0 || len(in.Objects) > maxDeleteKeys {
		return errMalformedXML
	}
	var out deleteResult
	// Keys S3 refuses get their error; the others are deleted together,
	// in as few commits as the core can.
	errs := make([]error, len(in.Objects))
	var items []core.DeleteItem
	var at []int
	for i, o := range in.Objects {
		if errs[i] = checkKey(o.Key); errs[i] != nil {
			continue
		}
		var check func(*core.Object) error
		if check, errs[i] = deleteCondition(o.ETag, o.LastModifiedTime, o.Size, true); errs[i] == nil {
			if check != nil && o.VersionID == "" && c.nothingToDelete(b, o.Key) {
				continue // reported as deleted
			}
			items = append(items, core.DeleteItem{Key: o.Key, Version: o.VersionID, Check: check})
			at = append(at, i)
		}
	}
	results := make([]core.DeleteResult, len(in.Objects))
	for j, oc := range c.h.store.DeleteObjects(c.r.Context(), b.Name, items) {
		results[at[j]], errs[at[j]] = oc.DeleteResult, oc.Err
	}
	for i, o := range in.Objects {
		if err := errs[i]; err != nil {
			e, known := toError(err)
			if !known {
				c.h.log.Error("multi-delete", "id", c.req.ID, "key", o.Key, "err", err)
			}
			out.Errors = append(out.Errors, deleteErrorEntry{Key: o.Key, VersionID: o.VersionID, Code: e.Code, Message: e.Message})
			continue
		}
		if !in.Quiet {
			out.Deleted = append(out.Deleted, deleted(o.Key, o.VersionID, results[i]))
		}
	}
	return writeXML(c.w, 200, out)
}

// deleteOne deletes a key or a version of it.
// check, if set, is the delete's condition (deleteCondition).
func (c *call) deleteOne(b *core.Bucket, key, version string, check func(*core.Object) error) (deletedEntry, error) {
	if err := checkKey(key); err != nil {
		return deletedEntry{}, err
	}
	out := c.h.store.DeleteObjects(c.r.Context(), b.Name, []core.DeleteItem{{Key: key, Version: version, Check: check}})
	if out[0].Err != nil {
		return deletedEntry{}, out[0].Err
	}
	return deleted(key, version, out[0].DeleteResult), nil
}

// deleteCondition reads the conditions of a conditional delete (If-Match,
// x-amz-if-match-last-modified-time, x-amz-if-match-size, or a
// multi-delete entry's ETag, LastModifiedTime and Size; the time is an
// HTTP date, or with iso also ISO 8601) into a check of the version
// the delete acts on: a mismatch fails it with 412 PreconditionFailed. A
// delete marker has no ETag or size, so only If-Match: * and a matching
// time let one through. Nothing to delete is no failure: core calls the
// check only when there is a version to act on.
func deleteCondition(etag, mtime, size string, iso bool) (func(*core.Object) error, error) {
	etag, mtime, size = strings.TrimSpace(etag), strings.TrimSpace(mtime), strings.TrimSpace(size)
	if etag == "" && mtime == "" && size == "" {
		return nil, nil
	}
	var t time.Time
	if mtime != "" {
		var ok bool
		// botocore sends a multi-delete entry's time as an HTTP date
		// (the model's rfc822), other clients in ISO 8601.
		if t, ok = conditional.ParseHTTPDate(mtime); !ok && iso {
			var err error
			t, err = time.Parse(time.RFC3339Nano, mtime)
			ok = err == nil
		}
		if !ok {
			return nil, invalidArgument("LastModifiedTime", mtime, "Invalid last modified time.")
		}
	}
	n := int64(-1)
	if size != "" {
		var err error
		if n, err = strconv.ParseInt(size, 10, 64); err != nil || n < 0 {
			return nil, invalidArgument("Size", size, "Invalid size.")
		}
	}
	return func(o *core.Object) error {
		switch {
		case etag != "" && !(etag == "*" || !o.DeleteMarker && conditional.ListMatches(etag, o.ETag)):
			return errPreconditionFailed
		case mtime != "" && !o.Modified.Truncate(time.Second).Equal(t.Truncate(time.Second)):
			return errPreconditionFailed
		case n >= 0 && (o.DeleteMarker || o.Size != n):
			return errPreconditionFailed
		}
		return nil
	}, nil
}

// deleted says what a delete did, as DeleteObject's headers and
// DeleteObjects' entries do: the delete marker it made, or the version it
// removed (and whether that was a marker).
func deleted(key, version string, res core.DeleteResult) deletedEntry {
	d := deletedEntry{Key: key}
	switch {
	case version == "" && res.DeleteMarker:
		d.DeleteMarker, d.DeleteMarkerVersionID = true, res.VersionID
		if d.DeleteMarkerVersionID == "" {
			d.DeleteMarkerVersionID = core.NullVersion
		}
	case version != "":
		d.VersionID = version
		if res.DeleteMarker {
			d.DeleteMarker, d.DeleteMarkerVersionID = true, version
		}
	}
	return d
}

// drain reads what is left of a body that is not used.
func drain(r io.Reader) { dialect.Drain(r) }

// AppendXML renders the listing as xml.Marshal would (see
// httpx.XMLAppender; listxml_test.go compares the two): listings are the
// one response whose size grows with the data, and encoding/xml's
// reflection was over a third of the server's CPU under a listing load.
func (r *listBucketResult) AppendXML(b []byte) []byte {
	b = append(b, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`...)
	b = httpx.AppendXMLElem(b, "Name", r.Name)
	b = httpx.AppendXMLElem(b, "Prefix", r.Prefix)
	if r.Marker != nil {
		b = httpx.AppendXMLElem(b, "Marker", *r.Marker)
	}
	if r.ContinuationToken != nil {
		b = httpx.AppendXMLElem(b, "ContinuationToken", *r.ContinuationToken)
	}
	if r.StartAfter != "" {
		b = httpx.AppendXMLElem(b, "StartAfter", r.StartAfter)
	}
	if r.KeyCount != nil {
		b = httpx.AppendXMLInt(b, "KeyCount", int64(*r.KeyCount))
	}
	b = httpx.AppendXMLInt(b, "MaxKeys", int64(r.MaxKeys))
	if r.Delimiter != "" {
		b = httpx.AppendXMLElem(b, "Delimiter", r.Delimiter)
	}
	if r.EncodingType != "" {
		b = httpx.AppendXMLElem(b, "EncodingType", r.EncodingType)
	}
	b = httpx.AppendXMLBool(b, "IsTruncated", r.IsTruncated)
	if r.NextMarker != "" {
		b = httpx.AppendXMLElem(b, "NextMarker", r.NextMarker)
	}
	if r.NextContinuationToken != "" {
		b = httpx.AppendXMLElem(b, "NextContinuationToken", r.NextContinuationToken)
	}
	for i := range r.Contents {
		x := &r.Contents[i]
		b = append(b, "<Contents>"...)
		b = httpx.AppendXMLElem(b, "Key", x.Key)
		b = httpx.AppendXMLElem(b, "LastModified", x.LastModified)
		b = httpx.AppendXMLElem(b, "ETag", x.ETag)
		if x.ChecksumAlgorithm != "" {
			b = httpx.AppendXMLElem(b, "ChecksumAlgorithm", x.ChecksumAlgorithm)
		}
		if x.ChecksumType != "" {
			b = httpx.AppendXMLElem(b, "ChecksumType", x.ChecksumType)
		}
		b = httpx.AppendXMLInt(b, "Size", x.Size)
		if x.Owner != nil {
			b = append(b, "<Owner>"...)
			b = httpx.AppendXMLElem(b, "ID", x.Owner.ID)
			if x.Owner.DisplayName != "" {
				b = httpx.AppendXMLElem(b, "DisplayName", x.Owner.DisplayName)
			}
			b = append(b, "</Owner>"...)
		}
		b = httpx.AppendXMLElem(b, "StorageClass", x.StorageClass)
		b = append(b, "</Contents>"...)
	}
	for _, p := range r.CommonPrefixes {
		b = append(b, "<CommonPrefixes>"...)
		b = httpx.AppendXMLElem(b, "Prefix", p.Prefix)
		b = append(b, "</CommonPrefixes>"...)
	}
	return append(b, "</ListBucketResult>"...)
}
