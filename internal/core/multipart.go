package core

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/checksum"
	"github.com/arcastore/arca/internal/engine"
)

// MaxParts is the largest part number.
const MaxParts = 10000

// CreateUploadInput describes a new multipart upload.
type CreateUploadInput struct {
	Bucket, Key  string
	Meta         Meta
	StorageClass string
	ACL          ACL
	Owner        string
	Tags         map[string]string
	Ext          map[string]string
	// SSE encrypts the parts and the object.
	SSE *SSERequest
}

// CreateUpload starts a multipart upload and returns it with its id.
func (s *Store) CreateUpload(ctx context.Context, in CreateUploadInput) (*Upload, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	seq, err := s.nextSeq()
	if err != nil {
		return nil, err
	}
	var r [12]byte
	_, _ = rand.Read(r[:])
	id := strconv.FormatUint(seq, 16) + hex.EncodeToString(r[:])
	enc, _, err := s.encryptionFor(in.SSE)
	if err != nil {
		return nil, err
	}
	u := &Upload{
		Bucket: in.Bucket, Key: in.Key, ID: id,
		Initiated: s.now().UTC(), Owner: in.Owner, Meta: in.Meta,
		StorageClass: in.StorageClass, ACL: in.ACL, Tags: in.Tags, Ext: in.Ext, SSE: enc,
	}
	_, release, err := s.writeTo(in.Bucket)
	if err != nil {
		return nil, err
	}
	defer release()
	b := s.meta.NewBatch()
	b.Set(uploadKey(in.Bucket, in.Key, id), encode(u))
	if err := s.meta.Commit(ctx, b); err != nil {
		return nil, err
	}
	return u, nil
}

// lockUpload serialises changes to one upload's parts. Its locks are apart
// from the key locks, which CompleteUpload takes while holding one.
func (s *Store) lockUpload(id string) func() {
	var h maphash.Hash
	h.SetSeed(s.lockSeed)
	h.WriteString(id)
	m := &s.uploadLocks[h.Sum64()%uint64(len(s.uploadLocks))]
	m.Lock()
	return m.Unlock
}

