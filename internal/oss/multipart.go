package oss

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/wire/conditional"
	"github.com/arcastore/arca/internal/wire/httprange"
)

func (c *call) uploadID() string { return c.q.Get("uploadId") }

// keyEncoder is the encoder of Key elements: encoding-type=url or none.
func (c *call) keyEncoder() (enc func(string) string, encodingType string, err error) {
	_, _, enc, err = c.listParams()
	return enc, c.q.Get("encoding-type"), err
}

type initiateResult struct {
	XMLName      xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	UploadID     string   `xml:"UploadId"`
	EncodingType string   `xml:"EncodingType,omitempty"`
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
	enc, et, err := c.keyEncoder()
	if err != nil {
		return err
	}
	in, err := c.putInput(b, c.r.Header, c.req.Key)
	if err != nil {
		return err
	}
	if in.ForbidOverwrite {
		// OSS refuses already here; Complete checks again.
		if _, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, ""); err == nil {
			return errFileExists
		}
	}
	dialect.Drain(c.r.Body)
	u, err := c.h.store.CreateUpload(c.r.Context(), core.CreateUploadInput{
		Bucket: b.Name, Key: c.req.Key, Meta: in.Meta, StorageClass: in.StorageClass, ACL: in.ACL,
		Owner: in.Owner, Tags: in.Tags, SSE: in.SSE,
	})
	if err != nil {
		return err
	}
	sseHeaders(c.w.Header(), u.SSE)
	return c.writeXML(200, initiateResult{Bucket: b.Name, Key: enc(c.req.Key), UploadID: u.ID, EncodingType: et})
}

