package core

import (
	"bytes"
	"context"
	"strings"
)

// ListOptions select a page of a listing. Keys are compared as UTF-8 bytes.
type ListOptions struct {
	Prefix    string
	Delimiter string
	// Marker: list keys after it (V1 marker, V2 start-after or continuation).
	Marker string
	// MaxKeys bounds keys plus common prefixes returned (default 1000).
	MaxKeys int
}

// ListResult is a page of a listing.
type ListResult struct {
	Objects        []*Object
	CommonPrefixes []string
	IsTruncated    bool
	// NextMarker is the last key or common prefix returned when truncated.
	NextMarker string
}

// ListObjects lists the current versions in a bucket. Its cost is
// proportional to the page: the scan seeks past each common prefix instead
// of walking the keys under it.
func (s *Store) ListObjects(ctx context.Context, bucket string, o ListOptions) (*ListResult, error) {
	if _, err := s.state(bucket); err != nil {
		return nil, err
	}
	if o.MaxKeys < 0 {
		o.MaxKeys = 0
	}
	res := &ListResult{Objects: make([]*Object, 0, min(o.MaxKeys, 1000))}
	base := objPrefix(bucket)
	var last string
	err := s.walk(base, o.Prefix, o.Delimiter, o.Marker, o.MaxKeys, func(key string, cp bool, val []byte) error {
		last = key
		if cp {
			res.CommonPrefixes = append(res.CommonPrefixes, key)
			return nil
		}
		obj, err := decodeObject(val, bucket, key)
		if err != nil {
			return err
		}
		res.Objects = append(res.Objects, obj)
		return nil
	}, &res.IsTruncated)
	if err != nil {
		return nil, err
	}
	if res.IsTruncated {
		res.NextMarker = last
	}
	return res, nil
}

// walk visits the keys of a key space laid out as base+key, where a key ends
// at the first NUL if any (V/ and U/ spaces hold several records per key),
// in order, after marker, grouping keys by delimiter into common prefixes,
// at most max keys and prefixes. emit sees each key once, with the value of
// its first record; walk then seeks past the key's other records.
func (s *Store) walk(base []byte, prefix, delim, marker string, max int,
	emit func(key string, cp bool, val []byte) error, truncated *bool) error {
	if max == 0 {
		return nil
	}
	start := append(append([]byte(nil), base...), prefix...)
	if marker > prefix {
		start = append(append(append([]byte(nil), base...), marker...), 0)
		// For O/ keys "marker\x00" is the first key after marker; V/ and U/
		// keys of the marker itself are "marker\x00..." and must be
		// skipped too, which the loop below does.
	}
	it, err := s.meta.NewIter(start, prefixEnd(base))
	if err != nil {
		return err
	}
	defer it.Close()
	n := 0
	for ok := it.SeekGE(start); ok; {
		full := it.Key()[len(base):]
		key, multi := full, false
		if i := bytes.IndexByte(full, 0); i >= 0 {
			key, multi = full[:i], true
		}
		k := string(key)
		if !strings.HasPrefix(k, prefix) {
			if k > prefix {
				break
			}
			ok = it.Next()
			continue
		}
		if k <= marker {
			ok = it.SeekGE(after(base, k, multi))
			continue
		}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp := k[:len(prefix)+i+len(delim)]
				if cp > marker {
					if n == max {
						*truncated = true
						return nil
					}
					if err := emit(cp, true, nil); err != nil {
						return err
					}
					n++
				}
				// Skip every key under cp: no valid key holds byte 0xff.
				ok = it.SeekGE(append(append(append([]byte(nil), base...), cp...), 0xff))
				continue
			}
		}
		if n == max {
			*truncated = true
			return nil
		}
		if err := emit(k, false, it.Value()); err != nil {
			return err
		}
		n++
		if multi {
			ok = it.SeekGE(after(base, k, multi))
		} else {
			ok = it.Next() // one record per key: the next one is the next key
		}
	}
	return it.Error()
}

// after returns the first key of the space after every record of k.
func after(base []byte, k string, multi bool) []byte {
	out := append(append([]byte(nil), base...), k...)
	if multi {
		// Records of k are k\x00...; no other key starts with k\x00.
		return append(out, 1)
	}
	return append(out, 0)
}

// VersionListOptions select a page of a version listing.
type VersionListOptions struct {
	Prefix, Delimiter string
	KeyMarker         string
	// VersionIDMarker continues within KeyMarker after that version
	// (NullVersion for the null version).
	VersionIDMarker string
	MaxKeys         int
}

// VersionListResult is a page of a version listing.
type VersionListResult struct {
	Versions            []Version
	CommonPrefixes      []string
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string
}

// ListVersions lists every version and delete marker, by key, newest first.
func (s *Store) ListVersions(ctx context.Context, bucket string, o VersionListOptions) (*VersionListResult, error) {
	if _, err := s.state(bucket); err != nil {
		return nil, err
	}
	if o.MaxKeys < 0 {
		o.MaxKeys = 0
	}
	res := &VersionListResult{}
	if o.MaxKeys == 0 {
		return res, nil
	}
	n := 0
	var lastKey string
	var lastVer *Object
	// Finish the marker key first, after the marker version.
	if o.KeyMarker != "" && o.VersionIDMarker != "" && strings.HasPrefix(o.KeyMarker, o.Prefix) {
		versions, err := s.versionsOf(bucket, o.KeyMarker)
		if err != nil {
			return nil, err
		}
		after := -1
		for i, v := range versions {
			if (o.VersionIDMarker == NullVersion && v.IsNull()) || (!v.IsNull() && v.VersionID == o.VersionIDMarker) {
				after = i
				break
			}
		}
		if after >= 0 {
			for i := after + 1; i < len(versions); i++ {
				if n == o.MaxKeys {
					res.IsTruncated = true
					res.NextKeyMarker = o.KeyMarker
					res.NextVersionIDMarker = versionMarker(res.Versions[len(res.Versions)-1].Object)
					return res, nil
				}
				res.Versions = append(res.Versions, Version{Object: versions[i], IsLatest: false})
				lastKey, lastVer = o.KeyMarker, versions[i]
				n++
			}
		}
	}
	full := func() {
		res.IsTruncated = true
		res.NextKeyMarker = lastKey
		res.NextVersionIDMarker = versionMarker(lastVer)
	}
	// walk counts keys, the page counts versions: give walk one more than
	// the room left, so that it looks past a page the marker key's versions
	// already filled, and let emit decide when the page is full.
	err := s.walk(verBucketPrefix(bucket), o.Prefix, o.Delimiter, o.KeyMarker, o.MaxKeys-n+1, func(key string, cp bool, _ []byte) error {
		if n == o.MaxKeys {
			full()
			return errPageFull
		}
		if cp {
			res.CommonPrefixes = append(res.CommonPrefixes, key)
			lastKey, lastVer = key, nil
			n++
			return nil
		}
		versions, err := s.versionsOf(bucket, key)
		if err != nil {
			return err
		}
		for i, v := range versions {
			if n == o.MaxKeys {
				full()
				return errPageFull
			}
			res.Versions = append(res.Versions, Version{Object: v, IsLatest: i == 0})
			lastKey, lastVer = key, v
			n++
		}
		return nil
	}, &res.IsTruncated)
	if err == errPageFull {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	if res.IsTruncated {
		full()
	}
	return res, nil
}

var errPageFull = &pageFull{}

type pageFull struct{}

func (*pageFull) Error() string { return "page full" }

func versionMarker(o *Object) string {
	if o == nil {
		return ""
	}
	if o.IsNull() {
		return NullVersion
	}
	return o.VersionID
}
