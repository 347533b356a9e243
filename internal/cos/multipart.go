package cos

import (
	"encoding/xml"
	"strconv"

	"github.com/arcastore/arca/internal/checksum"
	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
)

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

func (c *call) initiateUpload() error {
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
	dialect.Drain(c.r.Body)
	u, err := c.h.store.CreateUpload(c.r.Context(), core.CreateUploadInput{
		Bucket: b.Name, Key: c.req.Key, Meta: in.Meta, StorageClass: in.StorageClass, ACL: in.ACL, Owner: in.Owner,
		SSE: in.SSE,
	})
	if err != nil {
		return err
	}
	sseHeaders(c.w.Header(), u.SSE)
	return writeXML(c.w, 200, initiateResult{Bucket: b.Name, Key: c.req.Key, UploadID: u.ID})
}

func (c *call) uploadID() string { return c.q.Get("uploadId") }

func (c *call) uploadPart() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	n, err := strconv.Atoi(c.q.Get("partNumber"))
	if err != nil || n < 1 || n > core.MaxParts {
		return core.ErrInvalidPartNum
	}
	body, err := c.body(maxPartSize)
	if err != nil {
		return err
	}
	ck, err := customerKey(c.r.Header.Get, "")
	if err != nil {
		return err
	}
	p, err := c.h.store.UploadPartKey(c.r.Context(), b.Name, c.req.Key, c.uploadID(), n, body, ck)
	if err != nil {
		return err
	}
	c.w.Header().Set("ETag", quote(p.ETag))
	c.w.Header().Set("x-cos-hash-crc64ecma", checksum.FormatCRC64(p.CRC64))
	return c.empty(200)
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
}

type listPartsResult struct {
	XMLName              xml.Name     `xml:"ListPartsResult"`
	Bucket               string       `xml:"Bucket"`
	EncodingType         string       `xml:"Encoding-type,omitempty"`
	Key                  string       `xml:"Key"`
	UploadID             string       `xml:"UploadId"`
	Initiator            xmlInitiator `xml:"Initiator"`
	Owner                xmlOwner     `xml:"Owner"`
	StorageClass         string       `xml:"StorageClass"`
	PartNumberMarker     int          `xml:"PartNumberMarker"`
	NextPartNumberMarker int          `xml:"NextPartNumberMarker"`
	MaxParts             int          `xml:"MaxParts"`
	IsTruncated          bool         `xml:"IsTruncated"`
	Parts                []xmlPart    `xml:"Part"`
}

