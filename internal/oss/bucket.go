package oss

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
)

// bucketConfigKey names, in a bucket's Configs, what OSS records at
// creation and other dialects have no use for: its storage class and data
// redundancy type.
const bucketConfigKey = "oss-bucket"

type bucketConfig struct {
	StorageClass string `json:"sc,omitempty"`
	Redundancy   string `json:"dr,omitempty"`
}

func ossBucketConfig(b *core.Bucket) bucketConfig {
	var bc bucketConfig
	if raw, ok := b.Configs[bucketConfigKey]; ok {
		json.Unmarshal(raw, &bc)
	}
	if bc.StorageClass == "" {
		bc.StorageClass = "Standard"
	}
	if bc.Redundancy == "" {
		bc.Redundancy = "LRS"
	}
	return bc
}

// validBucketName applies OSS's rule: 3 to 63 lowercase letters, digits
// and hyphens, starting and ending with a letter or digit. (A COS bucket
// name, <name>-<APPID>, is one.)
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			return false
		}
	}
	return true
}

// endpoint is the service endpoint as the client reaches it: the Host
// without the bucket of a virtual-host request.
func (c *call) endpoint() string {
	host := c.r.Host
	if c.req.VirtualHost {
		host = strings.TrimPrefix(host, c.req.Bucket+".")
	}
	return host
}

func (c *call) location() string { return "oss-" + c.h.region }

// --- service ---

type xmlBucket struct {
	CreationDate     string `xml:"CreationDate"`
	ExtranetEndpoint string `xml:"ExtranetEndpoint"`
	IntranetEndpoint string `xml:"IntranetEndpoint"`
	Location         string `xml:"Location"`
	Name             string `xml:"Name"`
	Region           string `xml:"Region"`
	StorageClass     string `xml:"StorageClass"`
}

type listAllMyBuckets struct {
	XMLName     xml.Name    `xml:"ListAllMyBucketsResult"`
	Prefix      string      `xml:"Prefix"`
	Marker      string      `xml:"Marker"`
	MaxKeys     int         `xml:"MaxKeys"`
	IsTruncated bool        `xml:"IsTruncated"`
	NextMarker  string      `xml:"NextMarker,omitempty"`
	Owner       owner       `xml:"Owner"`
	Buckets     []xmlBucket `xml:"Buckets>Bucket"`
}

func (c *call) listBuckets() error {
	if c.principal == "" {
		return errAnonymousList
	}
	max, err := c.maxKeys("max-keys")
	if err != nil {
		return err
	}
	prefix, marker := c.q.Get("prefix"), c.q.Get("marker")
	out := listAllMyBuckets{Prefix: prefix, Marker: marker, MaxKeys: max, Owner: ownerOf(c.principal)}
	for _, b := range c.h.store.ListBuckets(c.r.Context(), c.principal) {
		if !strings.HasPrefix(b.Name, prefix) || b.Name <= marker {
			continue
		}
		if len(out.Buckets) == max {
			out.IsTruncated = true
			out.NextMarker = out.Buckets[max-1].Name
			break
		}
		out.Buckets = append(out.Buckets, c.xmlBucket(b))
	}
	return c.writeXML(200, out)
}

func (c *call) xmlBucket(b *core.Bucket) xmlBucket {
	return xmlBucket{
		CreationDate: httpx.ISOTime(b.Created), ExtranetEndpoint: c.endpoint(), IntranetEndpoint: c.endpoint(),
		Location: c.location(), Name: b.Name, Region: c.h.region, StorageClass: ossBucketConfig(b).StorageClass,
	}
}

// --- bucket ---

var bucketStorageClasses = map[string]bool{"Standard": true, "IA": true, "Archive": true, "ColdArchive": true, "DeepColdArchive": true}

