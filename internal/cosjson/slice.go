package cosjson

import (
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"

	"github.com/arcastore/arca/internal/core"
)

// Slice uploads (初始化分片上传, 逐个上传分片, 查询上传分片, 结束上传分片) are the
// core's multipart uploads: the session is the upload id, and the slice at
// offset o is part o/slice_size+1, so slices may come in any order and
// sending one again replaces it. The session's parameters are kept in the
// upload's Ext, which survives restarts; an unfinished session is found
// again by path (init answers -4019, upload_slice_list lists its slices).

// Slice sizes the seed allows.
var sliceSizes = map[int64]bool{512 << 10: true, 1 << 20: true, 2 << 20: true, 3 << 20: true}

const (
	minSliceSize     = 512 << 10
	maxSliceSize     = 3 << 20
	defaultSliceSize = 1 << 20
)

// sliceSession is an unfinished slice upload.
type sliceSession struct {
	id         string
	fileSize   int64
	sliceSize  int64
	sha        string
	bizAttr    string
	insertOnly bool
}

func (s *sliceSession) ext() map[string]string {
	v := url.Values{}
	v.Set("filesize", strconv.FormatInt(s.fileSize, 10))
	v.Set("slice_size", strconv.FormatInt(s.sliceSize, 10))
	v.Set("sha", s.sha)
	v.Set("biz_attr", s.bizAttr)
	if s.insertOnly {
		v.Set("insertOnly", "1")
	} else {
		v.Set("insertOnly", "0")
	}
	return map[string]string{extSlice: v.Encode()}
}

// parseSession reads a session from an upload; false if the upload is not
// a slice upload of this API.
func parseSession(u *core.Upload) (*sliceSession, bool) {
	raw, ok := u.Ext[extSlice]
	if !ok {
		return nil, false
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, false
	}
	s := &sliceSession{id: u.ID, sha: v.Get("sha"), bizAttr: v.Get("biz_attr"), insertOnly: v.Get("insertOnly") != "0"}
	s.fileSize, err = strconv.ParseInt(v.Get("filesize"), 10, 64)
	if err != nil {
		return nil, false
	}
	s.sliceSize, err = strconv.ParseInt(v.Get("slice_size"), 10, 64)
	if err != nil || !sliceSizes[s.sliceSize] {
		return nil, false
	}
	return s, true
}

// slices is the number of slices of the session's file.
func (s *sliceSession) slices() int64 { return (s.fileSize + s.sliceSize - 1) / s.sliceSize }

// sliceLen is the length of the slice at offset.
func (s *sliceSession) sliceLen(offset int64) int64 { return min(s.sliceSize, s.fileSize-offset) }