func intParam(c *call, name string, def, lo, hi int) (int, error) {
	v, ok := c.q[name]
	if !ok || v[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < lo {
		return 0, errorf("InvalidArgument", 400, "%s must be an integer between %d and %d", name, lo, hi)
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
	max, err := intParam(c, "max-parts", 1000, 0, 1000)
	if err != nil {
		return err
	}
	marker, err := intParam(c, "part-number-marker", 0, 0, core.MaxParts)
	if err != nil {
		return err
	}
	enc := func(s string) string { return s }
	if c.q.Get("encoding-type") == "url" {
		enc = dialect.URLEncode
	}
	u, res, err := c.h.store.ListParts(c.r.Context(), b.Name, c.req.Key, c.uploadID(), marker, max)
	if err != nil {
		return err
	}
	out := listPartsResult{
		Bucket: b.Name, EncodingType: c.q.Get("encoding-type"), Key: enc(c.req.Key), UploadID: u.ID,
		Initiator:        xmlInitiator{ID: uinID(u.Owner), DisplayName: u.Owner},
		Owner:            xmlOwner{ID: uinID(b.Owner), DisplayName: b.Owner},
		StorageClass:     storageClassOf(&core.Object{StorageClass: u.StorageClass}),
		PartNumberMarker: marker, MaxParts: max, IsTruncated: res.IsTruncated,
	}
	for _, p := range res.Parts {
		out.Parts = append(out.Parts, xmlPart{PartNumber: p.Number, LastModified: httpx.ISOTime(p.Modified), ETag: quote(p.ETag), Size: p.Size})
		out.NextPartNumberMarker = p.Number
	}
	return writeXML(c.w, 200, out)
}

type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	XMLNS    string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

func (c *call) completeUpload() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	var in completeRequest
	if err := c.readXML(&in); err != nil {
		return err
	}
	parts := make([]core.CompletePart, len(in.Parts))
	for i, p := range in.Parts {
		parts[i] = core.CompletePart{Number: p.PartNumber, ETag: p.ETag}
	}
	o, err := c.h.store.CompleteUpload(c.r.Context(), core.CompleteInput{
		Bucket: b.Name, Key: c.req.Key, UploadID: c.uploadID(), Parts: parts, MinPartSize: minPartSize,
	})
	if err != nil {
		return err
	}
	c.w.Header().Set("x-cos-hash-crc64ecma", checksum.FormatCRC64(o.CRC64))
	sseHeaders(c.w.Header(), o.SSE)
	if b.Versioning != core.VersioningOff {
		c.w.Header().Set("x-cos-version-id", dialect.VersionID(b, o))
	}
	return writeXML(c.w, 200, completeResult{
		XMLNS:    "http://www.qcloud.com/document/product/436/7751",
		Location: dialect.ObjectURL(c.r, c.req.VirtualHost, b.Name, c.req.Key), Bucket: b.Name, Key: c.req.Key, ETag: quote(o.ETag),
	})
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
	Key          string       `xml:"Key"`
	UploadID     string       `xml:"UploadId"`
	StorageClass string       `xml:"StorageClass"`
	Initiator    xmlInitiator `xml:"Initiator"`
	Owner        xmlInitiator `xml:"Owner"`
	Initiated    string       `xml:"Initiated"`
}

type listUploadsResult struct {
	XMLName            xml.Name    `xml:"ListMultipartUploadsResult"`
	Bucket             string      `xml:"Bucket"`
	EncodingType       string      `xml:"Encoding-Type,omitempty"`
	KeyMarker          string      `xml:"KeyMarker"`
	UploadIDMarker     string      `xml:"UploadIdMarker"`
	NextKeyMarker      string      `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string      `xml:"NextUploadIdMarker,omitempty"`
	MaxUploads         int         `xml:"MaxUploads"`
	IsTruncated        bool        `xml:"IsTruncated"`
	Prefix             string      `xml:"Prefix"`
	Delimiter          string      `xml:"Delimiter,omitempty"`
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
	prefix, delim, _, enc, err := c.listParams()
	if err != nil {
		return err
	}
	max, err := intParam(c, "max-uploads", 1000, 1, 1000)
	if err != nil {
		return err
	}
	keyMarker, idMarker := c.q.Get("key-marker"), c.q.Get("upload-id-marker")
	res, err := c.h.store.ListUploads(c.r.Context(), b.Name, core.UploadListOptions{
		Prefix: prefix, Delimiter: delim, KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: max,
	})
	if err != nil {
		return err
	}
	out := listUploadsResult{
		Bucket: b.Name, EncodingType: c.q.Get("encoding-type"), KeyMarker: enc(keyMarker), UploadIDMarker: idMarker,
		MaxUploads: max, IsTruncated: res.IsTruncated, Prefix: enc(prefix), Delimiter: enc(delim),
	}
	if res.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = enc(res.NextKeyMarker), res.NextUploadIDMarker
	}
	for _, u := range res.Uploads {
		who := xmlInitiator{ID: uinID(u.Owner), DisplayName: u.Owner}
		out.Uploads = append(out.Uploads, xmlUpload{
			Key: enc(u.Key), UploadID: u.ID, StorageClass: storageClassOf(&core.Object{StorageClass: u.StorageClass}),
			Initiator: who, Owner: who, Initiated: httpx.ISOTime(u.Initiated),
		})
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	return writeXML(c.w, 200, out)
}