func (c *call) putBucket() error {
	if c.principal == "" {
		return errAnonymousList
	}
	if !validBucketName(c.req.Bucket) {
		return errInvalidBucket
	}
	acl, _, err := bucketACLHeader(c.r.Header)
	if err != nil {
		return err
	}
	body, err := c.readBody(maxXMLBody)
	if err != nil {
		return err
	}
	var bc bucketConfig
	if len(body) > 0 {
		var in struct {
			XMLName            xml.Name `xml:"CreateBucketConfiguration"`
			StorageClass       string   `xml:"StorageClass"`
			DataRedundancyType string   `xml:"DataRedundancyType"`
		}
		if err := dialect.UnmarshalXML(body, &in); err != nil {
			return err
		}
		if in.StorageClass != "" && !bucketStorageClasses[in.StorageClass] {
			return invalidArgument("", "StorageClass", in.StorageClass, "No such bucket storage class exists.")
		}
		if in.DataRedundancyType != "" && in.DataRedundancyType != "LRS" && in.DataRedundancyType != "ZRS" {
			return invalidArgument("", "DataRedundancyType", in.DataRedundancyType, "No such bucket data redundancy type exists.")
		}
		bc = bucketConfig{StorageClass: in.StorageClass, Redundancy: in.DataRedundancyType}
	}
	rec := core.Bucket{Name: c.req.Bucket, Owner: c.principal, ACL: acl}
	if bc != (bucketConfig{}) {
		raw, _ := json.Marshal(bc)
		rec.Configs = map[string][]byte{bucketConfigKey: raw}
	}
	_, err = c.h.store.CreateBucket(c.r.Context(), rec)
	// Creating a bucket one already owns succeeds, as OSS documents for a
	// repeated PutBucket with the same settings.
	if err != nil && !errors.Is(err, core.ErrBucketAlreadyOwned) {
		return err
	}
	return c.empty(200)
}

func (c *call) deleteBucket() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	if err := c.h.store.DeleteBucket(c.r.Context(), b.Name); err != nil {
		return err
	}
	return c.empty(204)
}

func (c *call) headBucket() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	return c.empty(200)
}

type bucketInfo struct {
	XMLName xml.Name `xml:"BucketInfo"`
	Bucket  struct {
		AccessMonitor          string `xml:"AccessMonitor"`
		CreationDate           string `xml:"CreationDate"`
		ExtranetEndpoint       string `xml:"ExtranetEndpoint"`
		IntranetEndpoint       string `xml:"IntranetEndpoint"`
		Location               string `xml:"Location"`
		StorageClass           string `xml:"StorageClass"`
		DataRedundancyType     string `xml:"DataRedundancyType"`
		TransferAcceleration   string `xml:"TransferAcceleration"`
		CrossRegionReplication string `xml:"CrossRegionReplication"`
		Name                   string `xml:"Name"`
		Owner                  owner  `xml:"Owner"`
		Grant                  string `xml:"AccessControlList>Grant"`
		SSEAlgorithm           string `xml:"ServerSideEncryptionRule>SSEAlgorithm"`
		Versioning             string `xml:"Versioning,omitempty"`
		LogBucket              string `xml:"BucketPolicy>LogBucket"`
		LogPrefix              string `xml:"BucketPolicy>LogPrefix"`
		BlockPublicAccess      bool   `xml:"BlockPublicAccess"`
	} `xml:"Bucket"`
}

func (c *call) getBucketInfo() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	bc := ossBucketConfig(b)
	var out bucketInfo
	x := &out.Bucket
	x.AccessMonitor, x.TransferAcceleration, x.CrossRegionReplication = "Disabled", "Disabled", "Disabled"
	x.CreationDate = httpx.ISOTime(b.Created)
	x.ExtranetEndpoint, x.IntranetEndpoint = c.endpoint(), c.endpoint()
	x.Location, x.StorageClass, x.DataRedundancyType = c.location(), bc.StorageClass, bc.Redundancy
	x.Name, x.Owner, x.Grant = b.Name, ownerOf(b.Owner), aclName(b.ACL, b.Owner)
	x.SSEAlgorithm, x.Versioning = "None", b.Versioning
	return c.writeXML(200, out)
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
	return c.writeXML(200, loc{Value: c.location()})
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
	if err := c.requireOwner(b); err != nil {
		return err
	}
	var cfg versioningConfig
	if err := c.readXML(&cfg); err != nil {
		return err
	}
	if cfg.Status != core.VersioningEnabled && cfg.Status != core.VersioningSuspended {
		return invalidArgument("", "Status", cfg.Status, "The versioning Status must be Enabled or Suspended.")
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
	return c.writeXML(200, versioningConfig{Status: b.Versioning})
}

