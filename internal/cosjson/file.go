package cosjson

import (
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// --- simple upload (简单上传文件) ---

// parseSHA reads an optional sha parameter: 40 hex digits, any case.
func (c *call) parseSHA() (string, error) {
	v := strings.ToLower(strings.TrimSpace(c.p.value("sha")))
	if v == "" {
		return "", nil
	}
	if b, err := hex.DecodeString(v); err != nil || len(b) != 20 {
		return "", errInvalidSHA
	}
	return v, nil
}

// countingReader counts what passes and fails once more than max bytes
// have (so an oversized body stops early, and the caller can tell "too
// long" from "too short").
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

var errOverMax = errors.New("cosjson: body over its limit")

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	if r.n > r.max {
		return n, errOverMax
	}
	return n, err
}

// upload is op=upload: filecontent of at most 20 MB, optional sha (checked),
// biz_attr, insertOnly (default 1: an existing file is not replaced, -177,
// whatever its content).
//
// The fields may come after the file (the PHP and Python SDKs send
// insertOnly, sha and biz_attr there), so the file is staged first, the
// rest of the form read, and only then is anything published.
func (c *call) upload() error {
	fr := c.p.file()
	if fr == nil {
		return errMissingContent
	}
	if err := c.checkNotDir(); err != nil {
		return err
	}
	cr := &countingReader{r: fr, max: maxSimple}
	st, err := c.h.store.Stage(c.ctx(), c.t.Bucket, core.Body{R: cr, Size: -1, SHA1: true})
	if err != nil {
		return uploadErr(err)
	}
	defer st.Discard()
	// Every field is known now.
	sha, err := c.parseSHA()
	if err != nil {
		return err
	}
	if sha != "" && sha != st.SHA1 {
		return errSHANotMatch
	}
	biz, err := c.bizAttr()
	if err != nil {
		return err
	}
	insertOnly, err := c.p.flag("insertOnly", true)
	if err != nil {
		return err
	}
	_, err = c.h.store.PutStaged(c.ctx(), core.PutInput{
		Bucket: c.t.Bucket, Key: c.t.Path, Owner: c.bucket.Owner,
		Ext: bizAttrExt(biz), ForbidOverwrite: insertOnly,
	}, st)
	if errors.Is(err, core.ErrObjectExists) {
		return errFileExist
	}
	if err != nil {
		return err
	}
	return c.ok(c.urls(c.t.Path))
}

// uploadErr maps errors of reading an upload's body.
func uploadErr(err error) error {
	switch {
	case errors.Is(err, errOverMax), errors.Is(err, core.ErrEntityTooLarge):
		return errFileTooLarge
	case errors.Is(err, errSecondFile), errors.Is(err, errFormErr):
		return errFormErr
	}
	return err
}

// checkNotDir refuses a file path where a directory of that name is.
func (c *call) checkNotDir() error {
	if _, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, c.t.Path+"/", ""); err == nil {
		return errPathConflict
	} else if !errors.Is(err, core.ErrNoSuchKey) {
		return err
	}
	return nil
}

// --- stat (查询文件属性) ---

type statFileData struct {
	Name          string            `json:"name"`
	BizAttr       string            `json:"biz_attr"`
	FileSize      int64             `json:"filesize"`
	FileLen       int64             `json:"filelen"`
	SHA           string            `json:"sha"`
	CTime         int64             `json:"ctime"`
	MTime         int64             `json:"mtime"`
	AccessURL     string            `json:"access_url"`
	SourceURL     string            `json:"source_url"`
	Authority     string            `json:"authority,omitempty"`
	CustomHeaders map[string]string `json:"custom_headers,omitempty"`
}

// file returns the addressed file's current version.
func (c *call) file() (*core.Object, error) {
	o, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, c.t.Path, "")
	if errors.Is(err, core.ErrNoSuchKey) {
		return nil, errFileNotExist
	}
	return o, err
}

func (c *call) statFile() error {
	o, err := c.file()
	if err != nil {
		return err
	}
	u := c.urls(o.Key)
	d := statFileData{
		Name: c.t.Name(), BizAttr: o.Ext[extBizAttr], FileSize: o.Size, FileLen: o.Size, SHA: c.sha1(o),
		CTime: ctime(o), MTime: o.Modified.Unix(), AccessURL: u.AccessURL, SourceURL: u.SourceURL,
		CustomHeaders: customHeaders(o.Meta),
	}
	// authority is left out while the file follows its bucket.
	if a := authorityOf(o); a != authInvalid {
		d.Authority = a
	}
	return c.ok(d)
}

