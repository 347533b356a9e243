package s3

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/wire/httprange"
)

type initiateResult struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// uploadChecksum is the checksum a multipart upload was created with
// (x-amz-checksum-algorithm and x-amz-checksum-type): nil alg for none.
func uploadChecksum(u *core.Upload) (alg *algorithm, typ string) {
	if a := algorithmNamed(u.Ext[extAlgorithm]); a != nil {
		return a, u.Ext[extType]
	}
	return nil, ""
}

// createChecksum reads CreateMultipartUpload's checksum headers. The type
// defaults to COMPOSITE, or FULL_OBJECT for CRC64NVME, which has no
// composite form.
func (c *call) createChecksum() (map[string]string, error) {
	name := c.r.Header.Get("x-amz-checksum-algorithm")
	typ := strings.ToUpper(c.r.Header.Get("x-amz-checksum-type"))
	if typ != "" && typ != typeComposite && typ != typeFullObject {
		return nil, errInvalidChecksum("x-amz-checksum-type", false)
	}
	if name == "" {
		if typ != "" {
			return nil, invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		return nil, nil
	}
	a := algorithmNamed(name)
	if a == nil {
		return nil, errUnsupportedAlgorithm()
	}
	if typ == "" {
		typ = typeComposite
		if !a.composite {
			typ = typeFullObject
		}
	}
	if (typ == typeComposite && !a.composite) || (typ == typeFullObject && !a.fullObject) {
		return nil, invalidRequest("The %s checksum type cannot be used with the %s checksum algorithm.", typ, a.lower)
	}
	return map[string]string{extAlgorithm: a.Name, extType: typ}, nil
}

func (c *call) createUpload() error {
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
	ext, err := c.createChecksum()
	if err != nil {
		return err
	}
	drain(c.r.Body)
	u, err := c.h.store.CreateUpload(c.r.Context(), core.CreateUploadInput{
		Bucket: b.Name, Key: c.req.Key, Meta: in.Meta, StorageClass: in.StorageClass, ACL: in.ACL, Owner: in.Owner,
		Tags: in.Tags, Ext: ext, SSE: in.SSE,
	})
	if err != nil {
		return err
	}
	h := c.w.Header()
	sseHeaders(h, u.SSE)
	if a, t := uploadChecksum(u); a != nil {
		h.Set("x-amz-checksum-algorithm", a.Name)
		h.Set("x-amz-checksum-type", t)
	}
	return writeXML(c.w, 200, initiateResult{Bucket: b.Name, Key: c.req.Key, UploadID: u.ID})
}

func (c *call) uploadID() string { return c.q.Get("uploadId") }

// partNumber reads partNumber.
func (c *call) partNumber() (int, error) {
	v := c.q.Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > core.MaxParts {
		return 0, invalidArgument("partNumber", v, "Part number must be an integer between 1 and 10000, inclusive")
	}
	return n, nil
}

// partChecksum decides which checksum a part gets: the one the request
// declares, which must be the upload's algorithm if it has one; else the
// upload's (computed) when its type allows a part without one.
func partChecksum(u *core.Upload, spec *checksumSpec) (*checksumSpec, error) {
	alg, typ := uploadChecksum(u)
	switch {
	case alg == nil:
		return spec, nil
	case spec == nil && typ == typeComposite:
		return nil, invalidRequest("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: null", alg.lower)
	case spec == nil:
		return &checksumSpec{alg: alg}, nil
	case spec.alg != alg:
		return nil, invalidRequest("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s", alg.lower, spec.alg.lower)
	}
	return spec, nil
}

func (c *call) uploadPart() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	n, err := c.partNumber()
	if err != nil {
		return err
	}
	u, err := c.h.store.Upload(c.r.Context(), b.Name, c.req.Key, c.uploadID())
	if err != nil {
		return err
	}
	spec, err := checksumRequest(c.r.Header)
	if err != nil {
		return err
	}
	if spec, err = partChecksum(u, spec); err != nil {
		return err
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	ext := map[string]string{}
	body, _, err := c.upload(maxPartSize, spec, ext)
	if err != nil {
		return err
	}
	p, err := c.h.store.UploadPartWith(c.r.Context(), core.PartInput{
		Bucket: b.Name, Key: c.req.Key, UploadID: u.ID, Number: n, Body: body, CustomerKey: ck, Ext: ext,
	})
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", quote(p.ETag))
	if a, v, _ := recorded(p.Ext); a != nil {
		h.Set(a.header, v)
	}
	sseHeaders(h, u.SSE)
	return c.empty(200)
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyPartResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	xmlChecksum
}

// uploadPartCopy is UploadPartCopy: a byte range of an existing object
// (x-amz-copy-source-range, or all of it) read through the core and
// written as a part.
func (c *call) uploadPartCopy() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	n, err := c.partNumber()
	if err != nil {
		return err
	}
	u, err := c.h.store.Upload(c.r.Context(), b.Name, c.req.Key, c.uploadID())
	if err != nil {
		return err
	}
	src, err := c.copySource()
	if err != nil {
		return err
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	rangeHdr := c.r.Header.Get("x-amz-copy-source-range")
	so, rd, err := c.h.store.OpenObjectKey(c.r.Context(), src.bucket.Name, src.key, src.version, src.customerKey, func(o *core.Object) (int64, int64, error) {
		if err := c.checkSource(src, o); err != nil {
			return 0, 0, err
		}
		if rangeHdr == "" {
			if o.Size > maxPartSize {
				return 0, 0, invalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: %d", int64(maxPartSize))
			}
			return 0, o.Size, nil
		}
		r, ok := parseCopyRange(rangeHdr, o.Size)
		if !ok {
			return 0, 0, invalidArgument("x-amz-copy-source-range", rangeHdr, "Range specified is not valid for source object of size: %d", o.Size)
		}
		return r.Start, r.Length, nil
	})
	if err != nil {
		if errors.Is(err, core.ErrMethodNotAllowed) {
			return invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.")
		}
		return err
	}
	defer rd.Close()
	// A part of an upload created with a checksum algorithm gets its
	// checksum, computed as the range is copied.
	var spec *checksumSpec
	if alg, _ := uploadChecksum(u); alg != nil {
		spec = &checksumSpec{alg: alg}
	}
	ext := map[string]string{}
	var data io.Reader = rd
	if spec != nil {
		cr, _ := newChecksumReader(rd, spec, ext) // no trailer: cannot fail
		data = cr
	}
	p, err := c.h.store.UploadPartWith(c.r.Context(), core.PartInput{
		Bucket: b.Name, Key: c.req.Key, UploadID: u.ID, Number: n, Body: core.Body{R: data, Size: -1}, CustomerKey: ck, Ext: ext,
	})
	if err != nil {
		return err
	}
	h := c.w.Header()
	if src.bucket.Versioning != core.VersioningOff {
		h.Set("x-amz-copy-source-version-id", dialect.VersionID(src.bucket, so))
	}
	sseHeaders(h, u.SSE)
	res := copyPartResult{ETag: quote(p.ETag), LastModified: isoTime(p.Modified)}
	if a, v, _ := recorded(p.Ext); a != nil {
		*res.field(a) = v
	}
	return writeXML(c.w, 200, res)
}

// parseCopyRange reads x-amz-copy-source-range: bytes=first-last, both
// given and within the source (UploadPartCopy accepts no other form).
func parseCopyRange(v string, size int64) (httprange.Range, bool) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !ok {
		return httprange.Range{}, false
	}
	a, z, ok := strings.Cut(spec, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(z, 10, 64)
	if !ok || err1 != nil || err2 != nil || first < 0 || last < first || last >= size {
		return httprange.Range{}, false
	}
	return httprange.Range{Start: first, Length: last - first + 1}, true
}

type xmlInitiator struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type xmlPart struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	xmlChecksum
}