// --- listings ---

// maxKeys reads a page size parameter: default 100, 1 to 1000.
func (c *call) maxKeys(name string) (int, error) {
	v, ok := c.q[name]
	if !ok || v[0] == "" {
		return defaultMaxKeys, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 1 || n > maxListKeys {
		return 0, invalidArgument("", name, v[0], "Argument %s must be an integer between 1 and %d.", name, maxListKeys)
	}
	return n, nil
}

// listParams reads what every listing shares: prefix and delimiter
// (under 1024 bytes) and encoding-type, which gives the encoder of keys.
func (c *call) listParams(markers ...string) (prefix, delim string, enc func(string) string, err error) {
	for _, p := range append([]string{"prefix", "delimiter"}, markers...) {
		if v := c.q.Get(p); len(v) >= 1024 {
			return "", "", nil, invalidArgument("", p, v[:64]+"...", "Argument %s must be shorter than 1024 bytes.", p)
		}
	}
	enc = func(s string) string { return s }
	switch et := c.q.Get("encoding-type"); et {
	case "":
	case "url":
		enc = urlEncode
	default:
		return "", "", nil, invalidArgument("", "encoding-type", et, "The encoding-type must be url.")
	}
	return c.q.Get("prefix"), c.q.Get("delimiter"), enc, nil
}

// urlEncode is encoding-type=url: every byte but A-Z a-z 0-9 - _ . ~
// percent-encoded, "/" too, a space as %20 and "+" as %2B.
func urlEncode(s string) string {
	return strings.ReplaceAll(dialect.URLEncode(s), "/", "%2F")
}

type xmlContents struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Type         string `xml:"Type"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *owner `xml:"Owner,omitempty"`
}

type xmlPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listBucketResult struct {
	XMLName               xml.Name      `xml:"ListBucketResult"`
	Name                  string        `xml:"Name"`
	Prefix                string        `xml:"Prefix"`
	Marker                *string       `xml:"Marker,omitempty"`
	StartAfter            string        `xml:"StartAfter,omitempty"`
	ContinuationToken     string        `xml:"ContinuationToken,omitempty"`
	MaxKeys               int           `xml:"MaxKeys"`
	Delimiter             string        `xml:"Delimiter"`
	EncodingType          string        `xml:"EncodingType,omitempty"`
	IsTruncated           bool          `xml:"IsTruncated"`
	NextMarker            string        `xml:"NextMarker,omitempty"`
	NextContinuationToken string        `xml:"NextContinuationToken,omitempty"`
	Contents              []xmlContents `xml:"Contents"`
	CommonPrefixes        []xmlPrefix   `xml:"CommonPrefixes"`
	KeyCount              *int          `xml:"KeyCount,omitempty"`
}

// listObjects is ListObjects (GetBucket) and, with list-type=2,
// ListObjectsV2.
func (c *call) listObjects() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	v2 := c.q.Get("list-type") == "2"
	prefix, delim, enc, err := c.listParams("marker", "start-after")
	if err != nil {
		return err
	}
	max, err := c.maxKeys("max-keys")
	if err != nil {
		return err
	}
	out := listBucketResult{Name: b.Name, Prefix: enc(prefix), MaxKeys: max, Delimiter: enc(delim), EncodingType: c.q.Get("encoding-type")}
	marker := c.q.Get("marker")
	if v2 {
		marker = c.q.Get("start-after")
		out.StartAfter = enc(marker)
		if tok := c.q.Get("continuation-token"); tok != "" {
			k, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil {
				return invalidArgument("", "continuation-token", tok, "The continuation token is not valid.")
			}
			marker = max2(marker, string(k))
			out.ContinuationToken = tok
		}
	} else {
		m := enc(marker)
		out.Marker = &m
	}
	res, err := c.h.store.ListObjects(c.r.Context(), b.Name, core.ListOptions{Prefix: prefix, Delimiter: delim, Marker: marker, MaxKeys: max})
	if err != nil {
		return err
	}
	out.IsTruncated = res.IsTruncated
	if res.IsTruncated {
		if v2 {
			out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.NextMarker))
		} else {
			out.NextMarker = enc(res.NextMarker)
		}
	}
	fetchOwner := !v2 || c.q.Get("fetch-owner") == "true"
	for _, o := range res.Objects {
		x := xmlContents{
			Key: enc(o.Key), LastModified: httpx.ISOTime(o.Modified), ETag: etag(o), Type: objectType(o),
			Size: o.Size, StorageClass: storageClassName(o.StorageClass),
		}
		if fetchOwner {
			ow := ownerOf(objectOwner(b, o))
			x.Owner = &ow
		}
		out.Contents = append(out.Contents, x)
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	if v2 {
		n := len(out.Contents) + len(out.CommonPrefixes)
		out.KeyCount = &n
	}
	return c.writeXML(200, out)
}

func max2(a, b string) string {
	if a > b {
		return a
	}
	return b
}

func objectOwner(b *core.Bucket, o *core.Object) string {
	if o.Owner != "" {
		return o.Owner
	}
	return b.Owner
}

type xmlVersionEntry struct {
	XMLName      xml.Name
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag,omitempty"`
	Type         string `xml:"Type,omitempty"` // never on a delete marker
	Size         *int64 `xml:"Size,omitempty"`
	StorageClass string `xml:"StorageClass,omitempty"`
	Owner        owner  `xml:"Owner"`
}