// partNumber reads the partNumber parameter.
func (c *call) partNumber() (int, error) {
	v, ok := c.q["partNumber"]
	if !ok {
		return 0, invalidArgument("0017-00000219", "partNumber", "", "Unexpected query string parameter: an upload needs partNumber.")
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 1 || n > core.MaxParts {
		return 0, core.ErrInvalidPartNum
	}
	return n, nil
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
	if c.r.Header.Get("x-oss-copy-source") != "" {
		return c.uploadPartCopy(b, n)
	}
	body, err := c.body(maxPartSize)
	if err != nil {
		return err
	}
	p, err := c.h.store.UploadPart(c.r.Context(), b.Name, c.req.Key, c.uploadID(), n, body)
	if err != nil {
		return err
	}
	part := &core.Object{ETag: p.ETag, CRC64: p.CRC64}
	h := c.w.Header()
	h.Set("ETag", etag(part))
	h.Set("Content-MD5", contentMD5(part))
	h.Set("x-oss-hash-crc64ecma", crc(part))
	return c.empty(200)
}

// uploadPartCopy is UploadPartCopy: the part's data is read from another
// object (x-oss-copy-source), whole or the x-oss-copy-source-range.
func (c *call) uploadPartCopy(b *core.Bucket, n int) error {
	ctx := c.r.Context()
	if _, err := c.h.store.Upload(ctx, b.Name, c.req.Key, c.uploadID()); err != nil {
		return err
	}
	srcBucket, srcKey, srcVersion, err := copySource(c.r.Header.Get("x-oss-copy-source"))
	if err != nil {
		return err
	}
	sb, err := c.h.store.Bucket(ctx, srcBucket)
	if err != nil {
		return err
	}
	cond := conditional.Read(c.r.Header.Get, "x-oss-copy-source-")
	rangeHeader := c.r.Header.Get("x-oss-copy-source-range")
	src, rd, err := c.h.store.OpenObject(ctx, srcBucket, srcKey, srcVersion, func(o *core.Object) (int64, int64, error) {
		if err := c.allowObject(sb, o, core.PermRead); err != nil {
			return 0, 0, err
		}
		switch conditional.Evaluate(cond, quote(o.ETag), o.Modified) {
		case conditional.NotModified:
			return 0, 0, errNotModified
		case conditional.PreconditionFailed:
			return 0, 0, errPrecondition
		}
		if rangeHeader != "" {
			r, ok, err := httprange.Parse(rangeHeader, o.Size)
			if err != nil || !ok {
				return 0, 0, invalidArgument("", "x-oss-copy-source-range", rangeHeader, "The copy source range is not valid for the source object.")
			}
			return r.Start, r.Length, nil
		}
		return 0, o.Size, nil
	})
	if err != nil {
		if errors.Is(err, errNotModified) {
			return c.empty(http.StatusNotModified)
		}
		return c.sourceError(err)
	}
	defer rd.Close()
	length := src.Size
	if rangeHeader != "" {
		r, _, _ := httprange.Parse(rangeHeader, src.Size)
		length = r.Length
	}
	p, err := c.h.store.UploadPart(ctx, b.Name, c.req.Key, c.uploadID(), n, core.Body{R: rd, Size: length, Max: maxPartSize})
	if err != nil {
		return err
	}
	if sb.Versioning != core.VersioningOff {
		c.w.Header().Set("x-oss-copy-source-version-id", dialect.VersionID(sb, src))
	}
	part := &core.Object{ETag: p.ETag, CRC64: p.CRC64}
	c.w.Header().Set("x-oss-hash-crc64ecma", crc(part))
	type copyPartResult struct {
		XMLName      xml.Name `xml:"CopyPartResult"`
		LastModified string   `xml:"LastModified"`
		ETag         string   `xml:"ETag"`
	}
	return c.writeXML(200, copyPartResult{LastModified: httpx.ISOTime(p.Modified), ETag: etag(part)})
}

type xmlPart struct {
	PartNumber    int    `xml:"PartNumber"`
	LastModified  string `xml:"LastModified"`
	ETag          string `xml:"ETag"`
	HashCrc64ecma string `xml:"HashCrc64ecma"`
	Size          int64  `xml:"Size"`
}

type listPartsResult struct {
	XMLName              xml.Name  `xml:"ListPartsResult"`
	EncodingType         string    `xml:"EncodingType,omitempty"`
	Bucket               string    `xml:"Bucket"`
	Key                  string    `xml:"Key"`
	UploadID             string    `xml:"UploadId"`
	StorageClass         string    `xml:"StorageClass"`
	PartNumberMarker     int       `xml:"PartNumberMarker"`
	NextPartNumberMarker int       `xml:"NextPartNumberMarker"`
	MaxParts             int       `xml:"MaxParts"`
	IsTruncated          bool      `xml:"IsTruncated"`
	Parts                []xmlPart `xml:"Part"`
}

// intParam reads an integer parameter in [lo, hi], def when absent.
func (c *call) intParam(name string, def, lo, hi int) (int, error) {
	v, ok := c.q[name]
	if !ok || v[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < lo || n > hi {
		return 0, invalidArgument("", name, v[0], "Argument %s must be an integer between %d and %d.", name, lo, hi)
	}
	return n, nil
}

func (c *call) listParts() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermRead); err != nil {
		return err
	}
	max, err := c.intParam("max-parts", 1000, 1, 1000)
	if err != nil {
		return err
	}
	marker, err := c.intParam("part-number-marker", 0, 0, core.MaxParts)
	if err != nil {
		return err
	}
	enc, et, err := c.keyEncoder()
	if err != nil {
		return err
	}
	u, res, err := c.h.store.ListParts(c.r.Context(), b.Name, c.req.Key, c.uploadID(), marker, max)
	if err != nil {
		return err
	}
	out := listPartsResult{
		EncodingType: et, Bucket: b.Name, Key: enc(c.req.Key), UploadID: u.ID,
		StorageClass: storageClassName(u.StorageClass), PartNumberMarker: marker, MaxParts: max,
		IsTruncated: res.IsTruncated,
	}
	for _, p := range res.Parts {
		part := &core.Object{ETag: p.ETag, CRC64: p.CRC64}
		out.Parts = append(out.Parts, xmlPart{PartNumber: p.Number, LastModified: httpx.ISOTime(p.Modified),
			ETag: etag(part), HashCrc64ecma: crc(part), Size: p.Size})
		out.NextPartNumberMarker = p.Number
	}
	return c.writeXML(200, out)
}

