package core

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"maps"

	"github.com/arcastore/arca/internal/engine"
)

// Attrs are the attributes of a version that can change without changing
// its data: content headers and user metadata, ACL, and dialect
// attributes.
type Attrs struct {
	Meta Meta
	ACL  ACL
	Ext  map[string]string
}

// UpdateAttrs changes the attributes of one version in place: fn receives
// copies of the version's attributes and edits them; the version's record is
// rewritten with the result, under the key's lock, so concurrent updates do
// not lose each other's changes. No new version is made and the data, ETag
// and Modified time are unchanged.
//
// The version is named by its sequence (Object.Seq), which a replaced or
// deleted version never gets back: when it no longer exists, UpdateAttrs
// returns ErrNoSuchVersion and fn is not called. An error from fn is
// returned as is and nothing changes.
func (s *Store) UpdateAttrs(ctx context.Context, bucket, key string, seq uint64, fn func(a *Attrs) error) (*Object, error) {
	return s.updateBySeq(ctx, bucket, key, seq, func(o *Object) (bool, error) {
		a := Attrs{Meta: o.Meta, ACL: o.ACL, Ext: maps.Clone(o.Ext)}
		a.Meta.User = maps.Clone(o.Meta.User)
		a.ACL.Grants = append([]Grant(nil), o.ACL.Grants...)
		if err := fn(&a); err != nil {
			return false, err
		}
		o.Meta, o.ACL, o.Ext = a.Meta, a.ACL, a.Ext
		if len(o.Ext) == 0 {
			o.Ext = nil
		}
		if len(o.ACL.Grants) == 0 {
			o.ACL.Grants = nil
		}
		return true, nil
	})
}

// updateBySeq rewrites the record of version seq of bucket/key with what
// change does to it (change reports whether anything changed).
func (s *Store) updateBySeq(ctx context.Context, bucket, key string, seq uint64, change func(o *Object) (bool, error)) (*Object, error) {
	if err := CheckKey(key); err != nil {
		return nil, ErrNoSuchVersion
	}
	unlock := s.lockKey(bucket, key)
	defer unlock()
	_, release, err := s.writeTo(bucket)
	if err != nil {
		return nil, err
	}
	defer release()
	v, err := s.meta.Get(verKey(bucket, key, seq))
	if errors.Is(err, engine.ErrNotFound) {
		return nil, ErrNoSuchVersion
	}
	if err != nil {
		return nil, err
	}
	o, err := decodeObject(v, bucket, key)
	if err != nil {
		return nil, err
	}
	if o.DeleteMarker {
		return nil, ErrNoSuchVersion
	}
	changed, err := change(o)
	if err != nil || !changed {
		return o, err
	}
	cur, err := s.getCurrent(bucket, key)
	if err != nil {
		return nil, err
	}
	rec := encode(o)
	batch := s.meta.NewBatch()
	batch.Set(verKey(bucket, key, seq), rec)
	if cur != nil && cur.Seq == seq {
		batch.Set(objKey(bucket, key), rec)
	}
	if err := s.meta.Commit(ctx, batch); err != nil {
		return nil, err
	}
	return o, nil
}

// ContentSHA1 returns the lower-case hex SHA-1 of a version's content.
//
// A version written with Body.SHA1 (PutObject, Stage) or completed with
// CompleteInput.SHA1 carries it already. For any other version it is
// computed here, by reading the data once, and kept with the version (an
// in-place update of its record, as UpdateAttrs makes), so that the next call
// is free; uploads never pay for a digest nobody asked for. The cached value
// is dropped when an append changes the content.
//
// o must be a version the Store returned. An SSE-C version cannot be read
// without its key: ErrSSECustomerKeyNeeded.
func (s *Store) ContentSHA1(ctx context.Context, o *Object) (string, error) {
	if v := o.Ext["sha1"]; v != "" {
		return v, nil
	}
	if o.DeleteMarker {
		return "", ErrNoSuchVersion
	}
	r, err := s.open(o, 0, o.Size, nil)
	if errors.Is(err, errStale) {
		return "", ErrNoSuchVersion
	}
	if err != nil {
		return "", err
	}
	h := sha1.New()
	n, err := io.Copy(h, r)
	r.Close()
	if err != nil {
		return "", err
	}
	if n != o.Size {
		return "", ErrNoSuchVersion
	}
	sum := hex.EncodeToString(h.Sum(nil))
	// Cache it, unless the version changed meanwhile (an append extends a
	// version in place): its size and CRC tell.
	_, err = s.updateBySeq(ctx, o.Bucket, o.Key, o.Seq, func(cur *Object) (bool, error) {
		if cur.Size != o.Size || cur.CRC64 != o.CRC64 || cur.Ext["sha1"] != "" {
			return false, nil
		}
		cur.Ext = withExt(cur.Ext, "sha1", sum)
		return true, nil
	})
	if err != nil && !errors.Is(err, ErrNoSuchVersion) {
		s.log.Warn("caching a version's SHA-1", "bucket", o.Bucket, "key", o.Key, "err", err)
	}
	return sum, nil
}

// digestSHA1 reads the data of obj (not yet published: a completion's
// extents) and records its SHA-1 in obj.Ext. With want set, a different
// digest fails with ErrBadDigest.
func (s *Store) digestSHA1(obj *Object, want []byte) error {
	r, err := s.open(obj, 0, obj.Size, nil)
	if err != nil {
		if want == nil && (errors.Is(err, ErrSSECustomerKeyNeeded) || errors.Is(err, ErrSSECustomerKeyWrong)) {
			return nil // SSE-C data cannot be read here; no digest
		}
		return err
	}
	h := sha1.New()
	_, err = io.Copy(h, r)
	r.Close()
	if err != nil {
		return err
	}
	sum := h.Sum(nil)
	if want != nil && !bytes.Equal(sum, want) {
		return detail(ErrBadDigest, "the SHA-1 of the content is %x", sum)
	}
	obj.Ext = withExt(obj.Ext, "sha1", hex.EncodeToString(sum))
	return nil
}
