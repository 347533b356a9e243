package cosjson

import (
	"errors"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// listSHA1Budget bounds how many bytes one listing may read to compute the
// SHA-1 of files that lack one (written by another dialect, never stat'ed
// or listed here). Files past the budget are listed without sha, and get it
// in a later listing or stat.
const listSHA1Budget = 256 << 20

// info is one entry of a listing (列出目录, infos). Directories have no
// filesize, filelen, sha, URLs or authority.
type info struct {
	Name      string  `json:"name"`
	FileSize  *int64  `json:"filesize,omitempty"`
	FileLen   *int64  `json:"filelen,omitempty"`
	SHA       *string `json:"sha,omitempty"`
	CTime     int64   `json:"ctime"`
	MTime     int64   `json:"mtime"`
	AccessURL string  `json:"access_url,omitempty"`
	SourceURL string  `json:"source_url,omitempty"`
	Authority string  `json:"authority,omitempty"`
}

type listData struct {
	Context  string `json:"context"`
	ListOver bool   `json:"listover"`
	Infos    []info `json:"infos"`
}

// list is op=list (列出目录): the files and directories directly in a
// directory, or those of its entries whose names start with a prefix (a
// path without a trailing '/'), num at a time, paged forward by context.
func (c *call) list() error {
	num, ok, err := c.p.int64("num")
	switch {
	case !ok || err != nil:
		return errInvalidListNum
	case num < 1:
		return errListMinNum
	case num > maxListNum:
		return errListMaxNum
	}
	pattern := c.p.value("pattern") // the SDKs' eListBoth, eListDirOnly, eListFileOnly
	switch pattern {
	case "", "eListBoth", "eListDirOnly", "eListFileOnly":
	default:
		return errParam
	}
	prefix := c.t.Path
	dir := prefix[:strings.LastIndexByte(prefix, '/')+1]
	// context is the resource path of the last entry returned,
	// /<bucket_name>/<key>, as COS sends it.
	marker := ""
	if ctx := c.p.value("context"); ctx != "" {
		rest, ok := strings.CutPrefix(ctx, "/"+c.t.BucketName+"/")
		if !ok || !strings.HasPrefix(rest, dir) {
			return errParam
		}
		marker = rest
	}
	if dir != "" {
		// The directory must exist (its own object, or objects under it).
		if _, err := c.dirObject(dir); err != nil {
			return err
		}
	}
	if prefix == dir && marker < dir {
		marker = dir // a directory does not list itself
	}
	res, err := c.h.store.ListObjects(c.ctx(), c.t.Bucket, core.ListOptions{Prefix: prefix, Delimiter: "/", Marker: marker, MaxKeys: int(num)})
	if err != nil {
		return err
	}
	out := listData{Infos: []info{}, ListOver: !res.IsTruncated}
	if res.IsTruncated {
		out.Context = "/" + c.t.BucketName + "/" + res.NextMarker
	}
	budget := int64(listSHA1Budget)
	objs, cps := res.Objects, res.CommonPrefixes
	for len(objs) > 0 || len(cps) > 0 {
		// Merge files and directories in key order.
		if len(cps) == 0 || (len(objs) > 0 && objs[0].Key < cps[0]) {
			o := objs[0]
			objs = objs[1:]
			if o.Key == dir || pattern == "eListDirOnly" {
				continue
			}
			out.Infos = append(out.Infos, c.fileInfo(o, dir, &budget))
			continue
		}
		cp := cps[0]
		cps = cps[1:]
		if pattern == "eListFileOnly" {
			continue
		}
		in, err := c.dirInfo(cp, dir)
		if err != nil {
			return err
		}
		out.Infos = append(out.Infos, in)
	}
	return c.ok(out)
}

func (c *call) fileInfo(o *core.Object, dir string, budget *int64) info {
	size := o.Size
	sha := o.Ext["sha1"]
	if sha == "" && o.Size <= *budget {
		*budget -= o.Size
		sha = c.sha1(o)
	}
	u := c.urls(o.Key)
	return info{
		Name: o.Key[len(dir):], FileSize: &size, FileLen: &size, SHA: &sha,
		CTime: ctime(o), MTime: o.Modified.Unix(),
		AccessURL: u.AccessURL, SourceURL: u.SourceURL, Authority: authorityOf(o),
	}
}

// dirInfo describes a subdirectory (a common prefix): its times are its
// own object's, or the bucket's when it exists only implicitly.
func (c *call) dirInfo(cp, dir string) (info, error) {
	in := info{Name: strings.TrimSuffix(cp[len(dir):], "/")}
	o, err := c.h.store.GetObject(c.ctx(), c.t.Bucket, cp, "")
	switch {
	case err == nil:
		in.CTime, in.MTime = ctime(o), o.Modified.Unix()
	case errors.Is(err, core.ErrNoSuchKey):
		in.CTime = c.bucket.Created.Unix()
		in.MTime = in.CTime
	default:
		return in, err
	}
	return in, nil
}

// sha1 returns a version's SHA-1, computing and caching it if needed; ""
// when it cannot be read (an SSE-C object).
func (c *call) sha1(o *core.Object) string {
	sum, err := c.h.store.ContentSHA1(c.ctx(), o)
	if err != nil {
		if !errors.Is(err, core.ErrSSECustomerKeyNeeded) && !errors.Is(err, core.ErrNoSuchVersion) {
			c.h.log.Warn("computing a SHA-1", "id", c.req.ID, "bucket", o.Bucket, "key", o.Key, "err", err)
		}
		return ""
	}
	return sum
}