type listPartsResult struct {
	XMLName              xml.Name     `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListPartsResult"`
	Bucket               string       `xml:"Bucket"`
	Key                  string       `xml:"Key"`
	UploadID             string       `xml:"UploadId"`
	Initiator            xmlInitiator `xml:"Initiator"`
	Owner                xmlOwner     `xml:"Owner"`
	StorageClass         string       `xml:"StorageClass"`
	PartNumberMarker     int          `xml:"PartNumberMarker"`
	NextPartNumberMarker int          `xml:"NextPartNumberMarker"`
	MaxParts             int          `xml:"MaxParts"`
	IsTruncated          bool         `xml:"IsTruncated"`
	ChecksumAlgorithm    string       `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string       `xml:"ChecksumType,omitempty"`
	Parts                []xmlPart    `xml:"Part"`
}

// intParam reads an integer query parameter within [lo, hi] (capped at hi).
func (c *call) intParam(name string, def, lo, hi int) (int, error) {
	v, ok := c.q[name]
	if !ok || v[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < lo {
		return 0, invalidArgument(name, v[0], "Provided %s not an integer or within integer range", name)
	}
	return min(n, hi), nil
}

func (c *call) listParts() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	max, err := c.intParam("max-parts", 1000, 0, 1000)
	if err != nil {
		return err
	}
	marker, err := c.intParam("part-number-marker", 0, 0, core.MaxParts)
	if err != nil {
		return err
	}
	u, res, err := c.h.store.ListParts(c.r.Context(), b.Name, c.req.Key, c.uploadID(), marker, max)
	if err != nil {
		return err
	}
	who := xmlInitiator(c.h.owner(u.Owner))
	out := listPartsResult{
		Bucket: b.Name, Key: c.req.Key, UploadID: u.ID, Initiator: who, Owner: c.h.owner(u.Owner),
		StorageClass: storageClassOf(u.StorageClass), PartNumberMarker: marker, MaxParts: max, IsTruncated: res.IsTruncated,
	}
	if a, t := uploadChecksum(u); a != nil {
		out.ChecksumAlgorithm, out.ChecksumType = a.Name, t
	}
	for _, p := range res.Parts {
		xp := xmlPart{PartNumber: p.Number, LastModified: isoTime(p.Modified), ETag: quote(p.ETag), Size: p.Size}
		if a, v, _ := recorded(p.Ext); a != nil {
			*xp.field(a) = v
		}
		out.Parts = append(out.Parts, xp)
		out.NextPartNumberMarker = p.Number
	}
	return writeXML(c.w, 200, out)
}

type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
		xmlChecksum
	} `xml:"Part"`
}

type completeResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CompleteMultipartUploadResult"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	ETag         string   `xml:"ETag"`
	ChecksumType string   `xml:"ChecksumType,omitempty"`
	xmlChecksum
}

// allParts returns every part of an upload by number.
func (c *call) allParts(b *core.Bucket, u *core.Upload) (map[int]*core.Part, error) {
	all := map[int]*core.Part{}
	marker := 0
	for {
		_, res, err := c.h.store.ListParts(c.r.Context(), b.Name, c.req.Key, u.ID, marker, 1000)
		if err != nil {
			return nil, err
		}
		for _, p := range res.Parts {
			all[p.Number] = p
			marker = p.Number
		}
		if !res.IsTruncated {
			return all, nil
		}
	}
}

// completeChecksum checks the part checksums a completion lists against
// the parts' and, for an upload created with a checksum algorithm, returns
// the object's checksum attributes: its COMPOSITE or FULL_OBJECT value and
// the parts' values.
func (c *call) completeChecksum(u *core.Upload, in *completeRequest, parts map[int]*core.Part) (map[string]string, error) {
	alg, typ := uploadChecksum(u)
	if t := strings.ToUpper(c.r.Header.Get("x-amz-checksum-type")); t != "" && t != typ {
		if typ == "" {
			typ = "null"
		}
		return nil, invalidRequest("The upload was created using the %s checksum mode. The complete request must use the same checksum mode.", typ)
	}
	values := make([]string, 0, len(in.Parts))
	sizes := make([]int64, 0, len(in.Parts))
	for _, lp := range in.Parts {
		p := parts[lp.PartNumber]
		if p == nil {
			continue // core reports the missing part
		}
		if lp.count() > 1 {
			return nil, invalidArgument("Part", lp.ETag, "Expecting a single checksum per part.")
		}
		stored, storedValue, _ := recorded(p.Ext)
		for _, a := range algorithms {
			sent := *lp.field(a)
			if sent == "" {
				continue
			}
			if _, ok := a.decode(sent); !ok {
				return nil, invalidArgument("Part", sent, "The %s of part %d is invalid.", a.Name, lp.PartNumber)
			}
			if a == stored && sent != storedValue {
				return nil, core.ErrInvalidPart
			}
			if alg != nil && a != alg {
				return nil, errorf("BadDigest", 400, "The %s you specified for part %d did not match what we received.", a.lower, lp.PartNumber)
			}
		}
		if alg == nil {
			continue
		}
		if *lp.field(alg) == "" {
			return nil, invalidRequest("The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.", alg.lower, lp.PartNumber)
		}
		values = append(values, storedValue)
		sizes = append(sizes, p.Size)
	}
	if alg == nil || len(values) != len(in.Parts) {
		return nil, nil
	}
	var value string
	var ok bool
	if typ == typeComposite {
		value, ok = composite(alg, values)
	} else {
		value, ok = fullObject(alg, values, sizes)
	}
	if !ok {
		return nil, errInternal
	}
	if sent := c.r.Header.Get(alg.header); sent != "" {
		if typ == typeComposite && !strings.Contains(sent, "-") {
			sent += "-" + strconv.Itoa(len(values))
		}
		if sent != value {
			return nil, errBadChecksum(alg)
		}
	}
	return map[string]string{alg.ext: value, extType: typ, extParts: strings.Join(values, " ")}, nil
}

func (c *call) completeUpload() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	check := c.conditionalWrite()
	var in completeRequest
	if err := c.readXMLChecked(&in, false); err != nil {
		if errors.Is(err, errMissingBody) {
			// S3 reads a completion without a body as a malformed one.
			return errMalformedXML
		}
		return err
	}
	if len(in.Parts) == 0 {
		return invalidRequest("You must specify at least one part")
	}
	u, err := c.h.store.Upload(c.r.Context(), b.Name, c.req.Key, c.uploadID())
	if errors.Is(err, core.ErrNoSuchUpload) {
		if o := c.completedBy(b, c.uploadID(), &in); o != nil {
			return c.completed(b, o)
		}
	}
	if err != nil {
		return err
	}
	if err := checkUploadCustomerKey(c.r.Header.Get, u); err != nil {
		return err
	}
	parts, err := c.allParts(b, u)
	if err != nil {
		return err
	}
	if v := c.r.Header.Get("x-amz-mp-object-size"); v != "" {
		want, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || want < 0 {
			return invalidRequest("Value for x-amz-mp-object-size header is invalid: '%s'", v)
		}
		var total int64
		for _, lp := range in.Parts {
			if p := parts[lp.PartNumber]; p != nil {
				total += p.Size
			}
		}
		if total != want {
			return invalidRequest("The provided 'x-amz-mp-object-size' header value %d does not match what was computed: %d", want, total)
		}
	}
	ext, err := c.completeChecksum(u, &in, parts)
	if err != nil {
		return err
	}
	list := make([]core.CompletePart, len(in.Parts))
	for i, p := range in.Parts {
		list[i] = core.CompletePart{Number: p.PartNumber, ETag: p.ETag}
	}
	if ext == nil {
		ext = map[string]string{}
	}
	ext[extUploadID] = u.ID
	o, err := c.h.store.CompleteUpload(c.r.Context(), core.CompleteInput{
		Bucket: b.Name, Key: c.req.Key, UploadID: u.ID, Parts: list, MinPartSize: minPartSize,
		Check: check, Ext: ext,
	})
	if err != nil {
		return err
	}
	return c.completed(b, o)
}

// checkUploadCustomerKey checks the SSE-C key a completion of an SSE-C
// upload names: it must be the upload's. S3 requires it when the upload
// was created with a checksum algorithm (CompleteMultipartUpload's
// x-amz-server-side-encryption-customer-* parameters); a completion of
// another upload may leave it out, as clients older than that rule do.
func checkUploadCustomerKey(get func(string) string, u *core.Upload) error {
	ck, err := customerKey(get, "")
	if err != nil {
		return err
	}
	if u.SSE == nil || u.SSE.Mode != core.SSECustomer {
		return nil
	}
	switch {
	case ck == nil:
		if alg, _ := uploadChecksum(u); alg == nil {
			return nil
		}
		return core.ErrSSECustomerKeyNeeded
	case core.CustomerKeyMD5(ck) != u.SSE.CustomerKeyMD5:
		return core.ErrSSECustomerKeyWrong
	}
	return nil
}

// extUploadID records, in the Ext of an object a multipart upload made,
// the upload's id, so that a retried completion can be answered.
const extUploadID = "s3-upload-id"

// completedBy returns the current version of the key when the upload id
// made it from the parts the request lists: a completion retried after it
// succeeded, which S3 answers as it answered the first.
func (c *call) completedBy(b *core.Bucket, id string, in *completeRequest) *core.Object {
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, "")
	if err != nil || id == "" || o.Ext[extUploadID] != id || len(o.Extents) != len(in.Parts) {
		return nil
	}
	for i, p := range in.Parts {
		if strings.Trim(p.ETag, `"`) != o.Extents[i].ETag {
			return nil
		}
	}
	return o
}