func validUploadID(id string) bool {
	if len(id) < 25 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Upload returns an in-progress upload.
func (s *Store) Upload(ctx context.Context, bucket, key, id string) (*Upload, error) {
	if _, err := s.state(bucket); err != nil {
		return nil, err
	}
	if !validUploadID(id) || CheckKey(key) != nil {
		return nil, ErrNoSuchUpload
	}
	v, err := s.meta.Get(uploadKey(bucket, key, id))
	if errors.Is(err, engine.ErrNotFound) {
		return nil, ErrNoSuchUpload
	}
	if err != nil {
		return nil, err
	}
	u := new(Upload)
	if err := json.Unmarshal(v, u); err != nil {
		return nil, fmt.Errorf("core: corrupt upload record: %w", err)
	}
	u.Bucket, u.Key, u.ID = bucket, key, id
	return u, nil
}

// UploadPart stores one part. Uploading a part number again replaces it.
func (s *Store) UploadPart(ctx context.Context, bucket, key, uploadID string, number int, body Body) (*Part, error) {
	return s.UploadPartKey(ctx, bucket, key, uploadID, number, body, nil)
}

// UploadPartKey is UploadPart with the SSE-C key of an SSE-C upload.
func (s *Store) UploadPartKey(ctx context.Context, bucket, key, uploadID string, number int, body Body, customerKey []byte) (*Part, error) {
	return s.UploadPartWith(ctx, PartInput{Bucket: bucket, Key: key, UploadID: uploadID, Number: number, Body: body, CustomerKey: customerKey})
}

// PartInput describes one part of a multipart upload.
type PartInput struct {
	Bucket, Key, UploadID string
	Number                int
	Body                  Body
	// CustomerKey is the SSE-C key of an SSE-C upload.
	CustomerKey []byte
	// Ext is stored with the part (Part.Ext). It is read only after Body
	// has been read to its end, as PutInput.Ext is.
	Ext map[string]string
}

// UploadPartWith is UploadPart with everything PartInput can say.
func (s *Store) UploadPartWith(ctx context.Context, in PartInput) (*Part, error) {
	bucket, key, uploadID, number := in.Bucket, in.Key, in.UploadID, in.Number
	if number < 1 || number > MaxParts {
		return nil, ErrInvalidPartNum
	}
	u, err := s.Upload(ctx, bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	cr, err := s.cryptorOf(u.SSE, in.CustomerKey)
	if err != nil {
		return nil, err
	}
	w, err := s.writeData(ctx, in.Body, writeOpts{enc: cr})
	if err != nil {
		return nil, err
	}
	p := &Part{
		Number: number, Size: w.sums.Size, ETag: hex.EncodeToString(w.sums.MD5[:]),
		CRC64: w.sums.CRC64, Modified: s.now().UTC(), Blob: w.extent.ID, IV: w.extent.IV,
		Ext: in.Ext,
	}
	if len(p.Ext) == 0 {
		p.Ext = nil
	}
	err = s.withUpload(ctx, bucket, key, uploadID, func(b engine.Batch) ([]string, error) {
		var freed []string
		if v, err := s.meta.Get(partKey(uploadID, number)); err == nil {
			var old Part
			if json.Unmarshal(v, &old) == nil && old.Blob != "" {
				b.Delete(refKey(old.Blob))
				freed = append(freed, old.Blob)
			}
		} else if !errors.Is(err, engine.ErrNotFound) {
			return nil, err
		}
		b.Set(refKey(p.Blob), []byte(uploadID))
		b.Set(partKey(uploadID, number), encode(p))
		return freed, nil
	})
	if err != nil {
		s.discard(w)
		return nil, err
	}
	return p, nil
}

// withUpload runs fn under the upload's lock, after checking the upload still
// exists, and commits its batch; blobs fn returns are deleted afterwards.
func (s *Store) withUpload(ctx context.Context, bucket, key, uploadID string, fn func(b engine.Batch) ([]string, error)) error {
	unlock := s.lockUpload(uploadID)
	defer unlock()
	_, release, err := s.writeTo(bucket)
	if err != nil {
		return err
	}
	defer release()
	if _, err := s.meta.Get(uploadKey(bucket, key, uploadID)); errors.Is(err, engine.ErrNotFound) {
		return ErrNoSuchUpload
	} else if err != nil {
		return err
	}
	b := s.meta.NewBatch()
	freed, err := fn(b)
	if err != nil {
		b.Discard()
		return err
	}
	if err := s.meta.Commit(ctx, b); err != nil {
		return err
	}
	s.deleteBlobs(freed)
	return nil
}

// PartListResult is a page of parts.
type PartListResult struct {
	Parts                []*Part
	IsTruncated          bool
	NextPartNumberMarker int
}

// ListParts lists an upload's parts after marker, at most max (default 1000).
func (s *Store) ListParts(ctx context.Context, bucket, key, uploadID string, marker, max int) (*Upload, *PartListResult, error) {
	u, err := s.Upload(ctx, bucket, key, uploadID)
	if err != nil {
		return nil, nil, err
	}
	if max <= 0 || max > 1000 {
		max = 1000
	}
	parts, err := s.parts(uploadID, marker, max+1)
	if err != nil {
		return nil, nil, err
	}
	res := &PartListResult{Parts: parts}
	if len(parts) > max {
		res.Parts = parts[:max]
		res.IsTruncated = true
		res.NextPartNumberMarker = parts[max-1].Number
	}
	return u, res, nil
}

func (s *Store) parts(uploadID string, after, limit int) ([]*Part, error) {
	p := partPrefix(uploadID)
	start := binary.BigEndian.AppendUint32(append([]byte(nil), p...), uint32(after+1))
	it, err := s.meta.NewIter(start, prefixEnd(p))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*Part
	for ok := it.First(); ok && (limit <= 0 || len(out) < limit); ok = it.Next() {
		part := new(Part)
		if err := json.Unmarshal(it.Value(), part); err != nil {
			return nil, fmt.Errorf("core: corrupt part record: %w", err)
		}
		out = append(out, part)
	}
	return out, it.Error()
}

// CompletePart is a part as the client lists it in a complete request.
type CompletePart struct {
	Number int
	ETag   string // quotes are ignored
}

// CompleteInput completes a multipart upload.
type CompleteInput struct {
	Bucket, Key, UploadID string
	Parts                 []CompletePart
	// MinPartSize is the smallest size of every part but the last.
	MinPartSize int64
	// ForbidOverwrite and Check as in PutInput.
	ForbidOverwrite bool
	Check           func(cur *Object) error
	// ACL, if set, replaces the ACL the upload was created with.
	ACL *ACL
	// Ext entries are added to (or replace those of) the upload's Ext in
	// the object's record.
	Ext map[string]string
	// SHA1 asks for the object's SHA-1 (kept in Ext["sha1"], see
	// ContentSHA1): the parts are read once, in order, before the object is
	// published. WantSHA1, if set, is the SHA-1 the client declared: a
	// different one fails the completion with ErrBadDigest and leaves the
	// upload as it was.
	SHA1     bool
	WantSHA1 []byte
}

// CompleteUpload assembles the listed parts into an object without copying
// their data: the object's extents are the parts' blobs. Parts uploaded but
// not listed are deleted. The ETag is MD5(concat of part MD5s)-N.
func (s *Store) CompleteUpload(ctx context.Context, in CompleteInput) (*Object, error) {
	if len(in.Parts) == 0 {
		return nil, detail(ErrInvalidPart, "no parts given")
	}
	for i, p := range in.Parts {
		if p.Number < 1 || p.Number > MaxParts {
			return nil, ErrInvalidPart
		}
		if i > 0 && p.Number <= in.Parts[i-1].Number {
			return nil, ErrInvalidPartOrder
		}
	}
	unlockUpload := s.lockUpload(in.UploadID)
	defer unlockUpload()
	u, err := s.Upload(ctx, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		return nil, err
	}
	all, err := s.parts(in.UploadID, 0, 0)
	if err != nil {
		return nil, err
	}
	byNum := make(map[int]*Part, len(all))
	for _, p := range all {
		byNum[p.Number] = p
	}
	obj := &Object{
		Meta: u.Meta, StorageClass: u.StorageClass, Owner: u.Owner, ACL: u.ACL,
		Tags: u.Tags, Ext: u.Ext, Parts: len(in.Parts), SSE: u.SSE,
	}
	if in.ACL != nil {
		obj.ACL = *in.ACL
	}
	if len(in.Ext) > 0 {
		ext := make(map[string]string, len(u.Ext)+len(in.Ext))
		for k, v := range u.Ext {
			ext[k] = v
		}
		for k, v := range in.Ext {
			ext[k] = v
		}
		obj.Ext = ext
	}
	used := make(map[int]bool, len(in.Parts))
	md5s := make([]byte, 0, 16*len(in.Parts))
	for i, cp := range in.Parts {
		p := byNum[cp.Number]
		if p == nil || !sameETag(p.ETag, cp.ETag) {
			return nil, detail(ErrInvalidPart, "part %d", cp.Number)
		}
		if i < len(in.Parts)-1 && p.Size < in.MinPartSize {
			return nil, detail(ErrEntityTooSmall, "part %d is %d bytes", p.Number, p.Size)
		}
		raw, _ := hex.DecodeString(p.ETag)
		md5s = append(md5s, raw...)
		obj.Extents = append(obj.Extents, Extent{ID: p.Blob, Size: p.Size, ETag: p.ETag, CRC64: p.CRC64, IV: p.IV})
		if i == 0 {
			obj.CRC64 = p.CRC64
		} else {
			obj.CRC64 = checksum.CRC64Combine(obj.CRC64, p.CRC64, p.Size)
		}
		obj.Size += p.Size
		used[p.Number] = true
	}
	sum := md5.Sum(md5s)
	obj.ETag = hex.EncodeToString(sum[:]) + "-" + strconv.Itoa(len(in.Parts))
	if in.SHA1 || in.WantSHA1 != nil {
		if err := s.digestSHA1(obj, in.WantSHA1); err != nil {
			return nil, err
		}
	}

	// The parts' blobs become the object's: their R/ keys stay. The upload's
	// records go in the same batch as the new version.
	var unused []string
	out, err := s.publishWith(ctx, in.Bucket, in.Key, func(cur *Object, _ *Bucket) (*Object, error) {
		if in.ForbidOverwrite && cur != nil {
			return nil, ErrObjectExists
		}
		if in.Check != nil {
			if err := in.Check(cur); err != nil {
				return nil, err
			}
		}
		return obj, nil
	}, func(b engine.Batch) {
		b.Delete(uploadKey(in.Bucket, in.Key, in.UploadID))
		for _, p := range all {
			b.Delete(partKey(in.UploadID, p.Number))
			if !used[p.Number] {
				b.Delete(refKey(p.Blob))
				unused = append(unused, p.Blob)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(unused)
	return out, nil
}

func sameETag(a, b string) bool {
	return strings.Trim(a, `"`) == strings.Trim(b, `"`)
}

// AbortUpload deletes an upload and its parts.
func (s *Store) AbortUpload(ctx context.Context, bucket, key, uploadID string) error {
	if _, err := s.Upload(ctx, bucket, key, uploadID); err != nil {
		return err
	}
	return s.withUpload(ctx, bucket, key, uploadID, func(b engine.Batch) ([]string, error) {
		all, err := s.parts(uploadID, 0, 0)
		if err != nil {
			return nil, err
		}
		var freed []string
		for _, p := range all {
			b.Delete(partKey(uploadID, p.Number))
			b.Delete(refKey(p.Blob))
			freed = append(freed, p.Blob)
		}
		b.Delete(uploadKey(bucket, key, uploadID))
		return freed, nil
	})
}

// UploadListOptions select a page of in-progress uploads.
type UploadListOptions struct {
	Prefix, Delimiter string
	KeyMarker         string
	UploadIDMarker    string
	MaxUploads        int
}

// UploadListResult is a page of uploads.
type UploadListResult struct {
	Uploads            []*Upload
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// ListUploads lists in-progress uploads by key, then by initiation.
func (s *Store) ListUploads(ctx context.Context, bucket string, o UploadListOptions) (*UploadListResult, error) {
	if _, err := s.state(bucket); err != nil {
		return nil, err
	}
	if o.MaxUploads <= 0 || o.MaxUploads > 1000 {
		o.MaxUploads = 1000
	}
	res := &UploadListResult{}
	n := 0
	var last *Upload
	var lastCP string
	base := uploadBucketPrefix(bucket)
	add := func(u *Upload) bool {
		if n == o.MaxUploads {
			res.IsTruncated = true
			return false
		}
		res.Uploads = append(res.Uploads, u)
		last, lastCP = u, ""
		n++
		return true
	}
	if o.KeyMarker != "" && o.UploadIDMarker != "" && strings.HasPrefix(o.KeyMarker, o.Prefix) {
		ups, err := s.uploadsOf(bucket, o.KeyMarker)
		if err != nil {
			return nil, err
		}
		for _, u := range ups {
			if u.ID > o.UploadIDMarker && !add(u) {
				break
			}
		}
	}
	if !res.IsTruncated {
		err := s.walk(base, o.Prefix, o.Delimiter, o.KeyMarker, o.MaxUploads-n+1, func(key string, cp bool, _ []byte) error {
			if cp {
				if n == o.MaxUploads {
					res.IsTruncated = true
					return errPageFull
				}
				res.CommonPrefixes = append(res.CommonPrefixes, key)
				last, lastCP = nil, key
				n++
				return nil
			}
			ups, err := s.uploadsOf(bucket, key)
			if err != nil {
				return err
			}
			for _, u := range ups {
				if !add(u) {
					return errPageFull
				}
			}
			return nil
		}, &res.IsTruncated)
		if err != nil && err != errPageFull {
			return nil, err
		}
	}
	if res.IsTruncated {
		if last != nil {
			res.NextKeyMarker, res.NextUploadIDMarker = last.Key, last.ID
		} else {
			res.NextKeyMarker = lastCP
		}
	}
	return res, nil
}

func (s *Store) uploadsOf(bucket, key string) ([]*Upload, error) {
	p := uploadKey(bucket, key, "")
	it, err := s.meta.NewIter(p, prefixEnd(p))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*Upload
	for ok := it.First(); ok; ok = it.Next() {
		u := new(Upload)
		if err := json.Unmarshal(it.Value(), u); err != nil {
			return nil, fmt.Errorf("core: corrupt upload record: %w", err)
		}
		u.Bucket, u.Key, u.ID = bucket, key, string(it.Key()[len(p):])
		out = append(out, u)
	}
	return out, it.Error()
}
