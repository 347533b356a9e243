package core

import (
	"context"
	"encoding/hex"
	"sync"
)

// Staged is an upload's data, stored durably but not yet part of any object.
// A dialect that learns how to store a body only after reading it (a form
// whose fields follow its file part) stages the body, then publishes it with
// PutStaged or drops it with Discard.
//
// Staged data that is never published costs nothing visible: Discard removes
// it at once, and after a crash the orphan sweep does (its blob is named by
// no record). A Staged is safe for concurrent use; its data is published or
// discarded once.
type Staged struct {
	s      *Store
	bucket string
	w      *written

	// Size, MD5 and SHA1 (lower-case hex, "" unless the body asked for it)
	// describe the staged bytes.
	Size int64
	MD5  [16]byte
	SHA1 string

	mu   sync.Mutex
	used bool
}

// errStagedUsed: PutStaged on data already published or discarded.
var errStagedUsed = detail(ErrInvalidArgument, "the staged data was already published or discarded")

// Stage stores body as PutObject would (inline when small, else a blob,
// with MD5, CRC-64 and, if body.SHA1, SHA-1 computed in the same pass), but
// publishes nothing. On error nothing remains stored.
func (s *Store) Stage(ctx context.Context, bucket string, body Body) (*Staged, error) {
	if _, err := s.state(bucket); err != nil {
		return nil, err
	}
	w, err := s.writeData(ctx, body, writeOpts{inline: true})
	if err != nil {
		return nil, err
	}
	st := &Staged{s: s, bucket: bucket, w: w, Size: w.sums.Size, MD5: w.sums.MD5}
	if w.sums.HasSHA1 {
		st.SHA1 = hex.EncodeToString(w.sums.SHA1[:])
	}
	return st, nil
}

// take marks the data used; false if it already was.
func (st *Staged) take() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.used {
		return false
	}
	st.used = true
	return true
}

// Discard drops the staged data. Discarding twice, or after PutStaged, does
// nothing.
func (st *Staged) Discard() {
	if st != nil && st.take() {
		st.s.discard(st.w)
	}
}

// PutStaged publishes staged data as a new version of in.Bucket/in.Key,
// exactly as PutObject would have with the same input (in.Body is ignored;
// in.SSE must be nil: staged data is stored in the clear). It consumes st:
// on success the data belongs to the new version, on error it is discarded.
// A SHA-1 computed while staging is kept in Ext["sha1"].
func (s *Store) PutStaged(ctx context.Context, in PutInput, st *Staged) (*Object, error) {
	if st == nil || st.s != s || !st.take() {
		return nil, errStagedUsed
	}
	fail := func(err error) (*Object, error) {
		s.discard(st.w)
		return nil, err
	}
	if in.SSE != nil {
		return fail(detail(ErrInvalidArgument, "staged data cannot be encrypted"))
	}
	if in.Bucket != st.bucket {
		return fail(detail(ErrInvalidArgument, "staged data belongs to bucket %q", st.bucket))
	}
	if err := CheckKey(in.Key); err != nil {
		return fail(err)
	}
	w := st.w
	obj := &Object{
		Size:         w.sums.Size,
		ETag:         hex.EncodeToString(w.sums.MD5[:]),
		CRC64:        w.sums.CRC64,
		Meta:         in.Meta,
		StorageClass: in.StorageClass,
		Owner:        in.Owner,
		ACL:          in.ACL,
		Tags:         in.Tags,
		Ext:          in.Ext,
		Extents:      []Extent{w.extent},
	}
	if st.SHA1 != "" {
		obj.Ext = withExt(in.Ext, "sha1", st.SHA1)
	}
	out, err := s.publish(ctx, in.Bucket, in.Key, []*written{w}, func(cur *Object, _ *Bucket) (*Object, error) {
		if in.ForbidOverwrite && cur != nil {
			return nil, ErrObjectExists
		}
		return obj, nil
	})
	if err != nil {
		return fail(err)
	}
	return out, nil
}

// withExt returns a copy of m with k set to v.
func withExt(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for mk, mv := range m {
		out[mk] = mv
	}
	out[k] = v
	return out
}