// --- update (更新文件属性) ---

// updateFile is op=update: authority, custom_headers (merged) and
// biz_attr, each changed only when present. The seed's flag (which of them
// to update) is implied by their presence.
func (c *call) updateFile() error {
	var acl *core.ACL
	if v, ok := c.p.get("authority"); ok && v != "" {
		a, ok := aclOf(v)
		if !ok {
			return errParam
		}
		acl = &a
	}
	biz, err := c.bizAttr()
	if err != nil {
		return err
	}
	_, bizSet := c.p.get("biz_attr")
	for attempt := 0; ; attempt++ {
		o, err := c.file()
		if err != nil {
			return err
		}
		_, err = c.h.store.UpdateAttrs(c.ctx(), c.t.Bucket, c.t.Path, o.Seq, func(a *core.Attrs) error {
			if acl != nil {
				a.ACL = *acl
			}
			if c.p.customSet {
				if err := mergeCustomHeaders(&a.Meta, c.p.custom); err != nil {
					return err
				}
			}
			if bizSet {
				setBizAttr(a, biz)
			}
			return nil
		})
		if errors.Is(err, core.ErrNoSuchVersion) && attempt < 3 {
			continue // replaced meanwhile: update the new version
		}
		if err != nil {
			return err
		}
		return c.ok(nil)
	}
}

// --- delete (删除文件) ---

func (c *call) deleteFile() error {
	if _, err := c.file(); err != nil {
		return err
	}
	if _, err := c.h.store.DeleteObject(c.ctx(), c.t.Bucket, c.t.Path, ""); err != nil {
		return err
	}
	return c.ok(nil)
}

// --- move and copy (移动文件, 复制文件) ---

// destination resolves dest_fileid: a bare name is in the source's
// directory; a path starting with '/' is from the bucket's root (or a full
// file id /appid/bucket_name/..., which must name this bucket); any other
// path is relative to the source's directory. A destination ending with
// '/' is a directory the file goes into under its own name.
func (c *call) destination() (target, error) {
	d, ok := c.p.get("dest_fileid")
	d = strings.TrimSpace(d)
	if !ok || d == "" {
		return target{}, errParam
	}
	var path string
	if rest, ok := strings.CutPrefix(d, "/"+c.t.AppID+"/"); ok && strings.Contains(rest, "/") {
		bucket, p, _ := strings.Cut(rest, "/")
		if bucket != c.t.BucketName {
			return target{}, errCrossBucketCopy
		}
		path = p
	} else if strings.HasPrefix(d, "/") {
		path = d[1:]
	} else {
		path = c.t.Parent() + d
	}
	if strings.HasSuffix(path, "/") || path == "" {
		path += c.t.Name()
	}
	t, err := parseTarget(prefix + c.t.AppID + "/" + c.t.BucketName + "/" + path)
	if err != nil {
		return target{}, err
	}
	return t, nil
}

// moveOrCopy is op=move and op=copy: dest_fileid and to_over_write
// (default 0: an existing destination is not replaced). The copy keeps the
// source's content headers, metadata, authority and biz_attr; a move then
// deletes the source.
func (c *call) moveOrCopy(move bool) error {
	dst, err := c.destination()
	if err != nil {
		return err
	}
	overwrite, err := c.p.flag("to_over_write", false)
	if err != nil {
		return err
	}
	src, err := c.file()
	if err != nil {
		return err
	}
	if dst.Path == c.t.Path {
		if !overwrite {
			return errFileExist
		}
		return c.ok(nil)
	}
	if _, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, dst.Path+"/", ""); err == nil {
		return errPathConflict
	}
	_, _, err = c.h.store.CopyObject(c.ctx(), core.CopyInput{
		SrcBucket: c.t.Bucket, SrcKey: c.t.Path, SrcVersion: src.VersionID,
		Bucket: c.t.Bucket, Key: dst.Path, ACL: src.ACL, Owner: src.Owner,
		ForbidOverwrite: !overwrite,
	})
	if errors.Is(err, core.ErrObjectExists) {
		return errFileExist
	}
	if err != nil {
		return err
	}
	if move {
		if _, err := c.h.store.DeleteObject(c.ctx(), c.t.Bucket, c.t.Path, ""); err != nil {
			return err
		}
	}
	return c.ok(nil)
}