// sessions lists the path's unfinished slice uploads, oldest first.
func (c *call) sessions() ([]*sliceSession, error) {
	var out []*sliceSession
	opts := core.UploadListOptions{Prefix: c.t.Path, MaxUploads: 1000}
	for {
		res, err := c.h.store.ListUploads(c.ctx(), c.t.Bucket, opts)
		if err != nil {
			return nil, err
		}
		for _, u := range res.Uploads {
			if u.Key > c.t.Path {
				return out, nil
			}
			if u.Key != c.t.Path {
				continue
			}
			if s, ok := parseSession(u); ok {
				out = append(out, s)
			}
		}
		if !res.IsTruncated {
			return out, nil
		}
		opts.KeyMarker, opts.UploadIDMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
}

// session finds the session the session parameter names (-95 without one,
// -5983 when it is not an unfinished slice upload of this path).
func (c *call) session() (*sliceSession, error) {
	id, _ := c.p.get("session")
	if id == "" {
		return nil, errNoSession
	}
	u, err := c.h.store.Upload(c.ctx(), c.t.Bucket, c.t.Path, id)
	if errors.Is(err, core.ErrNoSuchUpload) {
		return nil, errWrongSession
	}
	if err != nil {
		return nil, err
	}
	s, ok := parseSession(u)
	if !ok {
		return nil, errWrongSession
	}
	return s, nil
}

type sliceInitData struct {
	Session   string `json:"session"`
	SliceSize int64  `json:"slice_size"`
}

// sliceInit is op=upload_slice_init: filesize, slice_size (512 KB, 1, 2 or
// 3 MB; 1 MB when absent), and optionally sha (of the whole file),
// biz_attr and insertOnly (default 1). The SDKs' uploadparts is accepted
// and not used.
//
// An unfinished session of the same file (same size and slice size, and sha
// when both give one) answers -4019: the client lists its slices with
// upload_slice_list and continues. A session of another file at the path is
// abandoned. When the file is already there with the sha given, the upload
// is done at once (秒传): the answer has the file's URLs and no session.
func (c *call) sliceInit() error {
	s := &sliceSession{}
	var ok bool
	var err error
	s.fileSize, ok, err = c.p.int64("filesize")
	switch {
	case !ok:
		return errMissingFilesize
	case err != nil || s.fileSize <= 0:
		return errFileSize
	}
	s.sliceSize, ok, err = c.p.int64("slice_size")
	switch {
	case !ok:
		s.sliceSize = defaultSliceSize
	case err != nil:
		return errParam
	case s.sliceSize < minSliceSize:
		return errSliceTooSmall
	case !sliceSizes[s.sliceSize]:
		return errWrongSliceSize
	}
	if s.slices() > core.MaxParts {
		return errFileTooLarge
	}
	if s.sha, err = c.parseSHA(); err != nil {
		return err
	}
	if s.bizAttr, err = c.bizAttr(); err != nil {
		return err
	}
	if s.insertOnly, err = c.p.flag("insertOnly", true); err != nil {
		return err
	}
	if err := c.checkNotDir(); err != nil {
		return err
	}
	cur, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, c.t.Path, "")
	switch {
	case err == nil:
		if s.sha != "" && cur.Size == s.fileSize && c.sha1(cur) == s.sha {
			return c.ok(c.urls(c.t.Path))
		}
		if s.insertOnly {
			return errFileExist
		}
	case !errors.Is(err, core.ErrNoSuchKey):
		return err
	}
	open, err := c.sessions()
	if err != nil {
		return err
	}
	for _, o := range open {
		if o.fileSize == s.fileSize && o.sliceSize == s.sliceSize && (o.sha == "" || s.sha == "" || o.sha == s.sha) {
			return errOffsetToZero
		}
	}
	for _, o := range open {
		if err := c.h.store.AbortUpload(c.ctx(), c.t.Bucket, c.t.Path, o.id); err != nil && !errors.Is(err, core.ErrNoSuchUpload) {
			return err
		}
	}
	u, err := c.h.store.CreateUpload(c.ctx(), core.CreateUploadInput{
		Bucket: c.t.Bucket, Key: c.t.Path, Owner: c.bucket.Owner, Ext: s.ext(),
	})
	if err != nil {
		return err
	}
	return c.ok(sliceInitData{Session: u.ID, SliceSize: s.sliceSize})
}

type sliceDataData struct {
	DataLen int64  `json:"datalen"`
	Offset  int64  `json:"offset"`
	Session string `json:"session"`
}