type completeResult struct {
	XMLName      xml.Name `xml:"CompleteMultipartUploadResult"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	ETag         string   `xml:"ETag"`
}

func (c *call) completeUpload() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	enc, et, err := c.keyEncoder()
	if err != nil {
		return err
	}
	body, err := c.readBody(maxXMLBody)
	if err != nil {
		return err
	}
	var in struct {
		XMLName xml.Name `xml:"CompleteMultipartUpload"`
		Parts   []struct {
			PartNumber int    `xml:"PartNumber"`
			ETag       string `xml:"ETag"`
		} `xml:"Part"`
	}
	if len(body) > 0 {
		if err := dialect.UnmarshalXML(body, &in); err != nil {
			return err
		}
	}
	var parts []core.CompletePart
	for _, p := range in.Parts {
		// OSS renders ETags in uppercase, the core keeps them lowercase.
		parts = append(parts, core.CompletePart{Number: p.PartNumber, ETag: strings.ToLower(strings.Trim(p.ETag, `"`))})
	}
	ctx := c.r.Context()
	if strings.EqualFold(strings.TrimSpace(c.r.Header.Get("x-oss-complete-all")), "yes") {
		// Every uploaded part, in part-number order. An empty
		// CompleteMultipartUpload element (aliyun-oss-go-sdk always sends
		// one) counts as no body.
		if len(parts) > 0 {
			return invalidArgument("0042-00000216", "x-oss-complete-all", "yes", "Should not speficy both complete all header and http body.")
		}
		for marker := 0; ; {
			_, res, err := c.h.store.ListParts(ctx, b.Name, c.req.Key, c.uploadID(), marker, 1000)
			if err != nil {
				return err
			}
			for _, p := range res.Parts {
				parts = append(parts, core.CompletePart{Number: p.Number, ETag: p.ETag})
				marker = p.Number
			}
			if !res.IsTruncated {
				break
			}
		}
	} else if len(body) == 0 {
		return &Error{"MissingArgument", 400, "Missing Some Required Arguments: CompleteMultipartUpload needs the list of parts.", "0016-00000502", nil}
	}
	get := headerGet(c.r.Header)
	forbid, err := forbidOverwrite(get)
	if err != nil {
		return err
	}
	forbid = forbid && b.Versioning == core.VersioningOff
	ci := core.CompleteInput{Bucket: b.Name, Key: c.req.Key, UploadID: c.uploadID(), Parts: parts, MinPartSize: minPartSize}
	if _, ok := get("x-oss-object-acl"); ok {
		acl, err := objectACLHeader(get)
		if err != nil {
			return err
		}
		ci.ACL = &acl
	}
	fix, err := c.wormWrite(b, c.req.Key, &forbid)
	if err != nil {
		return err
	}
	ci.ForbidOverwrite = forbid
	o, err := c.h.store.CompleteUpload(ctx, ci)
	if err != nil {
		return fix(err)
	}
	h := c.w.Header()
	h.Set("ETag", etag(o))
	h.Set("x-oss-hash-crc64ecma", crc(o))
	c.setVersionHeader(b, o)
	sseHeaders(h, o.SSE)
	return c.writeXML(200, completeResult{
		EncodingType: et, Location: dialect.ObjectURL(c.r, c.req.VirtualHost, b.Name, c.req.Key),
		Bucket: b.Name, Key: enc(c.req.Key), ETag: etag(o),
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
	return c.empty(http.StatusNoContent)
}

type xmlUpload struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}

type listUploadsResult struct {
	XMLName            xml.Name    `xml:"ListMultipartUploadsResult"`
	EncodingType       string      `xml:"EncodingType,omitempty"`
	Bucket             string      `xml:"Bucket"`
	KeyMarker          string      `xml:"KeyMarker"`
	UploadIDMarker     string      `xml:"UploadIdMarker"`
	NextKeyMarker      string      `xml:"NextKeyMarker"`
	NextUploadIDMarker string      `xml:"NextUploadIdMarker"`
	Delimiter          string      `xml:"Delimiter"`
	Prefix             string      `xml:"Prefix"`
	MaxUploads         int         `xml:"MaxUploads"`
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
	prefix, delim, enc, err := c.listParams("key-marker", "upload-id-marker")
	if err != nil {
		return err
	}
	max, err := c.intParam("max-uploads", 1000, 1, 1000)
	if err != nil {
		return err
	}
	keyMarker, idMarker := c.q.Get("key-marker"), c.q.Get("upload-id-marker")
	if keyMarker == "" {
		idMarker = ""
	}
	res, err := c.h.store.ListUploads(c.r.Context(), b.Name, core.UploadListOptions{
		Prefix: prefix, Delimiter: delim, KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: max,
	})
	if err != nil {
		return err
	}
	out := listUploadsResult{
		EncodingType: c.q.Get("encoding-type"), Bucket: b.Name, KeyMarker: enc(keyMarker), UploadIDMarker: idMarker,
		Delimiter: enc(delim), Prefix: enc(prefix), MaxUploads: max, IsTruncated: res.IsTruncated,
	}
	if res.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = enc(res.NextKeyMarker), res.NextUploadIDMarker
	}
	for _, u := range res.Uploads {
		out.Uploads = append(out.Uploads, xmlUpload{Key: enc(u.Key), UploadID: u.ID,
			StorageClass: storageClassName(u.StorageClass), Initiated: httpx.ISOTime(u.Initiated)})
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{enc(p)})
	}
	return c.writeXML(200, out)
}
