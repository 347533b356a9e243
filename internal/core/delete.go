package core

import (
	"context"
	"hash/maphash"
	"slices"

	"github.com/arcastore/arca/internal/engine"
)

// DeleteResult says what a delete did.
type DeleteResult struct {
	// VersionID is the version removed or the delete marker created ("" for
	// null).
	VersionID string
	// DeleteMarker is true when a delete marker was created, or when the
	// version removed was a delete marker.
	DeleteMarker bool
}

// DeleteObject deletes bucket/key. With version "" it removes the object
// (unversioned bucket) or adds a delete marker (versioned bucket); with a
// version selector it removes exactly that version. Deleting something
// absent succeeds.
func (s *Store) DeleteObject(ctx context.Context, bucket, key, version string) (DeleteResult, error) {
	out := s.DeleteObjects(ctx, bucket, []DeleteItem{{Key: key, Version: version}})
	return out[0].DeleteResult, out[0].Err
}

// DeleteItem names one object (and optionally one version) to delete.
type DeleteItem struct {
	Key, Version string
	// Check, if set, judges the version the delete acts on, under the key's
	// lock: the current version (unversioned bucket), the newest version,
	// which may be a delete marker (versioned bucket), or the version
	// named. It is not called when there is nothing to delete, which
	// succeeds. An error fails the item and deletes nothing.
	Check func(o *Object) error
}

// DeleteOutcome is what happened to one DeleteItem.
type DeleteOutcome struct {
	DeleteResult
	Err error
}

// maxDeleteGroup bounds how many keys one commit of DeleteObjects covers.
const maxDeleteGroup = 1000

// DeleteObjects deletes several objects of one bucket, each as DeleteObject
// would, returning one outcome per item in order. Items are grouped into as
// few atomic commits as possible (a group holds each key once, so a key
// named twice is deleted in two steps, in order): a multi-object delete of
// a thousand keys costs one synced commit, not a thousand.
func (s *Store) DeleteObjects(ctx context.Context, bucket string, items []DeleteItem) []DeleteOutcome {
	out := make([]DeleteOutcome, len(items))
	if _, err := s.state(bucket); err != nil {
		for i := range out {
			out[i].Err = err
		}
		return out
	}
	for start := 0; start < len(items); {
		// A group: consecutive items with distinct keys.
		seen := map[string]bool{}
		end := start
		for end < len(items) && len(seen) < maxDeleteGroup && !seen[items[end].Key] {
			seen[items[end].Key] = true
			end++
		}
		s.deleteGroup(ctx, bucket, items[start:end], out[start:end])
		start = end
	}
	return out
}

// deleteGroup deletes items (distinct keys) in one commit, holding every
// key's lock.
//
// Lock order, as everywhere: key locks first, then the bucket's live lock
// (writeTo). Taking them the other way round deadlocks against a writer
// that holds a key lock while a bucket update waits for the live lock.
func (s *Store) deleteGroup(ctx context.Context, bucket string, items []DeleteItem, out []DeleteOutcome) {
	var stripes []int
	for _, it := range items {
		if CheckKey(it.Key) == nil {
			stripes = append(stripes, s.stripe(bucket, it.Key))
		}
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	for _, i := range stripes {
		s.keyLocks[i].Lock()
	}
	defer func() {
		for _, i := range stripes {
			s.keyLocks[i].Unlock()
		}
	}()
	b, release, err := s.writeTo(bucket)
	if err != nil {
		for i := range out {
			out[i].Err = err
		}
		return
	}
	defer release()
	batch := s.meta.NewBatch()
	var freed []string
	for i, it := range items {
		if err := CheckKey(it.Key); err != nil {
			out[i].Err = err
			continue
		}
		res, f, err := s.planDelete(b, it.Key, it.Version, it.Check, batch)
		out[i].DeleteResult, out[i].Err = res, err
		freed = append(freed, f...)
	}
	if batch.Len() == 0 {
		batch.Discard()
		return
	}
	if err := s.meta.Commit(ctx, batch); err != nil {
		for i := range out {
			if out[i].Err == nil {
				out[i] = DeleteOutcome{Err: err}
			}
		}
		return
	}
	s.deleteBlobs(freed)
}

// stripe is the index of the key lock guarding bucket/key.
func (s *Store) stripe(bucket, key string) int {
	var h maphash.Hash
	h.SetSeed(s.lockSeed)
	h.WriteString(bucket)
	h.WriteByte(0)
	h.WriteString(key)
	return int(h.Sum64() % uint64(len(s.keyLocks)))
}

// planDelete adds the deletion of one key (or version) to batch, under the
// key's lock, and returns the blobs to remove once the batch commits. On
// error it has added nothing.
func (s *Store) planDelete(b *Bucket, key, version string, check func(*Object) error, batch engine.Batch) (DeleteResult, []string, error) {
	bucket := b.Name
	var res DeleteResult
	if version == "" && b.Versioning == VersioningOff {
		cur, err := s.getCurrent(bucket, key)
		if err != nil || cur == nil {
			return res, nil, err
		}
		if check != nil {
			if err := check(cur); err != nil {
				return res, nil, err
			}
		}
		freed := unstage(batch, cur.Extents)
		batch.Delete(objKey(bucket, key))
		batch.Delete(verKey(bucket, key, cur.Seq))
		return res, freed, nil
	}

	versions, err := s.versionsOf(bucket, key)
	if err != nil {
		return res, nil, err
	}
	if version == "" {
		// Versioned bucket: a delete marker becomes the newest version.
		if check != nil && len(versions) > 0 {
			if err := check(versions[0]); err != nil {
				return res, nil, err
			}
		}
		seq, err := s.nextSeq()
		if err != nil {
			return res, nil, err
		}
		marker := &Object{Bucket: bucket, Key: key, Seq: seq, DeleteMarker: true, Modified: s.now().UTC()}
		var freed []string
		if b.Versioning == VersioningEnabled {
			marker.VersionID = versionID(seq)
		} else {
			for _, v := range versions {
				if v.IsNull() {
					freed = unstage(batch, v.Extents)
					batch.Delete(verKey(bucket, key, v.Seq))
				}
			}
		}
		if len(versions) > 0 {
			marker.Owner = versions[0].Owner
		}
		batch.Delete(objKey(bucket, key))
		batch.Set(verKey(bucket, key, seq), encode(marker))
		return DeleteResult{VersionID: marker.VersionID, DeleteMarker: true}, freed, nil
	}

	// A specific version.
	idx := -1
	if version == NullVersion {
		for i, v := range versions {
			if v.IsNull() {
				idx = i
				break
			}
		}
	} else {
		seq, ok := parseVersionID(version)
		if !ok {
			return res, nil, ErrInvalidVersionID
		}
		for i, v := range versions {
			if v.Seq == seq && !v.IsNull() {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		res.VersionID = version
		if version == NullVersion {
			res.VersionID = ""
		}
		return res, nil, nil
	}
	victim := versions[idx]
	if check != nil {
		if err := check(victim); err != nil {
			return res, nil, err
		}
	}
	res = DeleteResult{VersionID: victim.VersionID, DeleteMarker: victim.DeleteMarker}
	freed := unstage(batch, victim.Extents)
	batch.Delete(verKey(bucket, key, victim.Seq))
	if idx == 0 {
		// The newest version goes: the next one, if any and not a marker,
		// becomes current.
		if len(versions) > 1 && !versions[1].DeleteMarker {
			batch.Set(objKey(bucket, key), encode(versions[1]))
		} else {
			batch.Delete(objKey(bucket, key))
		}
	}
	return res, freed, nil
}
