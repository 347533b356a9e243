package cos

import (
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
)

// readBody reads a small XML request body. ok is false when it is too large.
func readBody(c *call) ([]byte, bool, error) {
	b, ok, err := httpx.ReadLimited(c.r.Body, maxXMLBody)
	if err != nil {
		return nil, false, core.ErrBodyRead
	}
	return b, ok, nil
}

// readXML reads and checks (Content-MD5) an XML body into v.
func (c *call) readXML(v any) error {
	body, ok, err := readBody(c)
	if err != nil {
		return err
	}
	if !ok {
		return errMalformedXML
	}
	if len(body) == 0 {
		return errMissingBody
	}
	if err := dialect.CheckContentMD5(c.r.Header.Get("Content-MD5"), body); err != nil {
		return err
	}
	if err := dialect.UnmarshalXML(body, v); err != nil {
		return errMalformedXML
	}
	return nil
}

// --- service ---

type listAllMyBuckets struct {
	XMLName xml.Name    `xml:"ListAllMyBucketsResult"`
	Owner   xmlOwner    `xml:"Owner"`
	Buckets []xmlBucket `xml:"Buckets>Bucket"`
}

type xmlBucket struct {
	Name         string `xml:"Name"`
	Location     string `xml:"Location"`
	CreationDate string `xml:"CreationDate"`
	BucketType   string `xml:"BucketType"`
}

func (c *call) listBuckets() error {
	if err := c.requireSigned(); err != nil {
		return err
	}
	res := listAllMyBuckets{Owner: xmlOwner{ID: uinID(c.principal), DisplayName: c.principal}}
	region := c.q.Get("region")
	for _, b := range c.h.store.ListBuckets(c.r.Context(), c.principal) {
		loc := c.bucketRegion(b)
		if region != "" && loc != region {
			continue
		}
		res.Buckets = append(res.Buckets, xmlBucket{
			Name: b.Name, Location: loc, BucketType: "cos",
			CreationDate: b.Created.UTC().Format("2006-01-02T15:04:05Z"),
		})
	}
	return writeXML(c.w, 200, res)
}

func (c *call) bucketRegion(b *core.Bucket) string {
	if b.Region != "" {
		return b.Region
	}
	return c.h.region
}

// --- bucket ---

// checkBucketName applies COS's rules: <name>-<APPID>, name of lowercase
// letters, digits and '-', not starting or ending with '-', the APPID this
// server's, and the full endpoint host name at most 60 characters.
func (c *call) checkBucketName(name string) error {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 || i == len(name)-1 {
		return errorf("InvalidBucketName", 400, "The bucket name must have the form <BucketName>-<APPID>.")
	}
	short, appid := name[:i], name[i+1:]
	for _, ch := range appid {
		if ch < '0' || ch > '9' {
			return errorf("InvalidBucketName", 400, "The bucket name must end with -<APPID>.")
		}
	}
	if appid != c.h.appID {
		return errorf("AccessDenied", 403, "The APPID in the bucket name (%s) is not this account's (%s).", appid, c.h.appID)
	}
	if short[0] == '-' || short[len(short)-1] == '-' {
		return errInvalidBucketName
	}
	for i := 0; i < len(short); i++ {
		ch := short[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			return errInvalidBucketName
		}
	}
	if len(name)+len(".cos."+c.h.region+".myqcloud.com") > 60 {
		return errBucketNameTooLong
	}
	return nil
}

func (c *call) createBucket() error {
	if err := c.requireSigned(); err != nil {
		return err
	}
	if err := c.checkBucketName(c.req.Bucket); err != nil {
		return err
	}
	acl, _, err := aclFromHeaders(c.r.Header, c.principal, false)
	if err != nil {
		return err
	}
	// A CreateBucketConfiguration body (MAZ/OFS) is accepted; Arca has a
	// single availability zone, so it changes nothing.
	if body, ok, err := readBody(c); err != nil {
		return err
	} else if !ok {
		return errMalformedXML
	} else if len(body) > 0 {
		var cfg struct {
			XMLName xml.Name `xml:"CreateBucketConfiguration"`
		}
		if dialect.UnmarshalXML(body, &cfg) != nil {
			return errMalformedXML
		}
	}
	_, err = c.h.store.CreateBucket(c.r.Context(), core.Bucket{Name: c.req.Bucket, Owner: c.principal, Region: c.h.region, ACL: acl})
	if err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) headBucket() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	c.w.Header().Set("x-cos-bucket-region", c.bucketRegion(b))
	c.w.Header().Set("Content-Type", "application/xml")
	return c.empty(200)
}

func (c *call) deleteBucket() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if c.principal != b.Owner {
		return errAccessDenied
	}
	if err := c.h.store.DeleteBucket(c.r.Context(), b.Name); err != nil {
		return err
	}
	return c.empty(204)
}

