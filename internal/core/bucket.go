package core

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

func (s *Store) loadBuckets() error {
	p := []byte("B/")
	it, err := s.meta.NewIter(p, prefixEnd(p))
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		b := new(Bucket)
		if err := json.Unmarshal(it.Value(), b); err != nil {
			return fmt.Errorf("core: corrupt bucket record %q: %w", it.Key(), err)
		}
		s.buckets.Store(b.Name, newBucketState(b))
	}
	return it.Error()
}

func (s *Store) state(name string) (*bucketState, error) {
	v, ok := s.buckets.Load(name)
	if !ok {
		return nil, ErrNoSuchBucket
	}
	return v.(*bucketState), nil
}

// Bucket returns the bucket's record.
func (s *Store) Bucket(ctx context.Context, name string) (*Bucket, error) {
	st, err := s.state(name)
	if err != nil {
		return nil, err
	}
	return st.rec.Load(), nil
}

// CreateBucket creates a bucket owned by b.Owner. The caller has checked the
// dialect's naming rules; core checks the common ones.
func (s *Store) CreateBucket(ctx context.Context, b Bucket) (*Bucket, error) {
	if !ValidBucketName(b.Name) {
		return nil, ErrInvalidBucketName
	}
	s.bucketsMu.Lock()
	defer s.bucketsMu.Unlock()
	if st, err := s.state(b.Name); err == nil {
		if st.rec.Load().Owner == b.Owner {
			return nil, ErrBucketAlreadyOwned
		}
		return nil, ErrBucketExists
	}
	rec := b
	rec.Created = s.now().UTC()
	if rec.ACL.Canned == "" && len(rec.ACL.Grants) == 0 {
		rec.ACL.Canned = ACLPrivate
	}
	batch := s.meta.NewBatch()
	batch.Set(bucketKey(rec.Name), encode(&rec))
	if err := s.meta.Commit(ctx, batch); err != nil {
		return nil, err
	}
	s.buckets.Store(rec.Name, newBucketState(&rec))
	return &rec, nil
}

// UpdateBucket changes a bucket's record with fn, which receives a copy it
// may modify (Name, Owner and Created are kept). Configs given to fn is a
// fresh map.
func (s *Store) UpdateBucket(ctx context.Context, name string, fn func(b *Bucket) error) (*Bucket, error) {
	s.bucketsMu.Lock()
	defer s.bucketsMu.Unlock()
	st, err := s.state(name)
	if err != nil {
		return nil, err
	}
	old := st.rec.Load()
	rec := *old
	rec.Configs = make(map[string][]byte, len(old.Configs))
	for k, v := range old.Configs {
		rec.Configs[k] = v
	}
	rec.ACL.Grants = append([]Grant(nil), old.ACL.Grants...)
	if err := fn(&rec); err != nil {
		return nil, err
	}
	rec.Name, rec.Owner, rec.Created = old.Name, old.Owner, old.Created
	if len(rec.Configs) == 0 {
		rec.Configs = nil
	}
	batch := s.meta.NewBatch()
	batch.Set(bucketKey(name), encode(&rec))
	// Hold the live lock so that no object write reads the old versioning
	// state and commits after the new one is in force.
	st.live.Lock()
	defer st.live.Unlock()
	if err := s.meta.Commit(ctx, batch); err != nil {
		return nil, err
	}
	st.rec.Store(&rec)
	return &rec, nil
}

// SetVersioning sets a bucket's versioning to VersioningEnabled or
// VersioningSuspended. A bucket once versioned cannot return to unversioned.
func (s *Store) SetVersioning(ctx context.Context, name, state string) (*Bucket, error) {
	if state != VersioningEnabled && state != VersioningSuspended {
		return nil, detail(ErrInvalidArgument, "versioning status %q", state)
	}
	return s.UpdateBucket(ctx, name, func(b *Bucket) error {
		b.Versioning = state
		return nil
	})
}

// SetBucketACL replaces a bucket's ACL.
func (s *Store) SetBucketACL(ctx context.Context, name string, acl ACL) (*Bucket, error) {
	return s.UpdateBucket(ctx, name, func(b *Bucket) error {
		b.ACL = acl
		return nil
	})
}

// DeleteBucket removes an empty bucket: no object versions, delete markers or
// in-progress multipart uploads.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	s.bucketsMu.Lock()
	defer s.bucketsMu.Unlock()
	st, err := s.state(name)
	if err != nil {
		return err
	}
	st.live.Lock()
	defer st.live.Unlock()
	for _, p := range [][]byte{verBucketPrefix(name), objPrefix(name), uploadBucketPrefix(name)} {
		empty, err := s.emptyRange(p)
		if err != nil {
			return err
		}
		if !empty {
			return ErrBucketNotEmpty
		}
	}
	batch := s.meta.NewBatch()
	batch.Delete(bucketKey(name))
	if err := s.meta.Commit(ctx, batch); err != nil {
		return err
	}
	s.buckets.Delete(name)
	return nil
}

func (s *Store) emptyRange(p []byte) (bool, error) {
	it, err := s.meta.NewIter(p, prefixEnd(p))
	if err != nil {
		return false, err
	}
	defer it.Close()
	if it.First() {
		return false, nil
	}
	return true, it.Error()
}

// ListBuckets returns the buckets owned by owner ("" for all), sorted by name.
func (s *Store) ListBuckets(ctx context.Context, owner string) []*Bucket {
	var out []*Bucket
	s.buckets.Range(func(_, v any) bool {
		b := v.(*bucketState).rec.Load()
		if owner == "" || b.Owner == owner {
			out = append(out, b)
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i].Name, out[j].Name) < 0 })
	return out
}

// writeTo read-locks the bucket for an object write and returns its current
// record. The caller must call the returned release after its commit.
func (s *Store) writeTo(name string) (*Bucket, func(), error) {
	st, err := s.state(name)
	if err != nil {
		return nil, nil, err
	}
	st.live.RLock()
	// The bucket may have been deleted between the lookup and the lock.
	if cur, ok := s.buckets.Load(name); !ok || cur.(*bucketState) != st {
		st.live.RUnlock()
		return nil, nil, ErrNoSuchBucket
	}
	return st.rec.Load(), st.live.RUnlock, nil
}
