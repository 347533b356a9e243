package cosjson

import (
	"strings"
	"unicode/utf8"
)

// Limits from the seed and COS.
const (
	maxURLLen    = 1024     // 请求结构: the URL is at most 1024 bytes
	maxKeyLen    = 850      // COS's object key limit, which files share
	maxSimple    = 20 << 20 // 简单上传: files up to 20 MB
	maxListNum   = 1000     // 列出目录: num is at most 1000
	maxBizAttr   = 4 << 10  // biz_attr, bounded as a metadata value
	maxJSONBody  = 1 << 20  // a JSON request body
	maxFieldSize = 1 << 20  // one form field before or after the file
)

// prefix is the path prefix of the JSON API.
const prefix = "/files/v2/"

// target is what a request's path addresses:
// /files/v2/<appid>/<bucket_name>[/<path>].
type target struct {
	AppID      string
	BucketName string
	// Bucket is the XML dialect's bucket, <bucket_name>-<appid>.
	Bucket string
	// Path is the decoded path after the bucket, without its leading '/':
	// "" for the bucket's root, "dir/" for a directory, "dir/file" for a
	// file (or, in a listing, a name prefix). It is the object key.
	Path string
	// Slash is true when the URL had a '/' after the bucket name.
	Slash bool
}

// IsDir reports whether the path names a directory (the root included).
func (t target) IsDir() bool { return t.Path == "" || strings.HasSuffix(t.Path, "/") }

// Name is the last element of the path, without a trailing '/'.
func (t target) Name() string {
	p := strings.TrimSuffix(t.Path, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// Parent is the directory holding the path ("" for the root), with its
// trailing '/'.
func (t target) Parent() string {
	p := strings.TrimSuffix(t.Path, "/")
	return p[:strings.LastIndexByte(p, '/')+1]
}

// parseTarget splits a decoded request path. It checks the elements are
// present (-163) and the path is one COS can store (-180): valid UTF-8, no
// empty, "." or ".." element, no NUL, at most 850 bytes.
func parseTarget(path string) (target, error) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return target{}, errPathMissing
	}
	var t target
	var more bool
	t.AppID, rest, _ = strings.Cut(rest, "/")
	t.BucketName, t.Path, more = strings.Cut(rest, "/")
	t.Slash = more
	if t.AppID == "" || t.BucketName == "" {
		return target{}, errPathMissing
	}
	for _, c := range []byte(t.AppID) {
		if c < '0' || c > '9' {
			return target{}, errPathMissing
		}
	}
	t.Bucket = t.BucketName + "-" + t.AppID
	if t.Path == "" {
		return t, nil
	}
	if len(t.Path) > maxKeyLen || !utf8.ValidString(t.Path) || strings.IndexByte(t.Path, 0) >= 0 {
		return target{}, errInvalidPath
	}
	elems := strings.Split(strings.TrimSuffix(t.Path, "/"), "/")
	for _, e := range elems {
		if e == "" || e == "." || e == ".." {
			return target{}, errInvalidPath
		}
	}
	return t, nil
}

// fileID is the path's file id, /appid/bucket_name/path.
func (t target) fileID() string { return "/" + t.AppID + "/" + t.BucketName + "/" + t.Path }

// with returns the target for another path in the same bucket.
func (t target) with(path string) target {
	t.Path, t.Slash = path, true
	return t
}