func (c *call) getLocation() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	type loc struct {
		XMLName xml.Name `xml:"LocationConstraint"`
		Value   string   `xml:",chardata"`
	}
	return writeXML(c.w, 200, loc{Value: c.bucketRegion(b)})
}

// --- listing ---

type xmlContents struct {
	Key          string   `xml:"Key"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
	Size         int64    `xml:"Size"`
	Owner        xmlOwner `xml:"Owner"`
	StorageClass string   `xml:"StorageClass"`
}

type xmlPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listBucketResult struct {
	XMLName        xml.Name      `xml:"ListBucketResult"`
	Name           string        `xml:"Name"`
	EncodingType   string        `xml:"EncodingType,omitempty"`
	Prefix         string        `xml:"Prefix"`
	Marker         string        `xml:"Marker"`
	MaxKeys        int           `xml:"MaxKeys"`
	Delimiter      string        `xml:"Delimiter,omitempty"`
	IsTruncated    bool          `xml:"IsTruncated"`
	NextMarker     string        `xml:"NextMarker,omitempty"`
	CommonPrefixes []xmlPrefix   `xml:"CommonPrefixes"`
	Contents       []xmlContents `xml:"Contents"`
}

func (c *call) listParams() (prefix, delim string, max int, enc func(string) string, err error) {
	prefix, delim = c.q.Get("prefix"), c.q.Get("delimiter")
	if utf8.RuneCountInString(delim) > 1 {
		return "", "", 0, nil, errInvalidDelimiter
	}
	max = maxListKeys
	if v, ok := c.q["max-keys"]; ok {
		n, perr := strconv.Atoi(v[0])
		if perr != nil || n < 0 {
			return "", "", 0, nil, errorf("InvalidArgument", 400, "max-keys must be an integer between 0 and 1000")
		}
		max = min(n, maxListKeys)
	}
	enc = func(s string) string { return s }
	switch et := c.q.Get("encoding-type"); et {
	case "":
	case "url":
		enc = dialect.URLEncode
	default:
		return "", "", 0, nil, errorf("InvalidArgument", 400, "encoding-type must be url")
	}
	return prefix, delim, max, enc, nil
}

func (c *call) objectOwner() xmlOwner { return xmlOwner{ID: c.h.appID, DisplayName: c.h.appID} }

func storageClassOf(o *core.Object) string {
	if o.StorageClass == "" {
		return "STANDARD"
	}
	return o.StorageClass
}

func quote(etag string) string { return `"` + etag + `"` }

func (c *call) listObjects() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	prefix, delim, max, enc, err := c.listParams()
	if err != nil {
		return err
	}
	marker := c.q.Get("marker")
	res, err := c.h.store.ListObjects(c.r.Context(), b.Name, core.ListOptions{Prefix: prefix, Delimiter: delim, Marker: marker, MaxKeys: max})
	if err != nil {
		return err
	}
	out := listBucketResult{
		Name: b.Name, Prefix: enc(prefix), Marker: enc(marker), MaxKeys: max, Delimiter: enc(delim),
		IsTruncated: res.IsTruncated, EncodingType: c.q.Get("encoding-type"),
	}
	if res.IsTruncated {
		out.NextMarker = enc(res.NextMarker)
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	for _, o := range res.Objects {
		out.Contents = append(out.Contents, xmlContents{
			Key: enc(o.Key), LastModified: httpx.ISOTime(o.Modified), ETag: quote(o.ETag), Size: o.Size,
			Owner: c.objectOwner(), StorageClass: storageClassOf(o),
		})
	}
	c.w.Header().Set("x-cos-bucket-region", c.bucketRegion(b))
	return writeXML(c.w, 200, out)
}

type xmlVersionEntry struct {
	XMLName      xml.Name
	Key          string   `xml:"Key"`
	VersionID    string   `xml:"VersionId"`
	IsLatest     bool     `xml:"IsLatest"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag,omitempty"`
	Size         *int64   `xml:"Size,omitempty"`
	StorageClass string   `xml:"StorageClass,omitempty"`
	Owner        xmlOwner `xml:"Owner"`
}