// completed answers a completion that made o.
func (c *call) completed(b *core.Bucket, o *core.Object) error {
	h := c.w.Header()
	sseHeaders(h, o.SSE)
	if b.Versioning == core.VersioningEnabled {
		h.Set("x-amz-version-id", o.VersionID)
	}
	res := completeResult{
		Location: dialect.ObjectURL(c.r, c.req.VirtualHost, b.Name, c.req.Key),
		Bucket:   b.Name, Key: c.req.Key, ETag: quote(o.ETag),
	}
	res.xmlChecksum, res.ChecksumType = checksumXML(o.Ext)
	return writeXML(c.w, 200, res)
}

func (c *call) abortUpload() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	if err := c.h.store.AbortUpload(c.r.Context(), b.Name, c.req.Key, c.uploadID()); err != nil {
		return err
	}
	return c.empty(204)
}

type xmlUpload struct {
	Key               string       `xml:"Key"`
	UploadID          string       `xml:"UploadId"`
	Initiator         xmlInitiator `xml:"Initiator"`
	Owner             xmlOwner     `xml:"Owner"`
	StorageClass      string       `xml:"StorageClass"`
	Initiated         string       `xml:"Initiated"`
	ChecksumAlgorithm string       `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string       `xml:"ChecksumType,omitempty"`
}

type listUploadsResult struct {
	XMLName            xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListMultipartUploadsResult"`
	Bucket             string      `xml:"Bucket"`
	KeyMarker          string      `xml:"KeyMarker"`
	UploadIDMarker     string      `xml:"UploadIdMarker"`
	NextKeyMarker      string      `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string      `xml:"NextUploadIdMarker,omitempty"`
	Prefix             string      `xml:"Prefix"`
	Delimiter          string      `xml:"Delimiter,omitempty"`
	MaxUploads         int         `xml:"MaxUploads"`
	EncodingType       string      `xml:"EncodingType,omitempty"`
	IsTruncated        bool        `xml:"IsTruncated"`
	Uploads            []xmlUpload `xml:"Upload"`
	CommonPrefixes     []xmlPrefix `xml:"CommonPrefixes"`
}

func (c *call) listUploads() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	prefix, delim, max, enc, err := c.listParams("max-uploads")
	if err != nil {
		return err
	}
	keyMarker, idMarker := c.q.Get("key-marker"), c.q.Get("upload-id-marker")
	var res *core.UploadListResult
	if max == 0 {
		res = &core.UploadListResult{}
	} else if res, err = c.h.store.ListUploads(c.r.Context(), b.Name, core.UploadListOptions{
		Prefix: prefix, Delimiter: delim, KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: max,
	}); err != nil {
		return err
	}
	out := listUploadsResult{
		Bucket: b.Name, KeyMarker: enc(keyMarker), UploadIDMarker: idMarker, Prefix: enc(prefix), Delimiter: enc(delim),
		MaxUploads: max, EncodingType: c.q.Get("encoding-type"), IsTruncated: res.IsTruncated,
	}
	if res.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = enc(res.NextKeyMarker), res.NextUploadIDMarker
	}
	for _, u := range res.Uploads {
		who := c.h.owner(u.Owner)
		x := xmlUpload{
			Key: enc(u.Key), UploadID: u.ID, Initiator: xmlInitiator(who), Owner: who,
			StorageClass: storageClassOf(u.StorageClass), Initiated: isoTime(u.Initiated),
		}
		if a, t := uploadChecksum(u); a != nil {
			x.ChecksumAlgorithm, x.ChecksumType = a.Name, t
		}
		out.Uploads = append(out.Uploads, x)
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	return writeXML(c.w, 200, out)
}
