package cosjson

import (
	"errors"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// --- directories ---

// dirObject returns the directory's own object ("dir/"), or nil when the
// directory exists only implicitly (objects under it, written by another
// dialect). It fails with errFileNotExist when neither is there.
func (c *call) dirObject(key string) (*core.Object, error) {
	o, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, key, "")
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, core.ErrNoSuchKey) {
		return nil, err
	}
	res, err := c.h.store.ListObjects(c.ctx(), c.t.Bucket, core.ListOptions{Prefix: key, MaxKeys: 1})
	if err != nil {
		return nil, err
	}
	if len(res.Objects) == 0 {
		return nil, errFileNotExist
	}
	return nil, nil
}

type createDirData struct {
	CTime        int64  `json:"ctime"`
	ResourcePath string `json:"resource_path"`
}

// createDir is op=create (创建目录): an empty "dir/" object carrying
// biz_attr.
func (c *call) createDir() error {
	if !c.t.IsDir() {
		return errDirMissingSlash
	}
	if c.t.Path == "" {
		return errPathConflict // the bucket's root always exists
	}
	biz, err := c.bizAttr()
	if err != nil {
		return err
	}
	// A file of the same name is in the way.
	if _, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, strings.TrimSuffix(c.t.Path, "/"), ""); err == nil {
		return errPathConflict
	} else if !errors.Is(err, core.ErrNoSuchKey) {
		return err
	}
	o, err := c.h.store.PutObject(c.ctx(), core.PutInput{
		Bucket: c.t.Bucket, Key: c.t.Path, Body: core.Body{R: strings.NewReader(""), Size: 0},
		Owner: c.bucket.Owner, Ext: bizAttrExt(biz), ForbidOverwrite: true,
	})
	if errors.Is(err, core.ErrObjectExists) {
		return errPathConflict
	}
	if err != nil {
		return err
	}
	return c.ok(createDirData{CTime: o.Modified.Unix(), ResourcePath: c.urls(c.t.Path).ResourcePath})
}

type statDirData struct {
	BizAttr string `json:"biz_attr"`
	CTime   int64  `json:"ctime"`
	MTime   int64  `json:"mtime"`
}

// statDir is op=stat on a directory (查询目录属性).
func (c *call) statDir() error {
	if c.t.Path == "" {
		t := c.bucket.Created.Unix()
		return c.ok(statDirData{CTime: t, MTime: t})
	}
	o, err := c.dirObject(c.t.Path)
	if err != nil {
		return err
	}
	if o == nil {
		t := c.bucket.Created.Unix()
		return c.ok(statDirData{CTime: t, MTime: t})
	}
	return c.ok(statDirData{BizAttr: o.Ext[extBizAttr], CTime: ctime(o), MTime: o.Modified.Unix()})
}

// deleteDir is op=delete on a directory (删除目录): only an empty one.
func (c *call) deleteDir() error {
	if c.t.Path == "" {
		return errInvalidPath // the bucket's root is not deleted here
	}
	res, err := c.h.store.ListObjects(c.ctx(), c.t.Bucket, core.ListOptions{Prefix: c.t.Path, MaxKeys: 2})
	if err != nil {
		return err
	}
	own := false
	for _, o := range res.Objects {
		if o.Key != c.t.Path {
			return errDirNotEmpty
		}
		own = true
	}
	if !own {
		return errFileNotExist
	}
	if _, err := c.h.store.DeleteObject(c.ctx(), c.t.Bucket, c.t.Path, ""); err != nil {
		return err
	}
	return c.ok(nil)
}

// updateDir is op=update on a directory: its biz_attr (the SDKs' update
// folder). A directory that exists only implicitly gets its own object.
func (c *call) updateDir() error {
	if c.t.Path == "" {
		return errInvalidPath
	}
	biz, err := c.bizAttr()
	if err != nil {
		return err
	}
	o, err := c.dirObject(c.t.Path)
	if err != nil {
		return err
	}
	if o == nil {
		_, err := c.h.store.PutObject(c.ctx(), core.PutInput{
			Bucket: c.t.Bucket, Key: c.t.Path, Body: core.Body{R: strings.NewReader(""), Size: 0},
			Owner: c.bucket.Owner, Ext: bizAttrExt(biz),
		})
		if err != nil {
			return err
		}
		return c.ok(nil)
	}
	if _, ok := c.p.get("biz_attr"); ok {
		if _, err := c.h.store.UpdateAttrs(c.ctx(), c.t.Bucket, c.t.Path, o.Seq, func(a *core.Attrs) error {
			setBizAttr(a, biz)
			return nil
		}); err != nil {
			return err
		}
	}
	return c.ok(nil)
}

func setBizAttr(a *core.Attrs, biz string) {
	if biz == "" {
		delete(a.Ext, extBizAttr)
		return
	}
	if a.Ext == nil {
		a.Ext = map[string]string{}
	}
	a.Ext[extBizAttr] = biz
}

// ctime is a version's creation time: Arca keeps one time per version, so
// it is the modification time.
func ctime(o *core.Object) int64 { return o.Modified.Unix() }