type listVersionsResult struct {
	XMLName             xml.Name          `xml:"ListVersionsResult"`
	EncodingType        string            `xml:"EncodingType,omitempty"`
	Name                string            `xml:"Name"`
	Prefix              string            `xml:"Prefix"`
	KeyMarker           string            `xml:"KeyMarker"`
	VersionIDMarker     string            `xml:"VersionIdMarker"`
	MaxKeys             int               `xml:"MaxKeys"`
	IsTruncated         bool              `xml:"IsTruncated"`
	NextKeyMarker       string            `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker *string           `xml:"NextVersionIdMarker,omitempty"`
	Delimiter           string            `xml:"Delimiter,omitempty"`
	CommonPrefixes      []xmlPrefix       `xml:"CommonPrefixes"`
	Entries             []xmlVersionEntry `xml:",any"`
}

func (c *call) listVersions() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	prefix, delim, max, enc, err := c.listParams()
	if err != nil {
		return err
	}
	keyMarker, vidMarker := c.q.Get("key-marker"), c.q.Get("version-id-marker")
	res, err := c.h.store.ListVersions(c.r.Context(), b.Name, core.VersionListOptions{
		Prefix: prefix, Delimiter: delim, KeyMarker: keyMarker, VersionIDMarker: vidMarker, MaxKeys: max,
	})
	if err != nil {
		return err
	}
	out := listVersionsResult{
		EncodingType: c.q.Get("encoding-type"), Name: b.Name, Prefix: enc(prefix), KeyMarker: enc(keyMarker),
		VersionIDMarker: vidMarker, MaxKeys: max, IsTruncated: res.IsTruncated, Delimiter: enc(delim),
	}
	if res.IsTruncated {
		out.NextKeyMarker = enc(res.NextKeyMarker)
		v := res.NextVersionIDMarker
		out.NextVersionIDMarker = &v
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	for _, v := range res.Versions {
		e := xmlVersionEntry{
			Key: enc(v.Key), VersionID: dialect.VersionID(b, v.Object), IsLatest: v.IsLatest,
			LastModified: httpx.ISOTime(v.Modified), Owner: c.objectOwner(),
		}
		if v.DeleteMarker {
			e.XMLName.Local = "DeleteMarker"
		} else {
			e.XMLName.Local = "Version"
			e.ETag = quote(v.ETag)
			size := v.Size
			e.Size = &size
			e.StorageClass = storageClassOf(v.Object)
		}
		out.Entries = append(out.Entries, e)
	}
	return writeXML(c.w, 200, out)
}

// --- versioning ---

type versioningConfig struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Status  string   `xml:"Status,omitempty"`
}

func (c *call) putVersioning() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if c.principal != b.Owner {
		return errAccessDenied
	}
	var cfg versioningConfig
	if err := c.readXML(&cfg); err != nil {
		return err
	}
	if cfg.Status != core.VersioningEnabled && cfg.Status != core.VersioningSuspended {
		return errMalformedXML
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
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	return writeXML(c.w, 200, versioningConfig{Status: b.Versioning})
}

// --- ACL ---

func (c *call) putBucketACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWriteACP); err != nil {
		return err
	}
	acl, err := c.aclFromRequest(b.Owner, false)
	if err != nil {
		return err
	}
	if _, err := c.h.store.SetBucketACL(c.r.Context(), b.Name, acl); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getBucketACL() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermReadACP); err != nil {
		return err
	}
	return writeXML(c.w, 200, renderACL(b.ACL, b.Owner))
}

// --- multi-object delete ---

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
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
	XMLName xml.Name           `xml:"DeleteResult"`
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
	var in deleteRequest
	if err := c.readXML(&in); err != nil {
		return err
	}
	if len(in.Objects) == 0 || len(in.Objects) > maxDeleteKeys {
		return errorf("MalformedXML", 400, "A delete request names 1 to 1000 objects.")
	}
	var out deleteResult
	items := make([]core.DeleteItem, len(in.Objects))
	for i, o := range in.Objects {
		items[i] = core.DeleteItem{Key: o.Key, Version: o.VersionID}
	}
	results := c.h.store.DeleteObjects(c.r.Context(), b.Name, items)
	for i, o := range in.Objects {
		version := o.VersionID
		res, err := results[i].DeleteResult, results[i].Err
		if err != nil {
			e, known := toError(err)
			if !known {
				c.h.log.Error("multi-delete", "id", c.req.ID, "key", o.Key, "err", err)
			}
			out.Errors = append(out.Errors, deleteErrorEntry{Key: o.Key, VersionID: o.VersionID, Code: e.Code, Message: e.Message})
			continue
		}
		if in.Quiet {
			continue
		}
		d := deletedEntry{Key: o.Key}
		switch {
		case version == "" && res.DeleteMarker:
			d.DeleteMarker, d.DeleteMarkerVersionID = true, markerID(b, res.VersionID)
		case version != "":
			d.VersionID = version
			if res.DeleteMarker {
				d.DeleteMarker, d.DeleteMarkerVersionID = true, version
			}
		}
		out.Deleted = append(out.Deleted, d)
	}
	return writeXML(c.w, 200, out)
}

func markerID(b *core.Bucket, id string) string {
	if id == "" {
		return core.NullVersion
	}
	return id
}