// sliceData is op=upload_slice_data: session, offset and filecontent, the
// slice at offset (a multiple of slice_size), exactly slice_size bytes
// except the last slice, which is the rest of the file.
func (c *call) sliceData() error {
	if c.p.file() == nil {
		return errMissingContent
	}
	_, hasSession := c.p.get("session")
	_, hasOffset := c.p.get("offset")
	if !hasSession || !hasOffset {
		// The fields come after the file: hold the slice (at most 3 MB)
		// and read them.
		if err := c.p.spool(maxSliceSize); err != nil {
			return sliceErr(err)
		}
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	offset, ok, err := c.p.int64("offset")
	if !ok || err != nil || offset < 0 || offset%s.sliceSize != 0 || offset >= s.fileSize {
		return errInvalidOffset
	}
	want := s.sliceLen(offset)
	cr := &countingReader{r: c.p.file(), max: s.sliceSize}
	_, err = c.h.store.UploadPart(c.ctx(), c.t.Bucket, c.t.Path, s.id, int(offset/s.sliceSize)+1, core.Body{R: cr, Size: want})
	if err != nil {
		return sliceErr(err)
	}
	return c.ok(sliceDataData{DataLen: want, Offset: offset, Session: s.id})
}

// sliceErr maps errors of reading a slice.
func sliceErr(err error) error {
	switch {
	case errors.Is(err, errOverMax), errors.Is(err, core.ErrEntityTooLarge):
		return errSliceTooLarge
	case errors.Is(err, core.ErrIncompleteBody):
		return errWrongSliceSize
	case errors.Is(err, core.ErrNoSuchUpload):
		return errWrongSession
	case errors.Is(err, errSecondFile), errors.Is(err, errFormErr):
		return errFormErr
	}
	return err
}

type slicePart struct {
	DataLen int64 `json:"datalen"`
	Offset  int64 `json:"offset"`
}

type sliceListData struct {
	Session   string      `json:"session"`
	SliceSize int64       `json:"slice_size"`
	FileSize  int64       `json:"filesize"`
	ListParts []slicePart `json:"listparts"`
}

// parts lists a session's uploaded slices by offset.
func (c *call) parts(s *sliceSession) (map[int]*core.Part, []slicePart, error) {
	byNum := map[int]*core.Part{}
	var list []slicePart
	marker := 0
	for {
		_, res, err := c.h.store.ListParts(c.ctx(), c.t.Bucket, c.t.Path, s.id, marker, 1000)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range res.Parts {
			byNum[p.Number] = p
			list = append(list, slicePart{DataLen: p.Size, Offset: int64(p.Number-1) * s.sliceSize})
		}
		if !res.IsTruncated {
			return byNum, list, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// sliceList is op=upload_slice_list: the unfinished session of the path
// (the newest, if several) with its uploaded slices; or, when the upload is
// finished, the file's URLs.
func (c *call) sliceList() error {
	open, err := c.sessions()
	if err != nil {
		return err
	}
	if len(open) == 0 {
		if _, err := c.file(); err != nil {
			return err
		}
		return c.ok(c.urls(c.t.Path))
	}
	s := open[len(open)-1]
	_, list, err := c.parts(s)
	if errors.Is(err, core.ErrNoSuchUpload) {
		return errWrongSession
	}
	if err != nil {
		return err
	}
	if list == nil {
		list = []slicePart{}
	}
	return c.ok(sliceListData{Session: s.id, SliceSize: s.sliceSize, FileSize: s.fileSize, ListParts: list})
}

// sliceFinish is op=upload_slice_finish: session and filesize (which must be
// the session's). Every slice must be there at its full length. The file's
// SHA-1 is computed from the slices in order before it is published, and
// checked against sha (given here or at init): -174 on a mismatch, the
// session kept.
func (c *call) sliceFinish() error {
	s, err := c.session()
	if err != nil {
		return err
	}
	size, ok, err := c.p.int64("filesize")
	switch {
	case !ok:
		return errMissingFilesize
	case err != nil:
		return errFileSize
	case size != s.fileSize:
		return errFileSizeNotEqu
	}
	sha, err := c.parseSHA()
	if err != nil {
		return err
	}
	if sha == "" {
		sha = s.sha
	}
	byNum, _, err := c.parts(s)
	if errors.Is(err, core.ErrNoSuchUpload) {
		return errWrongSession
	}
	if err != nil {
		return err
	}
	var parts []core.CompletePart
	for i := int64(0); i < s.slices(); i++ {
		p := byNum[int(i)+1]
		if p == nil || p.Size != s.sliceLen(i*s.sliceSize) {
			return errFileSizeNotEqu
		}
		parts = append(parts, core.CompletePart{Number: p.Number, ETag: p.ETag})
	}
	// The session's marker is cleared on the file (Ext entries can only be
	// added or replaced at completion).
	ext := map[string]string{extSlice: ""}
	if s.bizAttr != "" {
		ext[extBizAttr] = s.bizAttr
	}
	in := core.CompleteInput{
		Bucket: c.t.Bucket, Key: c.t.Path, UploadID: s.id, Parts: parts,
		ForbidOverwrite: s.insertOnly, Ext: ext, SHA1: true,
	}
	if sha != "" {
		in.WantSHA1, _ = hex.DecodeString(sha)
	}
	_, err = c.h.store.CompleteUpload(c.ctx(), in)
	switch {
	case errors.Is(err, core.ErrBadDigest):
		return errSHANotEqu
	case errors.Is(err, core.ErrObjectExists):
		return errFileExist
	case errors.Is(err, core.ErrNoSuchUpload):
		return errWrongSession
	case err != nil:
		return err
	}
	return c.ok(c.urls(c.t.Path))
}