type listVersionsResult struct {
	XMLName             xml.Name          `xml:"ListVersionsResult"`
	Name                string            `xml:"Name"`
	Prefix              string            `xml:"Prefix"`
	KeyMarker           string            `xml:"KeyMarker"`
	VersionIDMarker     string            `xml:"VersionIdMarker"`
	MaxKeys             int               `xml:"MaxKeys"`
	Delimiter           string            `xml:"Delimiter"`
	EncodingType        string            `xml:"EncodingType,omitempty"`
	IsTruncated         bool              `xml:"IsTruncated"`
	NextKeyMarker       string            `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string            `xml:"NextVersionIdMarker,omitempty"`
	Entries             []xmlVersionEntry `xml:",any"`
	CommonPrefixes      []xmlPrefix       `xml:"CommonPrefixes"`
}

// listVersionID is a version's id in a listing: "null" for the null
// version, whether or not the bucket ever had versioning.
func listVersionID(o *core.Object) string {
	if o.IsNull() {
		return core.NullVersion
	}
	return o.VersionID
}

func (c *call) listVersions() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	prefix, delim, enc, err := c.listParams("key-marker", "version-id-marker")
	if err != nil {
		return err
	}
	max, err := c.maxKeys("max-keys")
	if err != nil {
		return err
	}
	keyMarker, vidMarker := c.q.Get("key-marker"), c.q.Get("version-id-marker")
	if keyMarker == "" {
		vidMarker = ""
	}
	res, err := c.h.store.ListVersions(c.r.Context(), b.Name, core.VersionListOptions{
		Prefix: prefix, Delimiter: delim, KeyMarker: keyMarker, VersionIDMarker: vidMarker, MaxKeys: max,
	})
	if err != nil {
		return err
	}
	out := listVersionsResult{
		Name: b.Name, Prefix: enc(prefix), KeyMarker: enc(keyMarker), VersionIDMarker: enc(vidMarker),
		MaxKeys: max, Delimiter: enc(delim), EncodingType: c.q.Get("encoding-type"), IsTruncated: res.IsTruncated,
	}
	if res.IsTruncated {
		out.NextKeyMarker = enc(res.NextKeyMarker)
		out.NextVersionIDMarker = enc(res.NextVersionIDMarker)
		if out.NextVersionIDMarker == "" && res.NextKeyMarker != "" {
			out.NextVersionIDMarker = core.NullVersion
		}
	}
	for _, v := range res.Versions {
		e := xmlVersionEntry{
			Key: enc(v.Key), VersionID: listVersionID(v.Object), IsLatest: v.IsLatest,
			LastModified: httpx.ISOTime(v.Modified), Owner: ownerOf(objectOwner(b, v.Object)),
		}
		if v.DeleteMarker {
			e.XMLName.Local = "DeleteMarker"
		} else {
			e.XMLName.Local = "Version"
			e.ETag, e.Type = etag(v.Object), objectType(v.Object)
			size := v.Size
			e.Size = &size
			e.StorageClass = storageClassName(v.StorageClass)
		}
		out.Entries = append(out.Entries, e)
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	return c.writeXML(200, out)
}

// --- multi-object delete ---

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       *string `xml:"Key"`
		VersionID string  `xml:"VersionId"`
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
	XMLName      xml.Name           `xml:"DeleteResult"`
	EncodingType string             `xml:"EncodingType,omitempty"`
	Deleted      []deletedEntry     `xml:"Deleted"`
	Errors       []deleteErrorEntry `xml:"Error"`
}

func (c *call) deleteObjects() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	_, _, enc, err := c.listParams()
	if err != nil {
		return err
	}
	var in deleteRequest
	if err := c.readXML(&in); err != nil {
		return err
	}
	switch {
	case len(in.Objects) == 0:
		e := *errMalformedXML
		e.Message, e.EC = "The Delete element must name at least one Object.", "0016-00000615"
		return &e
	case len(in.Objects) > maxDeleteKeys:
		e := *errMalformedXML
		e.Message, e.EC = "A delete request names at most 1000 objects.", "0016-00000609"
		return &e
	}
	for _, o := range in.Objects {
		if o.Key == nil || *o.Key == "" {
			return errorf("UserKeyMustBeSpecified", 400, "User key must be specified.")
		}
	}
	out := deleteResult{EncodingType: c.q.Get("encoding-type")}
	// Objects a retention policy protects fail on their own; the rest go to
	// the store in one call (one commit per thousand keys).
	results := make([]core.DeleteOutcome, len(in.Objects))
	var items []core.DeleteItem
	var at []int
	for i, o := range in.Objects {
		if err := c.checkWormDelete(b, *o.Key, o.VersionID); err != nil {
			results[i].Err = err
			continue
		}
		items = append(items, core.DeleteItem{Key: *o.Key, Version: o.VersionID})
		at = append(at, i)
	}
	for j, r := range c.h.store.DeleteObjects(c.r.Context(), b.Name, items) {
		results[at[j]] = r
	}
	for i, o := range in.Objects {
		key, version := *o.Key, o.VersionID
		res, err := results[i].DeleteResult, results[i].Err
		if err != nil {
			e, known := toError(err)
			if !known {
				c.h.log.Error("multi-delete", "id", c.req.ID, "key", key, "err", err)
			}
			out.Errors = append(out.Errors, deleteErrorEntry{Key: enc(key), VersionID: version, Code: e.Code, Message: e.Message})
			continue
		}
		if in.Quiet {
			continue
		}
		d := deletedEntry{Key: enc(key), VersionID: version}
		switch {
		case version == "" && res.DeleteMarker:
			d.DeleteMarker, d.DeleteMarkerVersionID = true, markerID(res.VersionID)
		case version != "" && res.DeleteMarker:
			d.DeleteMarker, d.DeleteMarkerVersionID = true, version
		}
		out.Deleted = append(out.Deleted, d)
	}
	if in.Quiet && len(out.Errors) == 0 {
		// OSS answers a quiet delete that fully succeeded with no body.
		return c.empty(200)
	}
	return c.writeXML(200, out)
}

// deleteOne deletes a key (or one version), unless a retention policy
// protects it. The key is checked by the core's rules only: an object
// another dialect named against OSS's rules can still be deleted.
func (c *call) deleteOne(b *core.Bucket, key, version string) (core.DeleteResult, error) {
	if err := c.checkWormDelete(b, key, version); err != nil {
		return core.DeleteResult{}, err
	}
	return c.h.store.DeleteObject(c.r.Context(), b.Name, key, version)
}

// markerID renders the id of a delete marker ("null" in a suspended
// bucket).
func markerID(id string) string {
	if id == "" {
		return core.NullVersion
	}
	return id
}
